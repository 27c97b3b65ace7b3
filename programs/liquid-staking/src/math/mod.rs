//! All money math of the protocol: pure integer functions, no Anchor account types.
//!
//! Rounding rule, everywhere: what a user (or the treasury) receives is rounded down, what a user
//! pays is rounded up, so every rounding leaves the dust with the pool's holders.
//! Intermediates are u128; every operation is checked and a failure names where it happened.

pub mod allocation;
pub mod instant;
pub mod rate;

pub use allocation::*;
pub use instant::*;
pub use rate::*;

/// A checked operation failed; `at` names the calculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MathError {
    pub at: &'static str,
}

pub type MathResult<T> = core::result::Result<T, MathError>;

/// `a * b` when it fits in a u64. The overflow test is one native 64-bit division: on SBF a
/// checked or 128-bit multiplication and a 128-bit division are library calls (about a hundred
/// instructions each), so small products, most fees among them, take this path.
fn small_product(a: u64, b: u64) -> Option<u64> {
    (a == 0 || b <= u64::MAX / a).then(|| a * b)
}

/// `a * b / c` rounded down, computed in u128 when the product needs it, checked back into u64.
pub fn mul_div_floor(a: u64, b: u64, c: u64, at: &'static str) -> MathResult<u64> {
    if c == 0 {
        return Err(MathError { at });
    }
    if let Some(p) = small_product(a, b) {
        return Ok(p / c);
    }
    let q = (a as u128) * (b as u128) / (c as u128);
    u64::try_from(q).map_err(|_| MathError { at })
}

/// `a * b / c` rounded up, computed in u128 when the product needs it, checked back into u64.
pub fn mul_div_ceil(a: u64, b: u64, c: u64, at: &'static str) -> MathResult<u64> {
    if c == 0 {
        return Err(MathError { at });
    }
    if let Some(p) = small_product(a, b) {
        return Ok(p.div_ceil(c));
    }
    let q = ((a as u128) * (b as u128)).div_ceil(c as u128);
    u64::try_from(q).map_err(|_| MathError { at })
}

pub fn checked_add(a: u64, b: u64, at: &'static str) -> MathResult<u64> {
    a.checked_add(b).ok_or(MathError { at })
}

pub fn checked_sub(a: u64, b: u64, at: &'static str) -> MathResult<u64> {
    a.checked_sub(b).ok_or(MathError { at })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_div_rounds_as_named() {
        assert_eq!(mul_div_floor(10, 10, 3, "t"), Ok(33));
        assert_eq!(mul_div_ceil(10, 10, 3, "t"), Ok(34));
        assert_eq!(mul_div_ceil(10, 9, 3, "t"), Ok(30));
        assert_eq!(mul_div_floor(u64::MAX, u64::MAX, u64::MAX, "t"), Ok(u64::MAX));
    }

    proptest::proptest! {
        /// The u64 fast path and the u128 path agree everywhere.
        #[test]
        fn mul_div_matches_u128(a in proptest::prelude::any::<u64>(), b in proptest::prelude::any::<u64>(), c in 1u64..) {
            let floor = u64::try_from((a as u128) * (b as u128) / (c as u128)).ok();
            let ceil = u64::try_from(((a as u128) * (b as u128)).div_ceil(c as u128)).ok();
            proptest::prop_assert_eq!(mul_div_floor(a, b, c, "t").ok(), floor);
            proptest::prop_assert_eq!(mul_div_ceil(a, b, c, "t").ok(), ceil);
        }
    }

    #[test]
    fn mul_div_reports_where_it_failed() {
        assert_eq!(mul_div_floor(1, 1, 0, "here"), Err(MathError { at: "here" }));
        assert_eq!(mul_div_floor(u64::MAX, 2, 1, "big"), Err(MathError { at: "big" }));
        assert_eq!(checked_add(u64::MAX, 1, "add"), Err(MathError { at: "add" }));
        assert_eq!(checked_sub(0, 1, "sub"), Err(MathError { at: "sub" }));
    }
}
