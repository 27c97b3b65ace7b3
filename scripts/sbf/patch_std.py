#!/usr/bin/env python3
"""Teach a copy of Debian's rust-web-src std about target_os = "solana".

usage: patch_std.py LIBRARY_DIR   (a copy of /usr/lib/rustlib/src/rust/library; edited in place)

Upstream std has no Solana port. The program needs only what every Anchor program uses: heap
allocation through its own #[global_allocator], no threads, no OS randomness. Each edit below
puts "solana" beside an existing no-OS target, and each must match the sources exactly: a new
rustc release that moves this code fails here, loudly, rather than producing a broken std.
"""
import pathlib
import sys

std = pathlib.Path(sys.argv[1]) / "std" / "src"


def edit(rel, old, new, count=1):
    path = std / rel
    text = path.read_text()
    found = text.count(old)
    if found != count:
        sys.exit(f"patch_std.py: {rel}: expected {count} occurrence(s) of {old!r}, found {found}")
    path.write_text(text.replace(old, new))


# The leading newline keeps these from matching the more deeply indented line in thread_local.
VEXOS = '\n        target_os = "vexos",\n'
SOLANA = '        target_os = "solana",\n'
# No threads: thread_local! keeps its value in a plain static; no thread-exit hooks.
edit("sys/thread_local/mod.rs", VEXOS, VEXOS + SOLANA)
edit("sys/thread_local/mod.rs", '            target_os = "vexos",\n',
     '            target_os = "vexos",\n            target_os = "solana",\n')
# No OS randomness (the "unsupported" module) and io::Error's generic OS-error code.
edit("sys/random/mod.rs", VEXOS, VEXOS + SOLANA)
edit("sys/random/mod.rs", '    target_os = "vexos",\n)))]', '    target_os = "vexos",\n    target_os = "solana",\n)))]')
edit("sys/io/error/mod.rs", VEXOS, VEXOS + SOLANA)

# std's build script marks std unstable ("restricted_std") on targets it does not know.
edit("../build.rs", '        || target_os == "vexos"\n', '        || target_os == "vexos"\n        || target_os == "solana"\n')

# The System allocator: never used (the program installs its own #[global_allocator]), but std
# needs one per OS, and MIN_ALIGN a value for BPF.
edit("sys/alloc/mod.rs", '    target_arch = "xtensa",\n)) {\n    8',
     '    target_arch = "xtensa",\n    target_arch = "bpf",\n)) {\n    8')
edit("sys/alloc/mod.rs", '    target_os = "zkvm" => {\n        mod zkvm;\n    }\n}',
     '    target_os = "zkvm" => {\n        mod zkvm;\n    }\n    target_os = "solana" => {\n        mod solana;\n    }\n}')
(std / "sys/alloc/solana.rs").write_text('''\
use crate::alloc::{GlobalAlloc, Layout, System};

// Solana programs bring their own #[global_allocator] (the runtime's bump heap); this one only
// exists so that std has a System allocator. It never hands out memory.
#[stable(feature = "alloc_system_type", since = "1.28.0")]
unsafe impl GlobalAlloc for System {
    #[inline]
    unsafe fn alloc(&self, _layout: Layout) -> *mut u8 {
        crate::ptr::null_mut()
    }

    #[inline]
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}
''')

# HashMap's RandomState caches its keys in a thread_local!, which would be a writable static
# (.bss): SBF programs may not have any. Fixed keys instead (there is no randomness on-chain).
edit("hash/random.rs", "    pub fn new() -> RandomState {\n",
     "    pub fn new() -> RandomState {\n"
     "        #[cfg(target_os = \"solana\")]\n"
     "        if true {\n"
     "            return RandomState { k0: 0x0123_4567_89ab_cdef, k1: 0xfedc_ba98_7654_3210 };\n"
     "        }\n")
print("patch_std.py: std taught target_os = \"solana\"")
