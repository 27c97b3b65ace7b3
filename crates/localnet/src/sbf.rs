//! SBF mode: the chain runs the program's SBF build (`target/deploy/liquid_staking.so`, made by
//! `scripts/build-sbf.sh`) in the VM instead of the natively compiled program. Switched on by
//! `LIQUID_STAKING_SBF=1`; everything that starts a [`LocalChain`](crate::LocalChain) (tests,
//! demo, examples, the JSON-RPC server) then exercises the bytecode a validator would run, with
//! real compute-unit metering and the program's log lines.
use std::path::{Path, PathBuf};

use solana_account::Account;

/// The switch: set to anything but "" or "0".
pub const ENV: &str = "LIQUID_STAKING_SBF";

pub fn enabled() -> bool {
    std::env::var(ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// `$SBF_OUT_DIR/liquid_staking.so`, by default in the workspace's `target/deploy`.
pub fn program_path() -> PathBuf {
    so_path("liquid_staking")
}

/// `$SBF_OUT_DIR/<name>.so`, by default in the workspace's `target/deploy`.
pub fn so_path(name: &str) -> PathBuf {
    let dir = std::env::var_os("SBF_OUT_DIR").map(PathBuf::from).unwrap_or_else(|| {
        // This crate is crates/localnet in the workspace.
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("the workspace root");
        workspace.join("target/deploy")
    });
    dir.join(format!("{name}.so"))
}

/// The program account for the SBF build at `path` (owned by the BPF loader, executable). Panics
/// with the fix when it cannot be read.
pub fn load_program(path: &Path) -> Account {
    let data = std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "the SBF build {} cannot be read ({e}); build it with \
             scripts/build-sbf.sh, or point SBF_OUT_DIR at the directory holding it",
            path.display()
        )
    });
    Account {
        lamports: solana_rent::Rent::default().minimum_balance(data.len()).max(1),
        data,
        owner: solana_sdk_ids::bpf_loader::id(),
        executable: true,
        rent_epoch: 0,
    }
}
