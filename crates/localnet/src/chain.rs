use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use liquid_staking_sdk::{decode, PoolKeys};
use solana_account::Account;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;

pub const SOL: u64 = 1_000_000_000;

/// Anchor's `entry` ties every lifetime together; the native processor wants independent ones.
/// The lifetimes are the only thing the transmute changes.
fn liquid_staking_processor(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute(accounts) };
    liquid_staking::entry(program_id, accounts, data)
}

/// Vote credits granted to every validator before each epoch boundary (enough for full rewards).
const VOTE_CREDITS_PER_EPOCH: u64 = 1_000;

pub struct LocalChain {
    pub ctx: ProgramTestContext,
    /// Vote accounts created at genesis, each with its own node identity.
    pub vote_accounts: Vec<Pubkey>,
    /// Vote accounts that stopped voting (no credits from now on): delinquent validators.
    pub silent_votes: Vec<Pubkey>,
    /// `vote_withdrawers[i]` is the authorized withdrawer of `vote_accounts[i]`: it signs the
    /// Vote program's UpdateCommission.
    pub vote_withdrawers: Vec<Keypair>,
}

impl LocalChain {
    /// Starts a chain with `validators` vote accounts (100% commission to nobody: 0%).
    pub async fn start(validators: usize) -> Self {
        Self::start_with(validators, crate::sbf::enabled(), &[]).await
    }

    /// Starts a chain with `validators` vote accounts, the program's SBF build when `sbf` (else the
    /// native program), and the SBF `programs` given as (program id, `.so` name in target/deploy),
    /// such as a test program that calls ours.
    pub async fn start_with(validators: usize, sbf: bool, programs: &[(Pubkey, &str)]) -> Self {
        // program-test turns on debug logging of every instruction unless RUST_LOG says otherwise.
        if std::env::var_os("RUST_LOG").is_none() {
            std::env::set_var("RUST_LOG", "error");
        }
        let mut pt = ProgramTest::default();
        if sbf {
            // LIQUID_STAKING_SBF=1: the SBF build, run in the VM.
            pt.add_account(liquid_staking::ID, crate::sbf::load_program(&crate::sbf::program_path()));
        } else {
            // Natively, whatever SBF_OUT_DIR / BPF_OUT_DIR say.
            pt.prefer_bpf(false);
            pt.add_program("liquid_staking", liquid_staking::ID, processor!(liquid_staking_processor));
        }
        for (id, name) in programs {
            pt.add_account(*id, crate::sbf::load_program(&crate::sbf::so_path(name)));
        }
        let vote_accounts: Vec<Pubkey> = (0..validators).map(|_| Pubkey::new_unique()).collect();
        let vote_withdrawers: Vec<Keypair> = (0..validators).map(|_| Keypair::new()).collect();
        for (vote, withdrawer) in vote_accounts.iter().zip(&vote_withdrawers) {
            let node = Pubkey::new_unique();
            let account = solana_vote_program::vote_state::create_v4_account_with_authorized(
                &node, vote, &withdrawer.pubkey(), None, 0, 10 * SOL,
            );
            pt.add_account(*vote, account.into());
        }
        let ctx = pt.start_with_context().await;
        Self { ctx, vote_accounts, silent_votes: Vec::new(), vote_withdrawers }
    }

    pub fn payer(&self) -> &Keypair {
        &self.ctx.payer
    }

    pub fn payer_pubkey(&self) -> Pubkey {
        self.ctx.payer.pubkey()
    }

    /// Signs with the payer and `signers`, sends, and waits for the result. Each call uses a new
    /// blockhash, so sending the same instructions twice makes two distinct transactions.
    ///
    /// Every transaction goes the one way `process_logged` does too: executed by the banks server
    /// itself, its account locks released before the answer. BanksClient's `process_transaction`
    /// hands the transaction to a thread of its own and answers once its status is committed,
    /// which is before that thread unlocks the accounts: a transaction sent the other way just
    /// then found them still locked (AccountInUse), now and then, under load.
    pub async fn process(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Result<(), BanksClientError> {
        self.process_logged(instructions, signers).await.map(|_| ())
    }

    /// As [`process`](Self::process), returning the transaction's log (where the program's
    /// events are: `liquid_staking_sdk::decode::events`); a refused transaction is an error.
    pub async fn process_logged(&mut self, instructions: &[Instruction], signers: &[&Keypair]) -> Result<Vec<String>, BanksClientError> {
        let blockhash = self.ctx.get_new_latest_blockhash().await.map_err(BanksClientError::from)?;
        let mut all: Vec<&Keypair> = vec![&self.ctx.payer];
        all.extend_from_slice(signers);
        let tx = Transaction::new_signed_with_payer(instructions, Some(&self.ctx.payer.pubkey()), &all, blockhash);
        let outcome = self.ctx.banks_client.process_transaction_with_metadata(tx).await?;
        outcome.result.map_err(BanksClientError::TransactionError)?;
        Ok(outcome.metadata.map(|m| m.log_messages).unwrap_or_default())
    }

    pub async fn account(&mut self, key: &Pubkey) -> Option<Account> {
        self.ctx.banks_client.get_account(*key).await.expect("banks client answers")
    }

    pub async fn lamports(&mut self, key: &Pubkey) -> u64 {
        self.account(key).await.map_or(0, |a| a.lamports)
    }

    pub async fn clock(&mut self) -> solana_clock::Clock {
        self.ctx.banks_client.get_sysvar().await.expect("clock sysvar")
    }

    pub async fn epoch(&mut self) -> u64 {
        self.clock().await.epoch
    }

    pub async fn rent_exempt_minimum(&mut self, bytes: usize) -> u64 {
        let rent = self.ctx.banks_client.get_rent().await.expect("rent sysvar");
        rent.minimum_balance(bytes)
    }

    /// Slots in a (normal) epoch of this chain.
    pub fn slots_per_epoch(&self) -> u64 {
        self.ctx.genesis_config().epoch_schedule.slots_per_epoch
    }

    /// Sets the inflation commission of `vote` (one of `vote_accounts`) through the Vote
    /// program, signed by its withdrawer: a rise only in the first half of an epoch (the Vote
    /// program refuses it later, CommissionUpdateTooLate).
    pub async fn set_commission(&mut self, vote: &Pubkey, percent: u8) -> Result<(), BanksClientError> {
        let i = self.vote_accounts.iter().position(|v| v == vote).expect("one of the chain's vote accounts");
        let withdrawer = self.vote_withdrawers[i].insecure_clone();
        let ix = solana_vote_program::vote_instruction::update_commission(vote, &withdrawer.pubkey(), percent);
        self.process(&[ix], &[&withdrawer]).await
    }

    /// Makes `vote` vote again (after `stop_voting`).
    pub fn resume_voting(&mut self, vote: &Pubkey) {
        self.silent_votes.retain(|v| v != vote);
    }

    /// Makes `vote` stop voting: it earns no credits (and its stake no rewards) from now on, and
    /// after five epochs anyone may deactivate stake delegated to it (DeactivateDelinquent).
    pub fn stop_voting(&mut self, vote: &Pubkey) {
        self.silent_votes.push(*vote);
    }

    /// Moves to the next epoch with real staking rewards: every voting account earns credits, the
    /// runtime pays inflation rewards to the stake delegated to it at the boundary, and the
    /// partitioned reward distribution is run to its end.
    pub async fn advance_epoch(&mut self) -> u64 {
        let epoch = self.epoch().await;
        for vote in self.vote_accounts.clone() {
            if !self.silent_votes.contains(&vote) {
                self.ctx.increment_vote_account_credits(&vote, VOTE_CREDITS_PER_EPOCH);
            }
        }
        let schedule = self.ctx.genesis_config().epoch_schedule.clone();
        let first_slot = schedule.get_first_slot_in_epoch(epoch + 1);
        self.ctx.warp_to_slot(first_slot + 1).expect("warp to the next epoch");
        self.ctx.warp_forward_force_reward_interval_end().expect("end the rewards interval");
        epoch + 1
    }

    /// Sends SOL from the payer.
    pub async fn fund(&mut self, to: &Pubkey, lamports: u64) {
        let payer = self.payer_pubkey();
        self.process(&[solana_system_interface::instruction::transfer(&payer, to, lamports)], &[])
            .await
            .expect("funding transfer");
    }

    pub async fn pool(&mut self, pool: &Pubkey) -> liquid_staking::state::Pool {
        let account = self.account(pool).await.expect("pool account exists");
        decode::pool(&account.data).expect("pool decodes")
    }

    pub async fn validator_list(&mut self, keys: &PoolKeys) -> decode::DecodedValidatorList {
        let account = self.account(&keys.validator_list).await.expect("validator list exists");
        decode::validator_list(&account.data).expect("validator list decodes")
    }

    /// LST (or any token) held by a token account; 0 if it does not exist.
    pub async fn token_balance(&mut self, token_account: &Pubkey) -> u64 {
        self.account(token_account).await.and_then(|a| decode::token_amount(&a.data)).unwrap_or(0)
    }

    pub async fn mint_supply(&mut self, mint: &Pubkey) -> u64 {
        let a = self.account(mint).await.expect("mint exists");
        decode::mint_supply(&a.data).expect("a mint")
    }
}
