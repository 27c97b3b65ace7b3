use crate::context::{CliResult, Context};
use anchor_lang::prelude::Pubkey;
use clap::{Args, Subcommand};
use liquid_staking_sdk::deployment as program;
use serde_json::json;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Subcommand)]
pub enum ProgramCommand {
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

pub fn run(ctx: &Context, command: ProgramCommand) -> CliResult {
    match command {
        ProgramCommand::Verify(a) => verify(ctx, a),
    }
}

fn verify(ctx: &Context, a: VerifyArgs) -> CliResult {
    let local = std::fs::read(&a.so).map_err(|e| format!("{}: {e} (build it with scripts/build-sbf.sh)", a.so.display()))?;
    let id = a.program_id.as_deref().map(Pubkey::from_str).transpose()?.unwrap_or(liquid_staking_sdk::PROGRAM_ID);
    let account = ctx.rpc.get_account(&id)?;
    if account.owner != program::UPGRADEABLE_LOADER_ID {
        return Err(format!("{id} is not a program of the upgradeable loader (its owner is {})", account.owner).into());
    }
    let programdata_address = program::programdata_address(&account.data)?;
    let programdata_account = ctx.rpc.get_account(&programdata_address)?;
    let deployed = program::programdata(&programdata_account.data)?;
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
