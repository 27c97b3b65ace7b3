// Amounts: 9 decimals for SOL and for the LST (its mint has 9 decimals).
export const DECIMALS = 9;
const UNIT = 10n ** BigInt(DECIMALS);

/** "1.5" -> 1_500_000_000n; null for anything that is not a non-negative amount with <= 9 decimals. */
export function parseAmount(text: string): bigint | null {
    const t = text.trim().replace(/_/g, '');
    if (!/^\d*\.?\d*$/.test(t) || t === '' || t === '.') return null;
    const [whole, frac = ''] = t.split('.');
    if (frac.length > DECIMALS) return null;
    return BigInt(whole || '0') * UNIT + BigInt((frac + '0'.repeat(DECIMALS)).slice(0, DECIMALS));
}

/** 1_500_000_000n -> "1.500000000" (exact; `trim` drops trailing zeros). */
export function formatAmount(units: bigint, opts: { trim?: boolean } = {}): string {
    const neg = units < 0n;
    const u = neg ? -units : units;
    const whole = (u / UNIT).toLocaleString('en-US');
    let frac = (u % UNIT).toString().padStart(DECIMALS, '0');
    if (opts.trim) frac = frac.replace(/0+$/, '');
    return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

export const sol = (lamports: bigint | null | undefined) => (lamports == null ? '—' : `${formatAmount(lamports)} SOL`);
export const lst = (units: bigint | null | undefined) => (units == null ? '—' : `${formatAmount(units)} LST`);

export function bps(b: number | bigint): string {
    return `${(Number(b) / 100).toFixed(2)}%`;
}

export function percent(x: number | null | undefined, digits = 2): string {
    if (x == null || !Number.isFinite(x)) return x == null ? '—' : x > 0 ? '∞' : '—';
    const p = x * 100;
    if (Math.abs(p) >= 1e6) return `${p.toExponential(2)}%`;
    return `${p.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })}%`;
}

export function shortAddress(a: string): string {
    return a.length > 12 ? `${a.slice(0, 4)}…${a.slice(-4)}` : a;
}

export function duration(seconds: number): string {
    if (!Number.isFinite(seconds) || seconds < 0) return '—';
    if (seconds < 90) return `${Math.round(seconds)} s`;
    if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
    if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
    return `${(seconds / 86400).toFixed(1)} days`;
}

/** The rate as SOL per LST with 9 decimals (display only). */
export function rateText(totalLamports: bigint, lstSupply: bigint): string {
    if (lstSupply === 0n) return '1.000000000';
    return formatAmount((totalLamports * UNIT) / lstSupply);
}
