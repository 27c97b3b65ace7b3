// Port of the parts of programs/liquid-staking/src/math/allocation.rs a client needs.
import { BPS_DENOMINATOR, mulDivCeil, u64 } from './core';

/** SOL kept unstaked in the reserve: `ceil(total * buffer_bps / 10_000)`. */
export function bufferTargetLamports(totalLamports: bigint, bufferBps: number): bigint {
    return mulDivCeil(totalLamports, BigInt(bufferBps), BPS_DENOMINATOR, 'buffer_target');
}

/** A validator's share of `stakeable` lamports by weight, rounded down. */
export function validatorTargetLamports(stakeable: bigint, weight: number, totalWeight: bigint): bigint {
    if (totalWeight === 0n) return 0n;
    return u64((stakeable * BigInt(weight)) / totalWeight, 'validator_target');
}
