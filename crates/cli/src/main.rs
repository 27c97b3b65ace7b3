//! `liquid-staking`: the command line for pool operators and stakers, in solana-cli conventions
//! (--url, --keypair, --output json). Every instruction is built by the SDK.
mod amount;
mod commands;
mod context;

use clap::{Parser, Subcommand};
use context::{Context, OutputFormat};

#[derive(Parser)]
#[command(name = "liquid-staking", version, about = "Operate a liquid-staking pool and stake through it", args_override_self = true)]
struct Cli {
    /// JSON-RPC URL of the cluster (or the local chain). Monikers: localhost, devnet, mainnet-beta.
    /// Default: `json_rpc_url` of the solana-cli config file (see --config), else the local
    /// chain's, from its info file (see --pool), else localhost.
    #[arg(short = 'u', long, global = true)]
    url: Option<String>,
    /// Keypair file that signs and pays (solana-cli format). Default: `keypair_path` of the
    /// solana-cli config file, else ~/.config/solana/id.json.
    #[arg(short = 'k', long, global = true)]
    keypair: Option<String>,
    /// The solana-cli config file to take the URL and keypair from when no flag gives them.
    #[arg(short = 'C', long, global = true, default_value = "~/.config/solana/cli/config.yml")]
    config: String,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value = "display")]
    output: OutputFormat,
    /// Right after an epoch boundary the pool is stale until the crank runs: deposits and exits
    /// wait up to this many seconds for it (0: fail at once with PoolStale).
    #[arg(long, global = true, default_value_t = 60)]
    wait_fresh: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Pools: create one, show one.
    #[command(subcommand)]
    Pool(commands::pool::PoolCommand),
    /// Validators of a pool: add, remove, set weight, list (operator); rules, blocklist; protect and migrate (anyone).
    #[command(subcommand)]
    Validator(commands::validator::ValidatorCommand),
    /// The deployed program: check it is a local build, byte for byte.
    #[command(subcommand)]
    Program(commands::program::ProgramCommand),
    /// Set the pool's fees (admin). Lower fees apply at once, higher ones after two epoch boundaries.
    SetFees(commands::pool::SetFeesArgs),
    /// Set the reserve buffer (admin): in force from the first settlement two epoch boundaries later.
    SetReserveBuffer(commands::pool::SetReserveBufferArgs),
    /// Clear the rate breaker (admin), naming the settlement you acknowledge (see `pool rate`).
    ResetRateBreaker(commands::pool::ResetRateBreakerArgs),
    /// Replace the operator, the pause guardian or the treasury authority (admin).
    SetRoles(commands::pool::SetRolesArgs),
    /// Name the next admin (admin), step 1 of the handover; `accept-admin` completes it.
    ProposeAdmin(commands::pool::ProposeAdminArgs),
    /// Become the admin (the proposed admin), step 2 of the handover.
    AcceptAdmin(commands::pool::AcceptAdminArgs),
    /// Move LST out of the pool's treasury, where the fees collect (treasury authority).
    WithdrawTreasury(commands::pool::WithdrawTreasuryArgs),
    /// Pause flows (pause guardian or admin).
    Pause(commands::pool::PauseArgs),
    /// Unpause flows (admin).
    Unpause(commands::pool::PauseArgs),
    /// Deposit SOL for LST.
    Deposit(commands::user::DepositArgs),
    /// Deposit an active stake account delegated to a pool validator.
    DepositStake(commands::user::DepositStakeArgs),
    /// Leave at once from the reserve's buffer, for a fee that rises as the buffer empties.
    InstantUnstake(commands::user::ExitArgs),
    /// Leave by ticket: claimable once the stake has deactivated (about an epoch).
    OrderUnstake(commands::user::ExitArgs),
    /// Leave in one call: instant while the fee stays under a maximum, the rest as a ticket.
    Unstake(commands::user::UnstakeArgs),
    /// Leave as a stake account split off a pool validator.
    WithdrawStake(commands::user::WithdrawStakeArgs),
    /// Claim tickets (yours, or one).
    Claim(commands::user::ClaimArgs),
    /// List tickets.
    Tickets(commands::user::TicketsArgs),
    /// Run the epoch crank once: observe, finalize, rebalance (anyone may).
    Crank(commands::crank::CrankArgs),
    /// Wait for the next epoch to start (with progress).
    WaitEpoch,
    /// SOL from the cluster's faucet (local chain, devnet, testnet).
    Airdrop(commands::wallet::AirdropArgs),
    /// Show the address of --keypair.
    Address,
    /// Create a keypair file.
    Keygen(commands::wallet::KeygenArgs),
    /// Show a wallet's SOL and LST balances.
    Balance(commands::wallet::BalanceArgs),
}

fn main() {
    let cli = Cli::parse();
    let ctx = Context::new(cli.url.as_deref(), cli.keypair.as_deref(), &cli.config, cli.output, cli.wait_fresh);
    let result = match cli.command {
        Command::Pool(c) => commands::pool::run(&ctx, c),
        Command::Validator(c) => commands::validator::run(&ctx, c),
        Command::Program(c) => commands::program::run(&ctx, c),
        Command::SetFees(a) => commands::pool::set_fees(&ctx, a),
        Command::SetReserveBuffer(a) => commands::pool::set_reserve_buffer(&ctx, a),
        Command::ResetRateBreaker(a) => commands::pool::reset_rate_breaker(&ctx, a),
        Command::SetRoles(a) => commands::pool::set_roles(&ctx, a),
        Command::ProposeAdmin(a) => commands::pool::propose_admin(&ctx, a),
        Command::AcceptAdmin(a) => commands::pool::accept_admin(&ctx, a),
        Command::WithdrawTreasury(a) => commands::pool::withdraw_treasury(&ctx, a),
        Command::Pause(a) => commands::pool::pause(&ctx, a, true),
        Command::Unpause(a) => commands::pool::pause(&ctx, a, false),
        Command::Deposit(a) => commands::user::deposit(&ctx, a),
        Command::DepositStake(a) => commands::user::deposit_stake(&ctx, a),
        Command::InstantUnstake(a) => commands::user::instant_unstake(&ctx, a),
        Command::OrderUnstake(a) => commands::user::order_unstake(&ctx, a),
        Command::Unstake(a) => commands::user::unstake(&ctx, a),
        Command::WithdrawStake(a) => commands::user::withdraw_stake(&ctx, a),
        Command::Claim(a) => commands::user::claim(&ctx, a),
        Command::Tickets(a) => commands::user::tickets(&ctx, a),
        Command::Crank(a) => commands::crank::run(&ctx, a),
        Command::WaitEpoch => commands::wallet::wait_epoch(&ctx),
        Command::Airdrop(a) => commands::wallet::airdrop(&ctx, a),
        Command::Address => commands::wallet::address(&ctx),
        Command::Keygen(a) => commands::wallet::keygen(&ctx, a),
        Command::Balance(a) => commands::wallet::balance(&ctx, a),
    };
    if let Err(e) = result {
        ctx.fail(&e);
    }
}
