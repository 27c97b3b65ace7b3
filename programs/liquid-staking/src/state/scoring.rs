//! Validator risk: the published rules a validator must pass to hold the pool's stake, their
//! on-chain bounds, and what one reading of a validator's vote account does to its record. Pure
//! functions: `record_validators` and `deactivate_ineligible` carry out what they decide, and the
//! SDK shows the same verdicts.
//!
//! A validator is eligible while, on the pool's latest reading of its vote account:
//! 1. it is not blocklisted by the operator;
//! 2. its inflation commission is at most `max_commission_bps`;
//! 3. its commission rose by at most `max_commission_increase_bps` against the last reading of an
//!    earlier epoch;
//! 4. it earned credits in at least one of the last `delinquent_epochs` completed epochs that the
//!    pool watched;
//! 5. its credits over the last VOTE_HISTORY_EPOCHS completed epochs are at least
//!    `min_credits_bps` of the best pool validator's in the previous reading round;
//!
//! and `cooling_off_epochs` have passed since a reading last failed a rule. An ineligible
//! validator's weight counts for nothing (its target is 0) and anyone may deactivate its stake.
use super::selection::*;
use crate::{checks::VoteReading, checks::VOTE_HISTORY_EPOCHS, constants::*, error::LiquidStakingError};
use anchor_lang::prelude::*;
use anchor_lang::prelude::borsh;

/// Why a validator is ineligible (`ValidatorRecord::reason`); ELIGIBLE when it is not.
pub const ELIGIBLE: u8 = 0;
pub const INELIGIBLE_BLOCKLISTED: u8 = 1;
pub const INELIGIBLE_COMMISSION_ABOVE_CAP: u8 = 2;
pub const INELIGIBLE_COMMISSION_INCREASE: u8 = 3;
pub const INELIGIBLE_DELINQUENT: u8 = 4;
pub const INELIGIBLE_LOW_CREDITS: u8 = 5;

/// A commission slot of `ValidatorRecord::commission_bps` for an epoch without a reading.
pub const COMMISSION_NOT_READ: u16 = u16::MAX;
/// `ValidatorRecord::watched_since_epoch` of a validator whose vote account was never read.
pub const NEVER_READ: u64 = u64::MAX;

/// The rules' parameters (8 bytes). Bounds in `validate`; loosening any of them waits
/// FEE_INCREASE_DELAY_EPOCHS, tightening applies at once.
// Borsh (an instruction argument) without Anchor's derive: zero_copy already gives the IDL type.
#[zero_copy]
#[repr(C)]
#[derive(Debug, PartialEq, Eq, borsh::BorshSerialize, borsh::BorshDeserialize)]
#[borsh(crate = "anchor_lang::prelude::borsh")]
pub struct ValidatorRules {
    /// Highest inflation commission an eligible validator may take (<= MAX_COMMISSION_CAP_BPS).
    pub max_commission_bps: u16,
    /// Largest rise of commission from one epoch's reading to a later one
    /// (<= MAX_COMMISSION_CAP_BPS).
    pub max_commission_increase_bps: u16,
    /// Credits over the window, as a share of the best pool validator's
    /// (MIN_CREDITS_SHARE_FLOOR_BPS..=MIN_CREDITS_SHARE_CEILING_BPS).
    pub min_credits_bps: u16,
    /// Completed epochs without a credit that make a validator delinquent
    /// (1..=MAX_DELINQUENT_EPOCHS).
    pub delinquent_epochs: u8,
    /// Epochs a validator stays ineligible after its last failed reading
    /// (1..=MAX_COOLING_OFF_EPOCHS).
    pub cooling_off_epochs: u8,
}

impl Default for ValidatorRules {
    fn default() -> Self {
        ValidatorRules {
            max_commission_bps: DEFAULT_MAX_COMMISSION_BPS,
            max_commission_increase_bps: DEFAULT_MAX_COMMISSION_INCREASE_BPS,
            min_credits_bps: DEFAULT_MIN_CREDITS_BPS,
            delinquent_epochs: DEFAULT_DELINQUENT_EPOCHS,
            cooling_off_epochs: DEFAULT_COOLING_OFF_EPOCHS,
        }
    }
}

impl ValidatorRules {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.max_commission_bps <= MAX_COMMISSION_CAP_BPS
                && self.max_commission_increase_bps <= MAX_COMMISSION_CAP_BPS
                && (MIN_CREDITS_SHARE_FLOOR_BPS..=MIN_CREDITS_SHARE_CEILING_BPS).contains(&self.min_credits_bps)
                && (1..=MAX_DELINQUENT_EPOCHS).contains(&self.delinquent_epochs)
                && (1..=MAX_COOLING_OFF_EPOCHS).contains(&self.cooling_off_epochs),
            LiquidStakingError::ValidatorRulesOutOfBounds
        );
        Ok(())
    }

    /// Field by field, the stricter of the two: what may take effect at once.
    pub fn stricter_of(&self, other: &ValidatorRules) -> ValidatorRules {
        ValidatorRules {
            max_commission_bps: self.max_commission_bps.min(other.max_commission_bps),
            max_commission_increase_bps: self.max_commission_increase_bps.min(other.max_commission_increase_bps),
            min_credits_bps: self.min_credits_bps.max(other.min_credits_bps),
            delinquent_epochs: self.delinquent_epochs.min(other.delinquent_epochs),
            cooling_off_epochs: self.cooling_off_epochs.max(other.cooling_off_epochs),
        }
    }
}

/// The rules in force, a scheduled change, and the reference the credits rule compares with; kept
/// at the end of the validator list (128 bytes).
#[zero_copy]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct ValidatorScoring {
    /// Rules in force until `pending_rules_epoch`.
    pub rules: ValidatorRules,
    /// Rules in force from `pending_rules_epoch` on (a loosening waits FEE_INCREASE_DELAY_EPOCHS).
    pub pending_rules: ValidatorRules,
    /// u64::MAX when no change is pending.
    pub pending_rules_epoch: u64,
    /// Epoch of the reading round `round_best_credits` belongs to.
    pub round_epoch: u64,
    /// Highest window credits read in `round_epoch`.
    pub round_best_credits: u64,
    /// The previous round's highest window credits: what `min_credits_bps` is a share of (0
    /// before any full round: the credits rule waits for one).
    pub reference_best_credits: u64,
    /// Validators ineligible now.
    pub ineligible_count: u32,
    pub _padding: [u8; 4],
    /// Where the validators' weights come from: TARGETS_BY_WEIGHT (the operator's), or
    /// TARGETS_TOP_EQUAL / TARGETS_TOP_BY_SCORE (`select_validators`, see `state::selection`).
    pub target_mode: u8,
    pub _mode_padding: [u8; 3],
    /// Validators a selection takes in score mode (0 in hand mode).
    pub top_n: u32,
    /// Epoch of the last selection (u64::MAX: none since score mode was set).
    pub selected_epoch: u64,
    /// The cutoff score of the last selection.
    pub selected_cutoff_score: u64,
    /// Validators the last selection took.
    pub selected_count: u32,
    pub _selection_padding: [u8; 4],
    /// Room for later rules without a migration.
    pub _reserved: [u8; 40],
}

impl ValidatorScoring {
    pub fn new_default() -> Self {
        ValidatorScoring {
            rules: ValidatorRules::default(),
            pending_rules: ValidatorRules::default(),
            pending_rules_epoch: u64::MAX,
            round_epoch: 0,
            round_best_credits: 0,
            reference_best_credits: 0,
            ineligible_count: 0,
            _padding: [0; 4],
            target_mode: TARGETS_BY_WEIGHT,
            _mode_padding: [0; 3],
            top_n: 0,
            selected_epoch: u64::MAX,
            selected_cutoff_score: 0,
            selected_count: 0,
            _selection_padding: [0; 4],
            _reserved: [0; 40],
        }
    }

    /// Whether the targets follow scores (`select_validators`) rather than the operator's weights.
    pub fn targets_from_scores(&self) -> bool {
        self.target_mode != TARGETS_BY_WEIGHT
    }

    /// Sets where the targets come from: the operator's weights (`top_n` 0), or the top `top_n`
    /// (1..=MAX_VALIDATORS) by score (TargetModeInvalid otherwise). Score mode starts with no
    /// selection: the weights stay as they are until the first `select_validators`.
    pub fn set_target_mode(&mut self, mode: u8, top_n: u32) -> Result<()> {
        let valid = match mode {
            TARGETS_BY_WEIGHT => top_n == 0,
            TARGETS_TOP_EQUAL | TARGETS_TOP_BY_SCORE => (1..=MAX_VALIDATORS).contains(&top_n),
            _ => false,
        };
        require!(valid, LiquidStakingError::TargetModeInvalid);
        self.target_mode = mode;
        self.top_n = top_n;
        self.selected_epoch = u64::MAX;
        self.selected_cutoff_score = 0;
        self.selected_count = 0;
        Ok(())
    }

    /// The rules in force in `epoch`.
    pub fn rules_at(&self, epoch: u64) -> ValidatorRules {
        if epoch >= self.pending_rules_epoch {
            self.pending_rules
        } else {
            self.rules
        }
    }

    /// Schedules `new` rules: what tightens applies at once, what loosens from
    /// `epoch + FEE_INCREASE_DELAY_EPOCHS`.
    pub fn schedule_rules(&mut self, new: ValidatorRules, epoch: u64) -> Result<()> {
        new.validate()?;
        let now = self.rules_at(epoch).stricter_of(&new);
        self.rules = now;
        self.pending_rules = new;
        self.pending_rules_epoch = if now == new { u64::MAX } else { epoch + FEE_INCREASE_DELAY_EPOCHS };
        Ok(())
    }

    /// Counts `window_credits` into the reading round of `epoch` (the first reading of an epoch
    /// makes the last round's best the reference); returns the reference.
    pub fn count_round(&mut self, epoch: u64, window_credits: u64) -> u64 {
        if self.round_epoch != epoch {
            if self.round_best_credits > 0 {
                self.reference_best_credits = self.round_best_credits;
            }
            self.round_epoch = epoch;
            self.round_best_credits = 0;
        }
        self.round_best_credits = self.round_best_credits.max(window_credits);
        self.reference_best_credits
    }
}

/// What the pool knows of a validator from its vote account (64 bytes), beside its entry.
#[zero_copy]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct ValidatorRecord {
    /// Epoch of the latest reading (0: never read).
    pub recorded_epoch: u64,
    /// Epoch of the first reading (NEVER_READ before it): only epochs from then on count toward
    /// delinquency.
    pub watched_since_epoch: u64,
    /// Ineligible before this epoch: the cooling-off after the last failed reading.
    pub eligible_from_epoch: u64,
    /// Window credits times (1 - commission): what the validator earns its stakers.
    pub score: u64,
    /// Credits earned in each of the VOTE_HISTORY_EPOCHS epochs before `recorded_epoch`, newest
    /// first.
    pub credits: [u32; VOTE_HISTORY_EPOCHS],
    /// Highest commission read in `recorded_epoch` and each of the epochs before, newest first
    /// (COMMISSION_NOT_READ: no reading that epoch).
    pub commission_bps: [u16; VOTE_HISTORY_EPOCHS],
    /// ELIGIBLE, or the INELIGIBLE_* rule the latest failed reading broke (kept through the
    /// cooling-off).
    pub reason: u8,
    /// Completed, watched epochs in a row without a credit, as last read.
    pub delinquent_epochs: u8,
}

impl ValidatorRecord {
    /// The record of a validator just added (or migrated): nothing read yet, eligible.
    pub fn unread() -> Self {
        ValidatorRecord {
            recorded_epoch: 0,
            watched_since_epoch: NEVER_READ,
            eligible_from_epoch: 0,
            score: 0,
            credits: [0; VOTE_HISTORY_EPOCHS],
            commission_bps: [COMMISSION_NOT_READ; VOTE_HISTORY_EPOCHS],
            reason: ELIGIBLE,
            delinquent_epochs: 0,
        }
    }

    /// Whether the validator may hold stake in `epoch`, by its latest reading.
    pub fn is_eligible(&self, epoch: u64) -> bool {
        self.reason == ELIGIBLE && epoch >= self.eligible_from_epoch
    }

    /// The highest commission of the latest epoch read (the first reading of an epoch compares
    /// with the epochs before it).
    pub fn last_commission_bps(&self) -> Option<u16> {
        self.commission_bps.iter().copied().find(|c| *c != COMMISSION_NOT_READ)
    }

    /// Window credits.
    pub fn window_credits(&self) -> u64 {
        self.credits.iter().map(|c| *c as u64).sum()
    }

    /// The broken rule, or ELIGIBLE, for a validator with this record (already updated by a
    /// reading whose commission was `commission`, the reading before it `previous`) under
    /// `rules`, `blocked` by the operator or not, the best pool validator's window credits being
    /// `reference_best`.
    pub fn broken_rule(&self, rules: &ValidatorRules, commission: u16, previous: Option<u16>, blocked: bool, reference_best: u64) -> u8 {
        let commission = commission.max(self.commission_bps[0]);
        if blocked {
            INELIGIBLE_BLOCKLISTED
        } else if commission > rules.max_commission_bps {
            INELIGIBLE_COMMISSION_ABOVE_CAP
        } else if previous.is_some_and(|earlier| commission > earlier.saturating_add(rules.max_commission_increase_bps)) {
            INELIGIBLE_COMMISSION_INCREASE
        } else if self.delinquent_epochs >= rules.delinquent_epochs {
            INELIGIBLE_DELINQUENT
        } else if reference_best > 0
            && (self.window_credits() as u128) * (BPS_DENOMINATOR as u128) < (reference_best as u128) * (rules.min_credits_bps as u128)
        {
            INELIGIBLE_LOW_CREDITS
        } else {
            ELIGIBLE
        }
    }

    /// Takes in `reading`, made in `epoch`: shifts the history to `epoch`, keeps the epoch's
    /// highest commission and the credits, and judges the validator by `rules`. Returns the broken
    /// rule (ELIGIBLE when none); the validator is eligible only once `is_eligible` also says its
    /// cooling-off is over.
    pub fn take_reading(&mut self, reading: &VoteReading, epoch: u64, rules: &ValidatorRules, blocked: bool, reference_best: u64) -> u8 {
        if self.watched_since_epoch == NEVER_READ {
            self.watched_since_epoch = epoch;
            self.recorded_epoch = epoch;
        }
        // A rise is measured from the reading before this one, in this epoch or an earlier one.
        let previous = self.last_commission_bps();
        if epoch > self.recorded_epoch {
            let shift = ((epoch - self.recorded_epoch) as usize).min(VOTE_HISTORY_EPOCHS);
            self.commission_bps.copy_within(0..VOTE_HISTORY_EPOCHS - shift, shift);
            self.commission_bps[..shift].fill(COMMISSION_NOT_READ);
            self.recorded_epoch = epoch;
        }
        let slot = &mut self.commission_bps[0];
        *slot = if *slot == COMMISSION_NOT_READ { reading.commission_bps } else { (*slot).max(reading.commission_bps) };
        for (kept, read) in self.credits.iter_mut().zip(reading.credits) {
            *kept = read.min(u32::MAX as u64) as u32;
        }
        // Delinquency counts only epochs the pool watched: a validator added in epoch E is not
        // blamed for epochs before E.
        let watched = epoch.saturating_sub(self.watched_since_epoch) as usize;
        self.delinquent_epochs = reading.credits.iter().take(watched).take_while(|c| **c == 0).count() as u8;
        let commission = self.commission_bps[0] as u64;
        self.score = (self.window_credits() as u128 * (BPS_DENOMINATOR - commission.min(BPS_DENOMINATOR)) as u128 / BPS_DENOMINATOR as u128) as u64;

        let broken = self.broken_rule(rules, reading.commission_bps, previous, blocked, reference_best);
        if broken != ELIGIBLE {
            self.reason = broken;
            // The block is the operator's: lifting it needs no cooling-off.
            if broken != INELIGIBLE_BLOCKLISTED {
                self.eligible_from_epoch = epoch + rules.cooling_off_epochs as u64 + 1;
            }
        } else if epoch >= self.eligible_from_epoch {
            self.reason = ELIGIBLE;
        }
        broken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(commission_bps: u16, credits: [u64; VOTE_HISTORY_EPOCHS]) -> VoteReading {
        VoteReading { commission_bps, credits, current_credits: 0 }
    }

    fn record() -> ValidatorRecord {
        ValidatorRecord::unread()
    }

    const GOOD: [u64; 5] = [1_000; 5];

    #[test]
    fn a_commission_rug_is_ineligible_at_once_and_through_the_cooling_off() {
        let rules = ValidatorRules::default();
        let mut r = record();
        assert_eq!(r.take_reading(&reading(500, GOOD), 10, &rules, false, 0), ELIGIBLE);
        assert!(r.is_eligible(10));
        // Raised to 100% in epoch 11: above the cap.
        assert_eq!(r.take_reading(&reading(10_000, GOOD), 11, &rules, false, 5_000), INELIGIBLE_COMMISSION_ABOVE_CAP);
        assert!(!r.is_eligible(11));
        // Lowered again in the same epoch: the epoch's highest reading stands.
        assert_eq!(r.take_reading(&reading(500, GOOD), 11, &rules, false, 5_000), INELIGIBLE_COMMISSION_ABOVE_CAP);
        // Next epoch at 5%: the rules pass, the cooling-off holds it.
        let back = 11 + rules.cooling_off_epochs as u64 + 1;
        assert_eq!(r.take_reading(&reading(500, GOOD), 12, &rules, false, 5_000), ELIGIBLE);
        assert!(!r.is_eligible(12) && r.reason == INELIGIBLE_COMMISSION_ABOVE_CAP);
        assert_eq!(r.take_reading(&reading(500, GOOD), back, &rules, false, 5_000), ELIGIBLE);
        assert!(r.is_eligible(back));
    }

    #[test]
    fn a_rise_within_the_cap_but_beyond_the_step_is_ineligible() {
        let rules = ValidatorRules { max_commission_bps: 1_000, max_commission_increase_bps: 200, ..Default::default() };
        let mut r = record();
        r.take_reading(&reading(0, GOOD), 5, &rules, false, 0);
        assert_eq!(r.take_reading(&reading(300, GOOD), 6, &rules, false, 0), INELIGIBLE_COMMISSION_INCREASE);
        assert_eq!(r.commission_bps, [300, 0, COMMISSION_NOT_READ, COMMISSION_NOT_READ, COMMISSION_NOT_READ]);
        // Within one epoch too: 1% then 4%.
        let mut r = record();
        assert_eq!(r.take_reading(&reading(100, GOOD), 5, &rules, false, 0), ELIGIBLE);
        assert_eq!(r.take_reading(&reading(400, GOOD), 5, &rules, false, 0), INELIGIBLE_COMMISSION_INCREASE);
    }

    #[test]
    fn delinquency_counts_watched_epochs_only() {
        let rules = ValidatorRules { delinquent_epochs: 2, ..Default::default() };
        let mut r = record();
        // First read in epoch 8 with no credits ever: not blamed for epochs before 8.
        assert_eq!(r.take_reading(&reading(0, [0; 5]), 8, &rules, false, 0), ELIGIBLE);
        assert_eq!(r.take_reading(&reading(0, [0; 5]), 9, &rules, false, 0), ELIGIBLE);
        assert_eq!(r.delinquent_epochs, 1);
        assert_eq!(r.take_reading(&reading(0, [0; 5]), 10, &rules, false, 0), INELIGIBLE_DELINQUENT);
        assert_eq!(r.delinquent_epochs, 2);
        // Voting again: one epoch with credits ends the streak.
        assert_eq!(r.take_reading(&reading(0, [500, 0, 0, 0, 0]), 11, &rules, false, 0), ELIGIBLE);
    }

    #[test]
    fn low_credits_are_judged_against_the_last_rounds_best() {
        let rules = ValidatorRules { min_credits_bps: 5_000, ..Default::default() };
        let mut r = record();
        assert_eq!(r.take_reading(&reading(0, [400; 5]), 3, &rules, false, 5_000), INELIGIBLE_LOW_CREDITS, "2,000 < half of 5,000");
        assert_eq!(r.take_reading(&reading(0, [500; 5]), 3, &rules, false, 5_000), ELIGIBLE, "exactly half");
        assert_eq!(r.take_reading(&reading(0, [0, 0, 0, 0, 1]), 3, &rules, false, 0), ELIGIBLE, "no reference yet");
        let mut s = ValidatorScoring::new_default();
        assert_eq!(s.count_round(4, 900), 0);
        assert_eq!(s.count_round(4, 1_200), 0);
        assert_eq!(s.count_round(5, 100), 1_200, "the new round compares with the last round's best");
    }

    #[test]
    fn the_score_is_credits_net_of_commission_and_blocklisting_wins() {
        let mut r = record();
        r.take_reading(&reading(1_000, GOOD), 3, &ValidatorRules::default(), false, 0);
        assert_eq!(r.score, 4_500);
        assert_eq!(r.take_reading(&reading(0, GOOD), 3, &ValidatorRules::default(), true, 0), INELIGIBLE_BLOCKLISTED);
    }

    #[test]
    fn tightening_applies_now_and_loosening_waits() {
        let mut s = ValidatorScoring::new_default();
        let loose = ValidatorRules { max_commission_bps: 1_000, delinquent_epochs: 5, ..Default::default() };
        let tight = ValidatorRules { max_commission_bps: 300, delinquent_epochs: 1, ..Default::default() };
        s.schedule_rules(tight, 10).unwrap();
        assert_eq!((s.rules_at(10), s.pending_rules_epoch), (tight, u64::MAX));
        s.schedule_rules(loose, 11).unwrap();
        assert_eq!(s.rules_at(12), tight);
        assert_eq!(s.rules_at(13), loose);
        for bad in [
            ValidatorRules { max_commission_bps: MAX_COMMISSION_CAP_BPS + 1, ..Default::default() },
            ValidatorRules { min_credits_bps: MIN_CREDITS_SHARE_FLOOR_BPS - 1, ..Default::default() },
            ValidatorRules { delinquent_epochs: 0, ..Default::default() },
            ValidatorRules { delinquent_epochs: MAX_DELINQUENT_EPOCHS + 1, ..Default::default() },
            ValidatorRules { cooling_off_epochs: 0, ..Default::default() },
        ] {
            assert_eq!(s.schedule_rules(bad, 14), Err(LiquidStakingError::ValidatorRulesOutOfBounds.into()));
        }
        ValidatorRules::default().validate().unwrap();
    }
}
