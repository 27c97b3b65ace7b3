use super::user::token_balance;
use crate::amount;
use crate::context::{CliResult, Context};
use anchor_lang::prelude::Pubkey;
use clap::Args;
use liquid_staking_sdk::addresses::lst_account;
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::str::FromStr;

pub fn address(ctx: &Context) -> CliResult {
    let key = ctx.signer()?.pubkey();
    ctx.print(key, json!({ "address": key.to_string() }));
    Ok(())
}

#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the new keypair (default: --keypair).
    #[arg(long)]
    outfile: Option<String>,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

pub fn keygen(ctx: &Context, a: KeygenArgs) -> CliResult {
    let path = a.outfile.unwrap_or_else(|| ctx.keypair_path().to_string());
    if std::path::Path::new(&path).exists() && !a.force {
        return Err(format!("{path} exists; pass --force to overwrite").into());
    }
    if let Some(dir) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let keypair = Keypair::new();
    solana_keypair::write_keypair_file(&keypair, &path)?;
    ctx.print(format!("Wrote {path}: {}", keypair.pubkey()), json!({ "outfile": path, "address": keypair.pubkey().to_string() }));
    Ok(())
}

#[derive(Args)]
pub struct AirdropArgs {
    /// SOL to request.
    amount: String,
    /// Recipient (default: the keypair's address).
    recipient: Option<String>,
}

pub fn airdrop(ctx: &Context, a: AirdropArgs) -> CliResult {
    let to = match &a.recipient { Some(r) => Pubkey::from_str(r)?, None => ctx.signer()?.pubkey() };
    let lamports = amount::parse(&a.amount)?;
    let signature = ctx.rpc.request_airdrop(&to, lamports)?;
    if !ctx.json() {
        eprintln!("waiting for the airdrop to confirm...");
    }
    ctx.rpc.poll_for_signature(&signature)?;
    ctx.print(format!("{} SOL to {to}. Signature {signature}", amount::format(lamports)), json!({ "lamports": lamports, "signature": signature.to_string() }));
    Ok(())
}

/// Waits until the cluster's next epoch starts (at `confirmed`), printing progress on a terminal.
pub fn wait_epoch(ctx: &Context) -> CliResult {
    let start = ctx.rpc.get_epoch_info()?;
    let target = start.epoch + 1;
    loop {
        let info = ctx.rpc.get_epoch_info()?;
        if info.epoch >= target {
            ctx.print(format!("Now in epoch {}", info.epoch), json!({ "epoch": info.epoch }));
            return Ok(());
        }
        if !ctx.json() {
            eprintln!("epoch {}: slot {} of {}, waiting for epoch {target}", info.epoch, info.slot_index, info.slots_in_epoch);
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
}

#[derive(Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    pool: super::pool::PoolArg,
    /// Wallet (default: the keypair's address).
    address: Option<String>,
}

pub fn balance(ctx: &Context, a: BalanceArgs) -> CliResult {
    let who = match &a.address { Some(w) => Pubkey::from_str(w)?, None => ctx.signer()?.pubkey() };
    let (keys, pool) = ctx.pool(&a.pool.pool)?;
    let sol = ctx.rpc.get_balance(&who)?;
    let lst = token_balance(ctx, &lst_account(&who, &keys.lst_mint));
    let worth = liquid_staking_sdk::math::lamports_for_lst(lst, pool.total_lamports, pool.lst_supply).unwrap_or(0);
    ctx.print(
        format!("{} SOL, {} LST (worth {} SOL)", amount::format(sol), amount::format(lst), amount::format(worth)),
        json!({ "lamports": sol, "lst": lst, "lstValueLamports": worth }),
    );
    Ok(())
}
