//! Quotes and display values, computed with the program's own math.
use liquid_staking::{math, state::Pool};

/// What a deposit of `lamports` mints in `epoch` (the pool must be fresh, the epoch `epoch_slots`
/// long: `EpochSchedule::get_slots_in_epoch`), after its fee.
pub fn deposit(pool: &Pool, lamports: u64, epoch: u64, epoch_slots: u64) -> Option<math::DepositQuote> {
    pool.quote_deposit_sol(lamports, epoch, epoch_slots).ok()
}

/// What an instant exit of `lst` pays in `epoch`, given the reserve's balance.
pub fn instant_exit(pool: &Pool, lst: u64, reserve_lamports: u64, epoch: u64) -> Option<math::InstantQuote> {
    pool.quote_instant_exit(lst, reserve_lamports, epoch).ok()
}

/// What a delayed exit of `lst` will owe in `epoch`.
pub fn delayed_exit(pool: &Pool, lst: u64, epoch: u64) -> Option<math::ExitQuote> {
    pool.quote_delayed_exit(lst, epoch).ok()
}

/// What a stake deposit mints in `epoch`: `delegated` lamports of active stake and the
/// `undelegated` rest of the account (rent, padding).
pub fn deposit_stake(pool: &Pool, delegated: u64, undelegated: u64, epoch: u64, epoch_slots: u64) -> Option<math::DepositQuote> {
    pool.quote_deposit_stake(delegated, undelegated, epoch, epoch_slots).ok()
}

/// What an exit of `lst` as a stake account pays in `epoch`.
pub fn stake_withdrawal(pool: &Pool, lst: u64, epoch: u64) -> Option<math::ExitQuote> {
    pool.quote_stake_withdrawal(lst, epoch).ok()
}

/// What a one-call exit (`unstake`) of `lst` pays: (lamports now, lamports owed by its ticket), as
/// the program computes them (the ticket part at the rate after the instant part).
pub fn unstake(pool: &Pool, lst: u64, reserve_lamports: u64, epoch: u64, max_fee_bps: u16) -> Option<(u64, u64)> {
    let mut after = pool.clone();
    let instant = pool.quote_unstake_instant_part(lst, reserve_lamports, epoch, max_fee_bps).ok()?;
    let (instant_lst, instant_out) = match &instant {
        Some((instant_lst, quote)) => {
            after.book_instant_exit(*instant_lst, quote).ok()?;
            (*instant_lst, quote.lamports_out)
        }
        None => (0, 0),
    };
    let owed = if lst > instant_lst { after.quote_delayed_exit(lst - instant_lst, epoch).ok()?.lamports_out } else { 0 };
    Some((instant_out, owed))
}

/// `lamports` less `slippage_bps` of it (rounded against the caller): the least a client accepts.
pub fn with_slippage(lamports: u64, slippage_bps: u16) -> u64 {
    lamports - math::mul_div_ceil(lamports, u64::from(slippage_bps.min(10_000)), 10_000, "slippage").unwrap_or(lamports)
}

/// Whether `ticket` can be claimed now: its epoch has come and the reserve holds its SOL.
pub fn ticket_claimable(pool: &Pool, ticket: &liquid_staking::state::Ticket, reserve_lamports: u64, epoch: u64) -> bool {
    epoch >= ticket.claimable_epoch && pool.reserve_free_lamports(reserve_lamports) >= ticket.lamports
}

/// Share of the pool's SOL (under management plus owed to tickets) held in stake accounts.
pub fn staked_share(pool: &Pool) -> f64 {
    let all = pool.total_lamports as f64 + pool.owed_lamports as f64;
    if all == 0.0 {
        0.0
    } else {
        pool.stake_lamports as f64 / all
    }
}

/// Lamports per LST as a float, for display only.
pub fn rate(total_lamports: u64, lst_supply: u64) -> f64 {
    math::rate_scaled(total_lamports, lst_supply) as f64 / 1e9
}

/// Epochs in a year on mainnet-beta (432,000 slots of about 400 ms: about two days each).
pub const MAINNET_EPOCHS_PER_YEAR: f64 = 365.25 * 24.0 * 3600.0 / (432_000.0 * 0.4);

/// Annualised, compounded yield between two rates `epochs` apart, taking a year to be
/// `epochs_per_year` epochs. For display only.
pub fn apy(rate_start: f64, rate_end: f64, epochs: u64, epochs_per_year: f64) -> f64 {
    if epochs == 0 || rate_start <= 0.0 {
        return 0.0;
    }
    (rate_end / rate_start).powf(epochs_per_year / epochs as f64) - 1.0
}
