//! Exactly one builder per program instruction, each taking a params struct.
use crate::addresses::PoolKeys;
use anchor_lang::{prelude::Pubkey, InstructionData, ToAccountMetas};
use liquid_staking::{
    accounts, instruction,
    instructions::{InitializePoolArgs, STAKE_CONFIG_ID},
    state::{Fees, ValidatorList},
    ID as PROGRAM_ID,
};
use solana_instruction::{AccountMeta, Instruction};
use solana_sdk_ids::{system_program, sysvar};
use solana_stake_interface::{program::ID as STAKE_PROGRAM_ID, sysvar::stake_history::ID as STAKE_HISTORY_ID};

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: PROGRAM_ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

pub struct InitializePoolParams {
    pub payer: Pubkey,
    pub keys: PoolKeys,
    pub admin: Pubkey,
    pub operator: Pubkey,
    pub pause_guardian: Pubkey,
    pub treasury_owner: Pubkey,
    /// Rent-exempt minimum for ValidatorList::SPACE bytes (getMinimumBalanceForRentExemption).
    pub validator_list_rent_lamports: u64,
    pub fees: Fees,
    pub reserve_buffer_bps: u16,
    pub initial_deposit_lamports: u64,
}

/// Two instructions for one transaction: allocate the validator list (too large for a CPI), then
/// initialize the pool. Signers: payer, the LST mint keypair, the validator list keypair.
pub fn initialize_pool(p: &InitializePoolParams) -> Vec<Instruction> {
    vec![
        solana_system_interface::instruction::create_account(
            &p.payer,
            &p.keys.validator_list,
            p.validator_list_rent_lamports,
            ValidatorList::SPACE as u64,
            &PROGRAM_ID,
        ),
        build(
            accounts::InitializePool {
                payer: p.payer,
                lst_mint: p.keys.lst_mint,
                pool: p.keys.pool,
                reserve: p.keys.reserve,
                validator_list: p.keys.validator_list,
                admin: p.admin,
                operator: p.operator,
                pause_guardian: p.pause_guardian,
                treasury_owner: p.treasury_owner,
                treasury: p.keys.treasury,
                locked_lst: p.keys.locked_lst(),
                token_program: spl_token_interface::ID,
                associated_token_program: spl_associated_token_account_interface::program::ID,
                system_program: system_program::ID,
            },
            instruction::InitializePool {
                args: InitializePoolArgs {
                    fees: p.fees,
                    reserve_buffer_bps: p.reserve_buffer_bps,
                    initial_deposit_lamports: p.initial_deposit_lamports,
                },
            },
        ),
    ]
}

pub struct AddValidatorParams {
    pub keys: PoolKeys,
    pub operator: Pubkey,
    pub vote_account: Pubkey,
    pub weight: u32,
}

pub fn add_validator(p: &AddValidatorParams) -> Instruction {
    build(
        accounts::AddValidator {
            operator: p.operator,
            pool: p.keys.pool,
            validator_list: p.keys.validator_list,
            reserve: p.keys.reserve,
            vote_account: p.vote_account,
            validator_stake: p.keys.validator_stake(&p.vote_account),
            clock: sysvar::clock::ID,
            rent: sysvar::rent::ID,
            stake_history: STAKE_HISTORY_ID,
            stake_config: STAKE_CONFIG_ID,
            stake_program: STAKE_PROGRAM_ID,
            system_program: system_program::ID,
        },
        instruction::AddValidator { weight: p.weight },
    )
}

pub struct RemoveValidatorParams {
    pub keys: PoolKeys,
    pub operator: Pubkey,
    pub index: u32,
    pub vote_account: Pubkey,
}

pub fn remove_validator(p: &RemoveValidatorParams) -> Instruction {
    build(
        accounts::RemoveValidator {
            operator: p.operator,
            pool: p.keys.pool,
            validator_list: p.keys.validator_list,
            vote_account: p.vote_account,
            validator_stake: p.keys.validator_stake(&p.vote_account),
            transient_stake: p.keys.transient_stake(&p.vote_account),
            clock: sysvar::clock::ID,
            stake_history: STAKE_HISTORY_ID,
            stake_program: STAKE_PROGRAM_ID,
        },
        instruction::RemoveValidator { index: p.index },
    )
}

pub struct SetValidatorWeightParams {
    pub keys: PoolKeys,
    pub operator: Pubkey,
    pub index: u32,
    pub vote_account: Pubkey,
    pub weight: u32,
}

pub fn set_validator_weight(p: &SetValidatorWeightParams) -> Instruction {
    build(
        accounts::SetValidatorWeight {
            operator: p.operator,
            pool: p.keys.pool,
            validator_list: p.keys.validator_list,
            vote_account: p.vote_account,
        },
        instruction::SetValidatorWeight { index: p.index, weight: p.weight },
    )
}

pub struct DepositSolParams {
    pub keys: PoolKeys,
    pub depositor: Pubkey,
    /// LST account receiving the tokens (see `addresses::lst_account`).
    pub recipient_lst: Pubkey,
    pub lamports: u64,
    pub min_lst_out: u64,
}

pub fn deposit_sol(p: &DepositSolParams) -> Instruction {
    build(
        accounts::DepositSol {
            depositor: p.depositor,
            pool: p.keys.pool,
            lst_mint: p.keys.lst_mint,
            reserve: p.keys.reserve,
            recipient_lst: p.recipient_lst,
            token_program: spl_token_interface::ID,
            system_program: system_program::ID,
        },
        instruction::DepositSol { lamports: p.lamports, min_lst_out: p.min_lst_out },
    )
}

/// Creates `owner`'s associated LST account if it does not exist (idempotent).
pub fn create_lst_account(payer: &Pubkey, owner: &Pubkey, lst_mint: &Pubkey) -> Instruction {
    spl_associated_token_account_interface::instruction::create_associated_token_account_idempotent(
        payer,
        owner,
        lst_mint,
        &spl_token_interface::ID,
    )
}

pub struct ObserveValidatorsParams<'a> {
    pub keys: PoolKeys,
    /// Index of the first validator observed.
    pub first_index: u32,
    /// Vote accounts of validators `first_index..first_index + len`, in list order.
    pub vote_accounts: &'a [Pubkey],
}

pub fn observe_validators(p: &ObserveValidatorsParams) -> Instruction {
    let mut ix = build(
        accounts::ObserveValidators {
            pool: p.keys.pool,
            validator_list: p.keys.validator_list,
            reserve: p.keys.reserve,
            clock: sysvar::clock::ID,
            stake_history: STAKE_HISTORY_ID,
            stake_program: STAKE_PROGRAM_ID,
        },
        instruction::ObserveValidators { first_index: p.first_index },
    );
    for vote in p.vote_accounts {
        ix.accounts.push(AccountMeta::new(p.keys.validator_stake(vote), false));
        ix.accounts.push(AccountMeta::new(p.keys.transient_stake(vote), false));
    }
    ix
}

pub fn finalize_epoch(keys: &PoolKeys) -> Instruction {
    build(
        accounts::FinalizeEpoch {
            pool: keys.pool,
            lst_mint: keys.lst_mint,
            reserve: keys.reserve,
            treasury: keys.treasury,
            token_program: spl_token_interface::ID,
        },
        instruction::FinalizeEpoch {},
    )
}

pub struct RebalanceValidatorParams {
    pub keys: PoolKeys,
    pub index: u32,
    pub vote_account: Pubkey,
}

pub fn rebalance_validator(p: &RebalanceValidatorParams) -> Instruction {
    build(
        accounts::RebalanceValidator {
            pool: p.keys.pool,
            validator_list: p.keys.validator_list,
            reserve: p.keys.reserve,
            vote_account: p.vote_account,
            validator_stake: p.keys.validator_stake(&p.vote_account),
            transient_stake: p.keys.transient_stake(&p.vote_account),
            clock: sysvar::clock::ID,
            rent: sysvar::rent::ID,
            stake_history: STAKE_HISTORY_ID,
            stake_config: STAKE_CONFIG_ID,
            stake_program: STAKE_PROGRAM_ID,
            system_program: system_program::ID,
        },
        instruction::RebalanceValidator { index: p.index },
    )
}

/// Admin: new fees (decreases at once, increases after two epoch boundaries).
pub fn set_fees(keys: &PoolKeys, admin: &Pubkey, fees: Fees) -> Instruction {
    build(accounts::SetFees { admin: *admin, pool: keys.pool }, instruction::SetFees { fees })
}

/// Pause guardian or admin: the paused flows (PAUSED_* flags).
pub fn set_pause(keys: &PoolKeys, signer: &Pubkey, paused: u8) -> Instruction {
    build(accounts::SetPause { signer: *signer, pool: keys.pool }, instruction::SetPause { paused })
}

pub fn propose_admin(keys: &PoolKeys, admin: &Pubkey, new_admin: Pubkey) -> Instruction {
    build(accounts::ProposeAdmin { admin: *admin, pool: keys.pool }, instruction::ProposeAdmin { new_admin })
}

pub fn accept_admin(keys: &PoolKeys, new_admin: &Pubkey) -> Instruction {
    build(accounts::AcceptAdmin { new_admin: *new_admin, pool: keys.pool }, instruction::AcceptAdmin {})
}

pub fn set_roles(keys: &PoolKeys, admin: &Pubkey, operator: Pubkey, pause_guardian: Pubkey) -> Instruction {
    build(accounts::SetRoles { admin: *admin, pool: keys.pool }, instruction::SetRoles { operator, pause_guardian })
}

pub struct OrderUnstakeParams {
    pub keys: PoolKeys,
    pub owner: Pubkey,
    /// The owner's LST account to burn from.
    pub owner_lst: Pubkey,
    /// `Pool::next_ticket_id` as read just before: the ticket's address depends on it.
    pub ticket_id: u64,
    pub lst_amount: u64,
    pub min_lamports_out: u64,
}

pub fn order_unstake(p: &OrderUnstakeParams) -> Instruction {
    build(
        accounts::OrderUnstake {
            owner: p.owner,
            pool: p.keys.pool,
            lst_mint: p.keys.lst_mint,
            owner_lst: p.owner_lst,
            ticket: p.keys.ticket(p.ticket_id),
            token_program: spl_token_interface::ID,
            system_program: system_program::ID,
        },
        instruction::OrderUnstake { lst_amount: p.lst_amount, min_lamports_out: p.min_lamports_out },
    )
}

pub fn claim_ticket(keys: &PoolKeys, owner: &Pubkey, ticket: &Pubkey) -> Instruction {
    build(
        accounts::ClaimTicket {
            owner: *owner,
            pool: keys.pool,
            reserve: keys.reserve,
            ticket: *ticket,
            system_program: system_program::ID,
        },
        instruction::ClaimTicket {},
    )
}

pub struct InstantUnstakeParams {
    pub keys: PoolKeys,
    pub owner: Pubkey,
    pub owner_lst: Pubkey,
    pub lst_amount: u64,
    pub min_lamports_out: u64,
}

/// The accounts of an exit paid from the reserve (shared by `instant_unstake` and `unstake`).
fn lst_exit(keys: &PoolKeys, owner: Pubkey, owner_lst: Pubkey) -> accounts::LstExit {
    accounts::LstExit {
        owner,
        pool: keys.pool,
        lst_mint: keys.lst_mint,
        owner_lst,
        reserve: keys.reserve,
        treasury: keys.treasury,
        token_program: spl_token_interface::ID,
        system_program: system_program::ID,
    }
}

pub fn instant_unstake(p: &InstantUnstakeParams) -> Instruction {
    build(
        accounts::InstantUnstake { exit: lst_exit(&p.keys, p.owner, p.owner_lst) },
        instruction::InstantUnstake { lst_amount: p.lst_amount, min_lamports_out: p.min_lamports_out },
    )
}

pub struct UnstakeParams {
    pub keys: PoolKeys,
    pub owner: Pubkey,
    pub owner_lst: Pubkey,
    /// `Pool::next_ticket_id` as read just before (used only if part of the exit waits).
    pub ticket_id: u64,
    pub lst_amount: u64,
    /// Highest instant-exit fee accepted; what would cost more becomes a ticket.
    pub max_fee_bps: u16,
    /// Least SOL accepted, paid now plus owed by the ticket.
    pub min_lamports_out: u64,
}

pub fn unstake(p: &UnstakeParams) -> Instruction {
    build(
        accounts::Unstake { exit: lst_exit(&p.keys, p.owner, p.owner_lst), ticket: p.keys.ticket(p.ticket_id) },
        instruction::Unstake { lst_amount: p.lst_amount, max_fee_bps: p.max_fee_bps, min_lamports_out: p.min_lamports_out },
    )
}

pub struct WithdrawStakeParams {
    pub keys: PoolKeys,
    pub owner: Pubkey,
    pub owner_lst: Pubkey,
    /// Index of the validator to split from, and its vote account.
    pub index: u32,
    pub vote_account: Pubkey,
    /// A fresh keypair's address: the user's new stake account (it signs).
    pub new_stake: Pubkey,
    pub lst_amount: u64,
    pub min_lamports_out: u64,
}

pub fn withdraw_stake(p: &WithdrawStakeParams) -> Instruction {
    build(
        accounts::WithdrawStake {
            owner: p.owner,
            pool: p.keys.pool,
            validator_list: p.keys.validator_list,
            lst_mint: p.keys.lst_mint,
            owner_lst: p.owner_lst,
            vote_account: p.vote_account,
            validator_stake: p.keys.validator_stake(&p.vote_account),
            new_stake: p.new_stake,
            clock: sysvar::clock::ID,
            stake_history: STAKE_HISTORY_ID,
            stake_program: STAKE_PROGRAM_ID,
            token_program: spl_token_interface::ID,
            system_program: system_program::ID,
        },
        instruction::WithdrawStake { index: p.index, lst_amount: p.lst_amount, min_lamports_out: p.min_lamports_out },
    )
}

pub struct DepositStakeParams {
    pub keys: PoolKeys,
    /// Staker and withdrawer of `deposit_stake`.
    pub depositor: Pubkey,
    pub recipient_lst: Pubkey,
    pub index: u32,
    pub vote_account: Pubkey,
    pub deposit_stake: Pubkey,
    pub min_lst_out: u64,
}

pub fn deposit_stake(p: &DepositStakeParams) -> Instruction {
    build(
        accounts::DepositStake {
            depositor: p.depositor,
            pool: p.keys.pool,
            validator_list: p.keys.validator_list,
            lst_mint: p.keys.lst_mint,
            recipient_lst: p.recipient_lst,
            reserve: p.keys.reserve,
            vote_account: p.vote_account,
            validator_stake: p.keys.validator_stake(&p.vote_account),
            deposit_stake: p.deposit_stake,
            clock: sysvar::clock::ID,
            stake_history: STAKE_HISTORY_ID,
            stake_program: STAKE_PROGRAM_ID,
            token_program: spl_token_interface::ID,
        },
        instruction::DepositStake { index: p.index, min_lst_out: p.min_lst_out },
    )
}
