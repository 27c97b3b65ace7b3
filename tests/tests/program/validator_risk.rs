//! Validator risk (issue 18) with the real Vote program: a commission rug answered in its epoch, a
//! delinquent validator unstaked after K epochs and back after its cooling-off, the operator's
//! rules and blocklist, targets from scores (the top N, equal or score-weighted) with the
//! operator's weights refused, foreign and fake vote accounts refused, and a list from before the
//! records migrated.
use liquid_staking::{
    error::LiquidStakingError as E,
    events::{IneligibleStakeDeactivated, ValidatorIneligible, ValidatorsSelected},
    state::*,
};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;
use solana_stake_interface::state::StakeStateV2;

/// A pool of `validators` whose stake is active, its vote accounts read once (epoch returned).
async fn watched_pool(validators: usize) -> (TestContext, u64) {
    let (mut t, _) = TestContext::staked(validators, 60).await;
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    record_all(&mut t).await.expect("first reading");
    let epoch = t.chain.epoch().await;
    (t, epoch)
}

fn record_ix(t: &TestContext, first_index: u32, votes: &[Pubkey]) -> solana_instruction::Instruction {
    ix::record_validators(&ix::RecordValidatorsParams { keys: t.keys(), first_index, vote_accounts: votes })
}

async fn record_all(t: &mut TestContext) -> Result<Vec<String>, solana_program_test::BanksClientError> {
    let votes: Vec<Pubkey> = t.chain.validator_list(&t.keys()).await.entries.iter().map(|e| e.vote_account).collect();
    let record = record_ix(t, 0, &votes);
    t.chain.process_logged(&[record], &[]).await
}

async fn deactivate(t: &mut TestContext, index: u32) -> Result<Vec<String>, solana_program_test::BanksClientError> {
    let vote = t.chain.validator_list(&t.keys()).await.entries[index as usize].vote_account;
    let deactivate = ix::deactivate_ineligible(&t.keys(), index, vote);
    t.chain.process_logged(&[deactivate], &[]).await
}

/// The epoch the stake account at `address` was deactivated in (None: not deactivated).
async fn deactivation_epoch(t: &mut TestContext, address: &Pubkey) -> Option<u64> {
    let account = t.chain.account(address).await.expect("stake account");
    match bincode::deserialize::<StakeStateV2>(&account.data).expect("a stake account") {
        StakeStateV2::Stake(_, stake, _) => Some(stake.delegation.deactivation_epoch).filter(|e| *e != u64::MAX),
        _ => None,
    }
}

async fn crank_next_epoch(t: &mut TestContext) -> u64 {
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    t.chain.epoch().await
}

#[tokio::test]
async fn a_commission_rug_is_answered_in_its_epoch() {
    let (mut t, epoch) = watched_pool(2).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let snap = t.snapshot(&[]).await;
    assert_error(deactivate(&mut t, 0).await, E::ValidatorEligible);
    snap.assert_same(&t.snapshot(&[]).await);

    // Epoch E, first half: the withdrawer raises the commission to 100% through the Vote program.
    t.chain.set_commission(&votes[0], 100).await.expect("a rise in the first half of the epoch");
    let main = keys.validator_stake(&votes[0]);
    let stake_before = t.chain.lamports(&main).await;
    let logs = deactivate(&mut t, 0).await.expect("anyone deactivates the rugged validator");
    assert_eq!(deactivation_epoch(&mut t, &main).await, Some(epoch), "deactivated in the epoch of the rug");
    let list = t.chain.validator_list(&keys).await;
    assert!(!list.entries[0].is_eligible() && list.entries[0].main_deactivated_by_pool());
    assert_eq!(list.records[0].reason, INELIGIBLE_COMMISSION_ABOVE_CAP);
    assert_eq!(list.records[0].commission_bps[0], 10_000);
    assert_eq!(list.scoring.unwrap().ineligible_count, 1);
    assert_eq!(t.pool_state().await.total_weight, 100, "its weight counts for nothing");
    t.assert_books(0).await;
    if let Some(events) = events_in::<IneligibleStakeDeactivated>(&logs) {
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].reason, events[0].index, events[0].epoch), (INELIGIBLE_COMMISSION_ABOVE_CAP, 0, epoch));
        assert_eq!(events[0].returning_lamports, stake_before - t.chain.rent_exempt_minimum(200).await);
    }
    if let Some(events) = events_in::<ValidatorIneligible>(&logs) {
        assert_eq!(events[0].commission_bps, 10_000);
    }
    let snap = t.snapshot(&[]).await;
    assert_error(deactivate(&mut t, 0).await, E::NothingToDeactivate);
    snap.assert_same(&t.snapshot(&[]).await);

    // E+1: E's rewards were paid at 100% (to the validator), and the stake is inactive: observe
    // returns it to the reserve and rebalancing stakes it into the eligible validator.
    let other_before = t.chain.validator_list(&keys).await.entries[1].total_lamports();
    crank_next_epoch(&mut t).await;
    let rent = t.chain.rent_exempt_minimum(200).await;
    assert_eq!(t.chain.lamports(&main).await, rent, "the main account rests with its rent");
    let list = t.chain.validator_list(&keys).await;
    assert!(list.entries[1].total_lamports() > other_before, "the SOL went to the validator that passes the rules");
    // E+2: nothing of the pool's stake was on the rugged validator through E+1.
    crank_next_epoch(&mut t).await;
    assert_eq!(t.chain.lamports(&main).await, rent, "no rewards at 100% commission in E+1: no stake there");
    t.assert_books(0).await;
}

#[tokio::test]
async fn a_commission_rise_past_the_step_is_ineligible_and_the_cap_is_the_operators() {
    let (mut t, epoch) = watched_pool(2).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let operator = t.pool.operator.insecure_clone();
    let intruder = Keypair::new();
    let rules = ValidatorRules { max_commission_bps: 800, ..Default::default() };
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::set_validator_rules(&keys, intruder.pubkey(), rules)], &[&intruder]).await, E::NotOperator);
    let out_of_bounds = ValidatorRules { max_commission_bps: 1_001, ..Default::default() };
    assert_error(t.chain.process(&[ix::set_validator_rules(&keys, operator.pubkey(), out_of_bounds)], &[&operator]).await, E::ValidatorRulesOutOfBounds);
    snap.assert_same(&t.snapshot(&[]).await);

    // Tightening applies at once.
    t.chain.process(&[ix::set_validator_rules(&keys, operator.pubkey(), rules)], &[&operator]).await.unwrap();
    let scoring = t.chain.validator_list(&keys).await.scoring.unwrap();
    assert_eq!((scoring.rules_at(epoch), scoring.pending_rules_epoch), (rules, u64::MAX));
    // 0% to 6%: under the cap of 8%, but more than the 5-point step: ineligible.
    t.chain.set_commission(&votes[1], 6).await.unwrap();
    deactivate(&mut t, 1).await.expect("a jump of 6 points");
    assert_eq!(t.chain.validator_list(&keys).await.records[1].reason, INELIGIBLE_COMMISSION_INCREASE);

    // Loosening waits two epoch boundaries.
    let loose = ValidatorRules { max_commission_bps: 1_000, ..Default::default() };
    t.chain.process(&[ix::set_validator_rules(&keys, operator.pubkey(), loose)], &[&operator]).await.unwrap();
    let scoring = t.chain.validator_list(&keys).await.scoring.unwrap();
    assert_eq!(scoring.rules_at(epoch), rules);
    assert_eq!((scoring.pending_rules_epoch, scoring.rules_at(epoch + 2)), (epoch + 2, loose));
}

#[tokio::test]
async fn a_delinquent_validator_is_unstaked_after_k_epochs_and_returns_after_the_cooling_off() {
    let (mut t, e0) = watched_pool(2).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let rules = ValidatorRules::default();
    t.chain.stop_voting(&votes[1]);
    // One silent epoch of the two the rules allow: still eligible.
    crank_next_epoch(&mut t).await;
    record_all(&mut t).await.unwrap();
    assert_eq!(t.chain.validator_list(&keys).await.records[1].delinquent_epochs, 1);
    assert_error(deactivate(&mut t, 1).await, E::ValidatorEligible);
    // The second: delinquent, unstaked by anyone.
    let e2 = crank_next_epoch(&mut t).await;
    assert_eq!(e2, e0 + 2);
    deactivate(&mut t, 1).await.expect("delinquent for K epochs");
    let list = t.chain.validator_list(&keys).await;
    assert_eq!((list.records[1].reason, list.records[1].delinquent_epochs), (INELIGIBLE_DELINQUENT, 2));
    assert_eq!(deactivation_epoch(&mut t, &keys.validator_stake(&votes[1])).await, Some(e2));
    let eligible_from = e2 + rules.cooling_off_epochs as u64 + 1;
    assert_eq!(list.records[1].eligible_from_epoch, eligible_from);

    // It votes again: the rules pass from the next reading, the cooling-off holds it.
    t.chain.resume_voting(&votes[1]);
    while t.chain.epoch().await + 1 < eligible_from {
        crank_next_epoch(&mut t).await;
        record_all(&mut t).await.unwrap();
        let list = t.chain.validator_list(&keys).await;
        assert!(!list.entries[1].is_eligible(), "cooling off in epoch {}", t.chain.epoch().await);
        assert_eq!(list.records[1].delinquent_epochs, 0);
    }
    assert_eq!(t.pool_state().await.total_weight, 100);
    // Back: its weight counts again and rebalancing delegates its resting account.
    let rewards = t.advance_epoch().await;
    let observe_finalize = [CrankStep::Observe, CrankStep::Finalize];
    for step in observe_finalize {
        for tx in plan_step(&mut t.chain, &keys, step).await {
            t.chain.process(&tx, &[]).await.unwrap();
        }
    }
    let _ = rewards;
    record_all(&mut t).await.unwrap();
    let list = t.chain.validator_list(&keys).await;
    assert!(list.entries[1].is_eligible() && list.records[1].reason == ELIGIBLE);
    assert_eq!(list.scoring.unwrap().ineligible_count, 0);
    assert_eq!(t.pool_state().await.total_weight, 200);
    let resting = list.entries[1].total_lamports();
    // New deposits go where the targets say: to the validator that came back.
    t.user_with_deposit(20 * LAMPORTS_PER_SOL).await;
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    let list = t.chain.validator_list(&keys).await;
    assert!(list.entries[1].total_lamports() > resting && !list.entries[1].main_deactivated_by_pool(), "staked again");
    t.assert_books(0).await;
}

#[tokio::test]
async fn a_blocklisted_validator_is_ineligible_until_lifted() {
    let (mut t, _) = watched_pool(2).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let operator = t.pool.operator.insecure_clone();
    let intruder = Keypair::new();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::set_validator_blocked(&keys, intruder.pubkey(), 0, votes[0], true)], &[&intruder]).await, E::NotOperator);
    assert_error(t.chain.process(&[ix::set_validator_blocked(&keys, operator.pubkey(), 0, votes[1], true)], &[&operator]).await, E::VoteAccountMismatch);
    snap.assert_same(&t.snapshot(&[]).await);
    t.chain.process(&[ix::set_validator_blocked(&keys, operator.pubkey(), 0, votes[0], true)], &[&operator]).await.unwrap();
    assert_eq!(t.pool_state().await.total_weight, 100);
    deactivate(&mut t, 0).await.expect("a blocklisted validator's stake goes");
    assert_eq!(t.chain.validator_list(&keys).await.records[0].reason, INELIGIBLE_BLOCKLISTED);
    // Lifted: eligible at the next reading that passes (no cooling-off for the block itself).
    t.chain.process(&[ix::set_validator_blocked(&keys, operator.pubkey(), 0, votes[0], false)], &[&operator]).await.unwrap();
    assert!(!t.chain.validator_list(&keys).await.entries[0].is_eligible());
    crank_next_epoch(&mut t).await;
    record_all(&mut t).await.unwrap();
    let list = t.chain.validator_list(&keys).await;
    assert!(list.entries[0].is_eligible() && !list.entries[0].is_blocked());
    assert_eq!(t.pool_state().await.total_weight, 200);
}

#[tokio::test]
async fn in_score_mode_the_top_n_hold_the_stake_and_the_operator_sets_no_weight() {
    // Three pool validators (a fourth vote account stays outside), read once.
    let mut t = TestContext::new(4).await;
    t.user_with_deposit(60 * LAMPORTS_PER_SOL).await;
    let votes = t.chain.vote_accounts.clone();
    for vote in &votes[..3] {
        t.add_validator(*vote, 100).await.unwrap();
    }
    run_crank(&mut t.chain, &t.pool.keys).await.unwrap();
    let epoch = crank_next_epoch(&mut t).await;
    let keys = t.keys();
    let operator = t.pool.operator.insecure_clone();
    let intruder = Keypair::new();
    // The same credits, different commissions: scores 100%, 97% and 95% of the credits.
    t.chain.set_commission(&votes[1], 3).await.unwrap();
    t.chain.set_commission(&votes[2], 5).await.unwrap();
    record_all(&mut t).await.unwrap();
    let select_now = |list: &liquid_staking_sdk::decode::DecodedValidatorList| liquid_staking_sdk::risk::selection_instruction(&keys, list, epoch);

    // Hand mode: nothing to select; the mode is the operator's, within bounds.
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::select_validators(&keys, 0)], &[]).await, E::TargetsFollowWeights);
    assert_error(t.chain.process(&[ix::set_target_mode(&keys, intruder.pubkey(), TARGETS_TOP_EQUAL, 2)], &[&intruder]).await, E::NotOperator);
    for (mode, top_n) in [(3, 2), (TARGETS_TOP_EQUAL, 0), (TARGETS_TOP_BY_SCORE, liquid_staking::constants::MAX_VALIDATORS + 1), (TARGETS_BY_WEIGHT, 2)] {
        assert_error(t.chain.process(&[ix::set_target_mode(&keys, operator.pubkey(), mode, top_n)], &[&operator]).await, E::TargetModeInvalid);
    }
    snap.assert_same(&t.snapshot(&[]).await);
    assert!(select_now(&t.chain.validator_list(&keys).await).is_none(), "the SDK plans no selection in hand mode");

    // Top 2, equal weights: until the first selection the weights stay.
    t.chain.process(&[ix::set_target_mode(&keys, operator.pubkey(), TARGETS_TOP_EQUAL, 2)], &[&operator]).await.unwrap();
    let list = t.chain.validator_list(&keys).await;
    let scores: Vec<u64> = list.records.iter().map(|r| r.score).collect();
    assert!(scores[0] > scores[1] && scores[1] > scores[2] && scores[2] > 0, "scores {scores:?}");
    assert_eq!(list.entries.iter().map(|e| e.weight).collect::<Vec<_>>(), [100, 100, 100]);
    assert_eq!(t.pool_state().await.total_weight, 300);
    // Only the second-best score is the cutoff of a top 2.
    let snap = t.snapshot(&[]).await;
    for wrong in [scores[2], scores[1] - 1, scores[1] + 1, scores[0]] {
        assert_error(t.chain.process(&[ix::select_validators(&keys, wrong)], &[]).await, E::SelectionCutoffMismatch);
    }
    snap.assert_same(&t.snapshot(&[]).await);
    let select = select_now(&list).expect("a selection is due");
    let logs = t.chain.process_logged(&[select], &[]).await.expect("anyone selects");
    let list = t.chain.validator_list(&keys).await;
    assert_eq!(list.entries.iter().map(|e| e.weight).collect::<Vec<_>>(), [1, 1, 0]);
    assert_eq!(t.pool_state().await.total_weight, 2);
    let scoring = list.scoring.unwrap();
    assert_eq!((scoring.selected_epoch, scoring.selected_cutoff_score, scoring.selected_count), (epoch, scores[1], 2));
    if let Some(events) = events_in::<ValidatorsSelected>(&logs) {
        assert_eq!((events[0].selected, events[0].changed, events[0].total_weight, events[0].cutoff_score), (2, 3, 2, scores[1]));
    }
    assert!(select_now(&list).is_none(), "the selection stands");
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::select_validators(&keys, scores[1])], &[]).await, E::NothingToSelect);
    snap.assert_same(&t.snapshot(&[]).await);

    // The operator sets no weight: not on the unselected validator, not on an ineligible one.
    t.chain.process(&[ix::set_validator_blocked(&keys, operator.pubkey(), 1, votes[1], true)], &[&operator]).await.unwrap();
    assert_eq!(t.pool_state().await.total_weight, 1, "the blocklisted validator's weight counts for nothing");
    let snap_blocked = t.snapshot(&[]).await;
    for (index, vote) in [(1, votes[1]), (2, votes[2])] {
        let weigh = ix::set_validator_weight(&ix::SetValidatorWeightParams { keys, operator: operator.pubkey(), index, vote_account: vote, weight: 500 });
        assert_error(t.chain.process(&[weigh], &[&operator]).await, E::WeightsFollowScores);
    }
    let add = ix::add_validator(&ix::AddValidatorParams { keys, operator: operator.pubkey(), vote_account: votes[3], weight: 100 });
    assert_error(t.chain.process(&[add], &[&operator]).await, E::WeightsFollowScores);
    snap_blocked.assert_same(&t.snapshot(&[]).await);

    // New SOL goes to the selected eligible validator only.
    let before: Vec<u64> = t.chain.validator_list(&keys).await.entries.iter().map(|e| e.total_lamports()).collect();
    t.user_with_deposit(20 * LAMPORTS_PER_SOL).await;
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    let after: Vec<u64> = t.chain.validator_list(&keys).await.entries.iter().map(|e| e.total_lamports()).collect();
    assert!(after[0] > before[0], "the best validator got the deposit");
    assert_eq!((after[1], after[2]), (before[1], before[2]), "the blocklisted and the unselected got nothing");
    t.assert_books(0).await;

    // The next epoch needs its own full reading round; then score weights.
    t.chain.process(&[ix::set_validator_blocked(&keys, operator.pubkey(), 1, votes[1], false)], &[&operator]).await.unwrap();
    let next = crank_next_epoch(&mut t).await;
    t.chain.process(&[ix::set_target_mode(&keys, operator.pubkey(), TARGETS_TOP_BY_SCORE, 3)], &[&operator]).await.unwrap();
    assert_error(t.chain.process(&[ix::select_validators(&keys, 0)], &[]).await, E::ValidatorsNotRecorded);
    record_all(&mut t).await.unwrap();
    let list = t.chain.validator_list(&keys).await;
    let select = liquid_staking_sdk::risk::selection_instruction(&keys, &list, next).expect("a selection is due");
    t.chain.process(&[select], &[]).await.unwrap();
    let list = t.chain.validator_list(&keys).await;
    let weights: Vec<u64> = list.entries.iter().map(|e| e.weight as u64).collect();
    assert_eq!(weights, list.records.iter().map(|r| r.score).collect::<Vec<_>>(), "each weighted by its score");
    assert_eq!(t.pool_state().await.total_weight, weights.iter().sum::<u64>());
}

#[tokio::test]
async fn foreign_fake_and_unreadable_vote_accounts_are_refused_and_change_nothing() {
    let (mut t, _) = watched_pool(3).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let snap = t.snapshot(&votes).await;
    // Another validator's real vote account.
    assert_error(t.chain.process(&[record_ix(&t, 0, &[votes[1]])], &[]).await, E::VoteAccountMismatch);
    let mut foreign = ix::deactivate_ineligible(&keys, 0, votes[0]);
    swap_account(&mut foreign, &votes[0], votes[1]);
    assert_error(t.chain.process(&[foreign], &[]).await, E::VoteAccountMismatch);
    assert_error(t.chain.process(&[record_ix(&t, 3, &[votes[0]])], &[]).await, E::ValidatorIndexOutOfRange);
    // Read this epoch already, nothing new: refused so a crank pays for nothing.
    assert_error(t.chain.process(&[record_ix(&t, 0, &votes)], &[]).await, E::NothingToRecord);
    assert_error(t.chain.process(&[record_ix(&t, 0, &[])], &[]).await, E::ObserveAccountsMismatch);
    snap.assert_same(&t.snapshot(&votes).await);

    // At the validator's address: an account of another program, then a vote-program account
    // that holds no vote state.
    let real = t.chain.account(&votes[2]).await.unwrap();
    let fake = solana_account::Account { owner: Pubkey::new_unique(), ..real.clone() };
    t.chain.ctx.set_account(&votes[2], &fake.into());
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[record_ix(&t, 2, &[votes[2]])], &[]).await, E::InvalidVoteAccount);
    assert_error(deactivate(&mut t, 2).await, E::InvalidVoteAccount);
    let garbage = solana_account::Account { data: vec![7; real.data.len()], ..real.clone() };
    t.chain.ctx.set_account(&votes[2], &garbage.into());
    assert_error(t.chain.process(&[record_ix(&t, 2, &[votes[2]])], &[]).await, E::VoteStateUnreadable);
    snap.assert_same(&t.snapshot(&[]).await);
    // Closed by the Vote program and refunded by anyone (a system account, no data): it reads as
    // closed, taking everything and earning nothing, rather than holding up the batch it is in.
    let refunded = solana_account::Account { lamports: 1, data: vec![], owner: solana_sdk_ids::system_program::ID, executable: false, rent_epoch: 0 };
    t.chain.ctx.set_account(&votes[2], &refunded.into());
    t.chain.process(&[record_ix(&t, 1, &[votes[1], votes[2]])], &[]).await.expect("a batch with the closed vote account");
    let list = t.chain.validator_list(&keys).await;
    assert!(!list.entries[2].is_eligible() && list.records[2].reason == INELIGIBLE_COMMISSION_ABOVE_CAP);
    t.chain.ctx.set_account(&votes[2], &real.into());
}

#[tokio::test]
async fn a_list_from_before_the_records_migrates_and_keeps_working() {
    let (mut t, _) = TestContext::staked(2, 30).await;
    let keys = t.keys();
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    let entries_before = t.chain.validator_list(&keys).await.entries;
    // The list as the program before the records wrote it: header and entries, version 0.
    let mut legacy = t.chain.account(&keys.validator_list).await.unwrap();
    legacy.data.truncate(ValidatorList::SPACE_V0);
    legacy.data[8 + 36] = 0;
    legacy.lamports = t.chain.rent_exempt_minimum(ValidatorList::SPACE_V0).await;
    t.chain.ctx.set_account(&keys.validator_list, &legacy.clone().into());
    let decoded = t.chain.validator_list(&keys).await;
    assert_eq!((decoded.version, decoded.entries.clone(), decoded.scoring), (0, entries_before.clone(), None));

    // Until migrated, the pool's instructions refuse the list by name.
    t.chain.advance_epoch().await;
    let observe = ix::observe_validators(&ix::ObserveValidatorsParams { keys, first_index: 0, entries: &entries_before });
    assert_error(t.chain.process(&[observe], &[]).await, E::ValidatorListNeedsMigration);
    let votes: Vec<Pubkey> = entries_before.iter().map(|e| e.vote_account).collect();
    assert_error(t.chain.process(&[record_ix(&t, 0, &votes)], &[]).await, E::ValidatorListNeedsMigration);

    // Anyone migrates, paying the rent of the bytes added, 10 KiB an instruction.
    let steps = ix::migration_steps(ValidatorList::SPACE_V0);
    assert_eq!(steps, (ValidatorList::SPACE - ValidatorList::SPACE_V0).div_ceil(10_240));
    let payer = t.chain.payer_pubkey();
    for chunk in (0..steps).collect::<Vec<_>>().chunks(24) {
        let batch: Vec<_> = chunk.iter().map(|_| ix::migrate_validator_list(&keys, payer)).collect();
        t.chain.process(&batch, &[]).await.expect("migration steps");
    }
    let migrated = t.chain.account(&keys.validator_list).await.unwrap();
    assert_eq!(migrated.data.len(), ValidatorList::SPACE);
    assert_eq!(migrated.lamports, t.chain.rent_exempt_minimum(ValidatorList::SPACE).await, "rent-exempt, paid by the payer");
    assert_eq!(migrated.data[48..ValidatorList::SPACE_V0], legacy.data[48..], "no entry moved");
    let list = t.chain.validator_list(&keys).await;
    assert_eq!(list.version, liquid_staking::constants::VALIDATOR_LIST_VERSION);
    assert_eq!(list.entries, entries_before);
    assert!(list.records.iter().all(|r| *r == ValidatorRecord::unread()));
    assert_eq!(list.scoring.unwrap(), ValidatorScoring::new_default());
    assert_error(t.chain.process(&[ix::migrate_validator_list(&keys, payer)], &[]).await, E::ValidatorListAlreadyMigrated);

    // The pool goes on: the crank, the books, readings.
    let rewards = rewards_since(&mut t).await;
    t.crank_checking_books(rewards).await;
    record_all(&mut t).await.expect("readings after the migration");
}

/// Rewards paid at the boundary the test crossed without the crank: what the pool holds above its
/// total and tickets.
async fn rewards_since(t: &mut TestContext) -> u64 {
    let pool = t.pool_state().await;
    t.holdings().await - pool.total_lamports - pool.owed_lamports
}
