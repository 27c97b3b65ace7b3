//! Ready-made pools on the in-process chain, built only with SDK instructions.
use crate::chain::{LocalChain, SOL};
use anchor_lang::prelude::Pubkey;
use liquid_staking_sdk::{
    constants::STAKE_ACCOUNT_SPACE,
    addresses::{lst_account, new_ticket_nonce},
    instructions as ix,
    state::{Fees, ValidatorList},
    PoolKeys,
};
use solana_keypair::Keypair;
use solana_program_test::BanksClientError;
use solana_signer::Signer;

pub struct PoolConfig {
    pub fees: Fees,
    pub reserve_buffer_bps: u16,
    pub initial_deposit_lamports: u64,
}

/// Fees of the demo and of most tests: the SDK's defaults for a new pool.
pub fn default_fees() -> Fees {
    liquid_staking_sdk::DEFAULT_FEES
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self { fees: default_fees(), reserve_buffer_bps: 1_000, initial_deposit_lamports: SOL }
    }
}

/// A created pool and the keypairs of its authorities.
pub struct CreatedPool {
    pub keys: PoolKeys,
    pub admin: Keypair,
    pub operator: Keypair,
    pub pause_guardian: Keypair,
    pub treasury_authority: Keypair,
}

/// The keypairs a new pool needs; separate so tests can create pools with bad inputs.
pub struct NewPoolKeypairs {
    pub lst_mint: Keypair,
    pub validator_list: Keypair,
    pub admin: Keypair,
    pub operator: Keypair,
    pub pause_guardian: Keypair,
    pub treasury_authority: Keypair,
}

impl NewPoolKeypairs {
    pub fn generate() -> Self {
        Self {
            lst_mint: Keypair::new(),
            validator_list: Keypair::new(),
            admin: Keypair::new(),
            operator: Keypair::new(),
            pause_guardian: Keypair::new(),
            treasury_authority: Keypair::new(),
        }
    }

    pub fn keys(&self) -> PoolKeys {
        PoolKeys::derive(self.lst_mint.pubkey(), self.validator_list.pubkey())
    }
}

/// The instructions creating a pool with these keypairs and config (payer: the chain's payer).
pub async fn initialize_pool_instructions(
    chain: &mut LocalChain,
    kp: &NewPoolKeypairs,
    config: &PoolConfig,
) -> Vec<solana_instruction::Instruction> {
    let validator_list_rent_lamports = chain.rent_exempt_minimum(ValidatorList::SPACE).await;
    ix::initialize_pool(&ix::InitializePoolParams {
        payer: chain.payer_pubkey(),
        keys: kp.keys(),
        admin: kp.admin.pubkey(),
        operator: kp.operator.pubkey(),
        pause_guardian: kp.pause_guardian.pubkey(),
        treasury_authority: kp.treasury_authority.pubkey(),
        validator_list_rent_lamports,
        fees: config.fees,
        reserve_buffer_bps: config.reserve_buffer_bps,
        initial_deposit_lamports: config.initial_deposit_lamports,
    })
}

pub async fn create_pool(chain: &mut LocalChain, config: &PoolConfig) -> Result<CreatedPool, BanksClientError> {
    let kp = NewPoolKeypairs::generate();
    let instructions = initialize_pool_instructions(chain, &kp, config).await;
    chain.process(&instructions, &[&kp.lst_mint, &kp.validator_list]).await?;
    Ok(CreatedPool {
        keys: kp.keys(),
        admin: kp.admin,
        operator: kp.operator,
        pause_guardian: kp.pause_guardian,
        treasury_authority: kp.treasury_authority,
    })
}

pub async fn add_validator(
    chain: &mut LocalChain,
    pool: &CreatedPool,
    vote_account: Pubkey,
    weight: u32,
) -> Result<(), BanksClientError> {
    let instruction = ix::add_validator(&ix::AddValidatorParams {
        keys: pool.keys,
        operator: pool.operator.pubkey(),
        vote_account,
        weight,
    });
    chain.process(&[instruction], &[&pool.operator]).await
}

/// A new wallet funded with `lamports` from the payer.
pub async fn funded_wallet(chain: &mut LocalChain, lamports: u64) -> Keypair {
    let wallet = Keypair::new();
    chain.fund(&wallet.pubkey(), lamports).await;
    wallet
}

/// Deposits SOL from `user` into its own associated LST account (created if needed).
pub async fn deposit_sol(
    chain: &mut LocalChain,
    keys: &PoolKeys,
    user: &Keypair,
    lamports: u64,
    min_lst_out: u64,
) -> Result<(), BanksClientError> {
    let recipient_lst = lst_account(&user.pubkey(), &keys.lst_mint);
    let instructions = [
        ix::create_lst_account(&user.pubkey(), &user.pubkey(), &keys.lst_mint),
        ix::deposit_sol(&ix::DepositSolParams {
            keys: *keys,
            depositor: user.pubkey(),
            recipient_lst,
            lamports,
            min_lst_out,
        }),
    ];
    chain.process(&instructions, &[user]).await
}

/// `owner` orders a delayed exit of `lst_amount` from its associated LST account; returns the
/// ticket's address.
pub async fn order_unstake(chain: &mut LocalChain, keys: &PoolKeys, owner: &Keypair, lst_amount: u64) -> Result<Pubkey, BanksClientError> {
    let ticket_nonce = new_ticket_nonce();
    let instruction = ix::order_unstake(&ix::OrderUnstakeParams {
        keys: *keys,
        owner: owner.pubkey(),
        owner_lst: lst_account(&owner.pubkey(), &keys.lst_mint),
        ticket_nonce,
        lst_amount,
        min_lamports_out: 0,
    });
    chain.process(&[instruction], &[owner]).await?;
    Ok(keys.ticket(&owner.pubkey(), ticket_nonce))
}

pub async fn claim_ticket(chain: &mut LocalChain, keys: &PoolKeys, owner: &Keypair, ticket: &Pubkey) -> Result<(), BanksClientError> {
    chain.process(&[ix::claim_ticket(keys, &owner.pubkey(), ticket)], &[owner]).await
}

/// Instant exit of `lst_amount` from the buffer.
pub async fn instant_unstake(chain: &mut LocalChain, keys: &PoolKeys, owner: &Keypair, lst_amount: u64) -> Result<(), BanksClientError> {
    let instruction = ix::instant_unstake(&ix::InstantUnstakeParams {
        keys: *keys,
        owner: owner.pubkey(),
        owner_lst: lst_account(&owner.pubkey(), &keys.lst_mint),
        lst_amount,
        min_lamports_out: 0,
    });
    chain.process(&[instruction], &[owner]).await
}

/// One-call exit; returns the ticket's address if part of it has to wait.
pub async fn unstake(chain: &mut LocalChain, keys: &PoolKeys, owner: &Keypair, lst_amount: u64, max_fee_bps: u16) -> Result<Option<Pubkey>, BanksClientError> {
    let ticket_nonce = new_ticket_nonce();
    let instruction = ix::unstake(&ix::UnstakeParams {
        keys: *keys,
        owner: owner.pubkey(),
        owner_lst: lst_account(&owner.pubkey(), &keys.lst_mint),
        ticket_nonce,
        lst_amount,
        max_fee_bps,
        min_lamports_out: 0,
        min_instant_lamports_out: 0,
    });
    chain.process(&[instruction], &[owner]).await?;
    let ticket = keys.ticket(&owner.pubkey(), ticket_nonce);
    Ok(chain.account(&ticket).await.map(|_| ticket))
}

/// Exit as stake from the validator at `index`; returns the new stake account's address.
pub async fn withdraw_stake(
    chain: &mut LocalChain,
    keys: &PoolKeys,
    owner: &Keypair,
    index: u32,
    vote_account: Pubkey,
    lst_amount: u64,
) -> Result<Pubkey, BanksClientError> {
    let new_stake = Keypair::new();
    let stake_account_rent_lamports = chain.rent_exempt_minimum(STAKE_ACCOUNT_SPACE as usize).await;
    let instructions = ix::withdraw_stake(&ix::WithdrawStakeParams {
        keys: *keys,
        owner: owner.pubkey(),
        owner_lst: lst_account(&owner.pubkey(), &keys.lst_mint),
        index,
        vote_account,
        new_stake: new_stake.pubkey(),
        stake_account_rent_lamports,
        lst_amount,
        min_lamports_out: 0,
    });
    chain.process(&instructions, &[owner, &new_stake]).await?;
    Ok(new_stake.pubkey())
}

/// A stake account of `owner` (staker and withdrawer) delegated to `vote` with `lamports`.
pub async fn user_stake_account(chain: &mut LocalChain, owner: &Keypair, vote: &Pubkey, lamports: u64) -> Result<Keypair, BanksClientError> {
    let stake = Keypair::new();
    let instructions = solana_stake_interface::instruction::create_account_and_delegate_stake(
        &owner.pubkey(),
        &stake.pubkey(),
        vote,
        &solana_stake_interface::state::Authorized { staker: owner.pubkey(), withdrawer: owner.pubkey() },
        &solana_stake_interface::state::Lockup::default(),
        lamports,
    );
    chain.process(&instructions, &[owner, &stake]).await?;
    Ok(stake)
}

/// Deposits `owner`'s active stake account into the pool validator at `index` (LST account
/// created if needed).
pub async fn deposit_stake(
    chain: &mut LocalChain,
    keys: &PoolKeys,
    owner: &Keypair,
    index: u32,
    vote_account: Pubkey,
    stake: &Pubkey,
) -> Result<(), BanksClientError> {
    let mut instructions = vec![ix::create_lst_account(&owner.pubkey(), &owner.pubkey(), &keys.lst_mint)];
    instructions.extend(ix::deposit_stake(&ix::DepositStakeParams {
            keys: *keys,
            depositor: owner.pubkey(),
            recipient_lst: lst_account(&owner.pubkey(), &keys.lst_mint),
            index,
            vote_account,
            deposit_stake: *stake,
            min_lst_out: 0,
        }));
    chain.process(&instructions, &[owner]).await
}
