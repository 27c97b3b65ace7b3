//! 128-bit multiplication and division on pairs of 64-bit halves, with 64-bit operations only.
//!
//! Every multiplication and addition is written `wrapping_*`: the workspace builds with overflow
//! checks, and a checked `u64` multiplication is itself lowered to a 128-bit multiplication
//! (`__multi3`) on BPF, which would make these functions call themselves.

/// A 128-bit integer as two 64-bit halves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct U128 {
    pub lo: u64,
    pub hi: u64,
}

const ZERO: U128 = U128 { lo: 0, hi: 0 };
const LOW32: u64 = 0xffff_ffff;

/// The full 128-bit product of two 64-bit values, from four 32 x 32-bit products.
#[inline(always)]
pub fn mul_64_64(a: u64, b: u64) -> U128 {
    let (a0, a1) = (a & LOW32, a >> 32);
    let (b0, b1) = (b & LOW32, b >> 32);
    let p00 = a0.wrapping_mul(b0);
    let p01 = a0.wrapping_mul(b1);
    let p10 = a1.wrapping_mul(b0);
    let p11 = a1.wrapping_mul(b1);
    // Bits 32..95: at most 3 * (2^32 - 1), no overflow.
    let mid = (p00 >> 32).wrapping_add(p01 & LOW32).wrapping_add(p10 & LOW32);
    U128 {
        lo: (p00 & LOW32) | (mid << 32),
        hi: p11.wrapping_add(p01 >> 32).wrapping_add(p10 >> 32).wrapping_add(mid >> 32),
    }
}

/// `a * b` modulo 2^128 (the same bits for signed and unsigned operands).
#[inline]
pub fn mul(a: U128, b: U128) -> U128 {
    let low = mul_64_64(a.lo, b.lo);
    U128 { lo: low.lo, hi: low.hi.wrapping_add(a.lo.wrapping_mul(b.hi)).wrapping_add(a.hi.wrapping_mul(b.lo)) }
}

#[inline(always)]
fn less(a: U128, b: U128) -> bool {
    a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo)
}

#[inline(always)]
fn sub(a: U128, b: U128) -> U128 {
    let lo = a.lo.wrapping_sub(b.lo);
    U128 { lo, hi: a.hi.wrapping_sub(b.hi).wrapping_sub((a.lo < b.lo) as u64) }
}

#[inline(always)]
fn negate(a: U128) -> U128 {
    sub(ZERO, a)
}

/// Divides the 128-bit `hi:lo` by `d`, where `hi < d` (so the quotient fits in 64 bits):
/// (quotient, remainder). Knuth's algorithm D on 32-bit digits, after normalizing `d` so that its
/// top bit is set; each estimated quotient digit is at most 2 too large and corrected.
fn div_128_by_64(hi: u64, lo: u64, d: u64) -> (u64, u64) {
    const BASE: u64 = 1 << 32;
    let shift = d.leading_zeros();
    let d = d << shift;
    let (d1, d0) = (d >> 32, d & LOW32);
    let top = if shift == 0 { hi } else { (hi << shift) | (lo >> (64 - shift)) };
    let bottom = lo << shift;
    let (n1, n0) = (bottom >> 32, bottom & LOW32);

    // First quotient digit: top:n1 / d.
    let mut q1 = top / d1;
    let mut rest = top.wrapping_sub(q1.wrapping_mul(d1));
    while q1 >= BASE || q1.wrapping_mul(d0) > (rest << 32 | n1) {
        q1 -= 1;
        rest = rest.wrapping_add(d1);
        if rest >= BASE {
            break;
        }
    }
    let partial = (top << 32 | n1).wrapping_sub(q1.wrapping_mul(d));

    // Second quotient digit: partial:n0 / d.
    let mut q0 = partial / d1;
    let mut rest = partial.wrapping_sub(q0.wrapping_mul(d1));
    while q0 >= BASE || q0.wrapping_mul(d0) > (rest << 32 | n0) {
        q0 -= 1;
        rest = rest.wrapping_add(d1);
        if rest >= BASE {
            break;
        }
    }
    let remainder = (partial << 32 | n0).wrapping_sub(q0.wrapping_mul(d)) >> shift;
    (q1 << 32 | q0, remainder)
}

/// Unsigned `(n / d, n % d)`. Panics (aborts, on-chain) if `d` is zero, as `u128` division does;
/// the callers have already checked that.
pub fn divrem(n: U128, d: U128) -> (U128, U128) {
    if d.hi == 0 {
        if n.hi < d.lo {
            let (q, r) = div_128_by_64(n.hi, n.lo, d.lo);
            return (U128 { lo: q, hi: 0 }, U128 { lo: r, hi: 0 });
        }
        // Quotient wider than 64 bits: the high word first, then the rest (now below d).
        let q_hi = n.hi / d.lo;
        let (q_lo, r) = div_128_by_64(n.hi - q_hi.wrapping_mul(d.lo), n.lo, d.lo);
        return (U128 { lo: q_lo, hi: q_hi }, U128 { lo: r, hi: 0 });
    }
    // d >= 2^64, so the quotient fits in 64 bits. Estimate it from d's top 64 bits (normalized)
    // and n / 2 (so that the 128 / 64 division cannot overflow); the estimate is exact or one too
    // large once the normalization is undone (Hacker's Delight, "divdu").
    let shift = d.hi.leading_zeros();
    let d_top = if shift == 0 { d.hi } else { (d.hi << shift) | (d.lo >> (64 - shift)) };
    let (estimate, _) = div_128_by_64(n.hi >> 1, (n.lo >> 1) | (n.hi << 63), d_top);
    let mut q = estimate >> (63 - shift);
    q = q.saturating_sub(1);
    // q * d <= n here, so the 64 x 128-bit product fits in 128 bits.
    let low = mul_64_64(q, d.lo);
    let product = U128 { lo: low.lo, hi: low.hi.wrapping_add(q.wrapping_mul(d.hi)) };
    let mut r = sub(n, product);
    if !less(r, d) {
        q += 1;
        r = sub(r, d);
    }
    (U128 { lo: q, hi: 0 }, r)
}

/// Signed (two's complement) `(n / d, n % d)`: the quotient rounds towards zero and the remainder
/// has the dividend's sign, as Rust's `i128` operators.
pub fn signed_divrem(n: U128, d: U128) -> (U128, U128) {
    let n_negative = (n.hi as i64) < 0;
    let d_negative = (d.hi as i64) < 0;
    let (q, r) = divrem(if n_negative { negate(n) } else { n }, if d_negative { negate(d) } else { d });
    (if n_negative != d_negative { negate(q) } else { q }, if n_negative { negate(r) } else { r })
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn split(x: u128) -> U128 {
        U128 { lo: x as u64, hi: (x >> 64) as u64 }
    }

    fn join(x: U128) -> u128 {
        ((x.hi as u128) << 64) | x.lo as u128
    }

    /// Values at every boundary of the algorithms: digit and word edges, powers of two and
    /// their neighbours, all-ones patterns.
    fn edge_values() -> Vec<u128> {
        let mut v: Vec<u128> = Vec::new();
        for bit in 0..128 {
            let p = 1u128 << bit;
            v.extend([p, p - 1, p + 1, p.wrapping_neg(), !p]);
        }
        v.extend([0, 1, 2, 3, 10, u64::MAX as u128, u128::MAX, u128::MAX - 1, (u64::MAX as u128) << 64]);
        v.extend([0xffff_ffff_0000_0000_ffff_ffff_0000_0000, 0x8000_0000_0000_0000_0000_0000_0000_0001]);
        v
    }

    /// A deterministic pseudo-random stream (xorshift), with the high word, the low word or
    /// both often small so every branch of `divrem` is reached.
    fn random_values(count: usize) -> Vec<u128> {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|i| {
                let (a, b) = (next(), next());
                let x = ((a as u128) << 64) | b as u128;
                match i % 5 {
                    0 => x,
                    1 => x >> (a % 128),
                    2 => b as u128,
                    3 => x >> 64,
                    _ => x >> (64 + a % 32),
                }
            })
            .collect()
    }

    fn check(a: u128, b: u128) {
        assert_eq!(join(mul(split(a), split(b))), a.wrapping_mul(b), "{a} * {b}");
        if b != 0 {
            let (q, r) = divrem(split(a), split(b));
            assert_eq!((join(q), join(r)), (a / b, a % b), "{a} / {b}");
            let (sa, sb) = (a as i128, b as i128);
            if !(sa == i128::MIN && sb == -1) {
                let (q, r) = signed_divrem(split(a), split(b));
                assert_eq!((join(q) as i128, join(r) as i128), (sa / sb, sa % sb), "{sa} / {sb} (signed)");
            }
        }
    }

    #[test]
    fn edge_cases_match_native_u128() {
        let values = edge_values();
        for &a in &values {
            for &b in &values {
                check(a, b);
            }
        }
    }

    #[test]
    fn random_values_match_native_u128() {
        let values = random_values(2_000);
        for &a in &values {
            for &b in values.iter().step_by(7) {
                check(a, b);
            }
        }
    }

    #[test]
    fn full_64_bit_products() {
        for a in [0, 1, LOW32, LOW32 + 1, u64::MAX, u64::MAX - 1, 0x8000_0000_0000_0000] {
            for b in [0, 1, LOW32, LOW32 + 1, u64::MAX, 12_345_678_901_234_567] {
                assert_eq!(join(mul_64_64(a, b)), a as u128 * b as u128);
            }
        }
    }
}
