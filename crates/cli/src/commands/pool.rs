use crate::amount;
use crate::context::{CliResult, Context};
use clap::{Args, Subcommand};
use anchor_lang::prelude::Pubkey;
use liquid_staking_sdk::{addresses::lst_account, decode, instructions as ix, quote, state::*, PoolKeys};
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[derive(Subcommand)]
pub enum PoolCommand {
    /// Create a pool; the keypair becomes its admin, operator, pause guardian and treasury authority
    /// (`set-roles` hands the roles on).
    Create(CreateArgs),
    /// Show a pool: rate, APY, SOL staked, buffer, fees, freshness.
    Show(PoolArg),
    /// Show the rate account lenders read: the last settlement, its flags, the breaker's state.
    Rate(PoolArg),
}

#[derive(Args)]
pub struct PoolArg {
    /// Pool address (default: the local chain's pool).
    #[arg(long)]
    pub pool: Option<String>,
}

#[derive(Args)]
pub struct CreateArgs {
    /// SOL deposited at creation; its LST is locked forever (at least 1).
    #[arg(long, default_value = "1")]
    initial_deposit: String,
    /// Share of SOL kept unstaked for instant exits, in basis points (10 to 5000).
    #[arg(long, default_value_t = 1_000)]
    reserve_buffer_bps: u16,
    #[command(flatten)]
    fees: FeeArgs,
}

#[derive(Args, Clone)]
pub struct FeeArgs {
    /// Reward fee, basis points (<= 1000).
    #[arg(long)]
    reward_bps: Option<u16>,
    /// Deposit fee, basis points (<= 50).
    #[arg(long)]
    deposit_bps: Option<u16>,
    /// Delayed-exit fee, basis points (<= 50).
    #[arg(long)]
    delayed_unstake_bps: Option<u16>,
    /// Stake-withdrawal fee, basis points (<= 50).
    #[arg(long)]
    stake_withdrawal_bps: Option<u16>,
    /// Instant-exit fee with a full buffer, basis points.
    #[arg(long)]
    instant_min_bps: Option<u16>,
    /// Instant-exit fee with an empty buffer, basis points (<= 1000).
    #[arg(long)]
    instant_max_bps: Option<u16>,
    /// Treasury's share of instant-exit fees, basis points.
    #[arg(long)]
    treasury_share_bps: Option<u16>,
}

impl FeeArgs {
    fn over(&self, base: Fees) -> Fees {
        Fees {
            reward_bps: self.reward_bps.unwrap_or(base.reward_bps),
            deposit_bps: self.deposit_bps.unwrap_or(base.deposit_bps),
            delayed_unstake_bps: self.delayed_unstake_bps.unwrap_or(base.delayed_unstake_bps),
            stake_withdrawal_bps: self.stake_withdrawal_bps.unwrap_or(base.stake_withdrawal_bps),
            instant_unstake_min_bps: self.instant_min_bps.unwrap_or(base.instant_unstake_min_bps),
            instant_unstake_max_bps: self.instant_max_bps.unwrap_or(base.instant_unstake_max_bps),
            treasury_share_bps: self.treasury_share_bps.unwrap_or(base.treasury_share_bps),
        }
    }
}

pub fn run(ctx: &Context, command: PoolCommand) -> CliResult {
    match command {
        PoolCommand::Create(args) => create(ctx, args),
        PoolCommand::Rate(a) => show_rate(ctx, a),
        PoolCommand::Show(args) => show(ctx, args),
    }
}

fn create(ctx: &Context, args: CreateArgs) -> CliResult {
    let signer = ctx.signer()?;
    let mint = Keypair::new();
    let list = Keypair::new();
    let keys = PoolKeys::derive(mint.pubkey(), list.pubkey());
    let rent = ctx.rpc.get_minimum_balance_for_rent_exemption(ValidatorList::SPACE)?;
    let instructions = ix::initialize_pool(&ix::InitializePoolParams {
        payer: signer.pubkey(),
        keys,
        admin: signer.pubkey(),
        operator: signer.pubkey(),
        pause_guardian: signer.pubkey(),
        treasury_authority: signer.pubkey(),
        validator_list_rent_lamports: rent,
        fees: args.fees.over(liquid_staking_sdk::DEFAULT_FEES),
        reserve_buffer_bps: args.reserve_buffer_bps,
        initial_deposit_lamports: amount::parse(&args.initial_deposit)?,
    });
    let signature = ctx.send(&instructions, &[&mint, &list])?;
    ctx.print(
        format!("Pool {}\nLST mint {}\nSignature {signature}", keys.pool, keys.lst_mint),
        json!({ "pool": keys.pool.to_string(), "lstMint": keys.lst_mint.to_string(), "validatorList": keys.validator_list.to_string(), "signature": signature.to_string() }),
    );
    Ok(())
}

fn show(ctx: &Context, args: PoolArg) -> CliResult {
    let (keys, pool) = ctx.pool(&args.pool)?;
    let epoch = ctx.epoch()?;
    let reserve = ctx.rpc.get_balance(&keys.reserve)?;
    let fees = pool.fees_at(epoch);
    let rate = quote::rate(pool.total_lamports, pool.lst_supply);
    let previous_rate = quote::rate(pool.previous_total_lamports, pool.previous_lst_supply);
    let epochs = pool.last_update_epoch.saturating_sub(pool.previous_update_epoch);
    let apy_last = quote::apy(previous_rate, rate, epochs, quote::MAINNET_EPOCHS_PER_YEAR);
    let initial_rate = quote::rate(pool.initial_total_lamports, pool.initial_lst_supply);
    let apy_since = quote::apy(initial_rate, rate, pool.last_update_epoch.saturating_sub(pool.created_epoch), quote::MAINNET_EPOCHS_PER_YEAR);
    let liquid = pool.reserve_liquid_lamports(reserve);
    let buffer_target = pool.buffer_target_lamports().unwrap_or(0);
    let value = json!({
        "pool": keys.pool.to_string(),
        "lstMint": keys.lst_mint.to_string(),
        "totalLamports": pool.total_lamports,
        "lstSupply": pool.lst_supply,
        "rate": format!("{rate:.9}"),
        "apyLastEpoch": apy_last,
        "apySinceCreation": apy_since,
        "stakedShare": quote::staked_share(&pool),
        "bufferLamports": liquid,
        "bufferTargetLamports": buffer_target,
        "owedToTicketsLamports": pool.owed_lamports,
        "validators": pool.validator_count,
        "lastUpdateEpoch": pool.last_update_epoch,
        "epoch": epoch,
        "stale": pool.last_update_epoch != epoch,
        "paused": pool.paused,
        "fees": {
            "rewardBps": fees.reward_bps, "depositBps": fees.deposit_bps, "delayedUnstakeBps": fees.delayed_unstake_bps,
            "stakeWithdrawalBps": fees.stake_withdrawal_bps, "instantMinBps": fees.instant_unstake_min_bps,
            "instantMaxBps": fees.instant_unstake_max_bps, "treasuryShareBps": fees.treasury_share_bps,
        },
        "pendingFeesEpoch": (pool.pending_fees_epoch != u64::MAX).then_some(pool.pending_fees_epoch),
    });
    let text = format!(
        "Pool                 {}\nLST mint             {}\nRate                 {rate:.9} SOL per LST\nSOL under management {} SOL\nLST supply           {} LST\nAPY                  {:.2}% last epoch, {:.2}% since creation (mainnet epochs)\nStaked               {:.1}%\nBuffer               {} SOL (target {} SOL)\nOwed to tickets      {} SOL\nValidators           {}\nLast update epoch    {} (current {epoch}{})\nFees (bps)           reward {}, deposit {}, delayed exit {}, stake withdrawal {}, instant {}..{} (treasury share {})\nPaused flows         {}",
        keys.pool,
        keys.lst_mint,
        amount::format(pool.total_lamports),
        amount::format(pool.lst_supply),
        apy_last * 100.0,
        apy_since * 100.0,
        quote::staked_share(&pool) * 100.0,
        amount::format(liquid),
        amount::format(buffer_target),
        amount::format(pool.owed_lamports),
        pool.validator_count,
        pool.last_update_epoch,
        if pool.last_update_epoch != epoch { ", stale: run the crank" } else { "" },
        fees.reward_bps, fees.deposit_bps, fees.delayed_unstake_bps, fees.stake_withdrawal_bps,
        fees.instant_unstake_min_bps, fees.instant_unstake_max_bps, fees.treasury_share_bps,
        paused_names(pool.paused),
    );
    ctx.print(text, value);
    Ok(())
}

fn paused_names(flags: u8) -> String {
    let names: Vec<&str> = [(PAUSED_DEPOSITS, "deposits"), (PAUSED_INSTANT_EXITS, "instant exits"), (PAUSED_REBALANCING, "rebalancing")]
        .into_iter()
        .filter(|(f, _)| flags & f != 0)
        .map(|(_, n)| n)
        .collect();
    if names.is_empty() { "none".into() } else { names.join(", ") }
}

#[derive(Args)]
pub struct SetFeesArgs {
    #[command(flatten)]
    pool: PoolArg,
    #[command(flatten)]
    fees: FeeArgs,
}

pub fn set_fees(ctx: &Context, args: SetFeesArgs) -> CliResult {
    let (keys, pool) = ctx.pool(&args.pool.pool)?;
    let epoch = ctx.epoch()?;
    let fees = args.fees.over(pool.fees_at(epoch));
    let signer = ctx.signer()?;
    let signature = ctx.send(&[ix::set_fees(&keys, &signer.pubkey(), fees)], &[])?;
    let (_, after) = ctx.pool(&args.pool.pool)?;
    let pending = (after.pending_fees_epoch != u64::MAX).then_some(after.pending_fees_epoch);
    ctx.print(
        match pending {
            Some(e) => format!("Fees set; increases apply from epoch {e}. Signature {signature}"),
            None => format!("Fees set. Signature {signature}"),
        },
        json!({ "signature": signature.to_string(), "pendingFeesEpoch": pending }),
    );
    Ok(())
}

#[derive(Args)]
pub struct PauseArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// SOL and stake deposits.
    #[arg(long)]
    deposits: bool,
    /// Instant exits (from the buffer, as stake, and the instant part of `unstake`).
    #[arg(long)]
    instant_exits: bool,
    /// The crank's rebalancing.
    #[arg(long)]
    rebalancing: bool,
    /// All three.
    #[arg(long)]
    all: bool,
}

pub fn pause(ctx: &Context, args: PauseArgs, pause: bool) -> CliResult {
    let (keys, pool) = ctx.pool(&args.pool.pool)?;
    let mut flags = 0;
    if args.deposits || args.all { flags |= PAUSED_DEPOSITS; }
    if args.instant_exits || args.all { flags |= PAUSED_INSTANT_EXITS; }
    if args.rebalancing || args.all { flags |= PAUSED_REBALANCING; }
    if flags == 0 {
        return Err("name a flow: --deposits, --instant-exits, --rebalancing or --all".into());
    }
    let paused = if pause { pool.paused | flags } else { pool.paused & !flags };
    let signer = ctx.signer()?;
    let signature = ctx.send(&[ix::set_pause(&keys, &signer.pubkey(), paused)], &[])?;
    ctx.print(
        format!("Paused flows: {}. Signature {signature}", paused_names(paused)),
        json!({ "paused": paused, "signature": signature.to_string() }),
    );
    Ok(())
}

#[derive(Args)]
pub struct SetRolesArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// New operator (adds, removes and weights validators); default: unchanged.
    #[arg(long)]
    operator: Option<String>,
    /// New pause guardian; default: unchanged.
    #[arg(long)]
    pause_guardian: Option<String>,
    /// New treasury authority (withdraws the treasury's LST); default: unchanged.
    #[arg(long)]
    treasury_authority: Option<String>,
}

/// Parses a base-58 address given for `flag`.
fn address(flag: &str, value: &str) -> CliResult<Pubkey> {
    value.parse().map_err(|_| format!("{flag}: '{value}' is not a base-58 address").into())
}

pub fn set_roles(ctx: &Context, args: SetRolesArgs) -> CliResult {
    let (keys, pool) = ctx.pool(&args.pool.pool)?;
    let pick = |flag: &str, value: &Option<String>, current: Pubkey| -> CliResult<Pubkey> {
        value.as_deref().map_or(Ok(current), |v| address(flag, v))
    };
    let operator = pick("--operator", &args.operator, pool.operator)?;
    let pause_guardian = pick("--pause-guardian", &args.pause_guardian, pool.pause_guardian)?;
    let treasury_authority = pick("--treasury-authority", &args.treasury_authority, pool.treasury_authority)?;
    let signer = ctx.signer()?;
    let signature = ctx.send(&[ix::set_roles(&keys, &signer.pubkey(), operator, pause_guardian, treasury_authority)], &[])?;
    ctx.print(
        format!("Operator {operator}\nPause guardian {pause_guardian}\nTreasury authority {treasury_authority}\nSignature {signature}"),
        json!({
            "operator": operator.to_string(), "pauseGuardian": pause_guardian.to_string(),
            "treasuryAuthority": treasury_authority.to_string(), "signature": signature.to_string(),
        }),
    );
    Ok(())
}

#[derive(Args)]
pub struct ProposeAdminArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// The next admin (a key, a multisig's vault, a governance PDA); it takes over once it signs
    /// `accept-admin`. The all-zero address 11111111111111111111111111111111 cancels.
    new_admin: String,
    /// Print the instruction (for a multisig or governance UI to propose) instead of sending it;
    /// the signer is then --admin.
    #[arg(long)]
    instruction_only: bool,
    /// The current admin, when it is not the keypair (with --instruction-only).
    #[arg(long, requires = "instruction_only")]
    admin: Option<String>,
}

#[derive(Args)]
pub struct AcceptAdminArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// Print the instruction (for a multisig or governance UI to propose) instead of sending it;
    /// the signer is then --new-admin.
    #[arg(long)]
    instruction_only: bool,
    /// The proposed admin, when it is not the keypair (with --instruction-only).
    #[arg(long, requires = "instruction_only")]
    new_admin: Option<String>,
}

/// Prints `instruction` as a multisig or governance UI takes it: program, accounts, data.
fn print_instruction(ctx: &Context, what: &str, instruction: &solana_instruction::Instruction) {
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(&instruction.data);
    let accounts: Vec<_> = instruction
        .accounts
        .iter()
        .map(|a| json!({ "pubkey": a.pubkey.to_string(), "isSigner": a.is_signer, "isWritable": a.is_writable }))
        .collect();
    let lines: Vec<String> = instruction
        .accounts
        .iter()
        .map(|a| format!("  {} {}{}", a.pubkey, if a.is_signer { "signer " } else { "" }, if a.is_writable { "writable" } else { "readonly" }))
        .collect();
    ctx.print(
        format!("{what} (not sent)\nprogram {}\naccounts\n{}\ndata (base64) {data}", instruction.program_id, lines.join("\n")),
        json!({ "programId": instruction.program_id.to_string(), "accounts": accounts, "data": data }),
    );
}

/// The key that signs an instruction: `given` (only for one printed, not sent) or the keypair's.
fn signer_key(ctx: &Context, flag: &str, given: &Option<String>) -> CliResult<Pubkey> {
    match given {
        Some(v) => address(flag, v),
        None => Ok(ctx.signer()?.pubkey()),
    }
}

pub fn propose_admin(ctx: &Context, args: ProposeAdminArgs) -> CliResult {
    let (keys, _) = ctx.pool(&args.pool.pool)?;
    let new_admin = address("new admin", &args.new_admin)?;
    let admin = signer_key(ctx, "--admin", &args.admin)?;
    let instruction = ix::propose_admin(&keys, &admin, new_admin);
    if args.instruction_only {
        print_instruction(ctx, &format!("propose_admin: {new_admin} as the next admin, signed by the admin {admin}"), &instruction);
        return Ok(());
    }
    let signature = ctx.send(&[instruction], &[])?;
    ctx.print(
        format!("Proposed admin {new_admin}: it becomes the admin when it signs `accept-admin`\nSignature {signature}"),
        json!({ "proposedAdmin": new_admin.to_string(), "signature": signature.to_string() }),
    );
    Ok(())
}

pub fn accept_admin(ctx: &Context, args: AcceptAdminArgs) -> CliResult {
    let (keys, pool) = ctx.pool(&args.pool.pool)?;
    let new_admin = signer_key(ctx, "--new-admin", &args.new_admin)?;
    let instruction = ix::accept_admin(&keys, &new_admin);
    if args.instruction_only {
        print_instruction(ctx, &format!("accept_admin: {new_admin} takes over as the admin"), &instruction);
        return Ok(());
    }
    let signature = ctx.send(&[instruction], &[])?;
    ctx.print(
        format!("Admin {new_admin} (was {})\nSignature {signature}", pool.admin),
        json!({ "admin": new_admin.to_string(), "oldAdmin": pool.admin.to_string(), "signature": signature.to_string() }),
    );
    Ok(())
}

#[derive(Args)]
pub struct WithdrawTreasuryArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// LST to move out of the treasury, e.g. 1.5, or "all".
    amount: String,
    /// Owner of the LST account that receives it (its associated account, created if needed);
    /// default: the keypair.
    #[arg(long)]
    to: Option<String>,
}

pub fn withdraw_treasury(ctx: &Context, args: WithdrawTreasuryArgs) -> CliResult {
    let (keys, _) = ctx.pool(&args.pool.pool)?;
    let signer = ctx.signer()?;
    let owner = match &args.to { Some(to) => address("--to", to)?, None => signer.pubkey() };
    let held = decode::token_amount(&ctx.rpc.get_account_data(&keys.treasury)?).ok_or("the treasury is not a token account")?;
    let lst = if args.amount == "all" { held } else { amount::parse(&args.amount)? };
    let destination = lst_account(&owner, &keys.lst_mint);
    let signature = ctx.send(
        &[
            ix::create_lst_account(&signer.pubkey(), &owner, &keys.lst_mint),
            ix::withdraw_treasury(&keys, &signer.pubkey(), &destination, lst),
        ],
        &[],
    )?;
    ctx.print(
        format!("Moved {} LST from the treasury to {destination}; {} LST left. Signature {signature}", amount::format(lst), amount::format(held.saturating_sub(lst))),
        json!({ "lst": lst, "destination": destination.to_string(), "treasuryLeft": held.saturating_sub(lst), "signature": signature.to_string() }),
    );
    Ok(())
}

/// The rate account, decoded.
fn rate_account(ctx: &Context, keys: &PoolKeys) -> CliResult<ExchangeRate> {
    Ok(decode::exchange_rate(&ctx.rpc.get_account_data(&keys.rate)?)?)
}

pub fn show_rate(ctx: &Context, args: PoolArg) -> CliResult {
    let (keys, _) = ctx.pool(&args.pool)?;
    let r = rate_account(ctx, &keys)?;
    let tripped = r.flags & RATE_FLAG_BREAKER != 0;
    let mut text = format!(
        "Rate account {}: {:.9} SOL per LST ({} lamports / {} LST units), settled in epoch {} (slot {}); breaker {}{}",
        keys.rate,
        quote::rate(r.total_lamports, r.lst_supply),
        r.total_lamports,
        r.lst_supply,
        r.epoch,
        r.slot,
        if tripped { "TRIPPED" } else { "clear" },
        if r.flags & RATE_FLAG_LOSS != 0 { ", the last settlement recorded a loss" } else { "" },
    );
    text += &format!("\nHigh-water mark: {:.9} SOL per LST", quote::rate(r.high_water_total_lamports, r.high_water_lst_supply));
    if tripped {
        text += &format!(
            "\nBefore the trip: {:.9} SOL per LST in epoch {}\nTo acknowledge this settlement (admin): liquid-staking reset-rate-breaker --pool {} --epoch {} --total-lamports {} --lst-supply {}",
            quote::rate(r.pre_trip_total_lamports, r.pre_trip_lst_supply),
            r.pre_trip_epoch,
            keys.pool,
            r.epoch,
            r.total_lamports,
            r.lst_supply
        );
    }
    ctx.print(
        text,
        json!({
            "rateAccount": keys.rate.to_string(), "version": r.version, "flags": r.flags, "breakerTripped": tripped,
            "totalLamports": r.total_lamports, "lstSupply": r.lst_supply, "epoch": r.epoch, "slot": r.slot, "unixTimestamp": r.unix_timestamp,
            "highWaterTotalLamports": r.high_water_total_lamports, "highWaterLstSupply": r.high_water_lst_supply,
            "preTripEpoch": r.pre_trip_epoch, "preTripTotalLamports": r.pre_trip_total_lamports, "preTripLstSupply": r.pre_trip_lst_supply,
        }),
    );
    Ok(())
}

#[derive(Args)]
pub struct ResetRateBreakerArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// Epoch of the settlement you acknowledge (as `pool rate` shows it).
    #[arg(long)]
    epoch: u64,
    /// Its SOL under management, in lamports.
    #[arg(long)]
    total_lamports: u64,
    /// Its LST supply, in units.
    #[arg(long)]
    lst_supply: u64,
}

pub fn reset_rate_breaker(ctx: &Context, args: ResetRateBreakerArgs) -> CliResult {
    let (keys, _) = ctx.pool(&args.pool.pool)?;
    let signer = ctx.signer()?;
    let signature = ctx.send(&[ix::reset_rate_breaker(&keys, signer.pubkey(), args.epoch, args.total_lamports, args.lst_supply)], &[])?;
    ctx.print(
        format!("Breaker reset, acknowledging epoch {}'s settlement ({} lamports / {} LST units). Signature {signature}", args.epoch, args.total_lamports, args.lst_supply),
        json!({ "epoch": args.epoch, "totalLamports": args.total_lamports, "lstSupply": args.lst_supply, "signature": signature.to_string() }),
    );
    Ok(())
}

#[derive(Args)]
pub struct SetReserveBufferArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// Share of SOL under management kept unstaked, in basis points (10 to 5000).
    bps: u16,
}

pub fn set_reserve_buffer(ctx: &Context, args: SetReserveBufferArgs) -> CliResult {
    let (keys, _) = ctx.pool(&args.pool.pool)?;
    let signer = ctx.signer()?;
    let signature = ctx.send(&[ix::set_reserve_buffer(&keys, &signer.pubkey(), args.bps)], &[])?;
    let (_, after) = ctx.pool(&args.pool.pool)?;
    let pending = (after.pending_reserve_buffer_epoch != 0).then_some(after.pending_reserve_buffer_epoch);
    ctx.print(
        match pending {
            Some(e) => format!("Reserve buffer {} bps from the first settlement in or after epoch {e} (now {} bps). Signature {signature}", args.bps, after.reserve_buffer_bps),
            None => format!("Reserve buffer stays {} bps; no change pending. Signature {signature}", after.reserve_buffer_bps),
        },
        json!({ "reserveBufferBps": after.reserve_buffer_bps, "pendingReserveBufferBps": after.pending_reserve_buffer_bps, "effectiveEpoch": pending, "signature": signature.to_string() }),
    );
    Ok(())
}
