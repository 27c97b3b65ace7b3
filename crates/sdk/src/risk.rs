//! Validator risk, client side: which validators to read and which to deactivate, judged by the
//! program's own functions (`checks::read_vote_state`, `ValidatorRecord::take_reading`) over a
//! copy of the list, so a client sends only what the program will do. The crank bot, the CLI and
//! the local chain all plan with these.
use crate::{addresses::PoolKeys, decode::DecodedValidatorList, instructions as ix, pack};
use anchor_lang::prelude::Pubkey;
use liquid_staking::{
    checks::{read_vote_state, reads_as_closed, VoteReading},
    state::*,
};
use solana_instruction::Instruction;

/// What a client reads of a vote account: its reading, or why there is none.
pub fn reading_of(account: Option<&solana_account::Account>, epoch: u64) -> Result<VoteReading, String> {
    match account {
        None => Ok(VoteReading::closed()),
        Some(a) if reads_as_closed(&a.owner, a.lamports, a.data.len()) => Ok(VoteReading::closed()),
        Some(a) if a.owner != liquid_staking::instructions::VOTE_PROGRAM_ID => Err("not owned by the Vote program".into()),
        Some(a) => read_vote_state(&a.data, epoch).map_err(|e| e.to_string()),
    }
}

/// Most vote accounts one `record_validators` transaction carries (a legacy transaction).
pub fn max_record_accounts(keys: &PoolKeys, payer: &Pubkey) -> usize {
    let mut votes = Vec::new();
    loop {
        votes.push(Pubkey::new_unique());
        let record = ix::record_validators(&ix::RecordValidatorsParams { keys: *keys, first_index: 0, vote_accounts: &votes });
        if votes.len() > pack::MAX_TRANSACTION_ACCOUNTS || !pack::fits(payer, &[record]) {
            return votes.len() - 1;
        }
    }
}

/// `record_validators` instructions for every validator not yet read in `epoch` (consecutive runs,
/// at most `max_accounts` vote accounts each). Empty for a list from before the records.
pub fn record_instructions(keys: &PoolKeys, list: &DecodedValidatorList, epoch: u64, max_accounts: usize) -> Vec<Instruction> {
    let max_accounts = max_accounts.max(1);
    let unread = |i: usize| list.records.get(i).is_some_and(|r| r.watched_since_epoch == NEVER_READ || r.recorded_epoch != epoch);
    let mut out = Vec::new();
    let mut i = 0;
    while i < list.records.len() {
        if !unread(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < list.records.len() && unread(i) && i - start < max_accounts {
            i += 1;
        }
        let votes: Vec<Pubkey> = list.entries[start..i].iter().map(|e| e.vote_account).collect();
        out.push(ix::record_validators(&ix::RecordValidatorsParams { keys: *keys, first_index: start as u32, vote_accounts: &votes }));
    }
    out
}

/// In score mode, the `select_validators` instruction that sets this epoch's weights, with the
/// cutoff computed from `list` (`state::selection::cutoff_score`). None in hand mode, before every
/// active validator is read in `epoch`, and when the selection of `epoch` stands unchanged: the
/// program would refuse it.
pub fn selection_instruction(keys: &PoolKeys, list: &DecodedValidatorList, epoch: u64) -> Option<Instruction> {
    let scoring = list.scoring.filter(|s| s.targets_from_scores())?;
    let cutoff = cutoff_score(&list.entries, &list.records, scoring.top_n);
    let mut entries = list.entries.clone();
    let selection = select(&mut entries, &list.records, scoring.target_mode, scoring.top_n, cutoff, epoch).ok()?;
    (selection.changed > 0 || scoring.selected_epoch != epoch).then(|| ix::select_validators(keys, cutoff))
}

/// `selection_instruction` as a transaction's instructions: with the compute-unit limit a pass over
/// a large list needs (about 55-67 CU a validator: 20,000 take 1.08-1.34M; the default is 200k).
pub fn selection_transaction(keys: &PoolKeys, list: &DecodedValidatorList, epoch: u64) -> Option<Vec<Instruction>> {
    selection_instruction(keys, list, epoch).map(|select| vec![crate::plan::observe_compute_budget(), select])
}

fn top(n: u32) -> String {
    if n == 1 { "validator".into() } else { format!("{n} validators") }
}

/// The target mode in words.
pub fn target_mode_text(scoring: &ValidatorScoring) -> String {
    match scoring.target_mode {
        TARGETS_BY_WEIGHT => "the operator's weights".into(),
        TARGETS_TOP_EQUAL => format!("the top {} by score, equal weights", top(scoring.top_n)),
        TARGETS_TOP_BY_SCORE => format!("the top {} by score, weighted by score", top(scoring.top_n)),
        _ => "unknown".into(),
    }
}

/// A validator's standing, for people: "eligible", "never read", or why not.
pub fn standing(entry: &ValidatorEntry, record: &ValidatorRecord, epoch: u64) -> String {
    if entry.is_blocked() {
        return "blocklisted by the operator".into();
    }
    if record.watched_since_epoch == NEVER_READ {
        return "never read".into();
    }
    if entry.is_eligible() {
        return "eligible".into();
    }
    if record.reason == ELIGIBLE {
        // Blocklisting lifted: eligible again at the next reading that passes.
        return "ineligible until its next reading".into();
    }
    let why = reason_text(record.reason);
    if epoch < record.eligible_from_epoch {
        format!("ineligible: {why}; cooling off until epoch {}", record.eligible_from_epoch)
    } else {
        format!("ineligible: {why}")
    }
}

/// The broken rule as a short label (metrics, JSON).
pub fn reason_code(reason: u8) -> &'static str {
    match reason {
        ELIGIBLE => "none",
        INELIGIBLE_BLOCKLISTED => "blocklisted",
        INELIGIBLE_COMMISSION_ABOVE_CAP => "commission_above_cap",
        INELIGIBLE_COMMISSION_INCREASE => "commission_increase",
        INELIGIBLE_DELINQUENT => "delinquent",
        INELIGIBLE_LOW_CREDITS => "low_credits",
        _ => "unknown",
    }
}

/// The broken rule in words.
pub fn reason_text(reason: u8) -> &'static str {
    match reason {
        ELIGIBLE => "passes every rule",
        INELIGIBLE_BLOCKLISTED => "blocklisted",
        INELIGIBLE_COMMISSION_ABOVE_CAP => "commission above the cap",
        INELIGIBLE_COMMISSION_INCREASE => "commission rose more than the rules allow",
        INELIGIBLE_DELINQUENT => "delinquent (no credits)",
        INELIGIBLE_LOW_CREDITS => "credits below the share of the best validator's",
        _ => "unknown reason",
    }
}

/// Validators whose stake `deactivate_ineligible` would take back now, judged from `votes` (the
/// vote accounts of `list.entries`, in order, as just read) in `epoch`: those already ineligible
/// and those a reading now would make so, whose stake is still staking.
pub fn deactivation_candidates(list: &DecodedValidatorList, votes: &[Option<solana_account::Account>], epoch: u64) -> Vec<(u32, Pubkey)> {
    let Some(scoring) = list.scoring else { return Vec::new() };
    let rules = scoring.rules_at(epoch);
    // The reference a reading in `epoch` compares with (the program's own round rollover, on a copy).
    let reference = { scoring }.count_round(epoch, 0);
    let mut out = Vec::new();
    for (i, (entry, record)) in list.entries.iter().zip(&list.records).enumerate() {
        if entry.status != VALIDATOR_STATUS_ACTIVE {
            continue;
        }
        let staking = !entry.main_deactivated_by_pool() || (entry.transient_stake_lamports > 0 && entry.unstaking_lamports == 0);
        if !staking {
            continue;
        }
        let Ok(reading) = reading_of(votes.get(i).and_then(|v| v.as_ref()), epoch) else { continue };
        let mut judged = *record;
        judged.take_reading(&reading, epoch, &rules, entry.is_blocked(), reference);
        if !entry.is_eligible() || !judged.is_eligible(epoch) {
            out.push((i as u32, entry.vote_account));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standing_names_the_rule_and_the_cooling_off() {
        let entry = ValidatorEntry { flags: VALIDATOR_FLAG_INELIGIBLE, ..bytemuck::Zeroable::zeroed() };
        let record = ValidatorRecord { reason: INELIGIBLE_DELINQUENT, eligible_from_epoch: 9, watched_since_epoch: 3, ..ValidatorRecord::unread() };
        assert_eq!(standing(&entry, &record, 7), "ineligible: delinquent (no credits); cooling off until epoch 9");
        assert_eq!(standing(&ValidatorEntry { flags: 0, ..entry }, &record, 9), "eligible");
        assert_eq!(standing(&entry, &ValidatorRecord::unread(), 9), "never read");
        let lifted = ValidatorRecord { reason: ELIGIBLE, ..record };
        assert_eq!(standing(&entry, &lifted, 9), "ineligible until its next reading");
    }
}
