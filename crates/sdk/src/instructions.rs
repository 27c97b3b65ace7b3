//! Exactly one builder per program instruction, each taking a params struct.
use crate::addresses::PoolKeys;
use anchor_lang::{prelude::Pubkey, InstructionData, ToAccountMetas};
use liquid_staking::{
    accounts, instruction,
    instructions::{InitializePoolArgs, STAKE_CONFIG_ID},
    state::{Fees, ValidatorEntry, ValidatorList, ValidatorRules},
    ID as PROGRAM_ID,
};
use solana_instruction::{AccountMeta, Instruction};
use solana_sdk_ids::{system_program, sysvar};
use solana_stake_interface::{program::ID as STAKE_PROGRAM_ID, state::StakeAuthorize, sysvar::stake_history::ID as STAKE_HISTORY_ID};

/// The Instructions sysvar (`deposit_stake` reads the transaction's earlier instructions in it).
const INSTRUCTIONS_SYSVAR_ID: Pubkey = solana_sdk_ids::sysvar::instructions::ID;

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: PROGRAM_ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

/// The pool with its validator list and reserve.
fn pool_with_validators(keys: &PoolKeys) -> accounts::PoolWithValidators {
    accounts::PoolWithValidators { pool: keys.pool, validator_list: keys.validator_list, reserve: keys.reserve }
}

fn operator_access(keys: &PoolKeys, operator: Pubkey) -> accounts::OperatorAccess {
    accounts::OperatorAccess { operator, pool: pool_with_validators(keys) }
}

fn stake_program() -> accounts::StakeProgram {
    accounts::StakeProgram { clock: sysvar::clock::ID, stake_history: STAKE_HISTORY_ID, stake_program: STAKE_PROGRAM_ID }
}

fn stake_account_creation() -> accounts::StakeAccountCreation {
    accounts::StakeAccountCreation { rent: sysvar::rent::ID, stake_config: STAKE_CONFIG_ID, system_program: system_program::ID }
}

/// A pool validator: its vote account and main stake account.
fn pool_validator(keys: &PoolKeys, vote_account: Pubkey) -> accounts::PoolValidator {
    accounts::PoolValidator { vote_account, validator_stake: keys.validator_stake(&vote_account), stake: stake_program() }
}

pub struct InitializePoolParams {
    pub payer: Pubkey,
    pub keys: PoolKeys,
    pub admin: Pubkey,
    pub operator: Pubkey,
    pub pause_guardian: Pubkey,
    /// May withdraw the fees collected in the pool's treasury.
    pub treasury_authority: Pubkey,
    /// Rent-exempt minimum for ValidatorList::SPACE bytes (getMinimumBalanceForRentExemption).
    pub validator_list_rent_lamports: u64,
    pub fees: Fees,
    pub reserve_buffer_bps: u16,
    pub initial_deposit_lamports: u64,
}

/// Four instructions for one transaction: fund, allocate and assign the validator list (too large
/// for a CPI), then initialize the pool. Signers: payer, the LST mint keypair, the validator list
/// keypair. Not `create_account`, which fails when the address already holds lamports: anyone can
/// send some to the list's address once they see the pending transaction (what was there stays in
/// the list account).
pub fn initialize_pool(p: &InitializePoolParams) -> Vec<Instruction> {
    use solana_system_interface::instruction as system;
    vec![
        system::transfer(&p.payer, &p.keys.validator_list, p.validator_list_rent_lamports),
        system::allocate(&p.keys.validator_list, ValidatorList::SPACE as u64),
        system::assign(&p.keys.validator_list, &PROGRAM_ID),
        build(
            accounts::InitializePool {
                payer: p.payer,
                lst_mint: p.keys.lst_mint,
                pool: p.keys.pool,
                reserve: p.keys.reserve,
                validator_list: p.keys.validator_list,
                rate: p.keys.rate,
                admin: p.admin,
                operator: p.operator,
                pause_guardian: p.pause_guardian,
                treasury_authority: p.treasury_authority,
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
            access: operator_access(&p.keys, p.operator),
            validator: pool_validator(&p.keys, p.vote_account),
            creation: stake_account_creation(),
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
            access: operator_access(&p.keys, p.operator),
            validator: pool_validator(&p.keys, p.vote_account),
            transient_stake: p.keys.transient_stake(&p.vote_account),
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
        accounts::SetValidatorWeight { access: operator_access(&p.keys, p.operator), vote_account: p.vote_account },
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

/// The accounts of a deposit (shared by `deposit_sol` and `deposit_stake`).
fn lst_deposit(keys: &PoolKeys, depositor: Pubkey, recipient_lst: Pubkey) -> accounts::LstDeposit {
    accounts::LstDeposit { depositor, pool: keys.pool, lst_mint: keys.lst_mint, recipient_lst, token_program: spl_token_interface::ID }
}

pub fn deposit_sol(p: &DepositSolParams) -> Instruction {
    build(
        accounts::DepositSol {
            deposit: lst_deposit(&p.keys, p.depositor, p.recipient_lst),
            reserve: p.keys.reserve,
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
    /// The list's entries `first_index..first_index + len`, as last read.
    pub entries: &'a [ValidatorEntry],
}

/// Stake accounts observe takes for `entry`: its main account, and its transient when the entry
/// records one (the program's rule).
pub fn observe_account_count(entry: &ValidatorEntry) -> usize {
    1 + (entry.transient_stake_lamports > 0) as usize
}

pub fn observe_validators(p: &ObserveValidatorsParams) -> Instruction {
    let mut ix = build(
        accounts::ObserveValidators { pool: pool_with_validators(&p.keys), stake: stake_program() },
        instruction::ObserveValidators { first_index: p.first_index },
    );
    for entry in p.entries {
        ix.accounts.push(AccountMeta::new(p.keys.validator_stake(&entry.vote_account), false));
        if observe_account_count(entry) == 2 {
            ix.accounts.push(AccountMeta::new(p.keys.transient_stake(&entry.vote_account), false));
        }
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
            rate: keys.rate,
        },
        instruction::FinalizeEpoch {},
    )
}

/// Returns the rate account's snapshot as return data (`ExchangeRate::RETURN_LEN` bytes).
pub fn get_rate(keys: &PoolKeys) -> Instruction {
    build(accounts::GetRate { rate: keys.rate }, instruction::GetRate {})
}

/// Admin: clears the rate breaker, acknowledging the settlement (`epoch`, `total_lamports`,
/// `lst_supply`) the rate account holds now (refused if it holds another).
pub fn reset_rate_breaker(keys: &PoolKeys, admin: Pubkey, epoch: u64, total_lamports: u64, lst_supply: u64) -> Instruction {
    build(
        accounts::ResetRateBreaker { admin, pool: keys.pool, rate: keys.rate },
        instruction::ResetRateBreaker { epoch, total_lamports, lst_supply },
    )
}

/// Admin: the reserve buffer, in force from the first settlement two epoch boundaries later.
pub fn set_reserve_buffer(keys: &PoolKeys, admin: &Pubkey, reserve_buffer_bps: u16) -> Instruction {
    build(accounts::AdminAccess { admin: *admin, pool: keys.pool }, instruction::SetReserveBuffer { reserve_buffer_bps })
}

pub struct RebalanceValidatorParams {
    pub keys: PoolKeys,
    pub index: u32,
    pub vote_account: Pubkey,
    /// Pays a transient's rent when the reserve cannot (a signer; the crank's fee payer).
    pub payer: Pubkey,
}

pub fn rebalance_validator(p: &RebalanceValidatorParams) -> Instruction {
    build(
        accounts::RebalanceValidator {
            pool: pool_with_validators(&p.keys),
            validator: pool_validator(&p.keys, p.vote_account),
            creation: stake_account_creation(),
            transient_stake: p.keys.transient_stake(&p.vote_account),
            payer: p.payer,
        },
        instruction::RebalanceValidator { index: p.index },
    )
}

pub struct RecordValidatorsParams<'a> {
    pub keys: PoolKeys,
    /// Index of the first validator read.
    pub first_index: u32,
    /// The vote accounts of validators `first_index..`, in list order.
    pub vote_accounts: &'a [Pubkey],
}

/// Anyone: reads the validators' vote accounts into their records and judges them by the rules.
pub fn record_validators(p: &RecordValidatorsParams) -> Instruction {
    let mut ix = build(
        accounts::RecordValidators { pool: p.keys.pool, validator_list: p.keys.validator_list, clock: sysvar::clock::ID },
        instruction::RecordValidators { first_index: p.first_index },
    );
    ix.accounts.extend(p.vote_accounts.iter().map(|v| AccountMeta::new_readonly(*v, false)));
    ix
}

/// Anyone: deactivates the stake of the validator at `index` if a reading of its vote account
/// finds it ineligible.
pub fn deactivate_ineligible(keys: &PoolKeys, index: u32, vote_account: Pubkey) -> Instruction {
    build(
        accounts::DeactivateIneligible {
            pool: pool_with_validators(keys),
            validator: pool_validator(keys, vote_account),
            transient_stake: keys.transient_stake(&vote_account),
        },
        instruction::DeactivateIneligible { index },
    )
}

/// Operator: the validator rules (tightening at once, loosening two epoch boundaries later).
pub fn set_validator_rules(keys: &PoolKeys, operator: Pubkey, rules: ValidatorRules) -> Instruction {
    build(operator_access(keys, operator), instruction::SetValidatorRules { rules })
}

/// Operator: blocklists the validator at `index` (or lifts it).
pub fn set_validator_blocked(keys: &PoolKeys, operator: Pubkey, index: u32, vote_account: Pubkey, blocked: bool) -> Instruction {
    build(
        accounts::SetValidatorBlocked { access: operator_access(keys, operator), vote_account },
        instruction::SetValidatorBlocked { index, blocked },
    )
}

/// Operator: where the targets come from (`TARGETS_BY_WEIGHT` with `top_n` 0, or the top `top_n`
/// by score, `TARGETS_TOP_EQUAL` or `TARGETS_TOP_BY_SCORE`).
pub fn set_target_mode(keys: &PoolKeys, operator: Pubkey, mode: u8, top_n: u32) -> Instruction {
    build(operator_access(keys, operator), instruction::SetTargetMode { mode, top_n })
}

/// Anyone, in score mode: sets every weight from its score, `cutoff_score` being the top-N-th
/// best (`risk::selection_instruction` computes it).
pub fn select_validators(keys: &PoolKeys, cutoff_score: u64) -> Instruction {
    build(
        accounts::SelectValidators { pool: keys.pool, validator_list: keys.validator_list, clock: sysvar::clock::ID },
        instruction::SelectValidators { cutoff_score },
    )
}

/// Anyone: one step (10 KiB) of growing a validator list from before validator records to the
/// current layout, `payer` paying the added rent.
pub fn migrate_validator_list(keys: &PoolKeys, payer: Pubkey) -> Instruction {
    build(
        accounts::MigrateValidatorList { pool: keys.pool, validator_list: keys.validator_list, payer, system_program: system_program::ID },
        instruction::MigrateValidatorList {},
    )
}

/// How many `migrate_validator_list` steps a list of `data_len` bytes needs.
pub fn migration_steps(data_len: usize) -> usize {
    ValidatorList::SPACE.saturating_sub(data_len).div_ceil(10_240)
}

/// Admin: new fees (decreases at once, increases after two epoch boundaries).
pub fn set_fees(keys: &PoolKeys, admin: &Pubkey, fees: Fees) -> Instruction {
    build(accounts::AdminAccess { admin: *admin, pool: keys.pool }, instruction::SetFees { fees })
}

/// Pause guardian or admin: the paused flows (PAUSED_* flags).
pub fn set_pause(keys: &PoolKeys, signer: &Pubkey, paused: u8) -> Instruction {
    build(accounts::SetPause { signer: *signer, pool: keys.pool }, instruction::SetPause { paused })
}

pub fn propose_admin(keys: &PoolKeys, admin: &Pubkey, new_admin: Pubkey) -> Instruction {
    build(accounts::AdminAccess { admin: *admin, pool: keys.pool }, instruction::ProposeAdmin { new_admin })
}

pub fn accept_admin(keys: &PoolKeys, new_admin: &Pubkey) -> Instruction {
    build(accounts::AcceptAdmin { new_admin: *new_admin, pool: keys.pool }, instruction::AcceptAdmin {})
}

pub fn set_roles(keys: &PoolKeys, admin: &Pubkey, operator: Pubkey, pause_guardian: Pubkey, treasury_authority: Pubkey) -> Instruction {
    build(
        accounts::AdminAccess { admin: *admin, pool: keys.pool },
        instruction::SetRoles { operator, pause_guardian, treasury_authority },
    )
}

/// Treasury authority: moves `lst_amount` of the treasury's LST to `destination` (an LST account).
pub fn withdraw_treasury(keys: &PoolKeys, treasury_authority: &Pubkey, destination: &Pubkey, lst_amount: u64) -> Instruction {
    build(
        accounts::WithdrawTreasury {
            treasury_authority: *treasury_authority,
            pool: keys.pool,
            treasury: keys.treasury,
            destination: *destination,
            token_program: spl_token_interface::ID,
        },
        instruction::WithdrawTreasury { lst_amount },
    )
}

pub struct OrderUnstakeParams {
    pub keys: PoolKeys,
    pub owner: Pubkey,
    /// The owner's LST account to burn from.
    pub owner_lst: Pubkey,
    /// Any number the owner has not used for a ticket of this pool yet (see
    /// `addresses::new_ticket_nonce`); the ticket's address is `keys.ticket(owner, ticket_nonce)`.
    pub ticket_nonce: u64,
    pub lst_amount: u64,
    pub min_lamports_out: u64,
}

pub fn order_unstake(p: &OrderUnstakeParams) -> Instruction {
    build(
        accounts::TicketExit { exit: lst_exit(&p.keys, p.owner, p.owner_lst), ticket: p.keys.ticket(&p.owner, p.ticket_nonce) },
        instruction::OrderUnstake { lst_amount: p.lst_amount, min_lamports_out: p.min_lamports_out, ticket_nonce: p.ticket_nonce },
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

/// The accounts every exit starts with.
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
        lst_exit(&p.keys, p.owner, p.owner_lst),
        instruction::InstantUnstake { lst_amount: p.lst_amount, min_lamports_out: p.min_lamports_out },
    )
}

pub struct UnstakeParams {
    pub keys: PoolKeys,
    pub owner: Pubkey,
    pub owner_lst: Pubkey,
    /// The ticket's nonce, as for `order_unstake` (used only if part of the exit waits).
    pub ticket_nonce: u64,
    pub lst_amount: u64,
    /// Highest instant-exit fee accepted; what would cost more becomes a ticket.
    pub max_fee_bps: u16,
    /// Least SOL accepted, paid now plus owed by the ticket.
    pub min_lamports_out: u64,
    /// Least SOL accepted now (the instant part): a buffer drained in front of the exit, which
    /// would turn the instant part into a ticket, makes it fail instead.
    pub min_instant_lamports_out: u64,
}

pub fn unstake(p: &UnstakeParams) -> Instruction {
    build(
        accounts::TicketExit { exit: lst_exit(&p.keys, p.owner, p.owner_lst), ticket: p.keys.ticket(&p.owner, p.ticket_nonce) },
        instruction::Unstake {
            lst_amount: p.lst_amount,
            max_fee_bps: p.max_fee_bps,
            min_lamports_out: p.min_lamports_out,
            min_instant_lamports_out: p.min_instant_lamports_out,
            ticket_nonce: p.ticket_nonce,
        },
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
    /// Rent-exempt minimum of a stake account (getMinimumBalanceForRentExemption(200)).
    pub stake_account_rent_lamports: u64,
    pub lst_amount: u64,
    pub min_lamports_out: u64,
}

/// Five instructions for one transaction: the owner funds, allocates and assigns the new stake
/// account (paying its rent; not `create_account`, which fails when someone sent lamports to the
/// address after seeing the pending transaction), `withdraw_stake` splits into it and makes the
/// owner its withdrawer, and the owner, as withdrawer, makes itself the staker. Signers: the owner
/// and the new stake account's keypair.
pub fn withdraw_stake(p: &WithdrawStakeParams) -> Vec<Instruction> {
    use solana_system_interface::instruction as system;
    vec![
        system::transfer(&p.owner, &p.new_stake, p.stake_account_rent_lamports),
        system::allocate(&p.new_stake, liquid_staking::constants::STAKE_ACCOUNT_SPACE),
        system::assign(&p.new_stake, &STAKE_PROGRAM_ID),
        build(
            accounts::WithdrawStake {
                exit: lst_exit(&p.keys, p.owner, p.owner_lst),
                validator_list: p.keys.validator_list,
                validator: pool_validator(&p.keys, p.vote_account),
                new_stake: p.new_stake,
            },
            instruction::WithdrawStake { index: p.index, lst_amount: p.lst_amount, min_lamports_out: p.min_lamports_out },
        ),
        solana_stake_interface::instruction::authorize(&p.new_stake, &p.owner, &p.owner, StakeAuthorize::Staker, None),
    ]
}

pub struct DepositStakeParams {
    pub keys: PoolKeys,
    /// Staker and withdrawer of `deposit_stake` (it signs).
    pub depositor: Pubkey,
    pub recipient_lst: Pubkey,
    pub index: u32,
    pub vote_account: Pubkey,
    pub deposit_stake: Pubkey,
    pub min_lst_out: u64,
}

/// Three instructions for one transaction: the depositor hands the stake account's staker and
/// withdrawer to the pool, then `deposit_stake` merges it (the program checks, in the Instructions
/// sysvar, that the depositor did so in this transaction). Signer: the depositor.
pub fn deposit_stake(p: &DepositStakeParams) -> Vec<Instruction> {
    let hand_over = |role| solana_stake_interface::instruction::authorize(&p.deposit_stake, &p.depositor, &p.keys.pool, role, None);
    vec![
        hand_over(StakeAuthorize::Staker),
        hand_over(StakeAuthorize::Withdrawer),
        build(
            accounts::DepositStake {
                deposit: lst_deposit(&p.keys, p.depositor, p.recipient_lst),
                validator_list: p.keys.validator_list,
                validator: pool_validator(&p.keys, p.vote_account),
                deposit_stake: p.deposit_stake,
                instructions: INSTRUCTIONS_SYSVAR_ID,
            },
            instruction::DepositStake { index: p.index, min_lst_out: p.min_lst_out },
        ),
    ]
}
