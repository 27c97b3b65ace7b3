use crate::context::{CliResult, Context};
use anchor_lang::prelude::Pubkey;
use clap::{Args, Subcommand};
use liquid_staking_sdk::deployment as program;
use liquid_staking_sdk::rpc::deploy::{self, DeployReport, WriteOptions};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[derive(Subcommand)]
pub enum ProgramCommand {
    /// Deploy the program through the upgradeable loader: write a buffer, then create the program
    /// at the program keypair's address with room for --max-len bytes; the signer (-k) pays and
    /// becomes the upgrade authority unless --upgrade-authority names another keypair.
    Deploy(DeployArgs),
    /// Upgrade the deployed program to a new build: a buffer written by the upgrade authority
    /// (-k, or --upgrade-authority), then the loader swaps the bytes. Accounts are left as they
    /// are: check the layouts first (README, "Deploying": upgrading).
    Upgrade(UpgradeArgs),
    /// Hand the upgrade authority to another key (checked: its keypair signs too), to any address
    /// such as a multisig's vault (--skip-new-authority-signer-check), or to nobody (--final).
    SetUpgradeAuthority(SetUpgradeAuthorityArgs),
    /// Check that the deployed program is a local build, byte for byte: the sha256 of both, the
    /// deployment slot and the upgrade authority (fails when they differ).
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The local build (`scripts/build-sbf.sh`; `scripts/verify-build.sh` shows it reproducible).
    #[arg(long, default_value = "target/deploy/liquid_staking.so")]
    so: PathBuf,
    /// The deployed program's address (default: the program id this CLI was built with).
    #[arg(long)]
    program_id: Option<String>,
}

#[derive(Args)]
pub struct WriteArgs {
    /// The build to write (`scripts/build-sbf.sh`).
    #[arg(long, default_value = "target/deploy/liquid_staking.so")]
    so: PathBuf,
    /// Priority fee of every transaction, micro-lamports per compute unit (devnet and mainnet:
    /// writes without one are the first dropped when the cluster is busy).
    #[arg(long, default_value_t = 0)]
    priority_fee: u64,
    /// Rounds of sending the chunks that the buffer does not hold yet and reading it back.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    max_rounds: u32,
    /// Keypair of the buffer: give one to resume an interrupted write (default: a new one).
    #[arg(long, value_name = "KEYPAIR")]
    buffer: Option<PathBuf>,
    /// Keypair of the upgrade authority (default: the signer, -k).
    #[arg(long, value_name = "KEYPAIR")]
    upgrade_authority: Option<PathBuf>,
}

#[derive(Args)]
pub struct DeployArgs {
    /// Keypair whose address becomes the program id (it must be the id the build declares:
    /// `declare_id!` in programs/liquid-staking/src/lib.rs).
    #[arg(long, value_name = "KEYPAIR")]
    program_keypair: PathBuf,
    /// Room reserved for the program, in bytes (default: twice the build, so upgrades can grow).
    #[arg(long)]
    max_len: Option<usize>,
    #[command(flatten)]
    write: WriteArgs,
}

#[derive(Args)]
pub struct UpgradeArgs {
    /// The program to upgrade (default: the program id this CLI was built with).
    #[arg(long)]
    program_id: Option<String>,
    #[command(flatten)]
    write: WriteArgs,
}

#[derive(Args)]
pub struct SetUpgradeAuthorityArgs {
    /// The program (default: the program id this CLI was built with).
    #[arg(long)]
    program_id: Option<String>,
    /// Keypair of the current upgrade authority (default: the signer, -k).
    #[arg(long, value_name = "KEYPAIR")]
    upgrade_authority: Option<PathBuf>,
    /// The new authority: a keypair file (it signs: a checked handover) or an address (with
    /// --skip-new-authority-signer-check).
    #[arg(long, value_name = "KEYPAIR_OR_ADDRESS", required_unless_present = "final_")]
    new_upgrade_authority: Option<String>,
    /// Hand over to an address that cannot sign here (a multisig's vault, a governance PDA).
    #[arg(long)]
    skip_new_authority_signer_check: bool,
    /// Make the program immutable: nobody can ever upgrade it again.
    #[arg(long = "final", conflicts_with = "new_upgrade_authority")]
    final_: bool,
}

pub fn run(ctx: &Context, command: ProgramCommand) -> CliResult {
    match command {
        ProgramCommand::Deploy(a) => deploy_program(ctx, a),
        ProgramCommand::Upgrade(a) => upgrade_program(ctx, a),
        ProgramCommand::SetUpgradeAuthority(a) => set_upgrade_authority(ctx, a),
        ProgramCommand::Verify(a) => verify(ctx, a),
    }
}

fn read_keypair(path: &Path, what: &str) -> CliResult<Keypair> {
    solana_keypair::read_keypair_file(path).map_err(|e| format!("cannot read the {what} keypair {}: {e}", path.display()).into())
}

fn read_so(path: &Path) -> CliResult<Vec<u8>> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e} (build it with scripts/build-sbf.sh)", path.display()))?;
    if !bytes.starts_with(b"\x7fELF") {
        return Err(format!("{} is not an ELF file (an SBF build starts with \\x7fELF)", path.display()).into());
    }
    Ok(bytes)
}

fn program_id(given: &Option<String>) -> CliResult<Pubkey> {
    Ok(given.as_deref().map(Pubkey::from_str).transpose()?.unwrap_or(liquid_staking_sdk::PROGRAM_ID))
}

/// The payer, the upgrade authority, the buffer and the write options of a deploy or upgrade.
fn write_setup(ctx: &Context, a: &WriteArgs) -> CliResult<(Keypair, Keypair, Option<Keypair>, WriteOptions, Vec<u8>)> {
    let payer = ctx.signer()?;
    let authority = match &a.upgrade_authority {
        Some(path) => read_keypair(path, "upgrade authority")?,
        None => payer.insecure_clone(),
    };
    let buffer = a.buffer.as_deref().map(|p| read_keypair(p, "buffer")).transpose()?;
    let options = WriteOptions { priority_fee: a.priority_fee, max_rounds: a.max_rounds, ..WriteOptions::default() };
    Ok((payer, authority, buffer, options, read_so(&a.so)?))
}

fn progress(ctx: &Context) -> impl FnMut(&str) + '_ {
    // Progress goes to stderr: stdout keeps the one result (text or --output json).
    move |line: &str| {
        if !ctx.json() {
            eprintln!("{line}");
        }
    }
}

/// One deployment's or upgrade's result: a summary line, or the report as JSON.
fn print_report(ctx: &Context, done: &str, report: &DeployReport, authority: &Pubkey, so: &[u8]) {
    let sha256 = program::sha256_hex(so);
    let text = format!(
        "{done} {} ({} bytes, room for {}, sha256 {sha256}), upgrade authority {authority}\n{} chunks in {} write transactions ({} rounds), {} lamports spent",
        report.program_id, report.program_bytes, report.max_program_len, report.chunks, report.write_transactions, report.rounds, report.lamports_spent
    );
    let value = json!({
        "programId": report.program_id.to_string(),
        "programData": program::programdata_address_of(&report.program_id).to_string(),
        "upgradeAuthority": authority.to_string(),
        "signature": report.signature.map(|s| s.to_string()),
        "buffer": report.buffer.to_string(),
        "programBytes": report.program_bytes,
        "maxProgramLen": report.max_program_len,
        "chunks": report.chunks,
        "writeTransactions": report.write_transactions,
        "rounds": report.rounds,
        "lamportsSpent": report.lamports_spent,
        "sha256": sha256,
    });
    ctx.print(text, value);
}

fn deploy_program(ctx: &Context, a: DeployArgs) -> CliResult {
    let (payer, authority, buffer, options, so) = write_setup(ctx, &a.write)?;
    let program_keypair = read_keypair(&a.program_keypair, "program")?;
    if program_keypair.pubkey() != liquid_staking_sdk::PROGRAM_ID {
        eprintln!(
            "note: the program keypair is {}, this CLI's program id is {}: the build must declare the keypair's id",
            program_keypair.pubkey(),
            liquid_staking_sdk::PROGRAM_ID
        );
    }
    let max_len = a.max_len.unwrap_or(so.len() * 2);
    let report = deploy::deploy(&ctx.rpc, &payer, &program_keypair, &authority, buffer.as_ref(), &so, max_len, &options, progress(ctx))?;
    print_report(ctx, "deployed", &report, &authority.pubkey(), &so);
    Ok(())
}

fn upgrade_program(ctx: &Context, a: UpgradeArgs) -> CliResult {
    let (payer, authority, buffer, options, so) = write_setup(ctx, &a.write)?;
    let id = program_id(&a.program_id)?;
    let report = deploy::upgrade(&ctx.rpc, &payer, &authority, &id, buffer.as_ref(), &so, &options, progress(ctx))?;
    print_report(ctx, "upgraded", &report, &authority.pubkey(), &so);
    Ok(())
}

fn set_upgrade_authority(ctx: &Context, a: SetUpgradeAuthorityArgs) -> CliResult {
    let payer = ctx.signer()?;
    let current = match &a.upgrade_authority {
        Some(path) => read_keypair(path, "upgrade authority")?,
        None => payer.insecure_clone(),
    };
    let id = program_id(&a.program_id)?;
    // A keypair file signs (checked); an address needs the flag that says it cannot.
    let (new, new_signer) = match (&a.new_upgrade_authority, a.final_) {
        (_, true) => (None, None),
        (Some(given), false) => match Pubkey::from_str(given) {
            Ok(address) if a.skip_new_authority_signer_check => (Some(address), None),
            Ok(address) => {
                return Err(format!(
                    "{address} is an address: give its keypair file (it signs: a checked handover) or add --skip-new-authority-signer-check"
                )
                .into())
            }
            Err(_) => {
                let keypair = read_keypair(Path::new(given), "new upgrade authority")?;
                (Some(keypair.pubkey()), Some(keypair))
            }
        },
        (None, false) => return Err("--new-upgrade-authority or --final".into()),
    };
    let signature = deploy::set_upgrade_authority(&ctx.rpc, &payer, &current, &id, new.as_ref(), new_signer.as_ref())?;
    let shown = new.map_or("nobody: the program is immutable".to_string(), |k| k.to_string());
    ctx.print(
        format!("the upgrade authority of {id} is now {shown} ({})", if new_signer.is_some() { "checked: it signed" } else { "unchecked" }),
        json!({
            "programId": id.to_string(),
            "oldUpgradeAuthority": current.pubkey().to_string(),
            "upgradeAuthority": new.map(|k| k.to_string()),
            "checked": new_signer.is_some(),
            "signature": signature.to_string(),
        }),
    );
    Ok(())
}

fn verify(ctx: &Context, a: VerifyArgs) -> CliResult {
    let local = std::fs::read(&a.so).map_err(|e| format!("{}: {e} (build it with scripts/build-sbf.sh)", a.so.display()))?;
    let id = program_id(&a.program_id)?;
    let (programdata_address, programdata_account) = deploy::read_programdata(&ctx.rpc, &id)?;
    let deployed = program::programdata(&programdata_account)?;
    let local_hash = program::sha256_hex(&local);
    let deployed_hash = program::sha256_hex(&deployed.bytes[..local.len().min(deployed.bytes.len())]);
    let verdict = program::compare(&local, deployed.bytes);
    let authority = deployed.upgrade_authority.map_or("none (immutable)".to_string(), |k| k.to_string());
    let value = json!({
        "programId": id.to_string(),
        "programData": programdata_address.to_string(),
        "deployedSlot": deployed.slot,
        "upgradeAuthority": deployed.upgrade_authority.map(|k| k.to_string()),
        "localSha256": local_hash,
        "deployedSha256": deployed_hash,
        "localBytes": local.len(),
        "deployedRoom": deployed.bytes.len(),
        "matches": verdict.is_ok(),
    });
    let text = format!(
        "program {id} (ProgramData {programdata_address}), deployed in slot {}, upgrade authority {authority}\n\
         local    {local_hash}  {} ({} bytes)\n\
         deployed {deployed_hash}  (the first {} of {} bytes)",
        deployed.slot,
        a.so.display(),
        local.len(),
        local.len().min(deployed.bytes.len()),
        deployed.bytes.len()
    );
    match verdict {
        Ok(()) => {
            ctx.print(format!("{text}\nThe deployed program is this build."), value);
            Ok(())
        }
        Err(why) => {
            ctx.print(&text, value);
            Err(format!("the deployed program is not this build: {why}").into())
        }
    }
}
