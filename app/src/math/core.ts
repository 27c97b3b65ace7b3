// Port of programs/liquid-staking/src/math/mod.rs: integer helpers with the program's rounding.
// Every value is a bigint; a u64 result that would not fit, a division by zero or a subtraction
// below zero throws MathError naming the calculation, as the program's MathError does.

export const U16_MAX = 0xffffn;
export const U64_MAX = 0xffff_ffff_ffff_ffffn;
export const U128_MAX = (1n << 128n) - 1n;
export const BPS_DENOMINATOR = 10_000n;

export class MathError extends Error {
    readonly at: string;
    constructor(at: string) {
        super(`math error at ${at}`);
        this.at = at;
    }
}

/** Checks that a value is a u64 (inputs and results). */
export function u64(value: bigint, at: string): bigint {
    if (value < 0n || value > U64_MAX) throw new MathError(at);
    return value;
}

export function divCeil(a: bigint, b: bigint): bigint {
    return a / b + (a % b === 0n ? 0n : 1n);
}

/** `a * b / c` rounded down, checked back into u64. */
export function mulDivFloor(a: bigint, b: bigint, c: bigint, at: string): bigint {
    if (c === 0n) throw new MathError(at);
    return u64((a * b) / c, at);
}

/** `a * b / c` rounded up, checked back into u64. */
export function mulDivCeil(a: bigint, b: bigint, c: bigint, at: string): bigint {
    if (c === 0n) throw new MathError(at);
    return u64(divCeil(a * b, c), at);
}

export function checkedAdd(a: bigint, b: bigint, at: string): bigint {
    return u64(a + b, at);
}

export function checkedSub(a: bigint, b: bigint, at: string): bigint {
    return u64(a - b, at);
}

export function saturatingSub(a: bigint, b: bigint): bigint {
    return a > b ? a - b : 0n;
}

export function saturatingAdd(a: bigint, b: bigint): bigint {
    const s = a + b;
    return s > U64_MAX ? U64_MAX : s;
}

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
