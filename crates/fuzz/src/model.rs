//! One pool and its world: the pool account and its validator list (the program's own `Pool` and
//! `ValidatorEntry`), the reserve's balance, each validator's main and transient stake accounts,
//! users, tickets and a treasury. The user and operator instructions are here, in the handlers'
//! order of checks and bookings; the crank's are in `crank.rs`.
use crate::stake::{StakeAccount, STAKE_RENT_LAMPORTS};
use crate::Stats;
use anchor_lang::{prelude::Pubkey, AccountDeserialize};
use liquid_staking::{checks::StakeStatus, constants::*, error::LiquidStakingError as E, math, state::*};

/// Slots of a mainnet epoch (the dilution fee scales the last yield by epoch length).
pub const SLOTS_PER_EPOCH: u64 = 432_000;
/// The reserve's rent-exempt minimum (a 0-byte account).
pub const RESERVE_RENT_LAMPORTS: u64 = 890_880;
pub const SOL: u64 = 1_000_000_000;
/// Vote accounts of the model's world: validators come from, and may return to, these.
pub const VOTE_ACCOUNTS: usize = 10;

/// The vote account of validator `id`.
pub fn vote_key(id: usize) -> Pubkey {
    Pubkey::new_from_array([id as u8 + 1; 32])
}

/// The model's id of `vote`.
pub fn vote_id(vote: &Pubkey) -> usize {
    vote.as_ref()[0] as usize - 1
}

pub type Refusal = anchor_lang::error::Error;

/// Why a transaction did not land: the program refused it (the chain reverts it), or the
/// program asked the Stake program for something it refuses (a crank would be stuck on it).
#[derive(Debug)]
pub enum Fail {
    Refused(Refusal),
    Broken(String),
}

impl From<Refusal> for Fail {
    fn from(e: Refusal) -> Self {
        Fail::Refused(e)
    }
}

impl From<E> for Fail {
    fn from(e: E) -> Self {
        Fail::Refused(e.into())
    }
}

pub type Tx<T> = Result<T, Fail>;

/// `require!` for the model's handlers.
pub fn req(ok: bool, e: E) -> Tx<()> {
    if ok {
        Ok(())
    } else {
        Err(e.into())
    }
}

/// A Stake program refusal of a move the program planned.
pub fn stake_refused(what: &str, v: usize) -> impl Fn(String) -> Fail + '_ {
    move |m| Fail::Broken(format!("{what} of validator {v}: the Stake program refuses it: {m}"))
}

/// One vote account's world: the pool's two stake addresses for it, and the lamports they
/// gained from outside (rewards, donations, a caller's rent) since its entry last recorded them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Validator {
    pub main: StakeAccount,
    pub transient: StakeAccount,
    pub unseen_lamports: u64,
    /// Share of the epoch's reward rate this validator earns (0: it does not vote).
    pub performance_pct: u64,
}

#[derive(Debug, Clone, Default)]
pub struct User {
    pub lst: u64,
    pub sol_in: u128,
    pub sol_out: u128,
}

#[derive(Debug, Clone)]
pub struct Ticket {
    pub user: usize,
    pub lamports: u64,
    pub claimable_epoch: u64,
}

/// One pool and its world.
#[derive(Clone)]
pub struct Model {
    pub(crate) pool: Pool,
    /// The validator list's entries, in its order (swap_remove like the list).
    pub(crate) list: Vec<ValidatorEntry>,
    pub(crate) validators: [Validator; VOTE_ACCOUNTS],
    pub(crate) reserve: u64,
    pub(crate) epoch: u64,
    pub(crate) users: Vec<User>,
    pub(crate) treasury_lst: u64,
    pub(crate) locked_lst: u64,
    pub(crate) tickets: Vec<Ticket>,
    /// Donations to the reserve since the last settlement (it reads the reserve).
    pub(crate) reserve_pending: u64,
    /// Lamports observations found in stake accounts beyond their records since the last
    /// settlement (rewards, donations): the next settlement recognises them with `reserve_pending`.
    pub(crate) observed_pending: u64,
    pub(crate) last_rate: (u64, u64),
    /// What landed (reverted with a refused transaction, as the chain would).
    pub(crate) done: Stats,
}

pub fn random_fees(rng: &mut crate::Rng) -> Fees {
    let min = rng.below(MAX_INSTANT_UNSTAKE_FEE_BPS as u64 + 1) as u16;
    // Sometimes free instant exits: a run then empties the reserve to what tickets are owed.
    let free_exits = rng.chance(15);
    let fees = Fees {
        reward_bps: rng.below(MAX_REWARD_FEE_BPS as u64 + 1) as u16,
        deposit_bps: rng.below(MAX_DEPOSIT_FEE_BPS as u64 + 1) as u16,
        delayed_unstake_bps: rng.below(MAX_EXIT_FEE_BPS as u64 + 1) as u16,
        stake_withdrawal_bps: rng.below(MAX_EXIT_FEE_BPS as u64 + 1) as u16,
        instant_unstake_min_bps: min,
        instant_unstake_max_bps: min + rng.below((MAX_INSTANT_UNSTAKE_FEE_BPS - min) as u64 + 1) as u16,
        treasury_share_bps: rng.below(BPS_DENOMINATOR + 1) as u16,
    };
    if free_exits {
        Fees { instant_unstake_min_bps: 0, instant_unstake_max_bps: 0, ..fees }
    } else {
        fees
    }
}

/// A validator's weight: mostly similar, sometimes far apart, sometimes none.
pub fn random_weight(rng: &mut crate::Rng) -> u32 {
    match rng.below(10) {
        0 => 0,
        1 => 1 + rng.below(10_000) as u32,
        _ => 50 + rng.below(100) as u32,
    }
}

impl Model {
    /// A pool as `initialize_pool` leaves it, with random fees and buffer, `users` users and
    /// `validators` validators added by the operator.
    pub fn new(rng: &mut crate::Rng, users: usize, validators: usize) -> Model {
        let mut pool = Pool::try_deserialize_unchecked(&mut &vec![0u8; Pool::SPACE][..]).expect("a zeroed pool decodes");
        let fees = random_fees(rng);
        fees.validate().expect("fees within caps");
        let per_validator = STAKE_RENT_LAMPORTS + MIN_STAKE_DELEGATION_LAMPORTS;
        let initial = MIN_INITIAL_DEPOSIT_LAMPORTS + validators as u64 * per_validator + rng.amount(100 * SOL);
        pool.version = POOL_VERSION;
        pool.fees = fees;
        pool.pending_fees = fees;
        pool.pending_fees_epoch = u64::MAX;
        pool.reserve_buffer_bps = (MIN_RESERVE_BUFFER_BPS as u64 + rng.below((MAX_RESERVE_BUFFER_BPS - MIN_RESERVE_BUFFER_BPS) as u64 + 1)) as u16;
        pool.total_lamports = initial;
        pool.lst_supply = initial;
        pool.reserve_rent_lamports = RESERVE_RENT_LAMPORTS;
        pool.previous_total_lamports = initial;
        pool.previous_lst_supply = initial;
        pool.initial_total_lamports = initial;
        pool.initial_lst_supply = initial;
        pool.reset_instant_curve().expect("buffer target");
        let mut world = [Validator::default(); VOTE_ACCOUNTS];
        for v in world.iter_mut() {
            v.performance_pct = [0, 50, 100, 100, 100, 100, 110][rng.below(7) as usize];
        }
        let mut model = Model {
            pool,
            list: Vec::new(),
            validators: world,
            reserve: RESERVE_RENT_LAMPORTS + initial,
            epoch: 0,
            users: vec![User::default(); users],
            treasury_lst: 0,
            locked_lst: initial,
            tickets: Vec::new(),
            reserve_pending: 0,
            observed_pending: 0,
            last_rate: (initial, initial),
            done: Stats::default(),
        };
        for v in 0..validators {
            let weight = random_weight(rng);
            model.add_validator(v, weight).unwrap_or_else(|e| panic!("the initial validators fit: {e:?}"));
        }
        model
    }

    pub fn validator_count(&self) -> usize {
        self.list.len()
    }

    /// The invariants that hold after every transaction.
    pub fn check(&mut self) -> Result<(), String> {
        let p = &self.pool;
        if self.reserve < RESERVE_RENT_LAMPORTS {
            return Err(format!("the reserve paid out its rent: {} left", self.reserve));
        }
        // The list, account by account: every listed validator has its main stake account, a
        // transient exactly when its entry records one, and its record differs from its accounts
        // by exactly what they gained from outside since (no loss without a slash).
        let mut listed = [false; VOTE_ACCOUNTS];
        let (mut recorded, mut held_stake, mut unseen) = (0u128, 0u128, 0u128);
        let (mut weight, mut unstaking, mut observed) = (0u64, 0u128, 0u32);
        for (i, e) in self.list.iter().enumerate() {
            let v = vote_id(&e.vote_account);
            if std::mem::replace(&mut listed[v], true) {
                return Err(format!("validator {v} is listed twice"));
            }
            let w = &self.validators[v];
            if !w.main.exists {
                return Err(format!("validator {v} (index {i}) is listed without its main stake account"));
            }
            if w.transient.exists != (e.transient_stake_lamports > 0) {
                return Err(format!(
                    "validator {v}: transient exists {} but its entry records {} lamports in it",
                    w.transient.exists, e.transient_stake_lamports
                ));
            }
            let actual = w.main.held_lamports() as i128 + w.transient.held_lamports() as i128;
            if actual - e.total_lamports() as i128 != w.unseen_lamports as i128 {
                return Err(format!(
                    "validator {v}: accounts hold {actual}, its entry records {} (main {}, transient {}), gained from outside since: {}",
                    e.total_lamports(),
                    e.active_stake_lamports,
                    e.transient_stake_lamports,
                    w.unseen_lamports
                ));
            }
            recorded += e.total_lamports() as u128;
            held_stake += actual as u128;
            unseen += w.unseen_lamports as u128;
            weight += e.weight as u64;
            unstaking += e.unstaking_lamports as u128;
            observed += (e.last_observed_epoch == p.observe_epoch) as u32;
        }
        for (v, w) in self.validators.iter().enumerate() {
            if !listed[v] && (w.main.exists || w.transient.exists || w.unseen_lamports > 0) {
                return Err(format!("validator {v} left the list with stake behind: {w:?}"));
            }
        }
        if recorded != p.stake_lamports as u128 {
            return Err(format!("the entries record {recorded} lamports, the pool's stake_lamports {}", p.stake_lamports));
        }
        if p.validator_count as usize != self.list.len() || weight != p.total_weight || unstaking != p.unstaking_lamports as u128 {
            return Err(format!(
                "list vs pool: {} validators / {}, weight {weight} / {}, unstaking {unstaking} / {}",
                self.list.len(),
                p.validator_count,
                p.total_weight,
                p.unstaking_lamports
            ));
        }
        if observed != p.observed_count {
            return Err(format!("{observed} entries observed in epoch {}, the pool counts {}", p.observe_epoch, p.observed_count));
        }
        if p.observed_loss_lamports != 0 {
            return Err(format!("observations saw a loss of {} lamports without any slash", p.observed_loss_lamports));
        }
        // The books, to the lamport: what the pool holds is what it manages and owes, plus what
        // came from outside and is not yet settled (seen by observation or in the reserve, or
        // not yet seen at all).
        let free = p.reserve_free_lamports(self.reserve) as u128;
        let claims = p.total_lamports as u128 + p.owed_lamports as u128;
        let seen = self.reserve_pending as u128 + self.observed_pending as u128;
        if free + p.stake_lamports as u128 != claims + seen {
            return Err(format!(
                "books off by {}: reserve {free} + recorded stake {} vs under management {} + owed {} + seen, not settled {seen}",
                (free + p.stake_lamports as u128) as i128 - (claims + seen) as i128,
                p.stake_lamports,
                p.total_lamports,
                p.owed_lamports
            ));
        }
        if free + held_stake != claims + seen + unseen {
            return Err(format!("holdings {} != claims {claims} + not yet settled {}", free + held_stake, seen + unseen));
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

    /// Runs `f` as one transaction: refused, it leaves the model as it was.
    pub fn tx<T>(&mut self, f: impl FnOnce(&mut Model) -> Tx<T>) -> Tx<T> {
        let before = self.clone();
        let r = f(self);
        if let Err(Fail::Refused(_)) = r {
            *self = before;
        }
        r
    }

    // --- user actions, as the handlers run them -------------------------------------------------

    pub fn deposit(&mut self, user: usize, lamports: u64) -> Tx<u64> {
        self.pool.require_open(self.epoch, PAUSED_DEPOSITS)?;
        req(lamports > 0, E::ZeroAmount)?;
        let quote = self.pool.quote_deposit_sol(lamports, self.epoch, SLOTS_PER_EPOCH)?;
        req(quote.lst_out > 0, E::DepositTooSmall)?;
        self.pool.book_deposit(lamports, quote.lst_out)?;
        self.reserve += lamports;
        let u = &mut self.users[user];
        u.lst += quote.lst_out;
        u.sol_in += lamports as u128;
        Ok(quote.lst_out)
    }

    fn open_ticket(&mut self, user: usize, lst: u64) -> Tx<u64> {
        let quote = self.pool.quote_delayed_exit(lst, self.epoch)?;
        req(quote.lamports_out > 0, E::ExitTooSmall)?;
        self.burn(user, lst)?;
        self.pool.book_ticket(lst, quote.lamports_out)?;
        self.tickets.push(Ticket { user, lamports: quote.lamports_out, claimable_epoch: self.epoch + TICKET_DELAY_EPOCHS });
        Ok(quote.lamports_out)
    }

    pub fn order_unstake(&mut self, user: usize, lst: u64) -> Tx<u64> {
        self.pool.require_fresh(self.epoch)?;
        req(lst > 0, E::ZeroAmount)?;
        self.open_ticket(user, lst)
    }

    fn burn(&mut self, user: usize, lst: u64) -> Tx<()> {
        // The token program refuses to burn more than the account holds.
        if self.users[user].lst < lst {
            return Err(Fail::Refused(anchor_lang::error::ErrorCode::ConstraintRaw.into()));
        }
        self.users[user].lst -= lst;
        Ok(())
    }

    fn pay_instant(&mut self, user: usize, lst: u64, quote: &math::InstantQuote) -> Tx<()> {
        self.burn(user, lst)?;
        self.reserve -= quote.lamports_out;
        let treasury_lst = self.pool.book_instant_exit(lst, quote)?;
        self.treasury_lst += treasury_lst;
        self.users[user].sol_out += quote.lamports_out as u128;
        Ok(())
    }

    pub fn instant_unstake(&mut self, user: usize, lst: u64) -> Tx<u64> {
        self.pool.require_open(self.epoch, PAUSED_INSTANT_EXITS)?;
        req(lst > 0, E::ZeroAmount)?;
        let quote = self.pool.quote_instant_exit(lst, self.reserve, self.epoch)?;
        req(quote.lamports_out > 0, E::ExitTooSmall)?;
        self.pay_instant(user, lst, &quote)?;
        Ok(quote.lamports_out)
    }

    /// `unstake`: instant up to `max_fee_bps`, the rest as a ticket.
    pub fn unstake(&mut self, user: usize, lst: u64, max_fee_bps: u16) -> Tx<u64> {
        self.pool.require_fresh(self.epoch)?;
        req(lst > 0, E::ZeroAmount)?;
        let instant = self.pool.quote_unstake_instant_part(lst, self.reserve, self.epoch, max_fee_bps)?;
        let instant_lst = instant.as_ref().map_or(0, |(lst, _)| *lst);
        let mut out = 0;
        if let Some((_, quote)) = &instant {
            self.pay_instant(user, instant_lst, quote)?;
            out += quote.lamports_out;
        }
        if lst > instant_lst {
            out += self.open_ticket(user, lst - instant_lst)?;
        }
        Ok(out)
    }

    /// `withdraw_stake`: the LST's value less the fee, split off validator `index`'s main stake
    /// into the user's new stake account.
    pub fn withdraw_stake(&mut self, user: usize, index: usize, lst: u64) -> Tx<u64> {
        let epoch = self.epoch;
        self.pool.require_open(epoch, PAUSED_INSTANT_EXITS)?;
        req(lst > 0, E::ZeroAmount)?;
        let quote = self.pool.quote_stake_withdrawal(lst, epoch)?;
        req(quote.lamports_out >= MIN_STAKE_DELEGATION_LAMPORTS, E::StakeWithdrawalTooSmall)?;
        let entry = *self.list.get(index).ok_or(E::ValidatorIndexOutOfRange)?;
        req(entry.status == VALIDATOR_STATUS_ACTIVE, E::ValidatorRemoving)?;
        let v = vote_id(&entry.vote_account);
        let main = self.validators[v].main;
        req(main.exists && main.status(epoch) == StakeStatus::Active, E::StakeNotActive)?;
        req(main.delegated_lamports.saturating_sub(quote.lamports_out) >= MIN_STAKE_DELEGATION_LAMPORTS, E::StakeWithdrawalTooLarge)?;
        // The user's new account, funded with its rent by the user.
        let mut user_stake = StakeAccount { lamports: STAKE_RENT_LAMPORTS, ..StakeAccount::default() };
        self.validators[v].main.split_into(&mut user_stake, quote.lamports_out).map_err(stake_refused("withdraw_stake", v))?;
        self.burn(user, lst)?;
        let e = &mut self.list[index];
        e.active_stake_lamports = math::checked_sub(e.active_stake_lamports, quote.lamports_out, "withdraw_stake_entry").map_err(E::from)?;
        self.pool.book_stake_withdrawal(lst, quote.lamports_out)?;
        self.users[user].sol_out += quote.lamports_out as u128;
        self.done.stake_withdrawals += 1;
        Ok(quote.lamports_out)
    }

    pub fn claim(&mut self, ticket: usize) -> Tx<u64> {
        let t = self.tickets[ticket].clone();
        req(self.epoch >= t.claimable_epoch, E::TicketNotClaimableYet)?;
        req(self.pool.reserve_free_lamports(self.reserve) >= t.lamports, E::ReserveAwaitingUnstake)?;
        self.reserve -= t.lamports;
        self.pool.owed_lamports = self.pool.owed_lamports.checked_sub(t.lamports).ok_or(E::MathOverflow)?;
        self.users[t.user].sol_out += t.lamports as u128;
        self.tickets.swap_remove(ticket);
        self.done.tickets_paid += 1;
        Ok(t.lamports)
    }

    /// Claims every ticket the reserve can pay.
    pub fn claim_all(&mut self) {
        let mut t = 0;
        while t < self.tickets.len() {
            if self.tx(|m| m.claim(t)).is_err() {
                t += 1;
            }
        }
    }

    // --- from outside ---------------------------------------------------------------------------

    /// SOL sent to the reserve: the next settlement reads it.
    pub fn donate_to_reserve(&mut self, lamports: u64) {
        self.reserve += lamports;
        self.reserve_pending += lamports;
    }

    /// SOL sent to validator `v`'s main (or transient) stake address: an account's gain the next
    /// observation of it sees, or, with no account there, nobody's until one is created.
    pub fn donate_to_stake(&mut self, v: usize, transient: bool, lamports: u64) {
        let w = &mut self.validators[v];
        let account = if transient { &mut w.transient } else { &mut w.main };
        account.lamports += lamports;
        if account.exists {
            w.unseen_lamports += lamports;
        }
    }

    /// The Stake program's DeactivateDelinquent (anyone, once the validator stopped voting): the
    /// pool's stake at `v` deactivated without the pool.
    pub fn deactivate_delinquent(&mut self, v: usize, transient: bool) -> Tx<()> {
        let w = &mut self.validators[v];
        let account = if transient { &mut w.transient } else { &mut w.main };
        // (Refused by the Stake program when already deactivated: nothing happens.)
        account.deactivate(self.epoch).map_err(|_| Fail::Refused(anchor_lang::error::ErrorCode::ConstraintRaw.into()))?;
        self.done.delinquent_deactivations += 1;
        Ok(())
    }

    // --- the operator ---------------------------------------------------------------------------

    /// `add_validator` for vote account `v`.
    pub fn add_validator(&mut self, v: usize, weight: u32) -> Tx<()> {
        let epoch = self.epoch;
        // A main stake account at the address: the validator is in the pool, or still leaving.
        req(!self.validators[v].main.exists, E::ValidatorAlreadyAdded)?;
        let lamports = STAKE_RENT_LAMPORTS + MIN_STAKE_DELEGATION_LAMPORTS;
        req(self.pool.reserve_liquid_lamports(self.reserve) >= lamports, E::ReserveTooLow)?;
        self.reserve -= lamports;
        let w = &mut self.validators[v];
        let stray = w.main.create_delegated(lamports, epoch).map_err(stake_refused("add_validator", v))?;
        w.unseen_lamports += stray;
        self.list.push(ValidatorEntry {
            vote_account: vote_key(v),
            active_stake_lamports: lamports,
            transient_stake_lamports: 0,
            last_observed_epoch: epoch,
            unstaking_lamports: 0,
            weight,
            status: VALIDATOR_STATUS_ACTIVE,
            validator_stake_bump: 0,
            transient_stake_bump: 0,
            flags: 0,
        });
        let pool = &mut self.pool;
        pool.validator_count += 1;
        pool.record_observation(epoch);
        pool.total_weight = pool.total_weight.checked_add(weight as u64).ok_or(E::MathOverflow)?;
        pool.apply_stake_delta(lamports as i128)?;
        self.done.validators_added += 1;
        Ok(())
    }

    /// `remove_validator` at `index`: weight to zero, both stake accounts deactivated.
    pub fn remove_validator(&mut self, index: usize) -> Tx<()> {
        let epoch = self.epoch;
        let entry = self.list.get_mut(index).ok_or(E::ValidatorIndexOutOfRange)?;
        req(entry.status == VALIDATOR_STATUS_ACTIVE, E::ValidatorRemoving)?;
        let v = vote_id(&entry.vote_account);
        let w = &mut self.validators[v];
        for account in [&mut w.main, &mut w.transient] {
            if account.exists && matches!(account.status(epoch), StakeStatus::Active | StakeStatus::Activating) {
                account.deactivate(epoch).map_err(stake_refused("remove_validator", v))?;
            }
        }
        let old = entry.weight;
        entry.weight = 0;
        entry.status = VALIDATOR_STATUS_REMOVING;
        self.pool.total_weight = self.pool.total_weight.saturating_sub(old as u64);
        self.done.removals_started += 1;
        Ok(())
    }

    /// `set_validator_weight` at `index`.
    pub fn set_validator_weight(&mut self, index: usize, weight: u32) -> Tx<()> {
        let entry = self.list.get_mut(index).ok_or(E::ValidatorIndexOutOfRange)?;
        req(entry.status == VALIDATOR_STATUS_ACTIVE, E::ValidatorRemoving)?;
        let old = entry.weight;
        entry.weight = weight;
        self.pool.total_weight = (self.pool.total_weight - old as u64).checked_add(weight as u64).ok_or(E::MathOverflow)?;
        Ok(())
    }

    // --- time -----------------------------------------------------------------------------------

    /// The next epoch: stake effective in this one earns `reward_ppm` millionths (scaled by each
    /// validator's performance), and stake changes state.
    pub fn advance(&mut self, reward_ppm: u64) {
        let epoch = self.epoch;
        for w in self.validators.iter_mut() {
            let ppm = reward_ppm * w.performance_pct / 100;
            let rewards = w.main.pay_rewards(epoch, ppm) + w.transient.pay_rewards(epoch, ppm);
            w.unseen_lamports += rewards;
        }
        self.epoch += 1;
    }
}
