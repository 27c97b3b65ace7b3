//! Benchmark: what the epoch crank costs, per epoch in steady state, for pools of 1,000 and 20,000
//! validators (or the sizes given), sent the way the crank bot sends it: v0 transactions over
//! address lookup tables, each observe carrying as many stake accounts as 64 account locks allow,
//! staking bounded to the most under-target validators. Everything runs as real transactions on
//! the in-process chain (the Stake program, SPL Token, lookup tables and ours; run it with
//! LIQUID_STAKING_SBF=1 to meter the SBF build's compute units).
//!
//! Per pool: vote accounts at genesis, every validator added, 3 SOL each deposited, staked into
//! every validator (unbounded, to seed), then measured epochs with 1% of the pool's SOL flowing:
//! a deposit epoch (1% deposited: staked into at most 16 validators) and an exit epoch (1% ordered
//! out as tickets: unstaked from the most over-target validators), twice each. The measured epochs
//! run in score mode (the top n with equal weights: the seeded targets), in the bot's order:
//! observe, finalize, record every vote account, select, rebalance. Prints, per epoch:
//! transactions by step, account keys, bytes, fees, the largest compute units of any transaction
//! and of observe per validator; and, with `--spl FILE` (bench/spl-stake-pool-cost's JSON), SPL
//! Stake Pool's figures for the same pools beside ours.
//!
//!     LIQUID_STAKING_SBF=1 cargo run --release -p liquid-staking-localnet --example crank_cost -- \
//!         [--validators 1000,20000] [--spl spl.json] [--json out.json]
use liquid_staking_crank::lookup;
use liquid_staking_localnet::{plan_step_staking, setup, CrankStep, LocalChain, SOL};
use liquid_staking_sdk::{instructions as ix, pack, plan, PoolKeys};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_message::{v0, AddressLookupTableAccount, VersionedMessage};
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use std::time::Instant;

/// record_validators' accounts before the vote accounts (pool, list, clock).
const RECORD_FIXED_ACCOUNTS: usize = 3;

/// Fee per signature (lamports); the crank pays no priority fee on an idle cluster.
const FEE_PER_SIGNATURE: u64 = 5_000;

#[derive(Default, Clone, serde::Serialize)]
struct EpochCost {
    kind: &'static str,
    observe: usize,
    finalize: usize,
    rebalance: usize,
    /// record_validators transactions (validator risk: every vote account read once an epoch).
    record: usize,
    /// select_validators transactions (score mode: the weights set from the round's scores).
    select: usize,
    /// Compute units of the selection (one pass over the whole list).
    select_units: u64,
    /// Validators the selection took.
    selected: u32,
    transactions: usize,
    accounts: usize,
    bytes: usize,
    fee_lamports: u64,
    max_units: u64,
    max_observe_units_per_validator: u64,
    max_record_units_per_validator: u64,
    validators_staked: usize,
    validators_unstaked: usize,
    wall_ms: u128,
}

struct Bench {
    chain: LocalChain,
    keys: PoolKeys,
    tables: Vec<AddressLookupTableAccount>,
    per_table: usize,
}

impl Bench {
    /// Sends `instructions` as one v0 transaction over the tables covering them; returns (account
    /// keys, bytes, compute units).
    async fn send_v0(&mut self, instructions: &[Instruction]) -> (usize, usize, u64) {
        let payer = self.chain.payer().insecure_clone();
        let blockhash = self.chain.ctx.get_new_latest_blockhash().await.expect("blockhash");
        let message = v0::Message::try_compile(&payer.pubkey(), instructions, &self.tables_for(instructions), blockhash).expect("v0 message");
        let accounts = message.account_keys.len() + message.address_table_lookups.iter().map(|l| l.writable_indexes.len() + l.readonly_indexes.len()).sum::<usize>();
        let tx = VersionedTransaction::try_new(VersionedMessage::V0(message), &[&payer]).expect("signed");
        let bytes = bincode::serialized_size(&tx).expect("serializes") as usize;
        assert!(bytes <= pack::MAX_TRANSACTION_BYTES, "transaction of {bytes} bytes");
        assert!(accounts <= pack::MAX_TRANSACTION_ACCOUNTS, "transaction with {accounts} accounts");
        let outcome = self.chain.ctx.banks_client.process_transaction_with_metadata(tx).await.expect("banks client answers");
        if let Err(e) = outcome.result {
            panic!("crank transaction failed: {e:?}; logs: {:?}", outcome.metadata.map(|m| m.log_messages));
        }
        (accounts, bytes, outcome.metadata.map_or(0, |m| m.compute_units_consumed))
    }

    /// The tables holding the validators an observe instruction names (all, for anything else).
    fn tables_for(&self, instructions: &[Instruction]) -> Vec<AddressLookupTableAccount> {
        let mut wanted: Vec<usize> = Vec::new();
        for ix in instructions.iter().filter(|i| i.program_id == liquid_staking::ID) {
            if ix.data[..8] == <liquid_staking::instruction::ObserveValidators as anchor_lang::Discriminator>::DISCRIMINATOR[..] {
                let first = u32::from_le_bytes(ix.data[8..12].try_into().expect("first_index")) as usize;
                let stake_accounts = ix.accounts.len() - lookup::fixed_accounts(&self.keys).len();
                wanted.extend(first / self.per_table..=(first + stake_accounts) / self.per_table);
            }
            if ix.data[..8] == <liquid_staking::instruction::RecordValidators as anchor_lang::Discriminator>::DISCRIMINATOR[..] {
                let first = u32::from_le_bytes(ix.data[8..12].try_into().expect("first_index")) as usize;
                let votes = ix.accounts.len() - RECORD_FIXED_ACCOUNTS;
                wanted.extend(first / self.per_table..=(first + votes) / self.per_table);
            }
        }
        if wanted.is_empty() {
            return self.tables.clone();
        }
        wanted.sort();
        wanted.dedup();
        wanted.into_iter().filter_map(|k| self.tables.get(k).cloned()).collect()
    }

    /// The crank bot's lookup tables for every validator, created and extended through the Address
    /// Lookup Table program, then a slot later usable.
    async fn create_tables(&mut self) {
        let payer = self.chain.payer().insecure_clone();
        let entries = self.chain.validator_list(&self.keys).await.entries;
        for plan in lookup::plan_tables(&self.keys, &entries, &[]) {
            let lookup::TablePlan::Create { contents } = plan else { continue };
            // A table's address comes from its authority and a recent slot: one slot each.
            let slot = self.chain.clock().await.slot + 1;
            self.chain.ctx.warp_to_slot(slot).expect("warp a slot");
            let (create, table) = lookup::create_table(&payer.pubkey(), &payer.pubkey(), slot - 1);
            self.chain.process(&[create], &[]).await.expect("table created");
            for extend in lookup::extend_instructions(&table, &payer.pubkey(), &contents) {
                let blockhash = self.chain.ctx.get_new_latest_blockhash().await.expect("blockhash");
                let tx = solana_transaction::Transaction::new_signed_with_payer(&[extend], Some(&payer.pubkey()), &[&payer], blockhash);
                let outcome = self.chain.ctx.banks_client.process_transaction_with_metadata(tx).await.expect("answers");
                if let Err(e) = outcome.result {
                    panic!("table extension failed: {e:?} {:?}", outcome.metadata.map(|m| m.log_messages));
                }
            }
            self.tables.push(AddressLookupTableAccount { key: table, addresses: contents });
        }
        let slot = self.chain.clock().await.slot;
        self.chain.ctx.warp_to_slot(slot + 2).expect("warp a slot");
    }

    /// One epoch's crank, as the bot sends it; `max_stake` bounds the staking step.
    async fn crank(&mut self, kind: &'static str, max_stake: usize) -> EpochCost {
        let started = Instant::now();
        let mut cost = EpochCost { kind, ..EpochCost::default() };
        let fixed = lookup::fixed_accounts(&self.keys).len();
        let max_accounts = pack::MAX_TRANSACTION_ACCOUNTS - 3 - fixed;
        let epoch = self.chain.epoch().await;
        loop {
            let entries = self.chain.validator_list(&self.keys).await.entries;
            let batches = plan::observe_instructions(&self.keys, &entries, epoch, max_accounts);
            if batches.is_empty() {
                break;
            }
            for batch in batches {
                let validators = batch.validators as u64;
                let (accounts, bytes, units) = self.send_v0(&[plan::observe_compute_budget(), batch.instruction]).await;
                cost.observe += 1;
                cost.max_observe_units_per_validator = cost.max_observe_units_per_validator.max(units / validators);
                self.count(&mut cost, accounts, bytes, units);
            }
        }
        for tx in plan_step_staking(&mut self.chain, &self.keys, CrankStep::Finalize, max_stake).await {
            let (accounts, bytes, units) = self.send_v0(&tx).await;
            cost.finalize += 1;
            self.count(&mut cost, accounts, bytes, units);
        }
        // Validator risk: every vote account read once an epoch, as many a transaction as the
        // account locks allow (payer, program, compute budget, the record's own three).
        let list = self.chain.validator_list(&self.keys).await;
        let max_votes = pack::MAX_TRANSACTION_ACCOUNTS - 3 - RECORD_FIXED_ACCOUNTS;
        for record in liquid_staking_sdk::risk::record_instructions(&self.keys, &list, epoch, max_votes) {
            let validators = (record.accounts.len() - RECORD_FIXED_ACCOUNTS) as u64;
            let (accounts, bytes, units) = self.send_v0(&[plan::observe_compute_budget(), record]).await;
            cost.record += 1;
            cost.max_record_units_per_validator = cost.max_record_units_per_validator.max(units / validators);
            self.count(&mut cost, accounts, bytes, units);
        }
        // Score mode: the weights from this round's scores, before rebalancing uses them.
        let list = self.chain.validator_list(&self.keys).await;
        if let Some(select) = liquid_staking_sdk::risk::selection_transaction(&self.keys, &list, epoch) {
            let (accounts, bytes, units) = self.send_v0(&select).await;
            cost.select += 1;
            cost.select_units = units;
            cost.selected = self.chain.validator_list(&self.keys).await.scoring.map_or(0, |s| s.selected_count);
            self.count(&mut cost, accounts, bytes, units);
        }
        let pool = self.chain.pool(&self.keys.pool).await;
        let reserve = self.chain.lamports(&self.keys.reserve).await;
        let unstaking = pool.reserve_shortfall_lamports(reserve).unwrap_or(0) > 0;
        for tx in plan_step_staking(&mut self.chain, &self.keys, CrankStep::Rebalance, max_stake).await {
            let budget = plan::observe_compute_budget(); // (1.4M CU: staking CPIs are heavy too)
            let mut all = vec![budget];
            all.extend(tx.iter().cloned());
            let (accounts, bytes, units) = self.send_v0(&all).await;
            cost.rebalance += 1;
            if unstaking {
                cost.validators_unstaked += tx.len();
            } else {
                cost.validators_staked += tx.len();
            }
            self.count(&mut cost, accounts, bytes, units);
        }
        cost.wall_ms = started.elapsed().as_millis();
        cost
    }

    fn count(&self, cost: &mut EpochCost, accounts: usize, bytes: usize, units: u64) {
        cost.transactions += 1;
        cost.accounts += accounts;
        cost.bytes += bytes;
        cost.fee_lamports += FEE_PER_SIGNATURE;
        cost.max_units = cost.max_units.max(units);
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "-h" || a == "--help") {
        println!("crank_cost [--validators 1000,20000] [--spl SPL.json] [--json OUT.json]\n\nThe epoch crank's cost per epoch in steady state (see the source's header); with\nLIQUID_STAKING_SBF=1 compute units are the SBF build's.");
        return;
    }
    let sizes: Vec<usize> = arg("--validators")
        .unwrap_or_else(|| "1000,20000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("--validators: numbers separated by commas"))
        .collect();
    let spl: Option<serde_json::Value> = arg("--spl").map(|path| {
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("--spl {path}: {e}"))).expect("--spl: JSON")
    });
    let metered = liquid_staking_localnet::sbf::enabled();
    let mut all = Vec::new();
    for n in sizes {
        let costs = bench(n).await;
        all.push(serde_json::json!({ "validators": n, "epochs": costs }));
        print_pool(n, &costs, spl.as_ref(), metered);
    }
    if let Some(path) = arg("--json") {
        std::fs::write(&path, serde_json::to_string_pretty(&all).expect("json")).expect("--json written");
        eprintln!("wrote {path}");
    }
}

async fn bench(n: usize) -> Vec<EpochCost> {
    let started = Instant::now();
    let mut chain = LocalChain::start(n).await;
    let pool = setup::create_pool(&mut chain, &setup::PoolConfig::default()).await.expect("pool");
    let keys = pool.keys;
    let user = setup::funded_wallet(&mut chain, (3 * n as u64 + 100) * SOL).await;
    setup::deposit_sol(&mut chain, &keys, &user, 3 * n as u64 * SOL, 0).await.expect("deposit");
    let adds: Vec<_> = chain
        .vote_accounts
        .clone()
        .into_iter()
        .map(|vote| ix::add_validator(&ix::AddValidatorParams { keys, operator: pool.operator.pubkey(), vote_account: vote, weight: 1 }))
        .collect();
    let payer = chain.payer_pubkey();
    let add_txs = pack::pack(&payer, adds, 6);
    for (i, tx) in add_txs.iter().enumerate() {
        chain.process(tx, &[&pool.operator]).await.expect("add validators");
        if (i + 1) % 500 == 0 {
            eprintln!("  {n} validators: {} of {} add transactions", i + 1, add_txs.len());
        }
    }
    let per_table = lookup::validators_per_table(&keys);
    let mut b = Bench { chain, keys, tables: Vec::new(), per_table };
    b.create_tables().await;
    eprintln!("{n} validators: pool and {} lookup tables built in {:.0} s", b.tables.len(), started.elapsed().as_secs_f64());
    // Seed: stake every validator (unbounded), then two epochs to activate and merge.
    b.crank("seed", usize::MAX).await;
    for _ in 0..2 {
        b.chain.advance_epoch().await;
        b.crank("seed", usize::MAX).await;
    }
    eprintln!("{n} validators: seeded in {:.0} s", started.elapsed().as_secs_f64());
    // Targets from scores, the top n with equal weights: the same targets as the equal hand weights
    // the pool was seeded with, so the measured epochs also pay for a selection each.
    b.chain.process(&[ix::set_target_mode(&keys, pool.operator.pubkey(), liquid_staking::state::TARGETS_TOP_EQUAL, n as u32)], &[&pool.operator]).await.expect("score mode");

    let mut costs = Vec::new();
    let depositor = Keypair::new();
    b.chain.fund(&depositor.pubkey(), (n as u64 / 10 + 100) * SOL).await;
    for round in 0..4 {
        // Flow during the epoch (the pool is fresh), then the crank at the next boundary.
        let pool_state = b.chain.pool(&keys.pool).await;
        let one_percent = pool_state.total_lamports / 100;
        let kind = if round % 2 == 0 {
            setup::deposit_sol(&mut b.chain, &keys, &depositor, one_percent, 0).await.expect("1% deposited");
            "deposit"
        } else {
            let lst = (one_percent as u128 * pool_state.lst_supply as u128 / pool_state.total_lamports as u128) as u64;
            setup::order_unstake(&mut b.chain, &keys, &user, lst).await.expect("1% ordered out");
            "exit"
        };
        b.chain.advance_epoch().await;
        let cost = b.crank(kind, plan::DEFAULT_MAX_STAKE_VALIDATORS).await;
        costs.push(cost);
    }
    eprintln!("{n} validators: done in {:.0} s", started.elapsed().as_secs_f64());
    costs
}

fn print_pool(n: usize, costs: &[EpochCost], spl: Option<&serde_json::Value>, metered: bool) {
    println!();
    println!("## {n} validators: the crank per epoch, steady state, 1% of the pool flowing in or out (v0 transactions, lookup tables)");
    println!();
    println!("| epoch | observe | finalize | rebalance | record | select | txs | accounts | KB | fee (lamports) | max CU/tx | max observe CU/validator | max record CU/validator | select CU (selected) | staked/unstaked validators | wall s |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for c in costs {
        let units = |u: u64| if metered { u.to_string() } else { "(native)".into() };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} | {} | {} | {} | {} ({}) | {}/{} | {:.1} |",
            c.kind, c.observe, c.finalize, c.rebalance, c.record, c.select, c.transactions, c.accounts, c.bytes as f64 / 1024.0, c.fee_lamports,
            units(c.max_units), units(c.max_observe_units_per_validator), units(c.max_record_units_per_validator), units(c.select_units), c.selected, c.validators_staked,
            c.validators_unstaked, c.wall_ms as f64 / 1000.0
        );
    }
    let avg = |f: fn(&EpochCost) -> usize| costs.iter().map(f).sum::<usize>() as f64 / costs.len().max(1) as f64;
    println!(
        "| **mean** | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | **{:.1}** | {:.0} | {:.1} | {:.0} | | | | | | |",
        avg(|c| c.observe), avg(|c| c.finalize), avg(|c| c.rebalance), avg(|c| c.record), avg(|c| c.select), avg(|c| c.transactions), avg(|c| c.accounts),
        avg(|c| c.bytes) / 1024.0, avg(|c| c.fee_lamports as usize)
    );
    println!(
        "observe, record and select together: {:.1} transactions an epoch ({:.2} a validator)",
        avg(|c| c.observe + c.record + c.select), avg(|c| c.observe + c.record + c.select) / n as f64
    );
    let Some(pools) = spl.and_then(|s| s["pools"].as_array()) else { return };
    let Some(p) = pools.iter().find(|p| p["validators"].as_u64() == Some(n as u64)) else {
        println!("\n(no SPL Stake Pool figures for {n} validators in --spl)");
        return;
    };
    println!();
    println!("SPL Stake Pool {} for the same pool, from its own instruction builders (bench/spl-stake-pool-cost):", spl.and_then(|s| s["spl_stake_pool_version"].as_str()).unwrap_or("?"));
    println!();
    println!("| SPL Stake Pool | txs | accounts | KB | fee (lamports) |");
    println!("|---|---:|---:|---:|---:|");
    for part in ["update", "rebalance"] {
        for packing in ["legacy", "v0"] {
            let f = &p[part][packing];
            if f.is_null() {
                continue;
            }
            println!(
                "| {part}, {packing} | {} | {} | {:.1} | {} |",
                f["transactions"], f["accounts"], f["bytes"].as_f64().unwrap_or(0.0) / 1024.0, f["fee_lamports"]
            );
        }
    }
    println!();
    println!("Ours (mean above) = observe + finalize + rebalance + record; SPL's = update (every epoch) + rebalance (the same 1% flow).");
}
