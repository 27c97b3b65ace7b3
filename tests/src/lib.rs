//! Test helpers around one `TestContext`: the in-process chain with the real Stake and SPL Token
//! programs, a pool built through the SDK, snapshots to prove failed instructions change nothing,
//! and the books check (reserve + stake accounts = SOL under management).
use anchor_lang::prelude::Pubkey;
use liquid_staking::error::LiquidStakingError;
use liquid_staking_localnet::{
    setup::{self, CreatedPool, PoolConfig},
    LocalChain, SOL,
};
use liquid_staking_sdk::{addresses::lst_account, PoolKeys};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_program_test::BanksClientError;
use solana_transaction_error::TransactionError;

pub use liquid_staking_localnet::{plan_step, run_crank, CrankStep};

pub struct TestContext {
    pub chain: LocalChain,
    pub pool: CreatedPool,
}

impl TestContext {
    /// A chain with `validators` vote accounts and a fresh pool (default config, none added).
    pub async fn new(validators: usize) -> Self {
        Self::with_config(validators, &PoolConfig::default()).await
    }

    pub async fn with_config(validators: usize, config: &PoolConfig) -> Self {
        Self::on_chain(LocalChain::start(validators).await, config).await
    }

    /// A fresh pool on `chain`.
    pub async fn on_chain(mut chain: LocalChain, config: &PoolConfig) -> Self {
        let pool = setup::create_pool(&mut chain, config).await.expect("pool created");
        Self { chain, pool }
    }

    /// The pool's rate account, decoded.
    pub async fn rate_account(&mut self) -> liquid_staking::state::ExchangeRate {
        let keys = self.keys();
        let account = self.chain.account(&keys.rate).await.expect("the rate account exists");
        liquid_staking_sdk::decode::exchange_rate(&account.data).expect("an ExchangeRate")
    }

    /// Takes `lamports` out of validator `index`'s main stake account, as a slash would (Solana
    /// has none today; the test writes the account).
    pub async fn slash(&mut self, index: usize, lamports: u64) {
        let vote = self.chain.vote_accounts[index];
        let address = self.keys().validator_stake(&vote);
        let mut account = self.chain.account(&address).await.expect("stake account");
        account.lamports -= lamports;
        self.chain.ctx.set_account(&address, &account.into());
    }

    /// A pool with `deposit_sol` deposited by one user, every vote account added with `weight`,
    /// and the first crank run (stake is activating).
    pub async fn staked(validators: usize, deposit_sol: u64) -> (Self, Keypair) {
        let mut t = Self::new(validators).await;
        let user = t.user_with_deposit(deposit_sol * SOL).await;
        for vote in t.chain.vote_accounts.clone() {
            t.add_validator(vote, 100).await.expect("validator added");
        }
        run_crank(&mut t.chain, &t.pool.keys).await.expect("first crank");
        (t, user)
    }

    pub fn keys(&self) -> PoolKeys {
        self.pool.keys
    }

    pub async fn add_validator(&mut self, vote: Pubkey, weight: u32) -> Result<(), BanksClientError> {
        setup::add_validator(&mut self.chain, &self.pool, vote, weight).await
    }

    /// A new wallet that deposited `lamports` (and holds 10 SOL more for later use).
    pub async fn user_with_deposit(&mut self, lamports: u64) -> Keypair {
        let user = setup::funded_wallet(&mut self.chain, lamports + 10 * SOL).await;
        let keys = self.keys();
        setup::deposit_sol(&mut self.chain, &keys, &user, lamports, 0).await.expect("deposit");
        user
    }

    pub fn lst_account_of(&self, owner: &Pubkey) -> Pubkey {
        lst_account(owner, &self.pool.keys.lst_mint)
    }

    pub async fn pool_state(&mut self) -> liquid_staking::state::Pool {
        let pool = self.pool.keys.pool;
        self.chain.pool(&pool).await
    }

    /// Every account the pool consists of: pool, list, reserve, mint, treasury, and each
    /// validator's stake and transient accounts.
    pub async fn pool_accounts(&mut self) -> Vec<Pubkey> {
        let keys = self.keys();
        let mut out = vec![keys.pool, keys.validator_list, keys.reserve, keys.lst_mint, keys.treasury];
        for vote in self.chain.vote_accounts.clone() {
            out.push(keys.validator_stake(&vote));
            out.push(keys.transient_stake(&vote));
        }
        out
    }

    pub async fn snapshot(&mut self, extra: &[Pubkey]) -> Snapshot {
        let mut keys = self.pool_accounts().await;
        keys.extend_from_slice(extra);
        let mut accounts = Vec::new();
        for k in keys {
            accounts.push((k, self.chain.account(&k).await));
        }
        Snapshot(accounts)
    }

    /// Lamports the pool really holds: the reserve above its rent-exempt minimum plus every
    /// stake account of every listed validator.
    pub async fn holdings(&mut self) -> u64 {
        let keys = self.keys();
        let pool = self.pool_state().await;
        let list = self.chain.validator_list(&keys).await;
        let mut total = pool.reserve_free_lamports(self.chain.lamports(&keys.reserve).await);
        for entry in &list.entries {
            total += self.chain.lamports(&keys.validator_stake(&entry.vote_account)).await;
            total += self.chain.lamports(&keys.transient_stake(&entry.vote_account)).await;
        }
        total
    }

    /// The books: what the pool holds equals SOL under management plus SOL owed to tickets plus
    /// rewards the runtime paid that the crank has not yet recognised, to the lamport; and the
    /// validator list's recorded balances add up to the pool's stake total.
    pub async fn assert_books(&mut self, unrecognised_rewards: u64) {
        let keys = self.keys();
        let pool = self.pool_state().await;
        let holdings = self.holdings().await;
        assert_eq!(
            holdings,
            pool.total_lamports + pool.owed_lamports + unrecognised_rewards,
            "reserve + stake accounts must equal SOL under management + owed to tickets {} (+ unrecognised rewards {unrecognised_rewards})",
            pool.owed_lamports
        );
        let list = self.chain.validator_list(&keys).await;
        let recorded: u64 = list.entries.iter().map(|e| e.total_lamports()).sum();
        assert_eq!(recorded, pool.stake_lamports, "validator list and pool stake total disagree");
    }
}

impl TestContext {
    /// Runs the crank for the current epoch one transaction at a time (observe, finalize,
    /// rebalance) and checks the books after every transaction: `rewards` (paid by the runtime at
    /// the last boundary) stay unrecognised until finalize, and are part of the total after.
    pub async fn crank_checking_books(&mut self, rewards: u64) {
        let keys = self.keys();
        let epoch = self.chain.epoch().await;
        for step in [CrankStep::Observe, CrankStep::Finalize, CrankStep::Rebalance] {
            for tx in plan_step(&mut self.chain, &keys, step).await {
                self.chain.process(&tx, &[]).await.unwrap_or_else(|e| panic!("{step:?} failed: {e:?}"));
                let pending = if self.pool_state().await.last_update_epoch == epoch { 0 } else { rewards };
                self.assert_books(pending).await;
            }
        }
        assert_eq!(self.pool_state().await.last_update_epoch, epoch, "the crank finalized the epoch");
    }

    /// Moves to the next epoch with real rewards; returns the rewards the runtime paid the pool.
    pub async fn advance_epoch(&mut self) -> u64 {
        let before = self.holdings().await;
        self.chain.advance_epoch().await;
        self.holdings().await - before
    }
}

impl TestContext {
    /// `owner` orders a delayed exit of `lst_amount`; returns the ticket's address.
    pub async fn order_unstake(&mut self, owner: &Keypair, lst_amount: u64) -> Result<Pubkey, BanksClientError> {
        let keys = self.keys();
        setup::order_unstake(&mut self.chain, &keys, owner, lst_amount).await
    }

    pub async fn claim_ticket(&mut self, owner: &Keypair, ticket: &Pubkey) -> Result<(), BanksClientError> {
        let keys = self.keys();
        setup::claim_ticket(&mut self.chain, &keys, owner, ticket).await
    }

    /// A stake account of `owner` (staker and withdrawer), delegated to `vote` with `lamports`.
    pub async fn user_stake_account(&mut self, owner: &Keypair, vote: &Pubkey, lamports: u64) -> Keypair {
        setup::user_stake_account(&mut self.chain, owner, vote, lamports).await.expect("user stake account")
    }

    pub async fn lst_balance(&mut self, owner: &Pubkey) -> u64 {
        let account = self.lst_account_of(owner);
        self.chain.token_balance(&account).await
    }
}

/// Accounts as they were at one moment.
#[derive(Debug, PartialEq)]
pub struct Snapshot(pub Vec<(Pubkey, Option<Account>)>);

impl Snapshot {
    /// Panics naming the first account that differs.
    pub fn assert_same(&self, after: &Snapshot) {
        for ((key, a), (_, b)) in self.0.iter().zip(after.0.iter()) {
            assert_eq!(a, b, "account {key} changed");
        }
    }
}

/// Puts `to` in `instruction` where it had `from` (to try a wrong account), by address rather than
/// by position.
pub fn swap_account(instruction: &mut solana_instruction::Instruction, from: &Pubkey, to: Pubkey) {
    let meta = instruction.accounts.iter_mut().find(|m| m.pubkey == *from).expect("the instruction has the account");
    meta.pubkey = to;
}

/// The custom error code a failed transaction carries, if any.
pub fn error_code(err: &BanksClientError) -> Option<u32> {
    let tx_err = match err {
        BanksClientError::TransactionError(e) => e,
        BanksClientError::SimulationError { err, .. } => err,
        _ => return None,
    };
    match tx_err {
        TransactionError::InstructionError(_, solana_instruction_error::InstructionError::Custom(code)) => Some(*code),
        _ => None,
    }
}

/// Asserts that `result` failed with exactly `expected`.
pub fn assert_error<T: std::fmt::Debug>(result: Result<T, BanksClientError>, expected: LiquidStakingError) {
    let code = u32::from(expected) ;
    match result {
        Ok(v) => panic!("expected {expected:?} ({code}), but the transaction succeeded: {v:?}"),
        Err(e) => assert_eq!(error_code(&e), Some(code), "expected {expected:?} ({code}), got {e:?}"),
    }
}

/// Asserts that `result` failed with an Anchor framework error (e.g. a constraint).
pub fn assert_anchor_error<T: std::fmt::Debug>(result: Result<T, BanksClientError>, expected: anchor_lang::error::ErrorCode) {
    let code = expected as u32;
    match result {
        Ok(v) => panic!("expected {expected:?} ({code}), but the transaction succeeded: {v:?}"),
        Err(e) => assert_eq!(error_code(&e), Some(code), "expected {expected:?} ({code}), got {e:?}"),
    }
}

/// The program's events of type `E` in a transaction's `logs` when the chain runs the SBF build;
/// None natively, where the program's log lines are not captured (`scripts/test.sh` runs every
/// program test both ways, so each event assertion runs in the SBF pass).
pub fn events_in<E: anchor_lang::Event + anchor_lang::AnchorDeserialize>(logs: &[String]) -> Option<Vec<E>> {
    liquid_staking_localnet::sbf::enabled().then(|| liquid_staking_sdk::decode::events(logs))
}

pub use liquid_staking_localnet::SOL as LAMPORTS_PER_SOL;
pub mod fuzz;
