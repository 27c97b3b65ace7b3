import { instantFeeBps } from '../math';
import { formatAmount } from '../format';

/** The instant-exit fee curve over the buffer, with where it stands and the stretch an exit takes. */
export function FeeCurve({ position, target, minBps, maxBps, take }: { position: bigint; target: bigint; minBps: number; maxBps: number; take: bigint }) {
    const W = 320;
    const H = 120;
    const P = 28;
    const xMax = Number(position > target ? position : target) * 1.15 || 1;
    const yMax = Math.max(maxBps, minBps, 1) * 1.1;
    const x = (v: number) => P + (v / xMax) * (W - 2 * P);
    const y = (b: number) => H - P + 8 - (b / yMax) * (H - P - 8);
    const steps = 40;
    const pts: string[] = [];
    for (let i = 0; i <= steps; i++) {
        const v = (xMax * i) / steps;
        pts.push(`${x(v).toFixed(1)},${y(instantFeeBps(BigInt(Math.floor(v)), target, minBps, maxBps)).toFixed(1)}`);
    }
    const pos = Number(position);
    const end = Math.max(0, pos - Number(take));
    return (
        <figure className="fee-curve">
            <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Instant-exit fee curve">
                <rect x={x(end)} y={8} width={Math.max(0, x(pos) - x(end))} height={H - P} className="take" />
                <polyline points={pts.join(' ')} className="curve" />
                <line x1={x(pos)} x2={x(pos)} y1={8} y2={H - P + 8} className="marker" />
                <line x1={x(Number(target))} x2={x(Number(target))} y1={8} y2={H - P + 8} className="target" />
                <text x={P} y={H - 4} className="axis">0</text>
                <text x={x(Number(target))} y={H - 4} className="axis" textAnchor="middle">target</text>
                <text x={4} y={y(maxBps) + 4} className="axis">{(maxBps / 100).toFixed(1)}%</text>
                <text x={4} y={y(minBps) + 4} className="axis">{(minBps / 100).toFixed(1)}%</text>
            </svg>
            <figcaption className="small">
                Fee rate by buffer left (SOL). Buffer now {formatAmount(position)} SOL; the shaded stretch is this exit.
            </figcaption>
        </figure>
    );
}
