import { useEffect, useState } from 'react';

import { fetchEpochHistory, type EpochPoint } from '../chain/history';
import { useChain } from '../chain/store';
import { Card, Row } from '../components/common';
import { bps, percent, rateText, sol, lst } from '../format';
import { feesAt, isFresh, PAUSED_DEPOSITS, PAUSED_INSTANT_EXITS, PAUSED_REBALANCING, poolBufferTargetLamports, reserveLiquidLamports } from '../math';

export function StatsPage() {
    const c = useChain();
    const [history, setHistory] = useState<EpochPoint[] | null>(null);
    const [progress, setProgress] = useState<string>('');
    const [error, setError] = useState<string | null>(null);
    const lastEpoch = c.pool?.lastUpdateEpoch;

    // Re-read when the pool settles a new epoch (a pool notification changes lastUpdateEpoch).
    useEffect(() => {
        if (!c.poolAddress || lastEpoch === undefined) return;
        let live = true;
        setError(null);
        fetchEpochHistory(c.conn.rpc, c.poolAddress, { onProgress: (d, t) => live && setProgress(`${d}/${t} transactions`) })
            .then((h) => live && setHistory(h))
            .catch((e) => live && setError((e as Error).message));
        return () => {
            live = false;
        };
    }, [c.conn, c.poolAddress, lastEpoch]);

    const p = c.pool;
    const fees = p && c.epoch !== null ? feesAt(p, c.epoch) : null;
    const epochsSince = p ? Number(p.lastUpdateEpoch - p.previousUpdateEpoch) : 0;
    const lastApy = history && history.length ? history[history.length - 1].apy : null;
    return (
        <div className="page">
            <Card title="Pool">
                {!p && <p className="empty">{c.poolError ?? 'Loading…'}</p>}
                {p && (
                    <div className="grid2">
                        <Row label="Rate" testId="stats-rate">
                            {rateText(p.totalLamports, p.lstSupply)} SOL per LST
                        </Row>
                        <Row label="APY (last epoch, annualised)" testId="stats-apy">
                            {percent(lastApy)}
                        </Row>
                        <Row label="SOL under management" testId="stats-total">
                            {sol(p.totalLamports)}
                        </Row>
                        <Row label="LST supply">{lst(p.lstSupply)}</Row>
                        <Row label="Staked">{sol(p.stakeLamports)}</Row>
                        <Row label="Owed to tickets">{sol(p.owedLamports)}</Row>
                        <Row label="Buffer (liquid / target)">
                            {c.reserveLamports !== null ? `${sol(reserveLiquidLamports(p, c.reserveLamports))} / ${sol(poolBufferTargetLamports(p))}` : '—'}
                        </Row>
                        <Row label="Reserve buffer" testId="stats-reserve-buffer">
                            {bps(p.reserveBufferBps)}
                            {p.pendingReserveBufferEpoch !== 0n &&
                                `, ${bps(p.pendingReserveBufferBps)} from the first settlement at or after epoch ${p.pendingReserveBufferEpoch}`}
                        </Row>
                        <Row label="Validators">{p.validatorCount}</Row>
                        <Row label="Updated" testId="stats-fresh">
                            {c.epoch !== null && isFresh(p, c.epoch) ? `fresh (epoch ${p.lastUpdateEpoch})` : `stale (last update epoch ${p.lastUpdateEpoch}, now ${c.epoch ?? '…'})`}
                        </Row>
                        <Row label="Last settlement">
                            {sol(p.lastRewardsLamports)} rewards, {sol(p.lastFeeLamports)} fee{epochsSince > 1 ? ` over ${epochsSince} epochs` : ''}
                        </Row>
                        {fees && (
                            <>
                                <Row label="Reward fee">{bps(fees.rewardBps)}</Row>
                                <Row label="Deposit fee">{bps(fees.depositBps)} (and the dilution fee)</Row>
                                <Row label="Delayed / stake exit fee">
                                    {bps(fees.delayedUnstakeBps)} / {bps(fees.stakeWithdrawalBps)}
                                </Row>
                                <Row label="Instant exit fee">
                                    {bps(fees.instantUnstakeMinBps)}–{bps(fees.instantUnstakeMaxBps)} ({bps(fees.treasuryShareBps)} to the treasury)
                                </Row>
                            </>
                        )}
                        <Row label="Paused">{p.paused === 0
                                ? 'nothing'
                                : [p.paused & PAUSED_DEPOSITS && 'deposits', p.paused & PAUSED_INSTANT_EXITS && 'instant exits', p.paused & PAUSED_REBALANCING && 'staking']
                                      .filter(Boolean)
                                      .join(', ')}</Row>
                    </div>
                )}
            </Card>
            <Card title="Rate and APY by epoch">
                {error && <div className="notice warn">Could not read the history: {error}</div>}
                {!history && !error && <p className="empty">Reading the pool’s EpochFinalized events… {progress}</p>}
                {history && history.length === 0 && <p className="empty">No epoch has been settled yet.</p>}
                {history && history.length > 0 && <HistoryChart points={history} />}
            </Card>
        </div>
    );
}

function useNarrow(): boolean {
    const q = '(max-width: 700px)';
    const [narrow, setNarrow] = useState(() => window.matchMedia(q).matches);
    useEffect(() => {
        const m = window.matchMedia(q);
        const on = () => setNarrow(m.matches);
        m.addEventListener('change', on);
        return () => m.removeEventListener('change', on);
    }, []);
    return narrow;
}

function HistoryChart({ points }: { points: EpochPoint[] }) {
    // A narrower drawing on phones, so its labels stay readable at the screen's width.
    const narrow = useNarrow();
    const W = narrow ? 340 : 640;
    const H = narrow ? 220 : 240;
    const L = narrow ? 58 : 70;
    const R = narrow ? 58 : 70;
    const T = 16;
    const B = 34;
    const rates = points.map((p) => p.rate);
    const apys = points.map((p) => (p.apy !== null && Number.isFinite(p.apy) ? p.apy : null));
    const rMin = Math.min(...rates);
    const rMax = Math.max(...rates);
    const rSpan = rMax - rMin || Math.max(rMax * 1e-6, 1e-9);
    const aVals = apys.filter((a): a is number => a !== null);
    // APY on a log10 scale (local chains pay enormous APYs).
    const la = (a: number) => Math.log10(Math.max(a, 1e-6) * 100);
    const aMin = aVals.length ? Math.min(...aVals.map(la)) : 0;
    const aMax = aVals.length ? Math.max(...aVals.map(la)) : 1;
    const aSpan = aMax - aMin || 1;
    const n = points.length;
    const x = (i: number) => L + (n === 1 ? (W - L - R) / 2 : (i / (n - 1)) * (W - L - R));
    const yr = (r: number) => T + (1 - (r - rMin) / rSpan) * (H - T - B);
    const ya = (a: number) => T + (1 - (la(a) - aMin) / aSpan) * (H - T - B);
    const ratePath = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${yr(p.rate).toFixed(1)}`).join(' ');
    let apyPath = '';
    apys.forEach((a, i) => {
        if (a === null) return;
        apyPath += `${apyPath ? 'L' : 'M'}${x(i).toFixed(1)},${ya(a).toFixed(1)} `;
    });
    const labelEvery = Math.max(1, Math.ceil(n / (narrow ? 5 : 8)));
    return (
        <figure className="chart" data-testid="history-chart" data-points={n}>
            <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Rate and APY by epoch">
                <line x1={L} x2={W - R} y1={H - B} y2={H - B} className="axis-line" />
                <path d={ratePath} className="rate" />
                {apyPath && <path d={apyPath} className="apy" />}
                {points.map((p, i) => (
                    <circle key={String(p.epoch)} cx={x(i)} cy={yr(p.rate)} r={2.5} className="rate-dot">
                        <title>
                            epoch {String(p.epoch)}: rate {p.rate.toFixed(9)}, APY {percent(p.apy)}
                        </title>
                    </circle>
                ))}
                {points.map((p, i) =>
                    i % labelEvery === 0 ? (
                        <text key={`l${i}`} x={x(i)} y={H - B + 16} className="axis" textAnchor="middle">
                            {String(p.epoch)}
                        </text>
                    ) : null,
                )}
                <text x={L - 6} y={yr(rMax) + 4} className="axis rate-label" textAnchor="end">
                    {rMax.toFixed(6)}
                </text>
                <text x={L - 6} y={yr(rMin) + 4} className="axis rate-label" textAnchor="end">
                    {rMin.toFixed(6)}
                </text>
                {aVals.length > 0 && (
                    <>
                        <text x={W - R + 6} y={T + 4} className="axis apy-label">
                            {percent(Math.pow(10, aMax) / 100, 0)}
                        </text>
                        <text x={W - R + 6} y={H - B + 4} className="axis apy-label">
                            {percent(Math.pow(10, aMin) / 100, 0)}
                        </text>
                    </>
                )}
                <text x={(W - L - R) / 2 + L} y={H - 4} className="axis" textAnchor="middle">
                    epoch
                </text>
            </svg>
            <figcaption className="legend">
                <span className="key rate">rate (SOL per LST)</span> <span className="key apy">APY (log scale, annualised by the time between settlements)</span>
            </figcaption>
        </figure>
    );
}
