import { useState } from 'react';
import { getTokenSize } from '@solana-program/token';

import { useChain } from '../chain/store';
import { depositSolInstructions } from '../chain/protocol';
import { quoteMessage, UserFacingError } from '../chain/errors';
import { Card, PoolNotices, Row, useRent } from '../components/common';
import { FlowStatus, requireReady, requireSol, txFee, useFlow } from '../components/flow';
import { bps, formatAmount, lst, parseAmount, rateText, sol } from '../format';
import { checkDepositSol, feesAt, QuoteError, withSlippage, type DepositQuote } from '../math';

export function StakePage() {
    const c = useChain();
    const [text, setText] = useState('');
    const flow = useFlow();
    const ataRent = useRent(getTokenSize());
    const lamports = parseAmount(text);

    let quote: DepositQuote | null = null;
    let quoteError: string | null = null;
    if (c.pool && c.epoch !== null && c.epochSlots !== null && lamports !== null && lamports > 0n) {
        try {
            quote = checkDepositSol(c.pool, lamports, c.epoch, c.epochSlots);
        } catch (e) {
            quoteError = e instanceof QuoteError ? quoteMessage(e) : (e as Error).message;
        }
    }
    const minOut = quote ? withSlippage(quote.lstOut, c.settings.slippageBps) : null;
    const needed = lamports !== null ? lamports + txFee() + (c.lstAccountExists ? 0n : (ataRent ?? 0n)) : null;

    const submit = () =>
        flow.run(async () => {
            requireReady(c);
            if (lamports === null) throw new UserFacingError('amount', 'Enter an amount of SOL.');
            const q = checkDepositSol(c.pool!, lamports, c.epoch!, c.epochSlots!);
            requireSol(c, lamports + txFee() + (c.lstAccountExists ? 0n : (ataRent ?? 0n)), 'this deposit');
            const min = withSlippage(q.lstOut, c.settings.slippageBps);
            const instructions = await depositSolInstructions(c.keys!, c.account.address as never, lamports, min, !c.lstAccountExists);
            return {
                instructions,
                done: () => `Staked ${formatAmount(lamports)} SOL for ${formatAmount(q.lstOut)} LST (quoted).`,
            };
        });

    return (
        <div className="page">
            <Card title="Stake SOL">
                <PoolNotices flow="deposit" />
                <label className="field">
                    <span>Amount</span>
                    <div className="input-row">
                        <input
                            data-testid="stake-amount"
                            inputMode="decimal"
                            placeholder="0.0"
                            value={text}
                            onChange={(e) => {
                                setText(e.target.value);
                                flow.reset();
                            }}
                        />
                        <span className="unit">SOL</span>
                    </div>
                </label>
                <div className="small">Wallet: {sol(c.solBalance)}</div>
                {text && lamports === null && <div className="notice warn">Not an amount (up to 9 decimals).</div>}
                {quoteError && (
                    <div className="notice warn" data-testid="quote-error">
                        {quoteError}
                    </div>
                )}
                <div className="quote">
                    <Row label="You receive" testId="stake-lst-out">
                        {quote ? lst(quote.lstOut) : '—'}
                    </Row>
                    <Row label="Fee (kept by the pool’s holders)" testId="stake-fee">
                        {quote && lamports ? `${sol(quote.feeLamports)} (${(Number((quote.feeLamports * 1_000_000n) / lamports) / 10_000).toFixed(4)}%)` : '—'}
                    </Row>
                    <Row label="Rate" testId="stake-rate">
                        {c.pool ? `${rateText(c.pool.totalLamports, c.pool.lstSupply)} SOL per LST` : '—'}
                    </Row>
                    <Row label="Deposit fee / dilution fee">
                        {c.pool && c.epoch !== null ? `${bps(feesAt(c.pool, c.epoch).depositBps)}, at least the last epoch’s yield (≤ 0.50%)` : '—'}
                    </Row>
                    <Row label={`Minimum accepted (slippage ${bps(c.settings.slippageBps)})`} testId="stake-min-out">
                        {minOut !== null ? lst(minOut) : '—'}
                    </Row>
                    {!c.lstAccountExists && c.account && <Row label="LST account rent (first deposit)">{sol(ataRent)}</Row>}
                    <Row label="Total from wallet (with network fee)">{needed !== null ? sol(needed) : '—'}</Row>
                </div>
                <button className="primary" data-testid="stake-submit" disabled={flow.state.phase === 'busy' || !text} onClick={submit}>
                    Stake
                </button>
                <FlowStatus state={flow.state} />
            </Card>
        </div>
    );
}
