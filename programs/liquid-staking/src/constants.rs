//! Seeds, limits and protocol constants. Seeds are exported to the IDL (`#[constant]`) so that
//! off-chain clients (the web app included) can derive every address from the IDL alone.
use anchor_lang::prelude::*;

/// Pool PDA: `[POOL_SEED, lst_mint]`. The pool signs as LST mint authority and as staker and
/// withdrawer of every stake account it owns.
#[constant]
pub const POOL_SEED: &[u8] = b"pool";
/// Reserve PDA: `[RESERVE_SEED, pool]`, a system account holding the unstaked SOL.
#[constant]
pub const RESERVE_SEED: &[u8] = b"reserve";
/// A validator's main stake account: `[VALIDATOR_STAKE_SEED, pool, vote_account]`.
#[constant]
pub const VALIDATOR_STAKE_SEED: &[u8] = b"validator_stake";
/// A validator's transient stake account (activating or deactivating):
/// `[TRANSIENT_STAKE_SEED, pool, vote_account]`. At most one per validator at a time.
#[constant]
pub const TRANSIENT_STAKE_SEED: &[u8] = b"transient_stake";

/// A delayed-exit ticket: `[TICKET_SEED, pool, owner, nonce (u64 little-endian)]`. The owner picks
/// the nonce, so nobody's exit can take another's address and two exits never race for one.
#[constant]
pub const TICKET_SEED: &[u8] = b"ticket";
/// The treasury: `[TREASURY_SEED, pool]`, an LST token account owned by the pool that collects
/// the reward fee and the treasury's share of instant-exit fees. Nobody but the pool can close it,
/// so no outside party can stop the crank; the treasury authority withdraws from it.
#[constant]
pub const TREASURY_SEED: &[u8] = b"treasury";
/// The exchange-rate account lenders read: `[RATE_SEED, pool]` (layout in `state::rate`).
#[constant]
pub const RATE_SEED: &[u8] = b"rate";

/// Epochs after ordering before a ticket may be claimed (then paid as soon as the reserve holds it).
#[constant]
pub const TICKET_DELAY_EPOCHS: u64 = 1;

/// Capacity of a validator list.
#[constant]
pub const MAX_VALIDATORS: u32 = 20_000;

/// Basis points in one whole.
pub const BPS_DENOMINATOR: u64 = 10_000;
/// On-chain cap on the reward fee: 10%.
#[constant]
pub const MAX_REWARD_FEE_BPS: u16 = 1_000;
/// Cap on the deposit fee: 0.5% (a major lending oracle refuses pools above 0.6%).
#[constant]
pub const MAX_DEPOSIT_FEE_BPS: u16 = 50;
/// Cap on the delayed-exit and stake-withdrawal fees: 0.5%.
#[constant]
pub const MAX_EXIT_FEE_BPS: u16 = 50;
/// Cap on the instant-exit fee (at an empty buffer): 10%.
#[constant]
pub const MAX_INSTANT_UNSTAKE_FEE_BPS: u16 = 1_000;
/// A fee increase takes effect this many epochs after it is set (two epoch boundaries), so
/// holders see it coming and can leave at the old fee; decreases apply at once.
#[constant]
pub const FEE_INCREASE_DELAY_EPOCHS: u64 = 2;
/// Cap on the share of the pool kept unstaked in the reserve: 50%.
#[constant]
pub const MAX_RESERVE_BUFFER_BPS: u16 = 5_000;
/// Floor of the reserve buffer: 0.1%. Rebalancing never stakes the last of the reserve, so a
/// small ticket is paid from the buffer instead of forcing an unstake.
#[constant]
pub const MIN_RESERVE_BUFFER_BPS: u16 = 10;

/// The pool is created with at least this much SOL, whose LST is locked forever in the pool's own
/// token account. With a permanent supply floor, rounding (at most one LST unit per deposit) can
/// never be turned against a later depositor: moving the rate by one lamport per unit would cost
/// an attacker a billion times the locked supply.
#[constant]
pub const MIN_INITIAL_DEPOSIT_LAMPORTS: u64 = 1_000_000_000;

/// Smallest delegation the pool creates. The Stake program's own minimum is at most 1 SOL on every
/// cluster (1 SOL once `stake_raise_minimum_delegation_to_1_sol` is active), and stake under 1 SOL
/// earns no rewards. A constant rather than a GetMinimumDelegation CPI keeps the program free of
/// return-data round trips; it is never below what the Stake program demands.
#[constant]
pub const MIN_STAKE_DELEGATION_LAMPORTS: u64 = 1_000_000_000;

/// Size of a stake account (StakeStateV2).
pub const STAKE_ACCOUNT_SPACE: u64 = 200;

/// Current layout version of the Pool account.
pub const POOL_VERSION: u8 = 1;

/// How far past its target one staking may fill a validator, in basis points of SOL under
/// management (`math::stake_increase_lamports`): a few validators take an epoch's deposits.
#[constant]
pub const STAKE_OVERFILL_BPS: u64 = 25;

/// Most staking rebalances (a new activating transient, or a rested main account delegated
/// again) in one epoch. Each must be merged by the next epoch's observe (a Stake Merge, 17.6k CU),
/// so a cap keeps anyone from spreading an epoch's deposits over hundreds of transients; the
/// SDK's plan stakes into at most 16 validators a crank run, and the bot's late pass as many again.
#[constant]
pub const MAX_STAKE_INCREASES_PER_EPOCH: u16 = 32;

/// Current layout version of the exchange-rate account (`ExchangeRate::version`). Readers check
/// it; a new layout gets a new number, never a change to an existing one.
#[constant]
pub const RATE_VERSION: u8 = 1;

/// The rate account's breaker (RATE_FLAG_BREAKER) trips, until the admin resets it, when a
/// settlement lowers the rate by more than this many basis points against the settlement before
/// it or against the highest rate since the last reset (a slow drawdown), or when the epoch's
/// observations saw stake accounts lose more than this share of SOL under management, whatever
/// rewards elsewhere made of the net. Solana does not slash today: stake accounts lose lamports
/// only in ways the pool cannot explain on its own.
#[constant]
pub const RATE_BREAKER_DROP_BPS: u64 = 10;

/// Layout of the validator list: 1 adds a record per validator (read from its vote account) and
/// the rules; a list of layout 0 (entries only) grows to it through `migrate_validator_list`.
#[constant]
pub const VALIDATOR_LIST_VERSION: u8 = 1;

/// Bounds of the validator rules (`state::ValidatorRules`), on-chain so no operator can set them
/// past what stakers were promised. No pool validator may take more than 10% of inflation rewards.
#[constant]
pub const MAX_COMMISSION_CAP_BPS: u16 = 1_000;
/// The credits rule may ask for at most 95% and at least 25% of the best pool validator's credits.
#[constant]
pub const MIN_CREDITS_SHARE_CEILING_BPS: u16 = 9_500;
#[constant]
pub const MIN_CREDITS_SHARE_FLOOR_BPS: u16 = 2_500;
/// At most five epochs without a credit before the pool unstakes: the Stake program lets anyone
/// deactivate stake on a validator delinquent that long (DeactivateDelinquent), so the pool is
/// never slower than a stranger.
#[constant]
pub const MAX_DELINQUENT_EPOCHS: u8 = 5;
#[constant]
pub const MAX_COOLING_OFF_EPOCHS: u8 = 30;

/// The rules a pool starts with (and a migrated list gets).
pub const DEFAULT_MAX_COMMISSION_BPS: u16 = 1_000;
pub const DEFAULT_MAX_COMMISSION_INCREASE_BPS: u16 = 500;
pub const DEFAULT_MIN_CREDITS_BPS: u16 = 5_000;
pub const DEFAULT_DELINQUENT_EPOCHS: u8 = 2;
pub const DEFAULT_COOLING_OFF_EPOCHS: u8 = 3;
