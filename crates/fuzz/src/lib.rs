//! # Randomized invariant testing of the pool's accounting
//!
//! A model of one pool and its world (the reserve's balance, stake that activates, earns and
//! deactivates by epochs, users, tickets, a treasury), driven by long seeded random sequences.
//! Every action goes through the program's own code: the `Pool` methods and `math` functions
//! the instruction handlers call (quotes, bookings, settlement, shortfall and buffer rules), in the
//! handlers' order and with their guards; a refused action leaves the model as it was, as a failed
//! transaction leaves the chain. What the model simplifies is the Stake program and the
//! per-validator split (stake is one aggregate here); the chain fuzz in `tests/src/fuzz.rs` runs
//! real transactions through the real handlers and Stake program, at a thousandth of the speed.
//!
//! Checked after every step:
//! - no value created: reserve + stake >= SOL under management + SOL owed to tickets, exactly
//!   equal plus the rewards and donations not yet settled;
//! - every LST unit is someone's (users, treasury, the locked initial deposit) and the pool
//!   counts them all; SOL owed equals the open tickets; the reserve never pays out its rent;
//! - the rate never falls (no slashes in the model);
//! - a deposit followed at once by an instant exit (or a ticket) never returns more SOL;
//! and at the end, with the crank run for a few more epochs: every ticket is paid.
use anchor_lang::AccountDeserialize;
use liquid_staking::{constants::*, math, state::*};

/// Slots of a mainnet epoch (the dilution fee scales the last yield by epoch length).
pub const SLOTS_PER_EPOCH: u64 = 432_000;
/// The reserve's rent-exempt minimum (a 0-byte account).
pub const RESERVE_RENT_LAMPORTS: u64 = 890_880;
const SOL: u64 = 1_000_000_000;

/// splitmix64: small, fast, and the same sequence on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// Spread over magnitudes: 0, 1, ... up to `max`, each decade about equally likely.
    pub fn amount(&mut self, max: u64) -> u64 {
        match self.below(12) {
            0 => 0,
            1 => 1,
            2 => max,
            _ => {
                let decades = (max.max(10) as f64).log10();
                let x = 10f64.powf(self.next() as f64 / u64::MAX as f64 * decades);
                (x as u64).min(max)
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
struct User {
    lst: u64,
    sol_in: u128,
    sol_out: u128,
}

#[derive(Debug, Clone)]
struct Ticket {
    user: usize,
    lamports: u64,
    claimable_epoch: u64,
}

/// One pool and its world.
#[derive(Clone)]
pub struct Model {
    pool: Pool,
    reserve: u64,
    /// Stake by state: earning, activating (active next epoch), deactivating (inactive next
    /// epoch), inactive (the crank withdraws it to the reserve).
    active: u64,
    activating: u64,
    deactivating: u64,
    inactive: u64,
    epoch: u64,
    users: Vec<User>,
    treasury_lst: u64,
    locked_lst: u64,
    tickets: Vec<Ticket>,
    /// Rewards and donations the next settlement recognises.
    unrecognised: u64,
    /// Donations to stake already observed this epoch, before the settlement: it misses them,
    /// the next epoch's observation sees them.
    late: u64,
    last_rate: (u64, u64),
}

/// What one sequence did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub steps: u64,
    pub accepted: u64,
    pub refused: u64,
    pub epochs: u64,
    pub tickets_paid: u64,
    pub settlements: u64,
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.steps += o.steps;
        self.accepted += o.accepted;
        self.refused += o.refused;
        self.epochs += o.epochs;
        self.tickets_paid += o.tickets_paid;
        self.settlements += o.settlements;
    }
}

/// An invariant broke.
#[derive(Debug, Clone)]
pub struct Violation {
    pub seed: u64,
    pub step: u64,
    pub action: &'static str,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "seed {} step {} ({}): {}", self.seed, self.step, self.action, self.message)
    }
}

type Refusal = anchor_lang::error::Error;

fn random_fees(rng: &mut Rng) -> Fees {
    let min = rng.below(MAX_INSTANT_UNSTAKE_FEE_BPS as u64 + 1) as u16;
    Fees {
        reward_bps: rng.below(MAX_REWARD_FEE_BPS as u64 + 1) as u16,
        deposit_bps: rng.below(MAX_DEPOSIT_FEE_BPS as u64 + 1) as u16,
        delayed_unstake_bps: rng.below(MAX_EXIT_FEE_BPS as u64 + 1) as u16,
        stake_withdrawal_bps: rng.below(MAX_EXIT_FEE_BPS as u64 + 1) as u16,
        instant_unstake_min_bps: min,
        instant_unstake_max_bps: min + rng.below((MAX_INSTANT_UNSTAKE_FEE_BPS - min) as u64 + 1) as u16,
        treasury_share_bps: rng.below(BPS_DENOMINATOR + 1) as u16,
    }
}

impl Model {
    /// A pool as `initialize_pool` leaves it, with random fees and buffer, and `users` funded users.
    pub fn new(rng: &mut Rng, users: usize) -> Model {
        let mut pool = Pool::try_deserialize_unchecked(&mut &vec![0u8; Pool::SPACE][..]).expect("a zeroed pool decodes");
        let fees = random_fees(rng);
        fees.validate().expect("fees within caps");
        let initial = MIN_INITIAL_DEPOSIT_LAMPORTS + rng.amount(100 * SOL);
        pool.version = POOL_VERSION;
        pool.fees = fees;
        pool.pending_fees = fees;
        pool.pending_fees_epoch = u64::MAX;
        pool.reserve_buffer_bps = rng.below(MAX_RESERVE_BUFFER_BPS as u64 + 1) as u16;
        pool.total_lamports = initial;
        pool.lst_supply = initial;
        pool.reserve_rent_lamports = RESERVE_RENT_LAMPORTS;
        pool.validator_count = 1;
        pool.total_weight = 1;
        pool.previous_total_lamports = initial;
        pool.previous_lst_supply = initial;
        pool.initial_total_lamports = initial;
        pool.initial_lst_supply = initial;
        pool.reset_instant_curve().expect("buffer target");
        Model {
            pool,
            reserve: RESERVE_RENT_LAMPORTS + initial,
            active: 0,
            activating: 0,
            deactivating: 0,
            inactive: 0,
            epoch: 0,
            users: vec![User::default(); users],
            treasury_lst: 0,
            locked_lst: initial,
            tickets: Vec::new(),
            unrecognised: 0,
            late: 0,
            last_rate: (initial, initial),
        }
    }

    fn holdings(&self) -> u128 {
        self.pool.reserve_free_lamports(self.reserve) as u128
            + self.active as u128
            + self.activating as u128
            + self.deactivating as u128
            + self.inactive as u128
    }

    /// The invariants that hold after every step.
    pub fn check(&mut self) -> Result<(), String> {
        let p = &self.pool;
        if self.reserve < RESERVE_RENT_LAMPORTS {
            return Err(format!("the reserve paid out its rent: {} left", self.reserve));
        }
        let claims = p.total_lamports as u128 + p.owed_lamports as u128;
        let held = self.holdings();
        if held < claims {
            return Err(format!("value created: holdings {held} < under management {} + owed {}", p.total_lamports, p.owed_lamports));
        }
        let pending = self.unrecognised as u128 + self.late as u128;
        if held - claims != pending {
            return Err(format!("books off by {}: holdings {held}, claims {claims}, not yet settled {pending}", (held - claims) as i128 - pending as i128));
        }
        let lst: u128 = self.users.iter().map(|u| u.lst as u128).sum::<u128>() + self.treasury_lst as u128 + self.locked_lst as u128;
        if lst != p.lst_supply as u128 {
            return Err(format!("LST held {lst} != the pool's count {}", p.lst_supply));
        }
        let owed: u128 = self.tickets.iter().map(|t| t.lamports as u128).sum();
        if owed != p.owed_lamports as u128 {
            return Err(format!("open tickets {owed} != owed {}", p.owed_lamports));
        }
        let (t0, s0) = self.last_rate;
        if math::rate_is_below(p.total_lamports, p.lst_supply, t0, s0) {
            return Err(format!("the rate fell: {t0}/{s0} -> {}/{}", p.total_lamports, p.lst_supply));
        }
        self.last_rate = (p.total_lamports, p.lst_supply);
        Ok(())
    }

    // --- user actions, as the handlers run them -------------------------------------------------

    fn deposit(&mut self, user: usize, lamports: u64) -> Result<u64, Refusal> {
        self.pool.require_open(self.epoch, PAUSED_DEPOSITS)?;
        anchor_lang::require!(lamports > 0, liquid_staking::error::LiquidStakingError::ZeroAmount);
        let quote = self.pool.quote_deposit_sol(lamports, self.epoch, SLOTS_PER_EPOCH)?;
        anchor_lang::require!(quote.lst_out > 0, liquid_staking::error::LiquidStakingError::DepositTooSmall);
        self.pool.book_deposit(lamports, quote.lst_out)?;
        self.reserve += lamports;
        let u = &mut self.users[user];
        u.lst += quote.lst_out;
        u.sol_in += lamports as u128;
        Ok(quote.lst_out)
    }

    fn open_ticket(&mut self, user: usize, lst: u64) -> Result<u64, Refusal> {
        let quote = self.pool.quote_delayed_exit(lst, self.epoch)?;
        anchor_lang::require!(quote.lamports_out > 0, liquid_staking::error::LiquidStakingError::ExitTooSmall);
        self.burn(user, lst)?;
        self.pool.book_ticket(lst, quote.lamports_out)?;
        self.tickets.push(Ticket { user, lamports: quote.lamports_out, claimable_epoch: self.epoch + TICKET_DELAY_EPOCHS });
        Ok(quote.lamports_out)
    }

    fn order_unstake(&mut self, user: usize, lst: u64) -> Result<u64, Refusal> {
        self.pool.require_fresh(self.epoch)?;
        anchor_lang::require!(lst > 0, liquid_staking::error::LiquidStakingError::ZeroAmount);
        self.open_ticket(user, lst)
    }

    fn burn(&mut self, user: usize, lst: u64) -> Result<(), Refusal> {
        // The token program refuses to burn more than the account holds.
        anchor_lang::require!(self.users[user].lst >= lst, anchor_lang::error::ErrorCode::ConstraintRaw);
        self.users[user].lst -= lst;
        Ok(())
    }

    fn pay_instant(&mut self, user: usize, lst: u64, quote: &math::InstantQuote) -> Result<(), Refusal> {
        self.burn(user, lst)?;
        self.reserve -= quote.lamports_out;
        let treasury_lst = self.pool.book_instant_exit(lst, quote)?;
        self.treasury_lst += treasury_lst;
        self.users[user].sol_out += quote.lamports_out as u128;
        Ok(())
    }

    fn instant_unstake(&mut self, user: usize, lst: u64) -> Result<u64, Refusal> {
        self.pool.require_open(self.epoch, PAUSED_INSTANT_EXITS)?;
        anchor_lang::require!(lst > 0, liquid_staking::error::LiquidStakingError::ZeroAmount);
        let quote = self.pool.quote_instant_exit(lst, self.reserve, self.epoch)?;
        anchor_lang::require!(quote.lamports_out > 0, liquid_staking::error::LiquidStakingError::ExitTooSmall);
        self.pay_instant(user, lst, &quote)?;
        Ok(quote.lamports_out)
    }

    /// `unstake`: instant up to `max_fee_bps`, the rest as a ticket.
    fn unstake(&mut self, user: usize, lst: u64, max_fee_bps: u16) -> Result<u64, Refusal> {
        self.pool.require_fresh(self.epoch)?;
        anchor_lang::require!(lst > 0, liquid_staking::error::LiquidStakingError::ZeroAmount);
        let instant = self.pool.quote_unstake_instant_part(lst, self.reserve, self.epoch, max_fee_bps)?;
        let instant_lst = instant.as_ref().map_or(0, |(lst, _)| *lst);
        let instant = instant.map(|(_, quote)| quote);
        let mut out = 0;
        if let Some(quote) = &instant {
            self.pay_instant(user, instant_lst, quote)?;
            out += quote.lamports_out;
        }
        if lst > instant_lst {
            out += self.open_ticket(user, lst - instant_lst)?;
        }
        Ok(out)
    }

    /// `withdraw_stake`: the LST's value less the fee, split off the pool's stake.
    fn withdraw_stake(&mut self, user: usize, lst: u64) -> Result<u64, Refusal> {
        use liquid_staking::error::LiquidStakingError as E;
        self.pool.require_fresh(self.epoch)?;
        anchor_lang::require!(lst > 0, E::ZeroAmount);
        let quote = math::quote_exit(lst, self.pool.total_lamports, self.pool.lst_supply, self.pool.fees_at(self.epoch).stake_withdrawal_bps)
            .map_err(E::from)?;
        anchor_lang::require!(quote.lamports_out >= MIN_STAKE_DELEGATION_LAMPORTS, E::StakeWithdrawalTooSmall);
        anchor_lang::require!(self.active >= quote.lamports_out.saturating_add(MIN_STAKE_DELEGATION_LAMPORTS), E::StakeWithdrawalTooLarge);
        self.burn(user, lst)?;
        self.pool.book_stake_withdrawal(lst, quote.lamports_out)?;
        self.active -= quote.lamports_out;
        self.users[user].sol_out += quote.lamports_out as u128;
        Ok(quote.lamports_out)
    }

    fn claim(&mut self, ticket: usize) -> Result<u64, Refusal> {
        use liquid_staking::error::LiquidStakingError as E;
        let t = self.tickets[ticket].clone();
        anchor_lang::require!(self.epoch >= t.claimable_epoch, E::TicketNotClaimableYet);
        anchor_lang::require!(self.pool.reserve_free_lamports(self.reserve) >= t.lamports, E::ReserveAwaitingUnstake);
        self.reserve -= t.lamports;
        self.pool.owed_lamports = self.pool.owed_lamports.checked_sub(t.lamports).ok_or(E::MathOverflow)?;
        self.users[t.user].sol_out += t.lamports as u128;
        self.tickets.swap_remove(ticket);
        Ok(t.lamports)
    }

    // --- the crank --------------------------------------------------------------------------------

    /// Observe: the stake's balance recorded, inactive stake withdrawn to the reserve.
    fn observe(&mut self) -> Result<(), Refusal> {
        if self.pool.observe_epoch == self.epoch && self.pool.all_validators_observed(self.epoch) {
            return Ok(()); // already observed: repeating moves nothing
        }
        let actual = self.active as i128 + self.activating as i128 + self.deactivating as i128 + self.inactive as i128;
        self.pool.apply_stake_delta(actual - self.pool.stake_lamports as i128)?;
        let returned = self.inactive;
        self.reserve += returned;
        self.pool.apply_stake_delta(-(returned as i128))?;
        self.pool.unstaking_lamports = self.pool.unstaking_lamports.saturating_sub(returned);
        self.inactive = 0;
        self.pool.record_observation(self.epoch);
        Ok(())
    }

    fn finalize(&mut self) -> Result<u64, Refusal> {
        if self.pool.last_update_epoch == self.epoch {
            return Ok(0);
        }
        anchor_lang::require!(self.pool.all_validators_observed(self.epoch), liquid_staking::error::LiquidStakingError::ValidatorsNotObserved);
        let observed_total = self.pool.observed_total_lamports(self.reserve)?;
        let rewards_slots = (self.epoch - self.pool.last_update_epoch) * SLOTS_PER_EPOCH;
        let supply = self.pool.lst_supply;
        let settlement = self.pool.settle(observed_total, supply, self.epoch, rewards_slots)?;
        self.treasury_lst += settlement.fee_lst;
        self.unrecognised = std::mem::take(&mut self.late);
        Ok(settlement.rewards_lamports)
    }

    /// Rebalance, the stake taken as one validator: unstake the shortfall, or stake what the
    /// reserve holds above tickets and buffer (at least the minimum delegation).
    fn rebalance(&mut self) -> Result<u64, Refusal> {
        self.pool.require_fresh(self.epoch)?;
        let shortfall = self.pool.reserve_shortfall_lamports(self.reserve)?;
        if shortfall > 0 {
            let amount = shortfall.min(self.active);
            self.active -= amount;
            self.deactivating += amount;
            self.pool.unstaking_lamports += amount;
            return Ok(amount);
        }
        self.pool.require_open(self.epoch, PAUSED_REBALANCING)?;
        let amount = self.pool.reserve_stakeable_lamports(self.reserve)?;
        if amount < MIN_STAKE_DELEGATION_LAMPORTS {
            return Ok(0);
        }
        self.reserve -= amount;
        self.activating += amount;
        self.pool.apply_stake_delta(amount as i128)?;
        Ok(amount)
    }

    /// The next epoch: active stake earns `reward_ppm` millionths, stake changes state.
    fn advance(&mut self, reward_ppm: u64) {
        let rewards = (self.active as u128 * reward_ppm as u128 / 1_000_000) as u64;
        self.active += rewards;
        self.unrecognised += rewards + std::mem::take(&mut self.late);
        self.active += self.activating;
        self.activating = 0;
        self.inactive += self.deactivating;
        self.deactivating = 0;
        self.epoch += 1;
    }
}

/// Runs sequence `seed`: `steps` random actions, then the drain. Returns what it did, or the
/// first broken invariant.
pub fn run_sequence(seed: u64, steps: u64) -> Result<Stats, Violation> {
    let mut rng = Rng::new(seed);
    let users = 1 + rng.below(4) as usize;
    let mut model = Model::new(&mut rng, users);
    let mut stats = Stats::default();
    let fail = |step: u64, action: &'static str, message: String| Violation { seed, step, action, message };
    for step in 0..steps {
        stats.steps += 1;
        let before = model.clone();
        let user = rng.below(model.users.len() as u64) as usize;
        let held = model.users[user].lst;
        let lst = match rng.below(4) {
            0 => held,
            1 => rng.amount(held.max(1)),
            _ => held / (1 + rng.below(10)),
        };
        let pick = rng.below(100);
        let (action, result): (&'static str, Result<u64, Refusal>) = match pick {
            0..=17 => ("deposit", model.deposit(user, rng.amount(1_000 * SOL))),
            18..=25 => ("order_unstake", model.order_unstake(user, lst)),
            26..=33 => ("instant_unstake", model.instant_unstake(user, lst)),
            34..=39 => {
                let max_fee = [0u16, 1, 10, 50, 300, 1_000, 10_000][rng.below(7) as usize];
                ("unstake", model.unstake(user, lst, max_fee))
            }
            40..=43 => ("withdraw_stake", model.withdraw_stake(user, lst)),
            44..=51 if !model.tickets.is_empty() => {
                let t = rng.below(model.tickets.len() as u64) as usize;
                let r = model.claim(t);
                if r.is_ok() {
                    stats.tickets_paid += 1;
                }
                ("claim_ticket", r)
            }
            52..=55 => {
                // A donation to the reserve or to a stake account.
                let lamports = rng.amount(50 * SOL);
                let observed = model.pool.observe_epoch == model.epoch && model.pool.all_validators_observed(model.epoch);
                let settled = model.pool.last_update_epoch == model.epoch;
                if rng.chance(50) || model.active == 0 {
                    // The reserve is read at settlement.
                    model.reserve += lamports;
                    model.unrecognised += lamports;
                } else {
                    model.active += lamports;
                    if observed && !settled {
                        model.late += lamports;
                    } else {
                        model.unrecognised += lamports;
                    }
                }
                ("donation", Ok(lamports))
            }
            56..=59 => {
                // A round trip must never return more than it put in.
                let lamports = rng.amount(500 * SOL);
                let r = model.deposit(user, lamports).and_then(|minted| {
                    if rng.chance(50) {
                        model.instant_unstake(user, minted)
                    } else {
                        model.order_unstake(user, minted)
                    }
                });
                if let Ok(out) = r {
                    if out > lamports {
                        return Err(fail(step, "round trip", format!("deposited {lamports}, got {out} back")));
                    }
                }
                ("round trip", r)
            }
            60..=61 => {
                let fees = random_fees(&mut rng);
                model.pool.schedule_fees(fees, model.epoch);
                ("set_fees", Ok(0))
            }
            62..=64 => {
                model.pool.paused = if model.pool.paused == 0 { 1 + rng.below(PAUSED_ALL as u64) as u8 } else { 0 };
                ("set_pause", Ok(0))
            }
            65..=70 => ("observe", model.observe().map(|_| 0)),
            71..=75 => {
                let due = model.pool.last_update_epoch != model.epoch;
                let r = model.finalize();
                if r.is_ok() && due {
                    stats.settlements += 1;
                }
                ("finalize", r)
            }
            76..=81 => ("rebalance", model.rebalance()),
            82..=93 => {
                // Three transactions: a refused one reverts only itself.
                let r = model.observe();
                if r.is_ok() {
                    let settled = model.clone();
                    let due = model.pool.last_update_epoch != model.epoch;
                    match model.finalize() {
                        Ok(_) => {
                            stats.settlements += due as u64;
                            let before_rebalance = model.clone();
                            if model.rebalance().is_err() {
                                model = before_rebalance;
                            }
                        }
                        Err(_) => model = settled,
                    }
                }
                ("crank", r.map(|_| 0))
            }
            _ => {
                // Mainnet-like yields, sometimes none, sometimes a warm-up-like burst.
                let ppm = [0u64, 50, 150, 300, 1_000, 20_000][rng.below(6) as usize];
                model.advance(ppm);
                stats.epochs += 1;
                ("next epoch", Ok(0))
            }
        };
        match result {
            Ok(_) => stats.accepted += 1,
            Err(_) => {
                // A refused instruction changes nothing: the chain reverts the transaction.
                model = before;
                stats.refused += 1;
            }
        }
        model.check().map_err(|m| fail(step, action, m))?;
    }
    // The drain: unpaused, the crank every epoch, tickets claimed as they come due.
    model.pool.paused = 0;
    for round in 0..6 {
        let crank = model.observe().and_then(|_| model.finalize()).and_then(|_| model.rebalance());
        crank.map_err(|e| fail(steps + round, "drain crank", e.to_string()))?;
        let mut t = 0;
        while t < model.tickets.len() {
            if model.claim(t).is_ok() {
                stats.tickets_paid += 1;
            } else {
                t += 1;
            }
        }
        model.check().map_err(|m| fail(steps + round, "drain", m))?;
        if model.tickets.is_empty() {
            break;
        }
        model.advance(150);
    }
    if !model.tickets.is_empty() {
        let owed: u64 = model.tickets.iter().map(|t| t.lamports).sum();
        return Err(fail(steps + 6, "drain", format!("{} tickets ({owed} lamports) unpaid after six epochs of cranking", model.tickets.len())));
    }
    Ok(stats)
}

/// The seeds saved because they once broke an invariant (regressions.txt beside this crate: one
/// seed per line, `#` comments).
pub fn regression_seeds() -> Vec<u64> {
    include_str!("../regressions.txt").lines().filter_map(|l| l.split('#').next()).filter_map(|l| l.trim().parse().ok()).collect()
}
