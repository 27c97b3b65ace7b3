// The cluster's epoch schedule (getEpochSchedule), as solana-epoch-schedule computes it:
// epochs of a slot, slots in an epoch (warm-up epochs are shorter).
export interface EpochSchedule {
    slotsPerEpoch: bigint;
    leaderScheduleSlotOffset: bigint;
    warmup: boolean;
    firstNormalEpoch: bigint;
    firstNormalSlot: bigint;
}

const MINIMUM_SLOTS_PER_EPOCH = 32n;

function trailingZeros(n: bigint): bigint {
    let z = 0n;
    while (n > 0n && (n & 1n) === 0n) {
        n >>= 1n;
        z++;
    }
    return z;
}

function nextPowerOfTwo(n: bigint): bigint {
    let p = 1n;
    while (p < n) p <<= 1n;
    return p;
}

export function slotsInEpoch(s: EpochSchedule, epoch: bigint): bigint {
    if (epoch < s.firstNormalEpoch) return 1n << (epoch + trailingZeros(MINIMUM_SLOTS_PER_EPOCH));
    return s.slotsPerEpoch;
}

/** [epoch, slot index within it] */
export function epochOfSlot(s: EpochSchedule, slot: bigint): [bigint, bigint] {
    if (slot < s.firstNormalSlot) {
        const epoch =
            trailingZeros(nextPowerOfTwo(slot + MINIMUM_SLOTS_PER_EPOCH + 1n)) - trailingZeros(MINIMUM_SLOTS_PER_EPOCH) - 1n;
        const epochLen = 1n << (epoch + trailingZeros(MINIMUM_SLOTS_PER_EPOCH));
        return [epoch, slot - (epochLen - MINIMUM_SLOTS_PER_EPOCH)];
    }
    const normal = slot - s.firstNormalSlot;
    return [s.firstNormalEpoch + normal / s.slotsPerEpoch, normal % s.slotsPerEpoch];
}

export function firstSlotOfEpoch(s: EpochSchedule, epoch: bigint): bigint {
    if (epoch <= s.firstNormalEpoch) return ((1n << epoch) - 1n) * MINIMUM_SLOTS_PER_EPOCH;
    return (epoch - s.firstNormalEpoch) * s.slotsPerEpoch + s.firstNormalSlot;
}
