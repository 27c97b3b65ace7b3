use super::pool::PoolArg;
use crate::amount;
use crate::context::{CliResult, Context};
use anchor_lang::prelude::Pubkey;
use clap::Args;
use liquid_staking_sdk::{addresses::{lst_account, new_ticket_nonce}, decode, instructions as ix, quote};
use serde_json::json;
use solana_keypair::Keypair;
use solana_rpc_client_types::config::RpcProgramAccountsConfig;
use solana_rpc_client_types::filter::{Memcmp, RpcFilterType};
use solana_signer::Signer;
use std::str::FromStr;

/// The fee of a one-signature transaction, which the keypair paid: added back when reporting what
/// an exit paid from a balance difference.
const SIGNATURE_FEE_LAMPORTS: u64 = 5_000;

#[derive(Args)]
pub struct DepositArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// SOL to deposit, e.g. 1.5.
    amount: String,
    /// Least LST accepted (default: the quote less --slippage-bps).
    #[arg(long)]
    min_lst: Option<String>,
    #[command(flatten)]
    slippage: SlippageArg,
}

/// How far below its quote an amount may land before the program refuses the transaction.
#[derive(Args)]
pub struct SlippageArg {
    /// Tolerance below the quote, in basis points, for the amount you receive (unless you give
    /// the minimum yourself).
    #[arg(long, default_value_t = 10)]
    slippage_bps: u16,
}

pub fn deposit(ctx: &Context, a: DepositArgs) -> CliResult {
    ctx.retry_stale(|| deposit_once(ctx, &a))
}

fn deposit_once(ctx: &Context, a: &DepositArgs) -> CliResult {
    let (keys, pool) = ctx.fresh_pool(&a.pool.pool)?;
    let me = ctx.signer()?.pubkey();
    let lamports = amount::parse(&a.amount)?;
    let (epoch, epoch_slots) = ctx.epoch_and_slots()?;
    let quoted = quote::deposit(&pool, lamports, epoch, epoch_slots).ok_or("the deposit is too large for the pool's totals")?;
    let min_lst_out = match &a.min_lst { Some(m) => amount::parse(m)?, None => quote::with_slippage(quoted.lst_out, a.slippage.slippage_bps) };
    let recipient_lst = lst_account(&me, &keys.lst_mint);
    let before = token_balance(ctx, &recipient_lst);
    let signature = ctx.send(
        &[
            ix::create_lst_account(&me, &me, &keys.lst_mint),
            ix::deposit_sol(&ix::DepositSolParams { keys, depositor: me, recipient_lst, lamports, min_lst_out }),
        ],
        &[],
    )?;
    let minted = token_balance(ctx, &recipient_lst) - before;
    ctx.print(
        format!("Deposited {} SOL for {} LST (fee {} SOL). Signature {signature}", amount::format(lamports), amount::format(minted), amount::format(quoted.fee_lamports)),
        json!({ "lamports": lamports, "lstMinted": minted, "feeLamports": quoted.fee_lamports, "signature": signature.to_string() }),
    );
    Ok(())
}

pub fn token_balance(ctx: &Context, account: &Pubkey) -> u64 {
    ctx.rpc.get_account_data(account).ok().and_then(|d| decode::token_amount(&d)).unwrap_or(0)
}

#[derive(Args)]
pub struct DepositStakeArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// Your active stake account (you are its staker and withdrawer).
    stake_account: String,
    /// Least LST accepted (default: the quote less --slippage-bps).
    #[arg(long)]
    min_lst: Option<String>,
    #[command(flatten)]
    slippage: SlippageArg,
}

pub fn deposit_stake(ctx: &Context, a: DepositStakeArgs) -> CliResult {
    ctx.retry_stale(|| deposit_stake_once(ctx, &a))
}

fn deposit_stake_once(ctx: &Context, a: &DepositStakeArgs) -> CliResult {
    let (keys, pool) = ctx.fresh_pool(&a.pool.pool)?;
    let me = ctx.signer()?.pubkey();
    let stake = Pubkey::from_str(&a.stake_account)?;
    let account = ctx.rpc.get_account(&stake)?;
    let solana_stake_interface::state::StakeStateV2::Stake(_, s, _) = bincode::deserialize(&account.data).map_err(|_| "not a stake account")? else {
        return Err("the stake account is not delegated".into());
    };
    let (epoch, epoch_slots) = ctx.epoch_and_slots()?;
    let delegated = s.delegation.stake;
    let quoted = quote::deposit_stake(&pool, delegated, account.lamports.saturating_sub(delegated), epoch, epoch_slots)
        .ok_or("the deposit is too large for the pool's totals")?;
    let min_lst_out = match &a.min_lst { Some(m) => amount::parse(m)?, None => quote::with_slippage(quoted.lst_out, a.slippage.slippage_bps) };
    let vote = s.delegation.voter_pubkey;
    let list = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?;
    let index = list.entries.iter().position(|e| e.vote_account == vote).ok_or(format!("{vote} is not a validator of this pool"))? as u32;
    let recipient_lst = lst_account(&me, &keys.lst_mint);
    let before = token_balance(ctx, &recipient_lst);
    let mut instructions = vec![ix::create_lst_account(&me, &me, &keys.lst_mint)];
    instructions.extend(ix::deposit_stake(&ix::DepositStakeParams { keys, depositor: me, recipient_lst, index, vote_account: vote, deposit_stake: stake, min_lst_out }));
    let signature = ctx.send(&instructions, &[])?;
    let minted = token_balance(ctx, &recipient_lst) - before;
    ctx.print(format!("Deposited stake account {stake} for {} LST. Signature {signature}", amount::format(minted)), json!({ "lstMinted": minted, "signature": signature.to_string() }));
    Ok(())
}

#[derive(Args)]
pub struct ExitArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// LST to exit with, e.g. 2.5.
    amount: String,
    /// Least SOL accepted (default: the quote less --slippage-bps).
    #[arg(long)]
    min_sol: Option<String>,
    #[command(flatten)]
    slippage: SlippageArg,
}

pub fn instant_unstake(ctx: &Context, a: ExitArgs) -> CliResult {
    ctx.retry_stale(|| instant_unstake_once(ctx, &a))
}

fn instant_unstake_once(ctx: &Context, a: &ExitArgs) -> CliResult {
    let (keys, pool) = ctx.fresh_pool(&a.pool.pool)?;
    let me = ctx.signer()?.pubkey();
    let lst = amount::parse(&a.amount)?;
    let reserve = ctx.rpc.get_balance(&keys.reserve)?;
    let quoted = quote::instant_exit(&pool, lst, reserve, ctx.epoch()?).ok_or("the buffer cannot pay this exit now; use `order-unstake` or `unstake`")?;
    let min_lamports_out = match &a.min_sol { Some(m) => amount::parse(m)?, None => quote::with_slippage(quoted.lamports_out, a.slippage.slippage_bps) };
    let before = ctx.rpc.get_balance(&me)?;
    let signature = ctx.send(&[ix::instant_unstake(&ix::InstantUnstakeParams { keys, owner: me, owner_lst: lst_account(&me, &keys.lst_mint), lst_amount: lst, min_lamports_out })], &[])?;
    let received = ctx.rpc.get_balance(&me)? + SIGNATURE_FEE_LAMPORTS - before;
    ctx.print(
        format!("Received {} SOL now (fee {:.2}%). Signature {signature}", amount::format(received), quoted.fee_bps as f64 / 100.0),
        json!({ "lamportsOut": received, "feeBps": quoted.fee_bps, "signature": signature.to_string() }),
    );
    Ok(())
}

pub fn order_unstake(ctx: &Context, a: ExitArgs) -> CliResult {
    ctx.retry_stale(|| order_unstake_once(ctx, &a))
}

fn order_unstake_once(ctx: &Context, a: &ExitArgs) -> CliResult {
    let (keys, pool) = ctx.fresh_pool(&a.pool.pool)?;
    let me = ctx.signer()?.pubkey();
    let lst = amount::parse(&a.amount)?;
    let quoted = quote::delayed_exit(&pool, lst, ctx.epoch()?).ok_or("the exit is too large for the pool's totals")?;
    let min_lamports_out = match &a.min_sol { Some(m) => amount::parse(m)?, None => quote::with_slippage(quoted.lamports_out, a.slippage.slippage_bps) };
    let ticket_nonce = new_ticket_nonce();
    let ticket = keys.ticket(&me, ticket_nonce);
    let signature = ctx.send(
        &[ix::order_unstake(&ix::OrderUnstakeParams { keys, owner: me, owner_lst: lst_account(&me, &keys.lst_mint), ticket_nonce, lst_amount: lst, min_lamports_out })],
        &[],
    )?;
    let t = decode::ticket(&ctx.rpc.get_account_data(&ticket)?)?;
    ctx.print(
        format!("Ticket {ticket}: {} SOL, claimable from epoch {} once the stake is back. Signature {signature}", amount::format(t.lamports), t.claimable_epoch),
        json!({ "ticket": ticket.to_string(), "lamports": t.lamports, "claimableEpoch": t.claimable_epoch, "signature": signature.to_string() }),
    );
    Ok(())
}

#[derive(Args)]
pub struct UnstakeArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// LST to exit with.
    amount: String,
    /// Highest instant fee accepted, in basis points; the rest becomes a ticket.
    #[arg(long, default_value_t = 50)]
    max_fee_bps: u16,
    /// Least SOL accepted in all, now plus owed (default: the quote less --slippage-bps).
    #[arg(long)]
    min_sol: Option<String>,
    /// Least SOL accepted now, the instant part (default: its quote less --slippage-bps): someone
    /// draining the buffer in front of you cannot turn your instant part into a ticket.
    #[arg(long)]
    min_instant_sol: Option<String>,
    #[command(flatten)]
    slippage: SlippageArg,
}

pub fn unstake(ctx: &Context, a: UnstakeArgs) -> CliResult {
    ctx.retry_stale(|| unstake_once(ctx, &a))
}

fn unstake_once(ctx: &Context, a: &UnstakeArgs) -> CliResult {
    let (keys, pool) = ctx.fresh_pool(&a.pool.pool)?;
    let me = ctx.signer()?.pubkey();
    let lst = amount::parse(&a.amount)?;
    let reserve = ctx.rpc.get_balance(&keys.reserve)?;
    let (instant, owed) = quote::unstake(&pool, lst, reserve, ctx.epoch()?, a.max_fee_bps).ok_or("the exit is too large for the pool's totals")?;
    let slippage = a.slippage.slippage_bps;
    let min_lamports_out = match &a.min_sol { Some(m) => amount::parse(m)?, None => quote::with_slippage(instant + owed, slippage) };
    let min_instant_lamports_out = match &a.min_instant_sol { Some(m) => amount::parse(m)?, None => quote::with_slippage(instant, slippage) };
    let ticket_nonce = new_ticket_nonce();
    let ticket = keys.ticket(&me, ticket_nonce);
    let before = ctx.rpc.get_balance(&me)?;
    let params = ix::UnstakeParams {
        keys,
        owner: me,
        owner_lst: lst_account(&me, &keys.lst_mint),
        ticket_nonce,
        lst_amount: lst,
        max_fee_bps: a.max_fee_bps,
        min_lamports_out,
        min_instant_lamports_out,
    };
    let signature = ctx.send(&[ix::unstake(&params)], &[])?;
    let ticket_state = ctx.rpc.get_account_data(&ticket).ok().and_then(|d| decode::ticket(&d).ok());
    let rent = ticket_state.as_ref().map_or(0, |_| ctx.rpc.get_balance(&ticket).unwrap_or(0));
    let now = ctx.rpc.get_balance(&me)? + SIGNATURE_FEE_LAMPORTS + rent - before;
    let owed = ticket_state.as_ref().map_or(0, |t| t.lamports);
    ctx.print(
        match &ticket_state {
            Some(t) => format!("Received {} SOL now; ticket {ticket} for {} SOL, claimable from epoch {}. Signature {signature}", amount::format(now), amount::format(owed), t.claimable_epoch),
            None => format!("Received {} SOL now. Signature {signature}", amount::format(now)),
        },
        json!({ "lamportsNow": now, "ticket": ticket_state.as_ref().map(|_| ticket.to_string()), "lamportsOwed": owed, "signature": signature.to_string() }),
    );
    Ok(())
}

#[derive(Args)]
pub struct WithdrawStakeArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// LST to exit with (worth at least 1 SOL).
    amount: String,
    /// Vote account of the validator to split from (default: the one holding the most stake).
    #[arg(long)]
    validator: Option<String>,
    /// Least SOL accepted in the stake account (default: the quote less --slippage-bps).
    #[arg(long)]
    min_sol: Option<String>,
    #[command(flatten)]
    slippage: SlippageArg,
}

pub fn withdraw_stake(ctx: &Context, a: WithdrawStakeArgs) -> CliResult {
    ctx.retry_stale(|| withdraw_stake_once(ctx, &a))
}

fn withdraw_stake_once(ctx: &Context, a: &WithdrawStakeArgs) -> CliResult {
    let (keys, pool) = ctx.fresh_pool(&a.pool.pool)?;
    let me = ctx.signer()?.pubkey();
    let lst = amount::parse(&a.amount)?;
    let quoted = quote::stake_withdrawal(&pool, lst, ctx.epoch()?).ok_or("the exit is too large for the pool's totals")?;
    let min_lamports_out = match &a.min_sol { Some(m) => amount::parse(m)?, None => quote::with_slippage(quoted.lamports_out, a.slippage.slippage_bps) };
    let list = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?;
    let index = match &a.validator {
        Some(v) => {
            let vote = Pubkey::from_str(v)?;
            list.entries.iter().position(|e| e.vote_account == vote).ok_or(format!("{vote} is not a validator of this pool"))?
        }
        None => list.entries.iter().enumerate().max_by_key(|(_, e)| e.active_stake_lamports).map(|(i, _)| i).ok_or("the pool has no validators")?,
    };
    let vote = list.entries[index].vote_account;
    let new_stake = Keypair::new();
    let stake_account_rent_lamports = ctx.rpc.get_minimum_balance_for_rent_exemption(liquid_staking_sdk::constants::STAKE_ACCOUNT_SPACE as usize)?;
    let signature = ctx.send(
        &ix::withdraw_stake(&ix::WithdrawStakeParams {
            keys,
            owner: me,
            owner_lst: lst_account(&me, &keys.lst_mint),
            index: index as u32,
            vote_account: vote,
            new_stake: new_stake.pubkey(),
            stake_account_rent_lamports,
            lst_amount: lst,
            min_lamports_out,
        }),
        &[&new_stake],
    )?;
    let lamports = ctx.rpc.get_balance(&new_stake.pubkey())?;
    ctx.print(
        format!("Stake account {} holds {} SOL, delegated to {vote}, yours. Signature {signature}", new_stake.pubkey(), amount::format(lamports)),
        json!({ "stakeAccount": new_stake.pubkey().to_string(), "lamports": lamports, "voteAccount": vote.to_string(), "signature": signature.to_string() }),
    );
    Ok(())
}

#[derive(Args)]
pub struct ClaimArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// One ticket (default: every claimable ticket of the keypair).
    ticket: Option<String>,
    /// Wait (showing progress) until every ticket can be claimed, then claim them.
    #[arg(long)]
    wait: bool,
}

pub fn claim(ctx: &Context, a: ClaimArgs) -> CliResult {
    if a.wait {
        wait_for_tickets(ctx, &a)?;
    }
    let (keys, pool) = ctx.pool(&a.pool.pool)?;
    let me = ctx.signer()?.pubkey();
    let epoch = ctx.epoch()?;
    let reserve = ctx.rpc.get_balance(&keys.reserve)?;
    let tickets = match &a.ticket {
        Some(t) => {
            let address = Pubkey::from_str(t)?;
            vec![(address, decode::ticket(&ctx.rpc.get_account_data(&address)?)?)]
        }
        None => owned_tickets(ctx, &me)?.into_iter().filter(|(_, t)| t.pool == keys.pool).collect(),
    };
    let mut claimed = Vec::new();
    let mut waiting = Vec::new();
    for (address, ticket) in tickets {
        if a.ticket.is_none() && !quote::ticket_claimable(&pool, &ticket, reserve, epoch) {
            waiting.push(json!({ "ticket": address.to_string(), "lamports": ticket.lamports, "claimableEpoch": ticket.claimable_epoch }));
            continue;
        }
        let signature = ctx.send(&[ix::claim_ticket(&keys, &me, &address)], &[])?;
        claimed.push(json!({ "ticket": address.to_string(), "lamports": ticket.lamports, "signature": signature.to_string() }));
    }
    let total: u64 = claimed.iter().map(|c| c["lamports"].as_u64().unwrap_or(0)).sum();
    ctx.print(
        format!("Claimed {} ticket(s), {} SOL; {} still waiting for their SOL.", claimed.len(), amount::format(total), waiting.len()),
        json!({ "claimed": claimed, "waiting": waiting, "lamports": total }),
    );
    Ok(())
}

/// Polls until every ticket of the keypair (or the one named) is claimable, printing progress to
/// stderr: the epoch, and what is still waiting for which epoch or for the crank.
fn wait_for_tickets(ctx: &Context, a: &ClaimArgs) -> CliResult {
    let me = ctx.signer()?.pubkey();
    let mut last = String::new();
    loop {
        let (keys, pool) = ctx.pool(&a.pool.pool)?;
        let epoch = ctx.epoch()?;
        let reserve = ctx.rpc.get_balance(&keys.reserve)?;
        let mut tickets = owned_tickets(ctx, &me)?;
        tickets.retain(|(address, t)| t.pool == keys.pool && a.ticket.as_ref().is_none_or(|w| *w == address.to_string()));
        let waiting: Vec<_> = tickets.iter().filter(|(_, t)| !quote::ticket_claimable(&pool, t, reserve, epoch)).collect();
        if waiting.is_empty() {
            return Ok(());
        }
        let next = waiting.iter().map(|(_, t)| t.claimable_epoch).max().unwrap_or(epoch);
        let status = if epoch < next {
            format!("epoch {epoch}: {} ticket(s) waiting for epoch {next}", waiting.len())
        } else {
            format!("epoch {epoch}: {} ticket(s) waiting for the crank to bring their SOL back", waiting.len())
        };
        if status != last && !ctx.json() {
            eprintln!("{status}");
            last = status;
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
}

/// Every ticket `owner` holds (one getProgramAccounts with the owner at its fixed offset).
fn owned_tickets(ctx: &Context, owner: &Pubkey) -> CliResult<Vec<(Pubkey, liquid_staking_sdk::state::Ticket)>> {
    let filters = decode::ticket_filters(owner).into_iter().map(|(o, b)| RpcFilterType::Memcmp(Memcmp::new_raw_bytes(o, b))).collect();
    let accounts = ctx.rpc.get_program_ui_accounts_with_config(
        &liquid_staking::ID,
        RpcProgramAccountsConfig {
            filters: Some(filters),
            account_config: solana_rpc_client_types::config::RpcAccountInfoConfig {
                encoding: Some(solana_account_decoder::UiAccountEncoding::Base64),
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    let mut out = Vec::new();
    for (address, account) in accounts {
        let data = account.data.decode().ok_or("the RPC returned undecodable account data")?;
        out.push((address, decode::ticket(&data)?));
    }
    Ok(out)
}

#[derive(Args)]
pub struct TicketsArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// Owner (default: the keypair's address).
    #[arg(long)]
    owner: Option<String>,
}

pub fn tickets(ctx: &Context, a: TicketsArgs) -> CliResult {
    let (keys, pool) = ctx.pool(&a.pool.pool)?;
    let owner = match &a.owner { Some(o) => Pubkey::from_str(o)?, None => ctx.signer()?.pubkey() };
    let epoch = ctx.epoch()?;
    let reserve = ctx.rpc.get_balance(&keys.reserve)?;
    let tickets: Vec<_> = owned_tickets(ctx, &owner)?.into_iter().filter(|(_, t)| t.pool == keys.pool).collect();
    let rows: Vec<_> = tickets
        .iter()
        .map(|(address, t)| json!({ "ticket": address.to_string(), "lamports": t.lamports, "claimableEpoch": t.claimable_epoch, "claimable": quote::ticket_claimable(&pool, t, reserve, epoch) }))
        .collect();
    let text = tickets
        .iter()
        .map(|(address, t)| format!("{address}  {} SOL  claimable from epoch {}{}", amount::format(t.lamports), t.claimable_epoch, if quote::ticket_claimable(&pool, t, reserve, epoch) { "  (claimable now)" } else { "" }))
        .collect::<Vec<_>>()
        .join("\n");
    ctx.print(if text.is_empty() { "No tickets".into() } else { text }, json!({ "tickets": rows }));
    Ok(())
}
