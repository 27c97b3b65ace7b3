//! Loads an SBF program the way Agave 3.1 deploys one, and runs its verifier.
//!
//! `cargo run -p liquid-staking-localnet --example sbf_verify -- target/deploy/liquid_staking.so`
//!
//! The runtime environment is the one the BPF loader builds, with every feature on and deployment
//! checks on (unresolved symbols, unknown syscalls and malformed ELFs are rejected), then
//! `RequisiteVerifier` checks every instruction (jumps, registers, the SBPF version's instruction
//! set). Prints one line; exits non-zero on any error. Used by scripts/build-sbf.sh.
use std::sync::Arc;

use solana_program_runtime::execution_budget::SVMTransactionExecutionBudget;
use solana_program_runtime::invoke_context::InvokeContext;
use solana_sbpf::{elf::Executable, verifier::RequisiteVerifier};
use solana_svm_feature_set::SVMFeatureSet;

fn main() {
    let path = std::env::args().nth(1).expect("usage: sbf_verify PROGRAM.so");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| fail(format!("cannot read {path}: {e}")));
    let features = SVMFeatureSet::all_enabled();
    let budget = SVMTransactionExecutionBudget::new_with_defaults(false);
    let environment = agave_syscalls::create_program_runtime_environment_v1(&features, &budget, true, false)
        .unwrap_or_else(|e| fail(format!("runtime environment: {e}")));
    let executable = Executable::<InvokeContext>::load(&bytes, Arc::new(environment))
        .unwrap_or_else(|e| fail(format!("{path} does not load: {e:?}")));
    executable.verify::<RequisiteVerifier>().unwrap_or_else(|e| fail(format!("{path} does not verify: {e:?}")));
    println!(
        "loads and verifies (Agave 3.1 loader): SBPF {:?}, .text {} bytes, {} functions",
        executable.get_sbpf_version(),
        executable.get_text_bytes().1.len(),
        executable.get_function_registry().keys().count(),
    );
}

fn fail(message: String) -> ! {
    eprintln!("sbf_verify: {message}");
    std::process::exit(1);
}
