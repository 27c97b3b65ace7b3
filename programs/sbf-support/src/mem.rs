//! `memcpy`, `memmove`, `memset` and `memcmp` for the program: LLVM calls them for copies,
//! fills and comparisons whose size is unknown or large. Short ones run inline (a syscall costs at
//! least 10 compute units plus the call); longer ones go to the runtime's memory syscalls, which
//! charge one unit per 250 bytes. Platform-tools' std provides the same; upstream std does not.
//!
//! `#[no_mangle]` makes rustc list them in the program's exported symbols, which sbpf-linker keeps
//! through link-time optimization (LLVM introduces these calls after it).
use core::ffi::c_void;

unsafe extern "C" {
    fn sol_memmove_(dst: *mut u8, src: *const u8, n: u64);
    fn sol_memset_(dst: *mut u8, byte: u8, n: u64);
    fn sol_memcmp_(a: *const u8, b: *const u8, n: u64, result: *mut i32);
}

/// At or below this many bytes, copying, filling or comparing inline is cheaper than a syscall.
const INLINE_MAX: usize = 32;

/// Copies `n` bytes upwards, 8 at a time (SBPF allows unaligned accesses), then the rest.
#[inline(always)]
unsafe fn copy_up(dst: *mut u8, src: *const u8, n: usize) {
    let mut i = 0;
    while i + 8 <= n {
        unsafe { dst.add(i).cast::<u64>().write_unaligned(src.add(i).cast::<u64>().read_unaligned()) };
        i += 8;
    }
    while i < n {
        unsafe { *dst.add(i) = *src.add(i) };
        i += 1;
    }
}

/// Copies `n` bytes downwards, for overlapping moves to a higher address.
#[inline(always)]
unsafe fn copy_down(dst: *mut u8, src: *const u8, n: usize) {
    let mut i = n;
    while i >= 8 {
        i -= 8;
        unsafe { dst.add(i).cast::<u64>().write_unaligned(src.add(i).cast::<u64>().read_unaligned()) };
    }
    while i > 0 {
        i -= 1;
        unsafe { *dst.add(i) = *src.add(i) };
    }
}

/// # Safety
/// The C contract: `n` readable bytes at `src`, `n` writable bytes at `dst`, not overlapping.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    // The move syscall, not sol_memcpy_: LLVM may copy a value onto itself (src == dst), which
    // sol_memcpy_ rejects as overlapping; both cost the same.
    unsafe { memmove(dst, src, n) }
}

/// # Safety
/// The C contract: `n` readable bytes at `src`, `n` writable bytes at `dst`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dst: *mut c_void, src: *const c_void, n: usize) -> *mut c_void {
    let (d, s) = (dst.cast::<u8>(), src.cast::<u8>());
    if n > INLINE_MAX {
        unsafe { sol_memmove_(d, s, n as u64) };
    } else if (d as usize) <= (s as usize) {
        unsafe { copy_up(d, s, n) };
    } else {
        unsafe { copy_down(d, s, n) };
    }
    dst
}

/// # Safety
/// The C contract: `n` writable bytes at `dst`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memset(dst: *mut c_void, byte: i32, n: usize) -> *mut c_void {
    let (d, byte) = (dst.cast::<u8>(), byte as u8);
    if n > INLINE_MAX {
        unsafe { sol_memset_(d, byte, n as u64) };
    } else {
        let word = u64::from_ne_bytes([byte; 8]);
        let mut i = 0;
        while i + 8 <= n {
            unsafe { d.add(i).cast::<u64>().write_unaligned(word) };
            i += 8;
        }
        while i < n {
            unsafe { *d.add(i) = byte };
            i += 1;
        }
    }
    dst
}

/// # Safety
/// The C contract: `n` readable bytes at `a` and at `b`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcmp(a: *const c_void, b: *const c_void, n: usize) -> i32 {
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    if n > INLINE_MAX {
        let mut result = 0i32;
        unsafe { sol_memcmp_(a, b, n as u64, &mut result) };
        return result;
    }
    let mut i = 0;
    // Skip equal 8-byte words, then find the first differing byte.
    while i + 8 <= n
        && unsafe { a.add(i).cast::<u64>().read_unaligned() == b.add(i).cast::<u64>().read_unaligned() }
    {
        i += 8;
    }
    while i < n {
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return x as i32 - y as i32;
        }
        i += 1;
    }
    0
}
