#!/usr/bin/env python3
"""Fix sbpf-linker 0.2.6's stack arguments for SBPF v0.

usage: patch_sbpf_linker.py SBPF_LINKER_SOURCE_DIR   (edited in place)

LLVM 23's BPF backend passes a call's 6th and later arguments on the stack through a pseudo
register r11: the caller stores them at [r11 - k], the callee loads them at [r11 + k].
sbpf-linker rewrites both to r10: the caller's store to [r10 + k] (just above its own frame), the
callee's load to [r10 + k - frame_size] (the bottom of its own frame). That assumes the callee's
frame starts right where the caller's ends. In SBPF v0 it does not: frames are fixed and Agave
leaves an unmapped gap of one frame after each, so the callee's frame starts one frame size
higher. The caller's store must move up by the frame size (SBPF v3 has no gaps: unchanged).
Without this, a call with 6+ arguments writes into the gap and the program aborts.
"""
import pathlib
import sys

src = pathlib.Path(sys.argv[1]) / "src"


def edit(rel, old, new):
    path = src / rel
    text = path.read_text()
    found = text.count(old)
    if found != 1:
        sys.exit(f"patch_sbpf_linker.py: {rel}: expected 1 occurrence of {old!r}, found {found}")
    path.write_text(text.replace(old, new))


edit("fuse_args_stack.rs",
     "    ast: &mut AST,\n    stack_frame_size: i32,\n) -> Result<(), Vec<CompileError>> {",
     "    ast: &mut AST,\n    stack_frame_size: i32,\n"
     "    callee_frame_distance: i32,\n) -> Result<(), Vec<CompileError>> {")
edit("fuse_args_stack.rs",
     "let Some(new_off) = off.checked_neg() else {",
     "let Some(new_off) = off\n"
     "                .checked_neg()\n"
     "                .and_then(|o| i16::try_from(i32::from(o) + callee_frame_distance).ok())\n"
     "            else {")
edit("byteparser.rs",
     "rewrite_r11_stack_args(&mut ast, stack_frame_size)",
     "rewrite_r11_stack_args(\n"
     "            &mut ast,\n"
     "            stack_frame_size,\n"
     "            // v0: the callee's frame starts after the caller's frame and a gap of one frame.\n"
     "            if matches!(arch, SbpfArch::V0) { stack_frame_size } else { 0 },\n"
     "        )")
print("patch_sbpf_linker.py: v0 stack arguments stored in the callee's frame")
