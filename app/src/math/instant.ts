// Port of programs/liquid-staking/src/math/instant.rs: the instant-exit fee curve.
// Intermediates that are u128 in the program are bigints checked against 2^128 where the
// program checks them (`checked_mul`), so an overflow fails here exactly where it fails there.
import { BPS_DENOMINATOR, MathError, U128_MAX, U16_MAX, checkedAdd, divCeil, max, min, mulDivCeil, mulDivFloor, saturatingSub, U64_MAX } from './core';
import { lamportsForLst } from './rate';

/** The curve's rate (bps) at buffer `position`: `max - (max - min) * position / target`. */
export function instantFeeBps(position: bigint, bufferTarget: bigint, minBps: number, maxBps: number): number {
    if (bufferTarget === 0n || position >= bufferTarget || maxBps <= minBps) return minBps;
    const span = BigInt(maxBps - minBps);
    const reduction = (span * position) / bufferTarget;
    return maxBps - Number(reduction);
}

function flatFee(lamports: bigint, bps: number): bigint {
    return mulDivCeil(lamports, BigInt(bps), BPS_DENOMINATOR, 'instant_fee_flat');
}

/** The area under the linear part over [low, high] (low < high <= target), rounded up. */
function linearFee(low: bigint, high: bigint, target: bigint, minBps: number, maxBps: number): bigint {
    const at = 'instant_fee_linear';
    const len = high - low;
    const twoTarget = 2n * target;
    const span = BigInt(Math.max(maxBps - minBps, 0));
    const x = twoTarget * BigInt(maxBps) - span * (low + high);
    const k = x / twoTarget;
    const rem = x % twoTarget;
    const spread = len * rem;
    if (spread > U128_MAX) throw new MathError(at);
    const whole = len * k + spread / twoTarget;
    const fee = spread % twoTarget > 0n ? whole / BPS_DENOMINATOR + 1n : divCeil(whole, BPS_DENOMINATOR);
    if (fee > U64_MAX) throw new MathError(at);
    return fee;
}

/** Fee of an exit of `value` starting at buffer `position`: the area under the curve over
 *  [position - value, position], each part rounded up; never more than `value`. */
export function instantExitFeeLamports(
    value: bigint,
    position: bigint,
    bufferTarget: bigint,
    minBps: number,
    maxBps: number,
): bigint {
    const end = saturatingSub(position, value);
    const belowZero = saturatingSub(value, position);
    let fee = flatFee(belowZero, Math.max(maxBps, minBps));
    if (position > bufferTarget) {
        fee = checkedAdd(fee, flatFee(position - max(end, bufferTarget), minBps), 'instant_fee');
    }
    const low = min(end, bufferTarget);
    const high = min(position, bufferTarget);
    if (high > low) {
        fee = checkedAdd(fee, linearFee(low, high, bufferTarget, minBps, maxBps), 'instant_fee');
    }
    return min(fee, value);
}

export interface InstantQuote {
    valueLamports: bigint;
    /** The average rate paid, rounded up. */
    feeBps: number;
    feeLamports: bigint;
    lamportsOut: bigint;
    treasuryFeeLamports: bigint;
}

export function quoteInstantExit(
    lst: bigint,
    totalLamports: bigint,
    lstSupply: bigint,
    liquidLamports: bigint,
    position: bigint,
    bufferTarget: bigint,
    minBps: number,
    maxBps: number,
    treasuryShareBps: number,
): InstantQuote {
    const valueLamports = lamportsForLst(lst, totalLamports, lstSupply);
    const fee = instantExitFeeLamports(valueLamports, position, bufferTarget, minBps, maxBps);
    const lamportsOut = valueLamports - fee;
    if (lamportsOut > liquidLamports) throw new MathError('instant_exit_liquidity');
    let feeBps: number;
    if (valueLamports === 0n) {
        feeBps = minBps;
    } else {
        const bps = mulDivCeil(fee, BPS_DENOMINATOR, valueLamports, 'instant_fee_bps');
        feeBps = Number(min(bps, U16_MAX));
    }
    const treasuryFeeLamports = mulDivFloor(fee, BigInt(treasuryShareBps), BPS_DENOMINATOR, 'treasury_fee');
    return { valueLamports, feeBps, feeLamports: fee, lamportsOut, treasuryFeeLamports };
}

/** The most value an exit may take from `position` while the curve's rate where it ends stays at
 *  or below `maxFeeBps`. */
export function maxInstantValue(
    position: bigint,
    bufferTarget: bigint,
    minBps: number,
    maxBps: number,
    maxFeeBps: number,
): bigint {
    if (maxFeeBps < minBps) return 0n;
    if (maxFeeBps >= maxBps || maxBps <= minBps) return position;
    const keep = divCeil(bufferTarget * BigInt(maxBps - maxFeeBps), BigInt(maxBps - minBps));
    return saturatingSub(position, min(keep, U64_MAX));
}
