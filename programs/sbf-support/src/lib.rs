//! # Libcalls for SBF builds made with upstream LLVM
//!
//! `anchor build` compiles the program with Solana's platform-tools and never needs this crate.
//! `scripts/build-sbf.sh` compiles it with Debian's rustc and upstream LLVM 23 instead (no
//! platform-tools), and enables the program's `upstream-sbf` feature, which links this crate.
//!
//! Why: LLVM's BPF backend lowers 128-bit multiplication, division and remainder (and every
//! overflow-checked `u64` multiplication) to calls to `__multi3`, `__udivti3`, ... with LLVM's own
//! convention: each `i128` argument in two registers, the `i128` result in two registers. The
//! definitions rustc compiles into `compiler_builtins` follow rustc's C ABI for BPF instead, which
//! passes every value wider than 64 bits through memory (a pointer argument, a hidden result
//! pointer): called by LLVM they would read garbage. The functions below are declared
//! `extern "unadjusted"`, rustc's ABI that hands LLVM the Rust signature unchanged, so they match
//! LLVM's calls exactly; as strong symbols they replace compiler_builtins' weak ones at link time.
//!
//! The memory functions LLVM calls (`memcpy`, `memmove`, `memset`, `memcmp`) are missing too:
//! upstream std has no Solana port to provide them. [`mem`] defines them over the runtime's memory
//! syscalls (`sol_memmove_`, `sol_memset_`, `sol_memcmp_`).
//!
//! The 128-bit arithmetic uses 64-bit operations only (128-bit ones would be lowered to calls to
//! these very functions) and lives in [`wide`], plain Rust compiled and tested on every target; the
//! `extern` functions exist only for BPF with `target_os = "solana"` (scripts/sbf/bpfel-solana.json).
#![no_std]
#![cfg_attr(all(target_arch = "bpf", target_os = "solana"), feature(abi_unadjusted), allow(internal_features))]

#[cfg(all(target_arch = "bpf", target_os = "solana"))]
pub mod mem;
pub mod wide;

#[cfg(all(target_arch = "bpf", target_os = "solana"))]
mod libcalls {
    use crate::wide::{self, U128};

    #[inline(always)]
    fn split(x: u128) -> U128 {
        U128 { lo: x as u64, hi: (x >> 64) as u64 }
    }

    #[inline(always)]
    fn join(x: U128) -> u128 {
        ((x.hi as u128) << 64) | x.lo as u128
    }

    /// `a * b`, low 128 bits (the same bits for signed and unsigned operands).
    #[unsafe(no_mangle)]
    pub extern "unadjusted" fn __multi3(a: i128, b: i128) -> i128 {
        join(wide::mul(split(a as u128), split(b as u128))) as i128
    }

    #[unsafe(no_mangle)]
    pub extern "unadjusted" fn __udivti3(n: u128, d: u128) -> u128 {
        join(wide::divrem(split(n), split(d)).0)
    }

    #[unsafe(no_mangle)]
    pub extern "unadjusted" fn __umodti3(n: u128, d: u128) -> u128 {
        join(wide::divrem(split(n), split(d)).1)
    }

    #[unsafe(no_mangle)]
    pub extern "unadjusted" fn __divti3(n: i128, d: i128) -> i128 {
        join(wide::signed_divrem(split(n as u128), split(d as u128)).0) as i128
    }

    #[unsafe(no_mangle)]
    pub extern "unadjusted" fn __modti3(n: i128, d: i128) -> i128 {
        join(wide::signed_divrem(split(n as u128), split(d as u128)).1) as i128
    }
}
