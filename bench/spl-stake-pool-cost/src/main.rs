//! What SPL Stake Pool's per-epoch crank costs for a large pool, in transactions, signatures,
//! account keys, serialized bytes and base fees.
//!
//! Every SPL instruction here comes from `spl_stake_pool::instruction` (crates.io 2.2.0), built
//! from a `StakePool` and a `ValidatorList` filled through the crate's own types. The instructions
//! are then packed two ways:
//!
//! * `legacy`: as SPL's own CLI packs them (clients/cli/src/main.rs of solana-program/stake-pool:
//!   `command_update` sends one `UpdateValidatorListBalance` per legacy transaction, then one
//!   transaction with `UpdateStakePoolBalance` + `CleanupRemovedValidatorEntries`;
//!   `command_increase_validator_stake` / `command_decrease_validator_stake` send one instruction
//!   per legacy transaction, signed by the fee payer and the staker);
//! * `v0`: the best packing this tool can find: v0 messages whose every non-signer, non-program
//!   address sits in an address lookup table, instructions added greedily (in order) while the
//!   signed, serialized transaction stays within the packet size and the message within the
//!   account-lock limit (the final `UpdateStakePoolBalance` + `CleanupRemovedValidatorEntries`
//!   pair stays in a transaction of its own). Both are checked on real
//!   `v0::Message::try_compile` output serialized as a signed `VersionedTransaction` (dummy
//!   signature bytes). Compute units are not checked.

use {
    serde_json::{json, Value},
    solana_hash::Hash,
    solana_instruction::{AccountMeta, Instruction},
    solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage},
    solana_pubkey::Pubkey,
    solana_signature::Signature,
    solana_transaction::versioned::VersionedTransaction,
    spl_stake_pool::{
        find_deposit_authority_program_address, find_stake_program_address,
        find_transient_stake_program_address, find_withdraw_authority_program_address,
        instruction as spl_ix,
        state::{AccountType, Fee, StakePool, StakeStatus, ValidatorList, ValidatorStakeInfo},
        MAX_VALIDATORS_IN_POOL, MAX_VALIDATORS_TO_UPDATE,
    },
    std::{
        collections::{BTreeSet, HashMap},
        num::NonZeroU32,
        process::exit,
        time::Instant,
    },
};

const SPL_STAKE_POOL_VERSION: &str = "2.2.0";
/// The classic SPL Token program, the pool mint's token program.
const TOKEN_PROGRAM_ID: Pubkey =
    Pubkey::from_str_const("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
/// Addresses an address lookup table can hold.
const LOOKUP_TABLE_MAX_ADDRESSES: usize = 256;
const LAMPORTS_PER_SOL: u64 = 1_000_000_000;

const HELP: &str = "\
spl-stake-pool-cost: what SPL Stake Pool's per-epoch crank costs for large pools

USAGE:
    spl-stake-pool-cost [OPTIONS]

For each pool size N it fabricates a StakePool and a ValidatorList of N active validators
(unique vote accounts) with spl-stake-pool 2.2.0's own types, and builds, with the crate's own
instruction builders, what one steady-state epoch needs:

  update     spl_stake_pool::instruction::update_stake_pool(..): one UpdateValidatorListBalance
             per 4 validators (MAX_VALIDATORS_TO_UPDATE), then UpdateStakePoolBalance and
             CleanupRemovedValidatorEntries. Required every epoch before deposits/withdrawals.
  rebalance  moving the epoch's flow (--flow-percent of the pool's SOL deposited and as much
             withdrawn): increase_validator_stake_with_vote on K validators and
             decrease_validator_stake_with_vote (DecreaseValidatorStakeWithReserve) on K others,
             as the CLI's increase-validator-stake / decrease-validator-stake commands build them.

Each is packed two ways:
  legacy     exactly as SPL's CLI packs it (clients/cli/src/main.rs, command_update and
             command_increase/decrease_validator_stake): one instruction per legacy transaction,
             except the final UpdateStakePoolBalance + CleanupRemovedValidatorEntries pair.
  v0         best packing: v0 messages, every non-signer non-program address in address lookup
             tables, instructions added greedily while the signed serialized transaction fits
             --max-tx-bytes and the message --account-lock-limit (the final update pair still
             in a transaction of its own). Compute units are NOT checked: no measured figure
             for these instructions at these pool sizes is available here (see README.md).

Counted per packing: transactions, signatures, accounts (sum over transactions of the message's
account keys, lookups included), bytes (sum of serialized signed transactions) and fee_lamports
(signatures x --lamports-per-signature; no priority fee). The users' own deposit/withdraw
transactions are not counted.

Prints a table on stderr and one JSON object on stdout.

OPTIONS:
    --validators LIST             pool sizes, comma-separated [default: 1000,20000] (max 20000,
                                  the program's MAX_VALIDATORS_IN_POOL)
    --rebalance-validators K      validators touched for deposits, and K others for
                                  withdrawals [default: 8]
    --flow-percent P              share of the pool's SOL deposited, and withdrawn, per epoch;
                                  only sets the lamports in the instructions [default: 1]
    --pool-sol SOL                SOL under management; only sets lamports [default: 10000000]
    --lamports-per-signature L    base fee per signature [default: 5000]
    --with-compute-unit-limit U   append ComputeBudget SetComputeUnitLimit(U) to every
                                  transaction, as the CLI's --with-compute-unit-limit does
                                  [default: none, the CLI's default]
    --separate-staker             the staker is not the fee payer: rebalance transactions carry
                                  two signatures [default: one key, the CLI's default]
    --account-lock-limit N        accounts a transaction may reference [default: 64]
    --max-tx-bytes N              serialized transaction size limit [default: 1232]
    --v0-max-update-per-tx N      cap the UpdateValidatorListBalance instructions a v0
                                  transaction carries, e.g. for a compute-unit budget
                                  [default: no cap]
    --v0-max-rebalance-per-tx N   the same for increase/decrease instructions [default: no cap]
    -h, --help                    this text
";

struct Options {
    validators: Vec<usize>,
    rebalance_validators: usize,
    flow_percent: f64,
    pool_sol: u64,
    lamports_per_signature: u64,
    compute_unit_limit: Option<u32>,
    separate_staker: bool,
    account_lock_limit: usize,
    max_tx_bytes: usize,
    v0_max_update_per_tx: Option<usize>,
    v0_max_rebalance_per_tx: Option<usize>,
}

fn die(msg: &str) -> ! {
    eprintln!("error: {msg}\n\nRun with --help for usage.");
    exit(2)
}

fn parse_options() -> Options {
    let mut o = Options {
        validators: vec![1_000, 20_000],
        rebalance_validators: 8,
        flow_percent: 1.0,
        pool_sol: 10_000_000,
        lamports_per_signature: 5_000,
        compute_unit_limit: None,
        separate_staker: false,
        account_lock_limit: 64,
        max_tx_bytes: 1232,
        v0_max_update_per_tx: None,
        v0_max_rebalance_per_tx: None,
    };
    let mut args = std::env::args().skip(1);
    fn num<T: std::str::FromStr>(flag: &str, v: Option<String>) -> T {
        let v = v.unwrap_or_else(|| die(&format!("{flag} needs a value")));
        v.replace('_', "")
            .parse()
            .unwrap_or_else(|_| die(&format!("{flag}: cannot parse {v:?}")))
    }
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                exit(0)
            }
            "--validators" => {
                let v = value().unwrap_or_else(|| die("--validators needs a value"));
                o.validators = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| num("--validators", Some(s.to_string())))
                    .collect();
            }
            "--rebalance-validators" => o.rebalance_validators = num(&flag, value()),
            "--flow-percent" => o.flow_percent = num(&flag, value()),
            "--pool-sol" => o.pool_sol = num(&flag, value()),
            "--lamports-per-signature" => o.lamports_per_signature = num(&flag, value()),
            "--with-compute-unit-limit" => o.compute_unit_limit = Some(num(&flag, value())),
            "--separate-staker" => o.separate_staker = true,
            "--account-lock-limit" => o.account_lock_limit = num(&flag, value()),
            "--max-tx-bytes" => o.max_tx_bytes = num(&flag, value()),
            "--v0-max-update-per-tx" => o.v0_max_update_per_tx = Some(num(&flag, value())),
            "--v0-max-rebalance-per-tx" => o.v0_max_rebalance_per_tx = Some(num(&flag, value())),
            other => die(&format!("unknown argument {other:?}")),
        }
    }
    if o.validators.is_empty() {
        die("--validators is empty");
    }
    for &n in &o.validators {
        if n == 0 || n > MAX_VALIDATORS_IN_POOL as usize {
            die(&format!(
                "a pool holds 1..={MAX_VALIDATORS_IN_POOL} validators (MAX_VALIDATORS_IN_POOL), not {n}"
            ));
        }
        if 2 * o.rebalance_validators > n {
            die(&format!(
                "--rebalance-validators {} needs at least {} validators (K for deposits, K others for withdrawals), the pool has {n}",
                o.rebalance_validators,
                2 * o.rebalance_validators
            ));
        }
    }
    if !(o.flow_percent > 0.0 && o.flow_percent <= 100.0) {
        die("--flow-percent must be in (0, 100]");
    }
    o
}

/// Deterministic, distinct addresses: the label and counter in the first bytes, a mix after.
fn fabricated_address(label: u8, i: u64) -> Pubkey {
    let mut b = [0u8; 32];
    b[0] = label;
    b[1..9].copy_from_slice(&i.to_le_bytes());
    let mut x = (u64::from(label) << 56) ^ i ^ 0x9e37_79b9_7f4a_7c15;
    for chunk in b[9..].chunks_mut(8) {
        // splitmix64
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let n = chunk.len();
        chunk.copy_from_slice(&z.to_le_bytes()[..n]);
    }
    Pubkey::new_from_array(b)
}

/// A pool of `n` active validators, one epoch after its last update.
struct Pool {
    program_id: Pubkey,
    address: Pubkey,
    fee_payer: Pubkey,
    stake_pool: StakePool,
    validator_list: ValidatorList,
    /// Lookup tables: [0] the pool-wide addresses, then (vote, stake, transient) per validator in
    /// list order, 85 validators a table.
    tables: Vec<AddressLookupTableAccount>,
    table_of: HashMap<Pubkey, usize>,
}

impl Pool {
    fn new(n: usize, o: &Options) -> Self {
        let program_id = spl_stake_pool::id();
        let address = fabricated_address(1, 0);
        let fee_payer = fabricated_address(2, 0);
        let staker = if o.separate_staker {
            fabricated_address(3, 0)
        } else {
            fee_payer
        };
        let epoch: u64 = 900;
        let total_lamports = o.pool_sol * LAMPORTS_PER_SOL;
        let (_, withdraw_bump) = find_withdraw_authority_program_address(&program_id, &address);
        let (deposit_authority, _) = find_deposit_authority_program_address(&program_id, &address);
        let fee = |numerator, denominator| Fee {
            numerator,
            denominator,
        };
        let stake_pool = StakePool {
            account_type: AccountType::StakePool,
            manager: fabricated_address(4, 0),
            staker,
            stake_deposit_authority: deposit_authority,
            stake_withdraw_bump_seed: withdraw_bump,
            validator_list: fabricated_address(5, 0),
            reserve_stake: fabricated_address(6, 0),
            pool_mint: fabricated_address(7, 0),
            manager_fee_account: fabricated_address(8, 0),
            token_program_id: TOKEN_PROGRAM_ID,
            total_lamports,
            pool_token_supply: total_lamports / 11 * 10,
            last_update_epoch: epoch - 1,
            epoch_fee: fee(5, 100),
            stake_withdrawal_fee: fee(1, 1000),
            sol_withdrawal_fee: fee(1, 1000),
            last_epoch_pool_token_supply: total_lamports / 11 * 10,
            last_epoch_total_lamports: total_lamports,
            ..StakePool::default()
        };

        let per_validator = total_lamports * 99 / 100 / n as u64;
        let mut validator_list = ValidatorList::new(n as u32);
        for (i, v) in validator_list.validators.iter_mut().enumerate() {
            *v = ValidatorStakeInfo {
                active_stake_lamports: per_validator.into(),
                transient_stake_lamports: 0u64.into(),
                last_update_epoch: (epoch - 1).into(),
                transient_seed_suffix: 0u64.into(),
                unused: 0u32.into(),
                validator_seed_suffix: 0u32.into(),
                status: StakeStatus::Active.into(),
                vote_account_address: fabricated_address(9, i as u64),
            };
        }

        // Lookup tables holding every address an instruction may take from one.
        let per_validator_addresses: Vec<[Pubkey; 3]> = validator_list
            .validators
            .iter()
            .map(|v| validator_addresses(&program_id, &address, v))
            .collect();
        let mut pool_wide: Vec<Pubkey> = vec![];
        {
            let (update, finals) = spl_ix::update_stake_pool(
                &program_id,
                &stake_pool,
                &validator_list,
                &address,
                false,
            );
            let first_vote = validator_list.validators[0].vote_account_address;
            let samples = [
                update[0].clone(),
                finals[0].clone(),
                finals[1].clone(),
                spl_ix::increase_validator_stake_with_vote(
                    &program_id,
                    &stake_pool,
                    &address,
                    &first_vote,
                    1,
                    None,
                    0,
                ),
                spl_ix::decrease_validator_stake_with_vote(
                    &program_id,
                    &stake_pool,
                    &address,
                    &first_vote,
                    1,
                    None,
                    0,
                ),
            ];
            let validator_keys: BTreeSet<Pubkey> =
                per_validator_addresses.iter().flatten().copied().collect();
            for ix in &samples {
                for m in &ix.accounts {
                    if !m.is_signer
                        && !validator_keys.contains(&m.pubkey)
                        && !pool_wide.contains(&m.pubkey)
                    {
                        pool_wide.push(m.pubkey);
                    }
                }
            }
            assert!(pool_wide.len() <= LOOKUP_TABLE_MAX_ADDRESSES);
        }
        let mut tables = vec![AddressLookupTableAccount {
            key: fabricated_address(10, 0),
            addresses: pool_wide,
        }];
        let per_table = LOOKUP_TABLE_MAX_ADDRESSES / 3;
        for (t, chunk) in per_validator_addresses.chunks(per_table).enumerate() {
            tables.push(AddressLookupTableAccount {
                key: fabricated_address(10, t as u64 + 1),
                addresses: chunk.iter().flatten().copied().collect(),
            });
        }
        let mut table_of = HashMap::new();
        for (t, table) in tables.iter().enumerate() {
            for a in &table.addresses {
                assert!(table_of.insert(*a, t).is_none(), "address in two tables");
            }
        }
        Pool {
            program_id,
            address,
            fee_payer,
            stake_pool,
            validator_list,
            tables,
            table_of,
        }
    }
}

/// A validator's vote account, validator stake account and current transient stake account.
fn validator_addresses(program_id: &Pubkey, pool: &Pubkey, v: &ValidatorStakeInfo) -> [Pubkey; 3] {
    let vote = v.vote_account_address;
    let stake = find_stake_program_address(
        program_id,
        &vote,
        pool,
        NonZeroU32::new(v.validator_seed_suffix.into()),
    )
    .0;
    let transient = find_transient_stake_program_address(
        program_id,
        &vote,
        pool,
        v.transient_seed_suffix.into(),
    )
    .0;
    [vote, stake, transient]
}

/// ComputeBudget SetComputeUnitLimit, as solana-compute-budget-interface builds it
/// (`ComputeBudgetInstruction::set_compute_unit_limit`: borsh enum tag 2, then the u32).
fn set_compute_unit_limit(units: u32) -> Instruction {
    let mut data = vec![2u8];
    data.extend_from_slice(&units.to_le_bytes());
    Instruction {
        program_id: solana_sdk_ids::compute_budget::id(),
        accounts: Vec::<AccountMeta>::new(),
        data,
    }
}

#[derive(Clone, Copy, Default)]
struct TxStats {
    signatures: usize,
    accounts: usize,
    bytes: usize,
}

#[derive(Default)]
struct Totals {
    instructions: usize,
    transactions: usize,
    signatures: usize,
    accounts: usize,
    bytes: usize,
    max_tx_bytes: usize,
    max_tx_accounts: usize,
    /// SPL instructions (compute-budget ones aside) in the fullest transaction.
    max_instructions_per_tx: usize,
    min_instructions_per_tx: usize,
    lookup_tables_per_tx_max: usize,
    over_limits: usize,
}

impl Totals {
    fn add(&mut self, s: TxStats, spl_instructions: usize, tables: usize, o: &Options) {
        self.instructions += spl_instructions;
        self.transactions += 1;
        self.signatures += s.signatures;
        self.accounts += s.accounts;
        self.bytes += s.bytes;
        self.max_tx_bytes = self.max_tx_bytes.max(s.bytes);
        self.max_tx_accounts = self.max_tx_accounts.max(s.accounts);
        self.max_instructions_per_tx = self.max_instructions_per_tx.max(spl_instructions);
        self.min_instructions_per_tx = if self.transactions == 1 {
            spl_instructions
        } else {
            self.min_instructions_per_tx.min(spl_instructions)
        };
        self.lookup_tables_per_tx_max = self.lookup_tables_per_tx_max.max(tables);
        if s.bytes > o.max_tx_bytes || s.accounts > o.account_lock_limit {
            self.over_limits += 1;
        }
    }

    fn json(&self, o: &Options) -> Value {
        json!({
            "transactions": self.transactions,
            "signatures": self.signatures,
            "accounts": self.accounts,
            "bytes": self.bytes,
            "fee_lamports": self.signatures as u64 * o.lamports_per_signature,
            "instructions": self.instructions,
            "largest_tx_bytes": self.max_tx_bytes,
            "largest_tx_accounts": self.max_tx_accounts,
            "transactions_over_limits": self.over_limits,
        })
    }
}

/// Signed, serialized size and counts of a transaction carrying `message`.
fn stats_of(message: VersionedMessage) -> TxStats {
    let (signatures, accounts) = match &message {
        VersionedMessage::Legacy(m) => (
            m.header.num_required_signatures as usize,
            m.account_keys.len(),
        ),
        VersionedMessage::V0(m) => (
            m.header.num_required_signatures as usize,
            m.account_keys.len()
                + m.address_table_lookups
                    .iter()
                    .map(|l| l.writable_indexes.len() + l.readonly_indexes.len())
                    .sum::<usize>(),
        ),
    };
    let tx = VersionedTransaction {
        // Dummy signature bytes: a signature is 64 bytes whatever it signs.
        signatures: vec![Signature::from([0xa5u8; 64]); signatures],
        message,
    };
    // The runtime's structural checks (header, indexes, lookups) and a wire round trip.
    tx.sanitize().expect("sanitize transaction");
    let wire = bincode::serialize(&tx).expect("serialize transaction");
    let back: VersionedTransaction = bincode::deserialize(&wire).expect("deserialize transaction");
    assert!(back == tx, "transaction round trip");
    let bytes = wire.len();
    TxStats {
        signatures,
        accounts,
        bytes,
    }
}

fn blockhash() -> Hash {
    Hash::new_from_array([0x42; 32])
}

fn with_budget(ixs: &[Instruction], o: &Options) -> Vec<Instruction> {
    let mut v = ixs.to_vec();
    // The CLI pushes compute-budget instructions after the command's own.
    if let Some(units) = o.compute_unit_limit {
        v.push(set_compute_unit_limit(units));
    }
    v
}

fn legacy_stats(pool: &Pool, ixs: &[Instruction], o: &Options) -> TxStats {
    let message =
        Message::new_with_blockhash(&with_budget(ixs, o), Some(&pool.fee_payer), &blockhash());
    stats_of(VersionedMessage::Legacy(message))
}

/// A v0 message with the lookup tables the instructions need; (stats, tables used).
fn v0_stats(pool: &Pool, ixs: &[Instruction], o: &Options) -> (TxStats, usize) {
    let ixs = with_budget(ixs, o);
    let needed: BTreeSet<usize> = ixs
        .iter()
        .flat_map(|ix| ix.accounts.iter())
        .filter(|m| !m.is_signer)
        .filter_map(|m| pool.table_of.get(&m.pubkey).copied())
        .collect();
    let tables: Vec<AddressLookupTableAccount> =
        needed.iter().map(|&t| pool.tables[t].clone()).collect();
    let message = v0::Message::try_compile(&pool.fee_payer, &ixs, &tables, blockhash())
        .expect("compile v0 message");
    let used = message.address_table_lookups.len();
    (stats_of(VersionedMessage::V0(message)), used)
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Legacy,
    V0,
}

/// Transactions exactly as given (the CLI's packing).
fn pack_fixed(pool: &Pool, txs: &[Vec<Instruction>], format: Format, o: &Options) -> Totals {
    let mut t = Totals::default();
    for ixs in txs {
        let (s, tables) = match format {
            Format::Legacy => (legacy_stats(pool, ixs, o), 0),
            Format::V0 => v0_stats(pool, ixs, o),
        };
        t.add(s, ixs.len(), tables, o);
    }
    t
}

/// Greedy: add instructions in order while the transaction fits both limits.
/// Returns the totals and what closed the first full transaction.
fn pack_greedy(
    pool: &Pool,
    ixs: &[Instruction],
    format: Format,
    o: &Options,
    max_per_tx: Option<usize>,
) -> (Totals, Option<&'static str>) {
    let stats = |ixs: &[Instruction]| match format {
        Format::Legacy => (legacy_stats(pool, ixs, o), 0),
        Format::V0 => v0_stats(pool, ixs, o),
    };
    let mut t = Totals::default();
    let mut first_limit = None;
    let mut current: Vec<Instruction> = vec![];
    let mut current_stats = None;
    for ix in ixs {
        current.push(ix.clone());
        let candidate = stats(&current);
        let too_big = candidate.0.bytes > o.max_tx_bytes;
        let too_many = candidate.0.accounts > o.account_lock_limit;
        let capped = max_per_tx.is_some_and(|m| current.len() > m);
        if (too_big || too_many || capped) && current.len() > 1 {
            if first_limit.is_none() {
                first_limit = Some(match (too_big, too_many) {
                    (true, true) => "bytes and account locks",
                    (true, false) => "bytes",
                    (false, true) => "account locks",
                    (false, false) => "instruction cap",
                });
            }
            current.pop();
            let (s, tables): (TxStats, usize) = current_stats.take().unwrap();
            t.add(s, current.len(), tables, o);
            current = vec![ix.clone()];
            current_stats = Some(stats(&current));
        } else {
            current_stats = Some(candidate);
        }
    }
    if let Some((s, tables)) = current_stats {
        t.add(s, current.len(), tables, o);
    }
    (t, first_limit)
}

struct PoolReport {
    validators: usize,
    json: Value,
    rows: Vec<(String, String, Totals)>,
}

fn run_pool(n: usize, o: &Options) -> PoolReport {
    let started = Instant::now();
    let pool = Pool::new(n, o);

    // 1. The update crank, built by the crate.
    let (update_list, finals) = spl_ix::update_stake_pool(
        &pool.program_id,
        &pool.stake_pool,
        &pool.validator_list,
        &pool.address,
        false, // no_merge: the CLI's `update` default
    );
    assert_eq!(update_list.len(), n.div_ceil(MAX_VALIDATORS_TO_UPDATE));
    // command_update: each UpdateValidatorListBalance alone, then the final pair together.
    let mut update_cli: Vec<Vec<Instruction>> =
        update_list.iter().map(|ix| vec![ix.clone()]).collect();
    update_cli.push(finals.clone());

    // 2. Rebalancing the flow: K validators receive the deposits, K others fund the withdrawals,
    // spread over the list (a staker's picks are not neighbours in the list).
    let k = o.rebalance_validators;
    let flow = (pool.stake_pool.total_lamports as f64 * o.flow_percent / 100.0) as u64;
    let per_validator = if k == 0 { 0 } else { flow / k as u64 };
    let mut rebalance: Vec<Instruction> = vec![];
    for j in 0..k {
        let v = &pool.validator_list.validators[j * n / k];
        rebalance.push(spl_ix::increase_validator_stake_with_vote(
            &pool.program_id,
            &pool.stake_pool,
            &pool.address,
            &v.vote_account_address,
            per_validator,
            NonZeroU32::new(v.validator_seed_suffix.into()),
            v.transient_seed_suffix.into(),
        ));
    }
    for j in 0..k {
        let v = &pool.validator_list.validators[(j * n / k + n / (2 * k)) % n];
        rebalance.push(spl_ix::decrease_validator_stake_with_vote(
            &pool.program_id,
            &pool.stake_pool,
            &pool.address,
            &v.vote_account_address,
            per_validator,
            NonZeroU32::new(v.validator_seed_suffix.into()),
            v.transient_seed_suffix.into(),
        ));
    }
    // command_increase/decrease_validator_stake: one instruction per transaction.
    let rebalance_cli: Vec<Vec<Instruction>> =
        rebalance.iter().map(|ix| vec![ix.clone()]).collect();

    let update_legacy = pack_fixed(&pool, &update_cli, Format::Legacy, o);
    // v0: the UpdateValidatorListBalance chunks packed as densely as the limits allow, then the
    // final pair in a transaction of its own, as the CLI sends it: UpdateStakePoolBalance fails
    // unless every entry was updated this epoch, so it goes once the chunks have landed.
    let (mut update_v0, update_v0_limit) =
        pack_greedy(&pool, &update_list, Format::V0, o, o.v0_max_update_per_tx);
    let update_v0_list_max = update_v0.max_instructions_per_tx;
    let (final_stats, final_tables) = v0_stats(&pool, &finals, o);
    update_v0.add(final_stats, finals.len(), final_tables, o);
    let (rebalance_legacy, rebalance_v0, rebalance_v0_limit) = if k > 0 {
        let l = pack_fixed(&pool, &rebalance_cli, Format::Legacy, o);
        let (v, lim) = pack_greedy(&pool, &rebalance, Format::V0, o, o.v0_max_rebalance_per_tx);
        (l, v, lim)
    } else {
        (Totals::default(), Totals::default(), None)
    };
    // For reference only: how many would fit a legacy transaction.
    let (update_legacy_max, update_legacy_max_limit) =
        pack_greedy(&pool, &update_list, Format::Legacy, o, None);
    let (rebalance_legacy_max, rebalance_legacy_max_limit) = if k > 0 {
        pack_greedy(&pool, &rebalance, Format::Legacy, o, None)
    } else {
        (Totals::default(), None)
    };

    let table_addresses: usize = pool.tables.iter().map(|t| t.addresses.len()).sum();
    let json = json!({
        "validators": n,
        "update": {
            "legacy": update_legacy.json(o),
            "v0": update_v0.json(o),
        },
        "rebalance": {
            "legacy": rebalance_legacy.json(o),
            "v0": rebalance_v0.json(o),
        },
        "per_tx_limits": {
            "max_tx_bytes": o.max_tx_bytes,
            "account_lock_limit": o.account_lock_limit,
            "validators_per_update_instruction": MAX_VALIDATORS_TO_UPDATE,
            "update_instructions_per_tx": {
                "legacy_cli": 1,
                "legacy_max": update_legacy_max.max_instructions_per_tx,
                "legacy_max_bound_by": update_legacy_max_limit,
                "v0": update_v0_list_max,
                "v0_bound_by": update_v0_limit,
            },
            "validators_per_update_tx": {
                "legacy_cli": MAX_VALIDATORS_TO_UPDATE,
                "legacy_max": update_legacy_max.max_instructions_per_tx * MAX_VALIDATORS_TO_UPDATE,
                "v0": update_v0_list_max * MAX_VALIDATORS_TO_UPDATE,
            },
            "rebalance_instructions_per_tx": {
                "legacy_cli": 1,
                "legacy_max": rebalance_legacy_max.max_instructions_per_tx,
                "legacy_max_bound_by": rebalance_legacy_max_limit,
                "v0": rebalance_v0.max_instructions_per_tx,
                "v0_bound_by": rebalance_v0_limit,
            },
            "compute_units_checked": false,
            "lookup_tables": pool.tables.len(),
            "lookup_table_addresses": table_addresses,
            "lookup_tables_per_v0_tx_max": update_v0.lookup_tables_per_tx_max.max(rebalance_v0.lookup_tables_per_tx_max),
        },
    });
    eprintln!(
        "built and packed {n} validators in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    PoolReport {
        validators: n,
        json,
        rows: vec![
            ("update".into(), "legacy (SPL CLI)".into(), update_legacy),
            ("update".into(), "v0 + lookup tables".into(), update_v0),
            (
                "rebalance".into(),
                "legacy (SPL CLI)".into(),
                rebalance_legacy,
            ),
            (
                "rebalance".into(),
                "v0 + lookup tables".into(),
                rebalance_v0,
            ),
        ],
    }
}

fn sol(lamports: u64) -> String {
    format!(
        "{}.{:09}",
        lamports / LAMPORTS_PER_SOL,
        lamports % LAMPORTS_PER_SOL
    )
}

fn print_table(reports: &[PoolReport], o: &Options) {
    eprintln!();
    eprintln!(
        "SPL Stake Pool {SPL_STAKE_POOL_VERSION}: one steady-state epoch, {}% of the pool deposited and {}% withdrawn, rebalanced over {} + {} validators; {} lamports a signature{}",
        o.flow_percent,
        o.flow_percent,
        o.rebalance_validators,
        o.rebalance_validators,
        o.lamports_per_signature,
        match o.compute_unit_limit {
            Some(u) => format!(", SetComputeUnitLimit({u}) in every transaction"),
            None => String::new(),
        }
    );
    let header = format!(
        "{:>10}  {:<10} {:<19} {:>7} {:>6} {:>6} {:>9} {:>10} {:>13}  {:>10} {:>13}",
        "validators",
        "what",
        "packing",
        "instrs",
        "txs",
        "sigs",
        "accounts",
        "bytes",
        "fee lamports",
        "fee SOL",
        "max tx B/acc"
    );
    eprintln!("{header}");
    eprintln!("{}", "-".repeat(header.len()));
    for r in reports {
        let mut totals: [(usize, usize, usize, usize, usize); 2] = Default::default();
        for (i, (what, packing, t)) in r.rows.iter().enumerate() {
            let fee = t.signatures as u64 * o.lamports_per_signature;
            eprintln!(
                "{:>10}  {:<10} {:<19} {:>7} {:>6} {:>6} {:>9} {:>10} {:>13}  {:>10} {:>8}/{:<4}{}",
                r.validators,
                what,
                packing,
                t.instructions,
                t.transactions,
                t.signatures,
                t.accounts,
                t.bytes,
                fee,
                sol(fee),
                t.max_tx_bytes,
                t.max_tx_accounts,
                if t.over_limits > 0 {
                    " OVER LIMITS"
                } else {
                    ""
                },
            );
            let s = &mut totals[i % 2];
            s.0 += t.instructions;
            s.1 += t.transactions;
            s.2 += t.signatures;
            s.3 += t.accounts;
            s.4 += t.bytes;
        }
        for (i, packing) in ["legacy (SPL CLI)", "v0 + lookup tables"]
            .iter()
            .enumerate()
        {
            let s = totals[i];
            let fee = s.2 as u64 * o.lamports_per_signature;
            eprintln!(
                "{:>10}  {:<10} {:<19} {:>7} {:>6} {:>6} {:>9} {:>10} {:>13}  {:>10}",
                r.validators,
                "total",
                packing,
                s.0,
                s.1,
                s.2,
                s.3,
                s.4,
                fee,
                sol(fee)
            );
        }
        let l = &r.json["per_tx_limits"];
        eprintln!(
            "{:>10}  per tx: update {} validators legacy (CLI), {} legacy max, {} v0 (bound by {}); rebalance {} instr v0 (bound by {}); {} lookup tables",
            "",
            l["validators_per_update_tx"]["legacy_cli"],
            l["validators_per_update_tx"]["legacy_max"],
            l["validators_per_update_tx"]["v0"],
            l["update_instructions_per_tx"]["v0_bound_by"].as_str().unwrap_or("-"),
            l["rebalance_instructions_per_tx"]["v0"],
            l["rebalance_instructions_per_tx"]["v0_bound_by"].as_str().unwrap_or("-"),
            l["lookup_tables"],
        );
        eprintln!();
    }
}

fn main() {
    let o = parse_options();
    let reports: Vec<PoolReport> = o.validators.iter().map(|&n| run_pool(n, &o)).collect();
    print_table(&reports, &o);
    let out = json!({
        "spl_stake_pool_version": SPL_STAKE_POOL_VERSION,
        "assumptions": {
            "flow_percent_deposited_and_withdrawn": o.flow_percent,
            "rebalance_validators_each_way": o.rebalance_validators,
            "lamports_per_signature": o.lamports_per_signature,
            "compute_unit_limit_instruction": o.compute_unit_limit,
            "staker_is_fee_payer": !o.separate_staker,
            "v0_max_update_instructions_per_tx": o.v0_max_update_per_tx,
            "v0_max_rebalance_instructions_per_tx": o.v0_max_rebalance_per_tx,
            "compute_units_checked": false,
        },
        "pools": reports.iter().map(|r| r.json.clone()).collect::<Vec<_>>(),
    });
    println!("{out}");
}
