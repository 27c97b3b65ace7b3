import type { Address } from '@solana/kit';

import { claimTicketInstructions } from '../chain/protocol';
import { UserFacingError } from '../chain/errors';
import { useChain, type TicketView } from '../chain/store';
import { Card, Empty, useSecondsToNextEpoch } from '../components/common';
import { FlowStatus, requireReady, requireSol, txFee, useFlow } from '../components/flow';
import { duration, formatAmount, lst, shortAddress, sol } from '../format';
import { reserveFreeLamports, ticketClaimable } from '../math';

export function TicketsPage() {
    const c = useChain();
    const flow = useFlow();
    const toNext = useSecondsToNextEpoch();

    const status = (t: TicketView) => {
        if (!c.pool || c.epoch === null || c.reserveLamports === null) return { claimable: false, text: '…' };
        if (ticketClaimable(c.pool, t.ticket, c.reserveLamports, c.epoch)) return { claimable: true, text: 'Claimable now' };
        if (c.epoch < t.ticket.claimableEpoch) {
            const epochs = Number(t.ticket.claimableEpoch - c.epoch);
            const secs = (toNext ?? 0) + (epochs - 1) * Number(c.epochSlots ?? 0n) * c.slotSeconds;
            return { claimable: false, text: `From epoch ${t.ticket.claimableEpoch} (about ${duration(secs)})` };
        }
        return {
            claimable: false,
            text: `Waiting for the stake to come back to the reserve (it holds ${sol(reserveFreeLamports(c.pool, c.reserveLamports))}); normally by the next epoch`,
        };
    };

    const claim = (t: TicketView) =>
        flow.run(async () => {
            requireReady(c);
            const s = status(t);
            if (!s.claimable) throw new UserFacingError('not-claimable', `This ticket is not claimable yet: ${s.text}. Nothing was sent.`);
            requireSol(c, txFee(), 'the network fee');
            return {
                instructions: claimTicketInstructions(c.keys!, c.account.address as Address, t.address),
                done: () => {
                    c.refreshTickets();
                    return `Claimed ${formatAmount(t.ticket.lamports)} SOL (plus the ticket’s rent).`;
                },
            };
        });

    return (
        <div className="page">
            <Card title="My tickets">
                {!c.account && <Empty>Connect a wallet to see its tickets.</Empty>}
                {c.account && c.tickets.length === 0 && <Empty>No open tickets. Delayed exits open one.</Empty>}
                {c.tickets.length > 0 && (
                    <div className="table-wrap">
                        <table className="table cards" data-testid="tickets">
                            <thead>
                                <tr>
                                    <th>Ticket</th>
                                    <th>SOL owed</th>
                                    <th>LST burned</th>
                                    <th>Opened</th>
                                    <th>Status</th>
                                    <th />
                                </tr>
                            </thead>
                            <tbody>
                                {c.tickets.map((t) => {
                                    const s = status(t);
                                    return (
                                        <tr key={t.address} data-testid="ticket-row" data-ticket={t.address} data-claimable={s.claimable ? 'yes' : 'no'}>
                                            <td data-label="Ticket" className="mono" title={t.address}>
                                                {shortAddress(t.address)}
                                            </td>
                                            <td data-label="SOL owed" data-testid="ticket-lamports">{sol(t.ticket.lamports)}</td>
                                            <td data-label="LST burned">{lst(t.ticket.lstBurned)}</td>
                                            <td data-label="Opened">epoch {String(t.ticket.createdEpoch)}</td>
                                            <td data-label="Status" className="wrap">{s.text}</td>
                                            <td>
                                                <button data-testid="ticket-claim" disabled={flow.state.phase === 'busy'} onClick={() => claim(t)}>
                                                    Claim
                                                </button>
                                            </td>
                                        </tr>
                                    );
                                })}
                            </tbody>
                        </table>
                    </div>
                )}
                <FlowStatus state={flow.state} />
            </Card>
        </div>
    );
}
