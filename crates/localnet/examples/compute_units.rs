//! Compute units of every program instruction, measured on the program's SBF build.
//!
//!     scripts/build-sbf.sh
//!     LIQUID_STAKING_SBF=1 cargo run -p liquid-staking-localnet --example compute_units
//!
//! Drives one pool through four epochs on the in-process chain with the SDK's builders and the
//! localnet helpers: creation and admin calls, validators added and staked, SOL and stake
//! deposits, every exit route, the crank in both directions, validators removed, tickets claimed.
//! Each program instruction goes in a transaction of its own (helpers such as creating a token
//! account are sent separately first) and its units are read from program-test's transaction
//! metadata (`compute_units_consumed`, CPIs included). Observe transactions need a compute-budget
//! instruction; its own units, measured alone, are subtracted.
//!
//! Then the observe sweep: with `n = 1..=max` validators per instruction (max = the SDK's
//! `plan::max_observe_batch`), once in the epoch after every validator was staked (each has a
//! transient to merge) and once in a steady epoch (nothing to merge).
//!
//! Natively the program is not metered (it runs as host code), so this refuses to run without
//! LIQUID_STAKING_SBF=1.
use std::collections::BTreeMap;

use liquid_staking::state::{PAUSED_ALL, VALIDATOR_STATUS_ACTIVE};
use liquid_staking_localnet::{
    plan_step,
    setup::{self, CreatedPool, NewPoolKeypairs, PoolConfig},
    CrankStep, LocalChain, SOL,
};
use liquid_staking_sdk::{addresses::lst_account, instructions as ix, plan, PoolKeys, DEFAULT_FEES};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;
use solana_transaction::Transaction;

/// Successful calls per instruction (and variant), in compute units.
#[derive(Default)]
struct Meter(BTreeMap<String, Vec<u64>>);

impl Meter {
    fn record(&mut self, name: &str, units: u64) {
        self.0.entry(name.to_string()).or_default().push(units);
    }
}

/// Sends `instructions` in one transaction signed by the payer and those of `signers` it needs;
/// returns the compute units it consumed. Panics with the program's logs if it fails.
async fn send(chain: &mut LocalChain, instructions: &[Instruction], signers: &[&Keypair]) -> u64 {
    send_reading(chain, instructions, signers).await.0
}

/// As `send`; also returns the units of our program's own (top-level) instruction, read from its
/// "consumed" log line (CPIs included), for transactions that carry other instructions too.
async fn send_reading(chain: &mut LocalChain, instructions: &[Instruction], signers: &[&Keypair]) -> (u64, u64) {
    let blockhash = chain.ctx.get_new_latest_blockhash().await.expect("blockhash");
    let needed = |k: &&Keypair| instructions.iter().any(|i| i.accounts.iter().any(|a| a.is_signer && a.pubkey == k.pubkey()));
    let mut all: Vec<&Keypair> = vec![&chain.ctx.payer];
    all.extend(signers.iter().copied().filter(needed));
    let tx = Transaction::new_signed_with_payer(instructions, Some(&chain.ctx.payer.pubkey()), &all, blockhash);
    let outcome = chain.ctx.banks_client.process_transaction_with_metadata(tx).await.expect("banks client answers");
    let metadata = outcome.metadata.expect("program-test returns metadata");
    if let Err(err) = outcome.result {
        panic!("transaction failed: {err:?}\n{}", metadata.log_messages.join("\n"));
    }
    let ours = format!("Program {} consumed ", liquid_staking::ID);
    let program_units = metadata
        .log_messages
        .iter()
        .find_map(|line| line.strip_prefix(&ours)?.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    (metadata.compute_units_consumed, program_units)
}

/// Sends a transaction whose one program instruction comes with top-level helpers (the Stake
/// program's Authorize, an account allocation): records the program instruction's units under
/// `name` and the whole transaction's under "`name` (whole transaction)".
async fn measure_with_helpers(chain: &mut LocalChain, meter: &mut Meter, name: &str, instructions: &[Instruction], signers: &[&Keypair]) {
    let (total, ours) = send_reading(chain, instructions, signers).await;
    meter.record(name, ours);
    meter.record(&format!("{name} (whole transaction)"), total);
}

async fn measure(chain: &mut LocalChain, meter: &mut Meter, name: &str, instruction: Instruction, signers: &[&Keypair]) -> u64 {
    let units = send(chain, &[instruction], signers).await;
    meter.record(name, units);
    units
}

/// A funded wallet with an (empty) LST account.
async fn wallet(chain: &mut LocalChain, keys: &PoolKeys, lamports: u64) -> Keypair {
    let user = setup::funded_wallet(chain, lamports).await;
    send(chain, &[ix::create_lst_account(&user.pubkey(), &user.pubkey(), &keys.lst_mint)], &[&user]).await;
    user
}

fn deposit_sol(keys: &PoolKeys, user: &Keypair, lamports: u64) -> Instruction {
    ix::deposit_sol(&ix::DepositSolParams {
        keys: *keys,
        depositor: user.pubkey(),
        recipient_lst: lst_account(&user.pubkey(), &keys.lst_mint),
        lamports,
        min_lst_out: 0,
    })
}

/// Sends the crank's rebalance plan one instruction per transaction; returns how many.
async fn rebalance(chain: &mut LocalChain, meter: &mut Meter, keys: &PoolKeys) -> usize {
    let pool = chain.pool(&keys.pool).await;
    let reserve = chain.lamports(&keys.reserve).await;
    let variant = if pool.reserve_shortfall_lamports(reserve).unwrap_or(0) > 0 { "unstake" } else { "stake" };
    let instructions: Vec<Instruction> = plan_step(chain, keys, CrankStep::Rebalance).await.into_iter().flatten().collect();
    for instruction in &instructions {
        measure(chain, meter, &format!("rebalance_validator ({variant})"), instruction.clone(), &[]).await;
    }
    instructions.len()
}

/// Observe instructions as the crank plans them, each in its own transaction.
async fn observe_all(chain: &mut LocalChain, meter: &mut Meter, keys: &PoolKeys, budget_units: u64) {
    for tx in plan_step(chain, keys, CrankStep::Observe).await {
        let units = send(chain, &tx, &[]).await - budget_units;
        meter.record("observe_validators", units);
    }
}

/// Observes validators in consecutive runs of 1, 2, ..., `max`; returns the units of each run.
async fn observe_sweep(chain: &mut LocalChain, meter: &mut Meter, keys: &PoolKeys, max: usize, budget_units: u64) -> Vec<u64> {
    let entries = chain.validator_list(keys).await.entries;
    let mut start = 0;
    let mut out = Vec::new();
    for n in 1..=max {
        let observe = ix::observe_validators(&ix::ObserveValidatorsParams { keys: *keys, first_index: start as u32, entries: &entries[start..start + n] });
        let units = send(chain, &[plan::observe_compute_budget(), observe], &[]).await - budget_units;
        meter.record("observe_validators", units);
        out.push(units);
        start += n;
    }
    out
}

async fn finalize(chain: &mut LocalChain, meter: &mut Meter, keys: &PoolKeys) {
    measure(chain, meter, "finalize_epoch", ix::finalize_epoch(keys), &[]).await;
}

async fn transients(chain: &mut LocalChain, keys: &PoolKeys) -> usize {
    chain.validator_list(keys).await.entries.iter().filter(|e| e.transient_stake_lamports > 0).count()
}

#[tokio::main]
async fn main() {
    if !liquid_staking_localnet::sbf::enabled() {
        eprintln!(
            "compute_units measures the program's SBF build, and natively the program is not metered.\n\
             Build it (scripts/build-sbf.sh), then run: LIQUID_STAKING_SBF=1 cargo run -p liquid-staking-localnet --example compute_units"
        );
        std::process::exit(2);
    }
    let started = std::time::Instant::now();
    // The batch limit depends only on address sizes: any keys will do.
    // (Two accounts a validator: the sweep runs while every validator has a transient.)
    let max = plan::max_observe_accounts(&PoolKeys::derive(Pubkey::new_unique(), Pubkey::new_unique()), &Pubkey::new_unique()) / 2;
    let validators = max * (max + 1) / 2; // one sweep 1 + 2 + ... + max covers them all
    let mut chain = LocalChain::start(validators).await;
    let votes = chain.vote_accounts.clone();
    let mut meter = Meter::default();
    let budget_units = send(&mut chain, &[plan::observe_compute_budget()], &[]).await;

    // Epoch 0: pools (the list is allocated by a system instruction sent first), admin calls.
    let config = PoolConfig::default();
    let mut pools = Vec::new();
    for _ in 0..3 {
        let kp = NewPoolKeypairs::generate();
        let instructions = setup::initialize_pool_instructions(&mut chain, &kp, &config).await;
        let (initialize, list) = instructions.split_last().expect("the list's instructions, then initialize_pool");
        send(&mut chain, list, &[&kp.validator_list]).await;
        measure(&mut chain, &mut meter, "initialize_pool", initialize.clone(), &[&kp.lst_mint, &kp.validator_list]).await;
        pools.push(CreatedPool {
            keys: kp.keys(),
            admin: kp.admin,
            operator: kp.operator,
            pause_guardian: kp.pause_guardian,
            treasury_authority: kp.treasury_authority,
        });
    }
    let pool = pools.remove(0);
    let keys = pool.keys;
    let (admin, operator, guardian) = (&pool.admin, &pool.operator, &pool.pause_guardian);
    measure(&mut chain, &mut meter, "set_fees", ix::set_fees(&keys, &admin.pubkey(), DEFAULT_FEES), &[admin]).await;
    measure(&mut chain, &mut meter, "set_pause", ix::set_pause(&keys, &guardian.pubkey(), PAUSED_ALL), &[guardian]).await;
    measure(&mut chain, &mut meter, "set_pause", ix::set_pause(&keys, &admin.pubkey(), 0), &[admin]).await;
    let new_admin = setup::funded_wallet(&mut chain, SOL).await;
    measure(&mut chain, &mut meter, "propose_admin", ix::propose_admin(&keys, &admin.pubkey(), new_admin.pubkey()), &[admin]).await;
    measure(&mut chain, &mut meter, "accept_admin", ix::accept_admin(&keys, &new_admin.pubkey()), &[&new_admin]).await;
    let roles = ix::set_roles(&keys, &new_admin.pubkey(), operator.pubkey(), guardian.pubkey(), guardian.pubkey());
    measure(&mut chain, &mut meter, "set_roles", roles, &[&new_admin]).await;

    // Deposits, every validator added, five stakers' accounts activating, everything staked.
    let whale = wallet(&mut chain, &keys, (4 * validators as u64 + 20) * SOL).await;
    measure(&mut chain, &mut meter, "deposit_sol", deposit_sol(&keys, &whale, 4 * validators as u64 * SOL), &[&whale]).await;
    let mut users = Vec::new();
    for i in 0..5u64 {
        let user = wallet(&mut chain, &keys, 30 * SOL).await;
        measure(&mut chain, &mut meter, "deposit_sol", deposit_sol(&keys, &user, (10 + i) * SOL), &[&user]).await;
        users.push(user);
    }
    for vote in &votes {
        let add = ix::add_validator(&ix::AddValidatorParams { keys, operator: operator.pubkey(), vote_account: *vote, weight: 100 });
        measure(&mut chain, &mut meter, "add_validator", add, &[operator]).await;
    }
    for index in 0..5u32 {
        let weight = ix::set_validator_weight(&ix::SetValidatorWeightParams {
            keys,
            operator: operator.pubkey(),
            index,
            vote_account: votes[index as usize],
            weight: 100,
        });
        measure(&mut chain, &mut meter, "set_validator_weight", weight, &[operator]).await;
    }
    let mut stakers = Vec::new();
    for i in 0..5usize {
        let staker = wallet(&mut chain, &keys, 10 * SOL).await;
        let stake = setup::user_stake_account(&mut chain, &staker, &votes[i], 3 * SOL).await.expect("stake account");
        stakers.push((staker, stake, i));
    }
    let staked = rebalance(&mut chain, &mut meter, &keys).await;
    eprintln!("epoch 0: {validators} validators added, {staked} staked");

    // Epoch 1: every validator has a transient to merge. Sweep, finalize, then stake deposits and
    // the instant exits (which leave no transients: epoch 2 stays steady).
    chain.advance_epoch().await;
    let with_merge_count = transients(&mut chain, &keys).await;
    let with_merge = observe_sweep(&mut chain, &mut meter, &keys, max, budget_units).await;
    finalize(&mut chain, &mut meter, &keys).await;
    for (staker, stake, index) in &stakers {
        let deposit = ix::deposit_stake(&ix::DepositStakeParams {
            keys,
            depositor: staker.pubkey(),
            recipient_lst: lst_account(&staker.pubkey(), &keys.lst_mint),
            index: *index as u32,
            vote_account: votes[*index],
            deposit_stake: stake.pubkey(),
            min_lst_out: 0,
        });
        measure_with_helpers(&mut chain, &mut meter, "deposit_stake", &deposit, &[staker]).await;
    }
    for index in 10..15usize {
        let new_stake = Keypair::new();
        let withdraw = ix::withdraw_stake(&ix::WithdrawStakeParams {
            keys,
            owner: whale.pubkey(),
            owner_lst: lst_account(&whale.pubkey(), &keys.lst_mint),
            index: index as u32,
            vote_account: votes[index],
            new_stake: new_stake.pubkey(),
            stake_account_rent_lamports: chain.rent_exempt_minimum(liquid_staking::constants::STAKE_ACCOUNT_SPACE as usize).await,
            lst_amount: 3 * SOL / 2,
            min_lamports_out: 0,
        });
        measure_with_helpers(&mut chain, &mut meter, "withdraw_stake", &withdraw, &[&whale, &new_stake]).await;
    }
    for user in &users[..3] {
        let exit = ix::instant_unstake(&ix::InstantUnstakeParams {
            keys,
            owner: user.pubkey(),
            owner_lst: lst_account(&user.pubkey(), &keys.lst_mint),
            lst_amount: SOL,
            min_lamports_out: 0,
        });
        measure(&mut chain, &mut meter, "instant_unstake", exit, &[user]).await;
    }
    let unstake = |ticket_nonce: u64, user: &Keypair, max_fee_bps: u16| {
        ix::unstake(&ix::UnstakeParams {
            keys,
            owner: user.pubkey(),
            owner_lst: lst_account(&user.pubkey(), &keys.lst_mint),
            ticket_nonce,
            lst_amount: SOL,
            max_fee_bps,
            min_lamports_out: 0,
            min_instant_lamports_out: 0,
        })
    };
    for user in &users[3..] {
        measure(&mut chain, &mut meter, "unstake (all instant)", unstake(1, user, DEFAULT_FEES.instant_unstake_max_bps), &[user]).await;
    }

    // Epoch 2: steady (nothing to merge). Sweep, finalize; tickets, deposits, removals; the
    // rebalance then unstakes for the tickets.
    chain.advance_epoch().await;
    let steady_count = transients(&mut chain, &keys).await;
    let steady = observe_sweep(&mut chain, &mut meter, &keys, max, budget_units).await;
    finalize(&mut chain, &mut meter, &keys).await;
    let mut tickets = Vec::new();
    // A large exit: the reserve cannot cover it, so this epoch's rebalance unstakes.
    for user in std::iter::once(&whale).chain(&users) {
        let ticket_nonce = 2;
        let order = ix::order_unstake(&ix::OrderUnstakeParams {
            keys,
            owner: user.pubkey(),
            owner_lst: lst_account(&user.pubkey(), &keys.lst_mint),
            ticket_nonce,
            lst_amount: if user.pubkey() == whale.pubkey() { 230 * SOL } else { 2 * SOL },
            min_lamports_out: 0,
        });
        measure(&mut chain, &mut meter, "order_unstake", order, &[user]).await;
        tickets.push((user, keys.ticket(&user.pubkey(), ticket_nonce)));
    }
    for user in &users[..2] {
        // A maximum fee below the minimum: all of it becomes a ticket.
        measure(&mut chain, &mut meter, "unstake (ticket)", unstake(3, user, 0), &[user]).await;
        tickets.push((user, keys.ticket(&user.pubkey(), 3)));
    }
    for user in &users[2..] {
        measure(&mut chain, &mut meter, "deposit_sol", deposit_sol(&keys, user, 5 * SOL), &[user]).await;
    }
    let list = chain.validator_list(&keys).await;
    for index in (validators - 3..validators).rev() {
        assert_eq!(list.entries[index].status, VALIDATOR_STATUS_ACTIVE);
        let remove = ix::remove_validator(&ix::RemoveValidatorParams {
            keys,
            operator: operator.pubkey(),
            index: index as u32,
            vote_account: list.entries[index].vote_account,
        });
        measure(&mut chain, &mut meter, "remove_validator", remove, &[operator]).await;
    }
    let unstaked = rebalance(&mut chain, &mut meter, &keys).await;
    eprintln!("epoch 2: {} tickets, 3 validators removed, {unstaked} rebalanced", tickets.len());

    // Epoch 3: the crank returns deactivated stake and drops the removed validators; claims.
    chain.advance_epoch().await;
    observe_all(&mut chain, &mut meter, &keys, budget_units).await;
    finalize(&mut chain, &mut meter, &keys).await;
    for (user, ticket) in &tickets {
        measure(&mut chain, &mut meter, "claim_ticket", ix::claim_ticket(&keys, &user.pubkey(), ticket), &[*user]).await;
    }
    let restaked = rebalance(&mut chain, &mut meter, &keys).await;
    eprintln!("epoch 3: {} tickets claimed, {restaked} rebalanced; {:.1} s in all", tickets.len(), started.elapsed().as_secs_f64());

    // Validator risk: every vote account read (legacy transactions, as many as fit beside the
    // compute-budget instruction), the operator's rules and blocklist, a commission rug answered,
    // a migration step.
    let list = chain.validator_list(&keys).await;
    let per_tx = liquid_staking_sdk::risk::max_record_accounts(&keys, &chain.payer_pubkey()) - 2;
    for record in liquid_staking_sdk::risk::record_instructions(&keys, &list, chain.epoch().await, per_tx) {
        let n = record.accounts.len() - 3;
        let units = send(&mut chain, &[plan::observe_compute_budget(), record], &[]).await - budget_units;
        meter.record(&format!("record_validators ({n} vote accounts)"), units);
        meter.record("record_validators, per vote account", units / n as u64);
    }
    let rules = liquid_staking::state::ValidatorRules::default();
    measure(&mut chain, &mut meter, "set_validator_rules", ix::set_validator_rules(&keys, operator.pubkey(), rules), &[operator]).await;
    // Two validators with active stake of their own: one blocklisted, one rugged.
    let entries = chain.validator_list(&keys).await.entries;
    let staking: Vec<u32> = (0..entries.len() as u32)
        .filter(|&i| {
            let e = &entries[i as usize];
            e.status == VALIDATOR_STATUS_ACTIVE && !e.main_deactivated_by_pool() && e.transient_stake_lamports == 0
        })
        .collect();
    let (blocked, rugged) = (staking[0], staking[1]);
    let blocked_vote = entries[blocked as usize].vote_account;
    measure(&mut chain, &mut meter, "set_validator_blocked", ix::set_validator_blocked(&keys, operator.pubkey(), blocked, blocked_vote, true), &[operator]).await;
    measure(&mut chain, &mut meter, "deactivate_ineligible", ix::deactivate_ineligible(&keys, blocked, blocked_vote), &[]).await;
    measure(&mut chain, &mut meter, "set_validator_blocked", ix::set_validator_blocked(&keys, operator.pubkey(), blocked, blocked_vote, false), &[operator]).await;
    let rugged_vote = entries[rugged as usize].vote_account;
    chain.set_commission(&rugged_vote, 100).await.expect("a rise early in the epoch");
    measure(&mut chain, &mut meter, "deactivate_ineligible", ix::deactivate_ineligible(&keys, rugged, rugged_vote), &[]).await;
    let other = pools.remove(0).keys;
    let mut legacy = chain.account(&other.validator_list).await.expect("list");
    legacy.data.truncate(liquid_staking::state::ValidatorList::SPACE_V0);
    legacy.data[8 + 36] = 0;
    chain.ctx.set_account(&other.validator_list, &legacy.into());
    let payer = chain.payer_pubkey();
    for _ in 0..ix::migration_steps(liquid_staking::state::ValidatorList::SPACE_V0) {
        let units = send(&mut chain, &[ix::migrate_validator_list(&other, payer)], &[]).await;
        meter.record("migrate_validator_list (one 10 KiB step)", units);
    }

    // Targets from scores: the mode, then a selection over this pool's list and over a full list
    // of MAX_VALIDATORS (written into the second pool's list account: the pass reads only the
    // entries and records, so their stake accounts need not exist).
    measure(&mut chain, &mut meter, "set_target_mode", ix::set_target_mode(&keys, operator.pubkey(), liquid_staking::state::TARGETS_TOP_EQUAL, 3), &[operator]).await;
    let epoch = chain.epoch().await;
    let list = chain.validator_list(&keys).await;
    let select = liquid_staking_sdk::risk::selection_transaction(&keys, &list, epoch).expect("every validator read this epoch");
    let units = send(&mut chain, &select, &[]).await - budget_units;
    meter.record(&format!("select_validators ({} validators)", list.entries.len()), units);
    measure(&mut chain, &mut meter, "set_target_mode", ix::set_target_mode(&keys, operator.pubkey(), liquid_staking::state::TARGETS_BY_WEIGHT, 0), &[operator]).await;
    let full = liquid_staking::constants::MAX_VALIDATORS as usize;
    for mode in [liquid_staking::state::TARGETS_TOP_EQUAL, liquid_staking::state::TARGETS_TOP_BY_SCORE] {
        write_full_list(&mut chain, &other, epoch, mode, 1_000).await;
        let list = chain.validator_list(&other).await;
        let select = liquid_staking_sdk::risk::selection_transaction(&other, &list, epoch).expect("a selection is due");
        let units = send(&mut chain, &select, &[]).await - budget_units;
        let name = if mode == liquid_staking::state::TARGETS_TOP_EQUAL { "top 1,000 equal" } else { "top 1,000 by score" };
        meter.record(&format!("select_validators ({full} validators, {name})"), units);
    }

    println!("Compute units per instruction (SBF build, one instruction per transaction, CPIs included)");
    println!();
    println!("| instruction | calls | min | median | max |");
    println!("|---|---:|---:|---:|---:|");
    for (name, units) in &mut meter.0 {
        units.sort_unstable();
        let median = units[units.len() / 2];
        println!("| {name} | {} | {} | {} | {} |", units.len(), units[0], median, units[units.len() - 1]);
    }
    println!();
    println!("observe_validators by batch size (compute-budget instruction's {budget_units} CU subtracted)");
    println!("with merge: the epoch after staking, {with_merge_count} of {validators} validators had a transient to merge;");
    println!("steady: {steady_count} transients.");
    println!();
    println!("| validators | with merge: CU | per validator | steady: CU | per validator |");
    println!("|---:|---:|---:|---:|---:|");
    for n in 1..=max {
        let (m, s) = (with_merge[n - 1], steady[n - 1]);
        println!("| {n} | {m} | {} | {s} | {} |", m / n as u64, s / n as u64);
    }
}

/// Writes a full validator list (MAX_VALIDATORS active validators, all read in `epoch`, distinct
/// scores, every weight 0) into `keys`' list account, in score `mode` with `top_n`.
async fn write_full_list(chain: &mut LocalChain, keys: &PoolKeys, epoch: u64, mode: u8, top_n: u32) {
    use liquid_staking::state::{ValidatorList, ValidatorRecord};
    let mut account = chain.account(&keys.validator_list).await.expect("list");
    // SAFETY: all zeros is a valid list (zero_copy: Pod); 2.7 MB, so on the heap.
    let mut list: Box<ValidatorList> = unsafe { Box::<ValidatorList>::new_zeroed().assume_init() };
    bytemuck::bytes_of_mut(&mut *list).copy_from_slice(&account.data[8..ValidatorList::SPACE]);
    list.count = liquid_staking::constants::MAX_VALIDATORS;
    for i in 0..list.count as usize {
        list.entries[i].vote_account = Pubkey::new_unique();
        list.entries[i].status = VALIDATOR_STATUS_ACTIVE;
        list.entries[i].weight = 0;
        list.entries[i].flags = 0;
        list.records[i] = ValidatorRecord {
            recorded_epoch: epoch,
            watched_since_epoch: epoch.saturating_sub(5),
            score: 1_000_000 + (i as u64 * 7_919) % 1_000_003,
            ..ValidatorRecord::unread()
        };
    }
    list.scoring.set_target_mode(mode, top_n).expect("a valid mode");
    account.data[8..ValidatorList::SPACE].copy_from_slice(bytemuck::bytes_of(&*list));
    chain.ctx.set_account(&keys.validator_list, &account.into());
}
