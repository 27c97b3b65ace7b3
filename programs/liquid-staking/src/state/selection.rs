//! Targets from scores: which validators hold the pool's stake when the operator chooses score
//! mode, and with what weight. Pure functions over the list's entries and records:
//! `select_validators` carries out `select`, and the SDK computes the cutoff with `cutoff_score`.
//!
//! In score mode the candidates are the active, eligible validators with a score above zero
//! (`ValidatorRecord::score`: window credits net of commission). The top `top_n` of them by score,
//! and any tied with the last of those, are selected; the others get weight 0. A selected
//! validator's weight is 1 (TARGETS_TOP_EQUAL) or its score (TARGETS_TOP_BY_SCORE). The selection
//! is made from a full reading round (every active validator read this epoch), at most as often
//! as anyone calls it; between selections a validator that turns ineligible still loses its
//! weight at once (VALIDATOR_FLAG_INELIGIBLE), as in hand mode.
//!
//! The caller names the cutoff (the `top_n`-th best candidate score) and one pass over the list
//! proves it: fewer than `top_n` candidates score above it, and at least `top_n` (or every
//! candidate, when there are fewer) score at or above it. Nobody can pick a different set.
use super::*;
use crate::error::LiquidStakingError;
use anchor_lang::prelude::*;

/// `ValidatorScoring::target_mode`: the operator's weights, as set by `set_validator_weight`.
pub const TARGETS_BY_WEIGHT: u8 = 0;
/// The top N eligible validators by score, with equal weights.
pub const TARGETS_TOP_EQUAL: u8 = 1;
/// The top N eligible validators by score, each weighted by its score.
pub const TARGETS_TOP_BY_SCORE: u8 = 2;

/// What one selection did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    /// Validators selected (the top N, with any tied at the cutoff).
    pub selected: u32,
    /// The sum of the selected validators' weights: the pool's new total weight.
    pub total_weight: u64,
    /// Validators whose weight changed.
    pub changed: u32,
}

/// The score a validator competes with, or None when it cannot be selected: leaving, ineligible,
/// or earning its stakers nothing.
pub fn candidate_score(entry: &ValidatorEntry, record: &ValidatorRecord) -> Option<u64> {
    (entry.status == VALIDATOR_STATUS_ACTIVE && entry.is_eligible() && record.score > 0).then_some(record.score)
}

/// The cutoff that `select` accepts: the `top_n`-th best candidate score, or 0 when there are
/// fewer candidates (every one is selected).
pub fn cutoff_score(entries: &[ValidatorEntry], records: &[ValidatorRecord], top_n: u32) -> u64 {
    let mut scores: Vec<u64> = entries.iter().zip(records).filter_map(|(e, r)| candidate_score(e, r)).collect();
    if scores.len() < top_n as usize || top_n == 0 {
        return 0;
    }
    let n = top_n as usize - 1;
    let (_, nth, _) = scores.select_nth_unstable_by(n, |a, b| b.cmp(a));
    *nth
}

/// Sets every validator's weight from its score under `mode`, selecting the candidates that score
/// at least `cutoff`, after checking that `cutoff` is the `top_n`-th best score
/// (SelectionCutoffMismatch) and that every active validator was read in `epoch`
/// (ValidatorsNotRecorded). On a refusal the caller's transaction fails, so the weights written
/// so far are never kept.
pub fn select(entries: &mut [ValidatorEntry], records: &[ValidatorRecord], mode: u8, top_n: u32, cutoff: u64, epoch: u64) -> Result<Selection> {
    require!(mode != TARGETS_BY_WEIGHT, LiquidStakingError::TargetsFollowWeights);
    let pass = if mode == TARGETS_TOP_BY_SCORE { weigh::<true>(entries, records, cutoff, epoch)? } else { weigh::<false>(entries, records, cutoff, epoch)? };
    require!(pass.above < top_n && pass.selection.selected >= top_n.min(pass.candidates), LiquidStakingError::SelectionCutoffMismatch);
    Ok(pass.selection)
}

/// What one pass counted, for the cutoff's proof.
struct Pass {
    selection: Selection,
    /// Candidates scoring above the cutoff.
    above: u32,
    candidates: u32,
}

/// The counts of a pass, packed in one u64 (each at most MAX_VALIDATORS < 2^21): the pass runs
/// over up to 20,000 validators in one transaction, and SBF has ten registers; counters spilled
/// to the stack cost more than the rest of the loop.
const ABOVE_SHIFT: u32 = 0;
const SELECTED_SHIFT: u32 = 21;
const CANDIDATE_SHIFT: u32 = 42;
const COUNT_MASK: u64 = (1 << 21) - 1;

/// Writes every weight (`BY_SCORE`: the score; else 1) for candidates at or above `cutoff`, 0
/// for the rest, and counts what the cutoff's proof needs.
fn weigh<const BY_SCORE: bool>(entries: &mut [ValidatorEntry], records: &[ValidatorRecord], cutoff: u64, epoch: u64) -> Result<Pass> {
    let (mut counts, mut changed, mut total_weight) = (0u64, 0u32, 0u64);
    for (entry, record) in entries.iter_mut().zip(records) {
        if entry.status != VALIDATOR_STATUS_ACTIVE {
            continue;
        }
        // A first reading sets `recorded_epoch`; an unread record (0) passes only in epoch 0,
        // where its score, 0, makes it no candidate.
        if record.recorded_epoch != epoch {
            return err!(LiquidStakingError::ValidatorsNotRecorded);
        }
        // `candidate_score`, unrolled: 0 for one that cannot be selected.
        let score = if entry.flags & VALIDATOR_FLAG_INELIGIBLE == 0 { record.score } else { 0 };
        let candidate = (score > 0) as u64;
        let is_selected = candidate & (score >= cutoff) as u64;
        counts = counts.wrapping_add(((score > cutoff) as u64) << ABOVE_SHIFT | is_selected << SELECTED_SHIFT | candidate << CANDIDATE_SHIFT);
        // A selected validator's weight, without branches: its score (at most u32::MAX) or 1,
        // masked to 0 when not selected.
        let weight = if BY_SCORE { (score.min(u32::MAX as u64) & is_selected.wrapping_neg()) as u32 } else { is_selected as u32 };
        if BY_SCORE {
            total_weight = total_weight.wrapping_add(weight as u64);
        }
        changed = changed.wrapping_add((entry.weight != weight) as u32);
        entry.weight = weight;
    }
    let selected = ((counts >> SELECTED_SHIFT) & COUNT_MASK) as u32;
    Ok(Pass {
        selection: Selection { selected, total_weight: if BY_SCORE { total_weight } else { selected as u64 }, changed },
        above: ((counts >> ABOVE_SHIFT) & COUNT_MASK) as u32,
        candidates: ((counts >> CANDIDATE_SHIFT) & COUNT_MASK) as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::__private::bytemuck::Zeroable;

    const EPOCH: u64 = 7;

    fn validator(score: u64) -> (ValidatorEntry, ValidatorRecord) {
        let entry = ValidatorEntry { weight: 50, ..ValidatorEntry::zeroed() };
        let record = ValidatorRecord { score, recorded_epoch: EPOCH, watched_since_epoch: 3, ..ValidatorRecord::unread() };
        (entry, record)
    }

    fn list(scores: &[u64]) -> (Vec<ValidatorEntry>, Vec<ValidatorRecord>) {
        scores.iter().map(|s| validator(*s)).unzip()
    }

    fn weights(entries: &[ValidatorEntry]) -> Vec<u32> {
        entries.iter().map(|e| e.weight).collect()
    }

    #[test]
    fn the_top_n_get_equal_weights_and_ties_at_the_cutoff_come_along() {
        let (mut entries, records) = list(&[300, 900, 500, 500, 100]);
        let cutoff = cutoff_score(&entries, &records, 3);
        assert_eq!(cutoff, 500);
        let s = select(&mut entries, &records, TARGETS_TOP_EQUAL, 3, cutoff, EPOCH).unwrap();
        assert_eq!(weights(&entries), [0, 1, 1, 1, 0]);
        assert_eq!(s, Selection { selected: 3, total_weight: 3, changed: 5 });
        // Top 2: the tie at 500 is selected whole.
        let cutoff = cutoff_score(&entries, &records, 2);
        assert_eq!(select(&mut entries, &records, TARGETS_TOP_EQUAL, 2, cutoff, EPOCH).unwrap().selected, 3);
    }

    #[test]
    fn score_weights_follow_the_score() {
        let (mut entries, records) = list(&[300, 900, 500]);
        let s = select(&mut entries, &records, TARGETS_TOP_BY_SCORE, 2, 500, EPOCH).unwrap();
        assert_eq!(weights(&entries), [0, 900, 500]);
        assert_eq!(s.total_weight, 1_400);
    }

    #[test]
    fn no_other_cutoff_is_accepted() {
        let (entries, records) = list(&[300, 900, 500, 700]);
        for wrong in [0, 299, 301, 500, 699, 701, 900, u64::MAX] {
            let mut e = entries.clone();
            assert_eq!(
                select(&mut e, &records, TARGETS_TOP_EQUAL, 2, wrong, EPOCH),
                Err(LiquidStakingError::SelectionCutoffMismatch.into()),
                "cutoff {wrong}"
            );
        }
        let mut e = entries.clone();
        assert!(select(&mut e, &records, TARGETS_TOP_EQUAL, 2, 700, EPOCH).is_ok());
    }

    #[test]
    fn with_fewer_candidates_than_n_every_candidate_is_selected() {
        let (mut entries, mut records) = list(&[300, 0, 500, 800]);
        entries[3].flags |= VALIDATOR_FLAG_INELIGIBLE;
        records[3].reason = INELIGIBLE_DELINQUENT;
        assert_eq!(cutoff_score(&entries, &records, 10), 0);
        let s = select(&mut entries, &records, TARGETS_TOP_BY_SCORE, 10, 0, EPOCH).unwrap();
        // The ineligible one and the one that earns nothing get no weight.
        assert_eq!(weights(&entries), [300, 0, 500, 0]);
        assert_eq!(s.selected, 2);
        // The lowest candidate's score is a cutoff too; one above it leaves a candidate out.
        assert!(select(&mut entries, &records, TARGETS_TOP_BY_SCORE, 10, 300, EPOCH).is_ok());
        assert_eq!(
            select(&mut entries, &records, TARGETS_TOP_BY_SCORE, 10, 301, EPOCH),
            Err(LiquidStakingError::SelectionCutoffMismatch.into())
        );
    }

    #[test]
    fn a_round_not_read_in_full_or_hand_mode_is_refused() {
        let (mut entries, mut records) = list(&[300, 900]);
        records[1].recorded_epoch = EPOCH - 1;
        assert_eq!(select(&mut entries, &records, TARGETS_TOP_EQUAL, 1, 300, EPOCH), Err(LiquidStakingError::ValidatorsNotRecorded.into()));
        // A leaving validator need not be read.
        entries[1].status = VALIDATOR_STATUS_REMOVING;
        entries[1].weight = 0;
        assert!(select(&mut entries, &records, TARGETS_TOP_EQUAL, 1, 300, EPOCH).is_ok());
        assert_eq!(select(&mut entries, &records, TARGETS_BY_WEIGHT, 1, 300, EPOCH), Err(LiquidStakingError::TargetsFollowWeights.into()));
    }

    proptest::proptest! {
        /// Whatever the scores, the computed cutoff is accepted, the selection is the top N with
        /// their ties, and any other cutoff is refused (one below lets N or more score above it, one
        /// above leaves fewer than N at or above it).
        #[test]
        fn the_computed_cutoff_selects_exactly_the_top_n(scores in proptest::collection::vec(0u64..50, 1..40), top_n in 1u32..45) {
            let (mut entries, records) = list(&scores);
            let cutoff = cutoff_score(&entries, &records, top_n);
            let s = select(&mut entries, &records, TARGETS_TOP_EQUAL, top_n, cutoff, EPOCH).unwrap();
            let mut ranked: Vec<u64> = scores.iter().copied().filter(|s| *s > 0).collect();
            ranked.sort_unstable_by(|a, b| b.cmp(a));
            let nth = ranked.get(top_n as usize - 1).copied().unwrap_or(0);
            for (entry, score) in entries.iter().zip(&scores) {
                proptest::prop_assert_eq!(entry.weight == 1, *score > 0 && *score >= nth);
            }
            proptest::prop_assert!(s.selected as usize >= ranked.len().min(top_n as usize));
            proptest::prop_assert_eq!(s.total_weight, s.selected as u64);
            if ranked.len() >= top_n as usize {
                for wrong in [cutoff - 1, cutoff + 1] {
                    let mut e = entries.clone();
                    let refused = select(&mut e, &records, TARGETS_TOP_EQUAL, top_n, wrong, EPOCH);
                    proptest::prop_assert_eq!(refused, Err(LiquidStakingError::SelectionCutoffMismatch.into()));
                }
            }
        }
    }
}
