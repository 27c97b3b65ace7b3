//! Builds the program's IDL on the host, as `anchor idl build` does (the program's
//! `__anchor_private_print_idl` tests, feature `idl-build`), without the Anchor CLI or the SBF tools.
//!
//!     cargo run -p liquid-staking-idl            # writes idl/liquid_staking.json
//!     cargo run -p liquid-staking-idl -- --check # fails when the checked-in IDL drifted
//!
//!     cargo run -p liquid-staking-idl -- --check-layouts # before an upgrade (src/layout.rs)
//!
//! The checked-in IDL is what clients are generated from (app/: Codama's Kit renderer); the check
//! runs in CI so the program and its clients cannot part silently. `--check` also runs the layout
//! gate: accounts written by every released build (releases/*/liquid_staking.json) must read the
//! same under this one.
mod layout;

use std::{path::{Path, PathBuf}, process::ExitCode};

/// Compares the account layouts of `idl` with every release's; prints one line per release.
fn check_layouts(root: &Path, idl: &Path) -> ExitCode {
    let read = |path: &Path| -> Result<serde_json::Value, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let new = match read(idl).and_then(|v| layout::layouts(&v)) {
        Ok(layouts) => layouts,
        Err(e) => {
            eprintln!("[layout] {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut releases: Vec<PathBuf> = std::fs::read_dir(root.join("releases"))
        .map(|dir| dir.filter_map(|e| Some(e.ok()?.path().join("liquid_staking.json"))).filter(|p| p.exists()).collect())
        .unwrap_or_default();
    releases.sort();
    let mut ok = !releases.is_empty();
    if releases.is_empty() {
        eprintln!("[layout] no release in releases/");
    }
    for path in releases {
        let release = path.parent().and_then(Path::file_name).map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        match read(&path).and_then(|v| layout::layouts(&v)) {
            Ok(old) => {
                let problems = layout::incompatibilities(&release, &old, &new);
                if problems.is_empty() {
                    let sizes: Vec<String> = old.iter().map(|(name, l)| format!("{name} {} B", l.size)).collect();
                    eprintln!("[layout] release {release}: every account reads the same under this build ({})", sizes.join(", "));
                } else {
                    ok = false;
                    eprintln!("[layout] release {release}: accounts would not read the same:\n  {}", problems.join("\n  "));
                }
            }
            Err(e) => {
                ok = false;
                eprintln!("[layout] release {release}: {e}");
            }
        }
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: liquid-staking-idl [--check] [--check-layouts] [--out PATH]\n\n  (no flag)        write the IDL to idl/liquid_staking.json (or --out)\n  --check          compare the built IDL with the checked-in file, then the layouts; exit 1 on any difference\n  --check-layouts  only the layout gate: accounts of every release (releases/*/liquid_staking.json) read the same under the IDL");
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
    if args.iter().any(|a| a == "--check-layouts") {
        return check_layouts(&root, &out);
    }

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
            return check_layouts(&root, &out);
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
