//! Builds the program's IDL on the host, as `anchor idl build` does (the program's
//! `__anchor_private_print_idl` tests, feature `idl-build`), without the Anchor CLI or the SBF tools.
//!
//!     cargo run -p liquid-staking-idl            # writes idl/liquid_staking.json
//!     cargo run -p liquid-staking-idl -- --check # fails when the checked-in IDL drifted
//!
//! The checked-in IDL is what clients are generated from (app/: Codama's Kit renderer); the check
//! runs in CI so the program and its clients cannot part silently.
use std::{path::PathBuf, process::ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: liquid-staking-idl [--check] [--out PATH]\n\n  (no flag)    write the IDL to idl/liquid_staking.json (or --out)\n  --check      compare the built IDL with the checked-in file; exit 1 on any difference");
        return ExitCode::SUCCESS;
    }
    let check = args.iter().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("idl/liquid_staking.json"));

    // The builder runs `cargo +$RUSTUP_TOOLCHAIN test` and would `rustup toolchain install` it:
    // build with whatever toolchain `cargo` resolves to instead (never touch rustup here).
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    eprintln!("[idl] building the IDL of programs/liquid-staking (cargo test --features idl-build)...");
    let idl = match anchor_lang_idl::build::IdlBuilder::new()
        .program_path(root.join("programs/liquid-staking"))
        .skip_lint(true)
        .build()
    {
        Ok(idl) => idl,
        Err(e) => {
            eprintln!("[idl] build failed: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let json = serde_json::to_string_pretty(&idl).expect("IDL serializes") + "\n";
    if check {
        let current = std::fs::read_to_string(&out).unwrap_or_default();
        if current == json {
            eprintln!("[idl] {} matches the program ({} instructions)", out.display(), idl.instructions.len());
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "[idl] {} is out of date with the program: run `cargo run -p liquid-staking-idl` and regenerate the app's client (cd app && npm run codegen)",
            out.display()
        );
        return ExitCode::FAILURE;
    }
    std::fs::create_dir_all(out.parent().expect("a file path")).expect("IDL directory created");
    std::fs::write(&out, json).expect("IDL written");
    eprintln!("[idl] wrote {} ({} instructions, {} accounts, {} types)", out.display(), idl.instructions.len(), idl.accounts.len(), idl.types.len());
    ExitCode::SUCCESS
}
