use crate::{constants::*, error::LiquidStakingError, math};
use anchor_lang::prelude::*;

/// The pool: authorities, the LST mint, fees, and the totals the exchange rate is computed on.
///
/// The rate is `total_lamports / lst_supply`. Both move only in this program's instructions:
/// deposits add to both at the current rate; `finalize_epoch` folds rewards into `total_lamports`
/// and mints the reward fee. SOL sent to the reserve or to a stake account from outside, and LST
/// burned outside the program, reach the rate only at the next `finalize_epoch`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Pool {
    /// Layout version (POOL_VERSION).
    pub version: u8,
    pub bump: u8,
    pub reserve_bump: u8,
    /// Changes fees and authorities; unpauses.
    pub admin: Pubkey,
    /// Set by `propose_admin`; becomes admin when it signs `accept_admin`.
    pub proposed_admin: Pubkey,
    /// Adds and removes validators, sets their weights.
    pub operator: Pubkey,
    pub lst_mint: Pubkey,
    /// The treasury: the pool's own LST account `[TREASURY_SEED, pool]` collecting the reward fee
    /// and the treasury's share of instant-exit fees.
    pub treasury: Pubkey,
    pub treasury_bump: u8,
    /// Withdraws LST from the treasury (`withdraw_treasury`).
    pub treasury_authority: Pubkey,
    pub validator_list: Pubkey,
    /// May pause deposits, instant exits and staking new SOL (never claims, delayed exits, or the
    /// unstaking that funds them).
    pub pause_guardian: Pubkey,
    /// PAUSED_* flags.
    pub paused: u8,
    /// Fees in force until `pending_fees_epoch`.
    pub fees: Fees,
    /// Fees in force from `pending_fees_epoch` on (an increase waits two epoch boundaries).
    pub pending_fees: Fees,
    /// u64::MAX when no change is pending.
    pub pending_fees_epoch: u64,
    /// Share of SOL under management kept unstaked in the reserve, in basis points.
    pub reserve_buffer_bps: u16,
    /// SOL under management: what the rate is computed on.
    pub total_lamports: u64,
    /// LST in circulation as this program counts it.
    pub lst_supply: u64,
    /// Epoch of the last `finalize_epoch`; deposits are refused in any other epoch.
    pub last_update_epoch: u64,
    /// Lamports in all validator and transient stake accounts, as last observed or moved by us.
    pub stake_lamports: u64,
    /// SOL owed to open tickets: kept in the reserve (or on its way there), outside
    /// `total_lamports`.
    pub owed_lamports: u64,
    /// Stake that rebalancing deactivated to refill the reserve (for tickets or the buffer), on its
    /// way back; stake of removed validators is not counted here.
    pub unstaking_lamports: u64,
    /// Tickets opened so far (a count; a ticket's address comes from its owner and nonce).
    pub tickets_opened: u64,
    /// Lamports the reserve held at creation to be rent-exempt; not pool money.
    pub reserve_rent_lamports: u64,
    pub validator_count: u32,
    /// Validators observed in `observe_epoch`; finalize needs all of them.
    pub observed_count: u32,
    pub observe_epoch: u64,
    /// Sum of all validators' weights.
    pub total_weight: u64,
    /// The settlement before the last one: with the current totals, the rate's latest move.
    pub previous_total_lamports: u64,
    pub previous_lst_supply: u64,
    pub previous_update_epoch: u64,
    /// What the last settlement recognised.
    pub last_rewards_lamports: u64,
    pub last_fee_lamports: u64,
    /// Slots of the epochs whose rewards the last settlement recognised: with the rewards, the
    /// holders' yield per slot, which the dilution fee scales to the current epoch's length.
    pub last_rewards_slots: u64,
    /// Instant-exit fees kept in the reserve since the last settlement. The fee curve reads the
    /// buffer without them, so an exit walks the same stretch of the curve however it is split.
    pub instant_fees_retained_lamports: u64,
    /// The instant-exit fee curve's buffer target, fixed at each settlement (the live target
    /// shrinks with every exit, which would make many small exits cheaper than one).
    pub instant_curve_target_lamports: u64,
    /// Epoch and totals at creation, for APY since inception.
    pub created_epoch: u64,
    pub initial_total_lamports: u64,
    pub initial_lst_supply: u64,
    /// Epoch of `stake_increases` (the count starts again each epoch).
    pub stake_increases_epoch: u64,
    /// Staking rebalances in `stake_increases_epoch` (at most MAX_STAKE_INCREASES_PER_EPOCH).
    pub stake_increases: u16,
    /// Lamports the pool's stake accounts lost in `observe_epoch` without a pool action (a
    /// slash): the gross loss the rate account's breaker weighs, whatever rewards elsewhere made
    /// of the net.
    pub observed_loss_lamports: u64,
    /// The reserve buffer in force from `pending_reserve_buffer_epoch` on (0: no change pending).
    pub pending_reserve_buffer_bps: u16,
    pub pending_reserve_buffer_epoch: u64,
    /// Room for later fields without a migration.
    pub _reserved: [u8; 28],
}

/// Every fee, in basis points. Caps are on-chain (`Fees::validate`).
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fees {
    /// Share of rewards, minted to the treasury as LST (<= MAX_REWARD_FEE_BPS).
    pub reward_bps: u16,
    /// On SOL and stake deposits; stays with the holders (<= MAX_DEPOSIT_FEE_BPS).
    pub deposit_bps: u16,
    /// On delayed exits (tickets); stays with the holders (<= MAX_EXIT_FEE_BPS).
    pub delayed_unstake_bps: u16,
    /// On withdrawals as a stake account; stays with the holders (<= MAX_EXIT_FEE_BPS).
    pub stake_withdrawal_bps: u16,
    /// Instant exit fee when the buffer left after the exit is at or above its target.
    pub instant_unstake_min_bps: u16,
    /// Instant exit fee when the exit would empty the buffer (<= MAX_INSTANT_UNSTAKE_FEE_BPS).
    pub instant_unstake_max_bps: u16,
    /// Share of instant-exit fees minted to the treasury as LST; the rest stays with holders.
    pub treasury_share_bps: u16,
}

impl Fees {
    pub fn validate(&self) -> Result<()> {
        require!(self.reward_bps <= MAX_REWARD_FEE_BPS, LiquidStakingError::RewardFeeTooHigh);
        require!(self.deposit_bps <= MAX_DEPOSIT_FEE_BPS, LiquidStakingError::DepositFeeTooHigh);
        require!(
            self.delayed_unstake_bps <= MAX_EXIT_FEE_BPS && self.stake_withdrawal_bps <= MAX_EXIT_FEE_BPS,
            LiquidStakingError::ExitFeeTooHigh
        );
        require!(
            self.instant_unstake_max_bps <= MAX_INSTANT_UNSTAKE_FEE_BPS,
            LiquidStakingError::InstantUnstakeFeeTooHigh
        );
        require!(
            self.instant_unstake_min_bps <= self.instant_unstake_max_bps,
            LiquidStakingError::InstantUnstakeFeeRangeInvalid
        );
        require!(self.treasury_share_bps as u64 <= BPS_DENOMINATOR, LiquidStakingError::TreasuryShareTooHigh);
        Ok(())
    }

    /// Field by field, the lower of the two: what may take effect at once.
    pub fn lower_of(&self, other: &Fees) -> Fees {
        Fees {
            reward_bps: self.reward_bps.min(other.reward_bps),
            deposit_bps: self.deposit_bps.min(other.deposit_bps),
            delayed_unstake_bps: self.delayed_unstake_bps.min(other.delayed_unstake_bps),
            stake_withdrawal_bps: self.stake_withdrawal_bps.min(other.stake_withdrawal_bps),
            instant_unstake_min_bps: self.instant_unstake_min_bps.min(other.instant_unstake_min_bps),
            instant_unstake_max_bps: self.instant_unstake_max_bps.min(other.instant_unstake_max_bps),
            treasury_share_bps: self.treasury_share_bps.min(other.treasury_share_bps),
        }
    }
}

/// Flows the pause guardian can stop. Claims, delayed exits and the unstaking that funds them have
/// no flag: they never stop.
pub const PAUSED_DEPOSITS: u8 = 1;
pub const PAUSED_INSTANT_EXITS: u8 = 2;
/// Stops rebalancing from staking new SOL; unstaking for tickets and the buffer goes on.
pub const PAUSED_REBALANCING: u8 = 4;
pub const PAUSED_ALL: u8 = PAUSED_DEPOSITS | PAUSED_INSTANT_EXITS | PAUSED_REBALANCING;

impl Pool {
    pub const SPACE: usize = 8 + Pool::INIT_SPACE;

    /// Seeds the pool signs with (mint authority, stake staker and withdrawer).
    pub fn signer_seeds(&self) -> [&[u8]; 3] {
        [POOL_SEED, self.lst_mint.as_ref(), core::slice::from_ref(&self.bump)]
    }

    /// The one freshness guard: the rate was computed this epoch.
    pub fn require_fresh(&self, epoch: u64) -> Result<()> {
        require_eq!(self.last_update_epoch, epoch, LiquidStakingError::PoolStale);
        Ok(())
    }

    /// The one guard for a pausable flow (a PAUSED_* flag): the rate is fresh and the flow open.
    pub fn require_open(&self, epoch: u64, flow: u8) -> Result<()> {
        self.require_fresh(epoch)?;
        if self.paused & flow != 0 {
            return match flow {
                PAUSED_DEPOSITS => err!(LiquidStakingError::DepositsPaused),
                PAUSED_INSTANT_EXITS => err!(LiquidStakingError::InstantExitsPaused),
                _ => err!(LiquidStakingError::RebalancingPaused),
            };
        }
        Ok(())
    }

    /// The fees in force in `epoch`.
    pub fn fees_at(&self, epoch: u64) -> Fees {
        if epoch >= self.pending_fees_epoch {
            self.pending_fees
        } else {
            self.fees
        }
    }

    /// Schedules new fees: decreases apply at once, increases from `epoch + FEE_INCREASE_DELAY_EPOCHS`.
    pub fn schedule_fees(&mut self, new: Fees, epoch: u64) {
        let now = self.fees_at(epoch).lower_of(&new);
        self.fees = now;
        self.pending_fees = new;
        self.pending_fees_epoch = if now == new { u64::MAX } else { epoch + FEE_INCREASE_DELAY_EPOCHS };
    }

    /// Starts counting observations (and the loss they see) for `epoch`, if not already.
    pub fn start_observation(&mut self, epoch: u64) {
        if self.observe_epoch != epoch {
            self.observe_epoch = epoch;
            self.observed_count = 0;
            self.observed_loss_lamports = 0;
        }
    }

    /// Counts one more validator as observed in `epoch` (resetting the count on a new epoch).
    pub fn record_observation(&mut self, epoch: u64) {
        self.start_observation(epoch);
        self.observed_count += 1;
    }

    /// Records `lamports` lost by the pool's stake accounts, seen by an observation in `epoch`.
    pub fn record_observed_loss(&mut self, epoch: u64, lamports: u64) {
        self.start_observation(epoch);
        self.observed_loss_lamports = self.observed_loss_lamports.saturating_add(lamports);
    }

    /// The gross loss the settlement of `epoch` weighs: what this epoch's observations saw lost.
    pub fn observed_loss_at(&self, epoch: u64) -> u64 {
        if self.observe_epoch == epoch {
            self.observed_loss_lamports
        } else {
            0
        }
    }

    /// Counts one more staking rebalance in `epoch`, refused past MAX_STAKE_INCREASES_PER_EPOCH.
    pub fn record_stake_increase(&mut self, epoch: u64) -> Result<()> {
        self.require_stake_increase_allowed(epoch)?;
        if self.stake_increases_epoch != epoch {
            self.stake_increases_epoch = epoch;
            self.stake_increases = 0;
        }
        self.stake_increases += 1;
        Ok(())
    }

    /// Refuses a staking rebalance once the epoch has had MAX_STAKE_INCREASES_PER_EPOCH of them.
    pub fn require_stake_increase_allowed(&self, epoch: u64) -> Result<()> {
        require!(
            self.stake_increases_epoch != epoch || self.stake_increases < MAX_STAKE_INCREASES_PER_EPOCH,
            LiquidStakingError::StakingLimitReached
        );
        Ok(())
    }

    /// Checks a reserve buffer against its floor and cap.
    pub fn validate_reserve_buffer(bps: u16) -> Result<()> {
        require!(bps >= MIN_RESERVE_BUFFER_BPS, LiquidStakingError::ReserveBufferTooLow);
        require!(bps <= MAX_RESERVE_BUFFER_BPS, LiquidStakingError::ReserveBufferTooHigh);
        Ok(())
    }

    /// Schedules a new reserve buffer for the first settlement from `epoch +
    /// FEE_INCREASE_DELAY_EPOCHS` on: either way it moves SOL between stake and reserve, so holders
    /// see it coming, as a fee increase. Setting the buffer in force cancels a pending change.
    pub fn schedule_reserve_buffer(&mut self, bps: u16, epoch: u64) -> Result<()> {
        Self::validate_reserve_buffer(bps)?;
        if bps == self.reserve_buffer_bps {
            self.pending_reserve_buffer_bps = 0;
            self.pending_reserve_buffer_epoch = 0;
        } else {
            self.pending_reserve_buffer_bps = bps;
            self.pending_reserve_buffer_epoch = epoch + FEE_INCREASE_DELAY_EPOCHS;
        }
        Ok(())
    }

    pub fn all_validators_observed(&self, epoch: u64) -> bool {
        self.validator_count == 0
            || (self.observe_epoch == epoch && self.observed_count == self.validator_count)
    }

    /// Pool SOL in the reserve: its balance less the rent-exempt minimum it was created with.
    pub fn reserve_free_lamports(&self, reserve_balance: u64) -> u64 {
        reserve_balance.saturating_sub(self.reserve_rent_lamports)
    }

    /// Reserve SOL that belongs to holders (not owed to tickets): what instant exits may pay.
    pub fn reserve_liquid_lamports(&self, reserve_balance: u64) -> u64 {
        self.reserve_free_lamports(reserve_balance).saturating_sub(self.owed_lamports)
    }

    pub fn buffer_target_lamports(&self) -> Result<u64> {
        math::buffer_target_lamports(self.total_lamports, self.reserve_buffer_bps)
            .map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Reserve SOL above what tickets are owed and the liquidity buffer: what rebalancing may stake.
    pub fn reserve_stakeable_lamports(&self, reserve_balance: u64) -> Result<u64> {
        Ok(self.reserve_liquid_lamports(reserve_balance).saturating_sub(self.buffer_target_lamports()?))
    }

    /// SOL rebalancing must unstake, counting stake already on its way back: all that tickets
    /// are owed beyond what the reserve will hold, plus a refill of the buffer to its target once
    /// the liquid SOL has fallen below half of it. (The half-target low-water mark keeps rewards,
    /// which raise the target every epoch, from unstaking a little every epoch.)
    pub fn reserve_shortfall_lamports(&self, reserve_balance: u64) -> Result<u64> {
        let buffer = self.buffer_target_lamports()?;
        let coming = self.reserve_free_lamports(reserve_balance).saturating_add(self.unstaking_lamports);
        let ticket_gap = self.owed_lamports.saturating_sub(coming);
        let liquid_soon = coming.saturating_sub(self.owed_lamports);
        let buffer_gap = if liquid_soon < buffer / 2 { buffer - liquid_soon } else { 0 };
        Ok(ticket_gap.saturating_add(buffer_gap))
    }

    /// The holders' yield that SOL deposited now would share at the next boundary without having
    /// earned it: the last settlement's yield (rewards after the reward fee), per slot, times the
    /// `epoch_slots` of the current epoch (warm-up epochs differ in length).
    pub fn dilution_yield(&self, epoch_slots: u64) -> Result<math::EpochYield> {
        math::EpochYield {
            net_rewards_lamports: self.last_rewards_lamports.saturating_sub(self.last_fee_lamports),
            base_lamports: self.previous_total_lamports,
        }
        .scaled(self.last_rewards_slots, epoch_slots)
        .map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Quotes a SOL deposit in `epoch` (of `epoch_slots` slots): the deposit fee, at least the
    /// dilution fee.
    pub fn quote_deposit_sol(&self, lamports: u64, epoch: u64, epoch_slots: u64) -> Result<math::DepositQuote> {
        self.require_value()?;
        let dilution = self.dilution_yield(epoch_slots)?;
        math::quote_deposit(lamports, self.total_lamports, self.lst_supply, self.fees_at(epoch).deposit_bps, dilution)
            .map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Quotes a stake deposit: its `delegated` stake earned this epoch's rewards itself and pays
    /// the deposit fee; the `undelegated` rest (rent, padding) is a SOL deposit and pays at least
    /// the dilution fee.
    pub fn quote_deposit_stake(&self, delegated: u64, undelegated: u64, epoch: u64, epoch_slots: u64) -> Result<math::DepositQuote> {
        self.require_value()?;
        let dilution = self.dilution_yield(epoch_slots)?;
        math::quote_stake_deposit(delegated, undelegated, self.total_lamports, self.lst_supply, self.fees_at(epoch).deposit_bps, dilution)
            .map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Quotes a delayed exit (ticket) of `lst` in `epoch`.
    pub fn quote_delayed_exit(&self, lst: u64, epoch: u64) -> Result<math::ExitQuote> {
        math::quote_exit(lst, self.total_lamports, self.lst_supply, self.fees_at(epoch).delayed_unstake_bps)
            .map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Quotes an exit of `lst` as a stake account (`withdraw_stake`) in `epoch`.
    pub fn quote_stake_withdrawal(&self, lst: u64, epoch: u64) -> Result<math::ExitQuote> {
        math::quote_exit(lst, self.total_lamports, self.lst_supply, self.fees_at(epoch).stake_withdrawal_bps)
            .map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Where the instant-exit fee curve stands: the liquid reserve less the instant-exit fees
    /// kept since the last settlement (an exit moves this by its full value, fee included). Its
    /// target is `instant_curve_target_lamports`.
    pub fn instant_curve_position(&self, reserve_balance: u64) -> u64 {
        self.reserve_liquid_lamports(reserve_balance).saturating_sub(self.instant_fees_retained_lamports)
    }

    /// Quotes an instant exit of `lst` in `epoch` against the reserve's balance.
    pub fn quote_instant_exit(&self, lst: u64, reserve_balance: u64, epoch: u64) -> Result<math::InstantQuote> {
        let fees = self.fees_at(epoch);
        math::quote_instant_exit(
            lst,
            self.total_lamports,
            self.lst_supply,
            self.reserve_liquid_lamports(reserve_balance),
            self.instant_curve_position(reserve_balance),
            self.instant_curve_target_lamports,
            fees.instant_unstake_min_bps,
            fees.instant_unstake_max_bps,
            fees.treasury_share_bps,
        )
        .map_err(|e| match e.at {
            "instant_exit_liquidity" => LiquidStakingError::InsufficientLiquidity.into(),
            _ => LiquidStakingError::MathOverflow.into(),
        })
    }

    /// The instant part of a one-call exit (`unstake`) of `lst`: as much of it as the fee curve
    /// pays while its rate stays at or under `max_fee_bps`, with its quote; `None` when instant
    /// exits are paused or that part would pay nothing (all of it then goes to the ticket).
    pub fn quote_unstake_instant_part(&self, lst: u64, reserve_balance: u64, epoch: u64, max_fee_bps: u16) -> Result<Option<(u64, math::InstantQuote)>> {
        if self.paused & PAUSED_INSTANT_EXITS != 0 || self.total_lamports == 0 {
            return Ok(None);
        }
        let fees = self.fees_at(epoch);
        let max_value = math::max_instant_value(
            self.instant_curve_position(reserve_balance),
            self.instant_curve_target_lamports,
            fees.instant_unstake_min_bps,
            fees.instant_unstake_max_bps,
            max_fee_bps,
        );
        let instant_lst = math::lst_for_deposit(max_value, self.total_lamports, self.lst_supply)
            .map_err(LiquidStakingError::from)?
            .min(lst);
        if instant_lst == 0 {
            return Ok(None);
        }
        let quote = self.quote_instant_exit(instant_lst, reserve_balance, epoch)?;
        Ok((quote.lamports_out > 0).then_some((instant_lst, quote)))
    }

    /// Books an instant exit: `lst` burned, `lamports_out` paid from the reserve, the fee left in
    /// the pool; returns the LST to mint to the treasury for its share of the fee.
    pub fn book_instant_exit(&mut self, lst: u64, quote: &math::InstantQuote) -> Result<u64> {
        let total = math::checked_sub(self.total_lamports, quote.lamports_out, "instant_total");
        let supply = math::checked_sub(self.lst_supply, lst, "instant_supply");
        let (total, supply) = (total.map_err(LiquidStakingError::from)?, supply.map_err(LiquidStakingError::from)?);
        let treasury_lst = math::fee_lst_for(quote.treasury_fee_lamports, total, supply).map_err(LiquidStakingError::from)?;
        self.total_lamports = total;
        self.lst_supply = supply + treasury_lst;
        self.instant_fees_retained_lamports = self.instant_fees_retained_lamports.saturating_add(quote.fee_lamports);
        Ok(treasury_lst)
    }

    /// Books a deposit (SOL or stake): `lamports` more under management, `lst_out` minted.
    pub fn book_deposit(&mut self, lamports: u64, lst_out: u64) -> Result<()> {
        let total = math::checked_add(self.total_lamports, lamports, "deposit_total").map_err(LiquidStakingError::from)?;
        let supply = math::checked_add(self.lst_supply, lst_out, "deposit_supply").map_err(LiquidStakingError::from)?;
        self.total_lamports = total;
        self.lst_supply = supply;
        Ok(())
    }

    /// Books a withdrawal as a stake account: `lst` burned, `lamports_out` of stake leaving.
    pub fn book_stake_withdrawal(&mut self, lst: u64, lamports_out: u64) -> Result<()> {
        let total = math::checked_sub(self.total_lamports, lamports_out, "withdraw_total").map_err(LiquidStakingError::from)?;
        let supply = math::checked_sub(self.lst_supply, lst, "withdraw_supply").map_err(LiquidStakingError::from)?;
        self.total_lamports = total;
        self.lst_supply = supply;
        self.apply_stake_delta(-(lamports_out as i128))
    }

    /// Settles `epoch`: what the pool holds less what it owes (`observed_total`) becomes SOL under
    /// management, of the LST `supply` (the mint's, when LST was burned outside); the reward fee
    /// is minted. `rewards_slots`: the slots since the last settlement. Returns the settlement.
    pub fn settle(&mut self, observed_total: u64, supply: u64, epoch: u64, rewards_slots: u64) -> Result<math::EpochSettlement> {
        let settlement = math::settle_epoch(self.total_lamports, observed_total, supply, self.fees_at(epoch).reward_bps)
            .map_err(LiquidStakingError::from)?;
        self.previous_total_lamports = self.total_lamports;
        self.previous_lst_supply = self.lst_supply;
        self.previous_update_epoch = self.last_update_epoch;
        self.total_lamports = settlement.new_total_lamports;
        self.lst_supply = settlement.new_lst_supply;
        self.last_update_epoch = epoch;
        self.last_rewards_lamports = settlement.rewards_lamports;
        self.last_fee_lamports = settlement.fee_lamports;
        self.last_rewards_slots = rewards_slots;
        if self.pending_reserve_buffer_epoch != 0 && epoch >= self.pending_reserve_buffer_epoch {
            self.reserve_buffer_bps = self.pending_reserve_buffer_bps;
            self.pending_reserve_buffer_bps = 0;
            self.pending_reserve_buffer_epoch = 0;
        }
        self.reset_instant_curve()?;
        Ok(settlement)
    }

    /// What the pool holds less what it owes: the SOL a settlement puts under management. Never
    /// below zero: after a loss larger than the pool (holders lose everything), the tickets are
    /// paid as far as the reserve goes and deposits are refused (`PoolHasNoValue`).
    pub fn observed_total_lamports(&self, reserve_balance: u64) -> Result<u64> {
        math::checked_add(self.reserve_free_lamports(reserve_balance), self.stake_lamports, "observed_total")
            .map(|held| held.saturating_sub(self.owed_lamports))
            .map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Deposits need a pool whose LST is worth something: with no SOL under management for a
    /// positive supply (a total loss) any LST minted would be a claim on nothing.
    pub fn require_value(&self) -> Result<()> {
        require!(self.total_lamports > 0 || self.lst_supply == 0, LiquidStakingError::PoolHasNoValue);
        Ok(())
    }

    /// Books a delayed exit: `lst` burned, `owed` lamports moved from SOL under management to what
    /// tickets are owed.
    pub fn book_ticket(&mut self, lst: u64, owed: u64) -> Result<()> {
        self.total_lamports = math::checked_sub(self.total_lamports, owed, "ticket_total").map_err(LiquidStakingError::from)?;
        self.lst_supply = math::checked_sub(self.lst_supply, lst, "ticket_supply").map_err(LiquidStakingError::from)?;
        self.owed_lamports = math::checked_add(self.owed_lamports, owed, "owed").map_err(LiquidStakingError::from)?;
        self.tickets_opened = self.tickets_opened.saturating_add(1);
        Ok(())
    }

    /// Starts a new settlement period for the instant-exit fee curve: retained fees count as
    /// buffer again and the curve's target follows the settled total.
    pub fn reset_instant_curve(&mut self) -> Result<()> {
        self.instant_fees_retained_lamports = 0;
        self.instant_curve_target_lamports = self.buffer_target_lamports()?;
        Ok(())
    }

    /// Seeds the reserve signs with.
    pub fn reserve_seeds<'a>(&'a self, pool: &'a Pubkey) -> [&'a [u8]; 3] {
        [RESERVE_SEED, pool.as_ref(), core::slice::from_ref(&self.reserve_bump)]
    }

    /// Adds (or, with a negative delta, removes) observed stake lamports.
    pub fn apply_stake_delta(&mut self, delta: i128) -> Result<()> {
        let next = (self.stake_lamports as i128)
            .checked_add(delta)
            .filter(|v| *v >= 0 && *v <= u64::MAX as i128)
            .ok_or(LiquidStakingError::MathOverflow)?;
        self.stake_lamports = next as u64;
        Ok(())
    }
}
