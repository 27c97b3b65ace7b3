import { useState } from 'react';
import type { Address } from '@solana/kit';

import { useChain } from '../chain/store';
import {
    instantUnstakeInstructions,
    newTicketNonce,
    orderUnstakeInstructions,
    STAKE_ACCOUNT_SPACE,
    unstakeInstructions,
    withdrawStakeInstructions,
} from '../chain/protocol';
import { quoteMessage, UserFacingError } from '../chain/errors';
import { VALIDATOR_FLAG_MAIN_DEACTIVATED } from '../chain/risk';
import { Card, PoolNotices, Row, useRent, useSecondsToNextEpoch } from '../components/common';
import { FlowStatus, requireLst, requireReady, requireSol, txFee, useFlow } from '../components/flow';
import { useValidators } from '../components/validators';
import { getTicketSize } from '../generated';
import { IDL_CONSTANTS } from '../generated/idlExtras';
import { bps, duration, formatAmount, lst, parseAmount, shortAddress, sol } from '../format';
import {
    checkInstantUnstake,
    checkOrderUnstake,
    checkUnstake,
    checkWithdrawStake,
    feesAt,
    instantCurvePosition,
    instantFeeBps,
    QuoteError,
    reserveLiquidLamports,
    withSlippage,
    type ExitQuote,
    type InstantQuote,
    type UnstakeQuote,
} from '../math';
import { FeeCurve } from '../components/FeeCurve';

type Route = 'instant' | 'delayed' | 'stake' | 'unstake';

const ROUTES: { id: Route; title: string; blurb: string }[] = [
    { id: 'instant', title: 'Instant', blurb: 'SOL now from the reserve’s buffer; the fee rises as the buffer empties' },
    { id: 'delayed', title: 'Delayed (ticket)', blurb: 'SOL from the next epoch, for the small delayed-exit fee' },
    { id: 'stake', title: 'As a stake account', blurb: 'An active stake account of yours now, split off a validator' },
    { id: 'unstake', title: 'One call', blurb: 'Instant while the fee stays under your maximum, the rest as a ticket' },
];

export function UnstakePage() {
    const c = useChain();
    const [text, setText] = useState('');
    const [route, setRoute] = useState<Route>('instant');
    const [maxFeeText, setMaxFeeText] = useState('0.30');
    const [validatorIndex, setValidatorIndex] = useState<number | null>(null);
    const flow = useFlow();
    const ticketRent = useRent(getTicketSize());
    const stakeRent = useRent(STAKE_ACCOUNT_SPACE);
    const toNext = useSecondsToNextEpoch();
    const { validators } = useValidators(route === 'stake');
    const amount = parseAmount(text);
    const maxFeeBps = Math.round(Number(maxFeeText) * 100);
    const maxFeeValid = Number.isFinite(maxFeeBps) && maxFeeBps >= 0 && maxFeeBps <= 10_000 && maxFeeText.trim() !== '';

    const ready = c.pool && c.epoch !== null && c.reserveLamports !== null && amount !== null && amount > 0n;
    let instant: InstantQuote | null = null;
    let delayed: ExitQuote | null = null;
    let stake: ExitQuote | null = null;
    let oneCall: UnstakeQuote | null = null;
    let quoteError: string | null = null;
    if (ready) {
        try {
            if (route === 'instant') instant = checkInstantUnstake(c.pool!, amount!, c.reserveLamports!, c.epoch!);
            if (route === 'delayed') delayed = checkOrderUnstake(c.pool!, amount!, c.epoch!);
            if (route === 'stake') stake = checkWithdrawStake(c.pool!, amount!, c.epoch!);
            if (route === 'unstake' && maxFeeValid) oneCall = checkUnstake(c.pool!, amount!, maxFeeBps, c.reserveLamports!, c.epoch!);
        } catch (e) {
            quoteError = e instanceof QuoteError ? quoteMessage(e) : (e as Error).message;
        }
    }
    const claimEpoch = c.epoch !== null ? c.epoch + IDL_CONSTANTS.TICKET_DELAY_EPOCHS : null;
    const activeValidators = (validators ?? [])
        .map((v, index) => ({ v, index }))
        // Not one whose main stake the pool deactivated (for tickets, or as ineligible): it is not
        // active, so withdraw_stake would refuse it (StakeNotActive).
        .filter(({ v }) => v.status === 0 && !(v.flags & VALIDATOR_FLAG_MAIN_DEACTIVATED) && v.activeStakeLamports > IDL_CONSTANTS.MIN_STAKE_DELEGATION_LAMPORTS);
    const chosen = activeValidators.find((x) => x.index === validatorIndex) ?? activeValidators.sort((a, b) => Number(b.v.activeStakeLamports - a.v.activeStakeLamports))[0];
    const fees = c.pool && c.epoch !== null ? feesAt(c.pool, c.epoch) : null;
    const position = c.pool && c.reserveLamports !== null ? instantCurvePosition(c.pool, c.reserveLamports) : null;

    const submit = () =>
        flow.run(async () => {
            requireReady(c);
            if (amount === null) throw new UserFacingError('amount', 'Enter an amount of LST.');
            const owner = c.account.address as Address;
            const pool = c.pool!;
            const epoch = c.epoch!;
            const reserve = c.reserveLamports ?? 0n;
            const slip = (x: bigint) => withSlippage(x, c.settings.slippageBps);
            switch (route) {
                case 'instant': {
                    const q = checkInstantUnstake(pool, amount, reserve, epoch);
                    requireLst(c, amount);
                    requireSol(c, txFee(), 'the network fee');
                    return {
                        instructions: await instantUnstakeInstructions(c.keys!, owner, amount, slip(q.lamportsOut)),
                        done: () => `Unstaked ${formatAmount(amount)} LST for ${formatAmount(q.lamportsOut)} SOL (quoted), paid now.`,
                    };
                }
                case 'delayed': {
                    const q = checkOrderUnstake(pool, amount, epoch);
                    requireLst(c, amount);
                    requireSol(c, txFee() + (ticketRent ?? 0n), 'the ticket’s rent (returned at claim) and the network fee');
                    return {
                        instructions: await orderUnstakeInstructions(c.keys!, owner, amount, slip(q.lamportsOut), newTicketNonce()),
                        done: () => {
                            c.refreshTickets();
                            return `Ticket opened: ${formatAmount(q.lamportsOut)} SOL claimable from epoch ${epoch + IDL_CONSTANTS.TICKET_DELAY_EPOCHS}.`;
                        },
                    };
                }
                case 'stake': {
                    const q = checkWithdrawStake(pool, amount, epoch);
                    if (!chosen) throw new UserFacingError('no-validator', 'No validator has active stake to split from.');
                    if (chosen.v.activeStakeLamports - q.lamportsOut < IDL_CONSTANTS.MIN_STAKE_DELEGATION_LAMPORTS) {
                        throw new QuoteError('StakeWithdrawalTooLarge');
                    }
                    requireLst(c, amount);
                    requireSol(c, txFee(2) + (stakeRent ?? 0n), 'the new stake account’s rent and the network fee');
                    const { instructions, newStake } = await withdrawStakeInstructions(
                        c.keys!,
                        owner,
                        chosen.index,
                        chosen.v.voteAccount,
                        amount,
                        slip(q.lamportsOut),
                        stakeRent ?? 0n,
                    );
                    return {
                        instructions,
                        extraSigners: [newStake],
                        done: () => `Withdrew ${formatAmount(q.lamportsOut)} SOL of active stake into ${newStake.address} (quoted).`,
                    };
                }
                case 'unstake': {
                    if (!maxFeeValid) throw new UserFacingError('max-fee', 'Enter the highest instant fee you accept, in percent.');
                    const q = checkUnstake(pool, amount, maxFeeBps, reserve, epoch);
                    requireLst(c, amount);
                    requireSol(c, txFee() + (q.ticketLst > 0n ? (ticketRent ?? 0n) : 0n), 'the ticket’s rent and the network fee');
                    return {
                        instructions: await unstakeInstructions(
                            c.keys!,
                            owner,
                            amount,
                            maxFeeBps,
                            slip(q.totalLamportsOut),
                            slip(q.instantLamportsOut),
                            newTicketNonce(),
                        ),
                        done: () => {
                            c.refreshTickets();
                            return `Unstaked: ${formatAmount(q.instant?.lamportsOut ?? 0n)} SOL now, ${formatAmount(q.ticket?.lamportsOut ?? 0n)} SOL as a ticket (quoted).`;
                        },
                    };
                }
            }
        });

    return (
        <div className="page">
            <Card title="Unstake">
                <PoolNotices flow="exit" />
                <label className="field">
                    <span>Amount</span>
                    <div className="input-row">
                        <input
                            data-testid="unstake-amount"
                            inputMode="decimal"
                            placeholder="0.0"
                            value={text}
                            onChange={(e) => {
                                setText(e.target.value);
                                flow.reset();
                            }}
                        />
                        <span className="unit">LST</span>
                        <button className="link" onClick={() => c.lstBalance !== null && setText(formatAmount(c.lstBalance, { trim: true }).replace(/,/g, ''))}>
                            max
                        </button>
                    </div>
                </label>
                <div className="small">Wallet: {lst(c.lstBalance)}</div>
                <div className="routes" role="radiogroup" aria-label="Route">
                    {ROUTES.map((r) => (
                        <label key={r.id} className={`route ${route === r.id ? 'selected' : ''}`} data-testid={`route-${r.id}`}>
                            <input
                                type="radio"
                                name="route"
                                checked={route === r.id}
                                onChange={() => {
                                    setRoute(r.id);
                                    flow.reset();
                                }}
                            />
                            <span className="route-title">{r.title}</span>
                            <span className="small">{r.blurb}</span>
                        </label>
                    ))}
                </div>
                {text && amount === null && <div className="notice warn">Not an amount (up to 9 decimals).</div>}
                {quoteError && (
                    <div className="notice warn" data-testid="quote-error">
                        {quoteError}
                    </div>
                )}

                {route === 'instant' && (
                    <div className="quote">
                        <Row label="Value at the rate">{instant ? sol(instant.valueLamports) : '—'}</Row>
                        <Row label="Fee (average over the curve)" testId="instant-fee">
                            {instant ? `${sol(instant.feeLamports)} (${bps(instant.feeBps)})` : '—'}
                        </Row>
                        <Row label="of which to the treasury">{instant ? sol(instant.treasuryFeeLamports) : '—'}</Row>
                        <Row label="You receive now" testId="instant-out">
                            {instant ? sol(instant.lamportsOut) : '—'}
                        </Row>
                        <Row label="Buffer available">{c.pool && c.reserveLamports !== null ? sol(reserveLiquidLamports(c.pool, c.reserveLamports)) : '—'}</Row>
                        {fees && position !== null && c.pool && (
                            <FeeCurve
                                position={position}
                                target={c.pool.instantCurveTargetLamports}
                                minBps={fees.instantUnstakeMinBps}
                                maxBps={fees.instantUnstakeMaxBps}
                                take={instant?.valueLamports ?? 0n}
                            />
                        )}
                    </div>
                )}
                {route === 'delayed' && (
                    <div className="quote">
                        <Row label="Value at the rate">{delayed ? sol(delayed.valueLamports) : '—'}</Row>
                        <Row label={`Delayed-exit fee (${fees ? bps(fees.delayedUnstakeBps) : '—'})`} testId="delayed-fee">
                            {delayed ? sol(delayed.feeLamports) : '—'}
                        </Row>
                        <Row label="Ticket pays" testId="delayed-out">
                            {delayed ? sol(delayed.lamportsOut) : '—'}
                        </Row>
                        <Row label="Claimable from epoch" testId="delayed-claim-epoch">
                            {claimEpoch !== null ? String(claimEpoch) : '—'}
                        </Row>
                        <Row label="Estimated wait">
                            {toNext !== null ? `about ${duration(toNext)} (the next epoch boundary, once the crank has brought the stake back)` : '—'}
                        </Row>
                        <Row label="Ticket rent (returned when you claim)">{sol(ticketRent)}</Row>
                    </div>
                )}
                {route === 'stake' && (
                    <div className="quote">
                        <label className="field">
                            <span>Validator</span>
                            <select
                                data-testid="stake-validator"
                                value={chosen?.index ?? ''}
                                onChange={(e) => setValidatorIndex(Number(e.target.value))}
                            >
                                {activeValidators.map(({ v, index }) => (
                                    <option key={index} value={index}>
                                        {shortAddress(v.voteAccount)} — {formatAmount(v.activeStakeLamports)} SOL active
                                    </option>
                                ))}
                            </select>
                        </label>
                        <Row label={`Stake-withdrawal fee (${fees ? bps(fees.stakeWithdrawalBps) : '—'})`}>{stake ? sol(stake.feeLamports) : '—'}</Row>
                        <Row label="Stake account receives (active now)" testId="stake-out">
                            {stake ? sol(stake.lamportsOut) : '—'}
                        </Row>
                        <Row label="New stake account rent (yours)">{sol(stakeRent)}</Row>
                        <div className="small">At least 1 SOL after the fee; the validator keeps at least 1 SOL delegated.</div>
                    </div>
                )}
                {route === 'unstake' && (
                    <div className="quote">
                        <label className="field">
                            <span>Highest instant fee accepted</span>
                            <div className="input-row">
                                <input data-testid="max-fee" inputMode="decimal" value={maxFeeText} onChange={(e) => setMaxFeeText(e.target.value)} />
                                <span className="unit">%</span>
                            </div>
                        </label>
                        <Row label="Instant part" testId="onecall-instant">
                            {oneCall ? `${lst(oneCall.instantLst)} → ${sol(oneCall.instant?.lamportsOut ?? 0n)} now` : '—'}
                        </Row>
                        <Row label="Ticket part" testId="onecall-ticket">
                            {oneCall ? `${lst(oneCall.ticketLst)} → ${sol(oneCall.ticket?.lamportsOut ?? 0n)} from epoch ${claimEpoch}` : '—'}
                        </Row>
                        <Row label="Total" testId="onecall-total">
                            {oneCall ? sol(oneCall.totalLamportsOut) : '—'}
                        </Row>
                        <Row label={`Least accepted now (slippage ${bps(c.settings.slippageBps)})`} testId="onecall-min-instant">
                            {oneCall ? sol(withSlippage(oneCall.instantLamportsOut, c.settings.slippageBps)) : '—'}
                        </Row>
                        <Row label="Least accepted in total" testId="onecall-min-total">
                            {oneCall ? sol(withSlippage(oneCall.totalLamportsOut, c.settings.slippageBps)) : '—'}
                        </Row>
                        <div className="small">
                            Should the buffer pay less now than this least amount when the transaction runs (drained, or instant
                            exits paused since the quote), the exit is refused and nothing moves: the instant part never silently
                            becomes a ticket.
                        </div>
                        {fees && position !== null && (
                            <div className="small">
                                Instant fee now: {bps(instantFeeBps(position, c.pool!.instantCurveTargetLamports, fees.instantUnstakeMinBps, fees.instantUnstakeMaxBps))}
                                ; the curve runs from {bps(fees.instantUnstakeMinBps)} (full buffer) to {bps(fees.instantUnstakeMaxBps)} (empty).
                            </div>
                        )}
                    </div>
                )}
                <button className="primary" data-testid="unstake-submit" disabled={flow.state.phase === 'busy' || !text} onClick={submit}>
                    {route === 'delayed' ? 'Open ticket' : route === 'stake' ? 'Withdraw stake' : 'Unstake'}
                </button>
                <FlowStatus state={flow.state} />
            </Card>
        </div>
    );
}
