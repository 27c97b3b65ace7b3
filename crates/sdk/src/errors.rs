//! Names and messages of the program's errors by code, for clients that only see the code.
//! (Natively, and on clusters that truncate logs, the program's own log line is not available.)


/// `(name, message)` of every `LiquidStakingError`, in code order from 6000. Codes are only ever
/// appended; the test below pins each entry to its variant.
pub const PROGRAM_ERRORS: &[(&str, &str)] = &[
    ("ZeroAmount", "Amount must be greater than zero"),
    ("MathOverflow", "Arithmetic overflow: the amount is too large for the pool's totals"),
    ("DepositTooSmall", "Deposit too small: it would mint zero LST at the current rate"),
    ("SlippageExceeded", "Slippage: the LST minted would be below the minimum the caller accepts"),
    ("RewardFeeTooHigh", "Reward fee above the on-chain cap (MAX_REWARD_FEE_BPS)"),
    ("ReserveBufferTooHigh", "Reserve buffer above the cap (MAX_RESERVE_BUFFER_BPS)"),
    ("InitialDepositTooSmall", "Initial deposit below MIN_INITIAL_DEPOSIT_LAMPORTS"),
    ("WrongMint", "Mint is not this pool's LST mint"),
    ("WrongTreasury", "Treasury token account does not hold this pool's LST"),
    ("ValidatorListTooSmall", "Validator list account is too small for MAX_VALIDATORS entries"),
    ("PoolStale", "Pool not updated this epoch: run the crank (observe then finalize) first"),
    ("EpochRewardsActive", "Epoch rewards are still being paid out; try again once the rewards period ends"),
    ("ValidatorsNotObserved", "Finalize refused: not every validator has been observed this epoch"),
    ("InvalidVoteAccount", "Account is not a vote account"),
    ("ValidatorAlreadyAdded", "Validator already in the pool (its stake account exists)"),
    ("ValidatorListFull", "Validator list is full"),
    ("ValidatorIndexOutOfRange", "Validator index out of range"),
    ("ValidatorIndexMismatch", "Vote account does not match the validator at this index"),
    ("ValidatorRemoving", "Validator is being removed"),
    ("ReserveTooLow", "Reserve holds too little SOL to fund the stake account"),
    ("StakeAccountMismatch", "Stake account is not the one derived for this pool and validator"),
    ("TransientStakeAccountMismatch", "Transient stake account is not the one derived for this pool and validator"),
    ("StakeAccountNotOwnedByStakeProgram", "Stake account is not owned by the Stake program"),
    ("InvalidStakeAccountData", "Stake account data could not be read as a stake account"),
    ("WrongStakeAuthority", "Stake account's staker or withdrawer is not the pool"),
    ("StakeDelegatedToWrongValidator", "Stake account is delegated to a vote account other than the validator's"),
    ("StakeLockedUp", "Stake account has a lockup"),
    ("StakeNotDelegated", "Stake account is not delegated"),
    ("StakeAccountsNotInPairs", "Expected the validator and transient stake accounts in pairs after the fixed accounts"),
    ("InvalidStakeHistory", "Stake history sysvar data is malformed"),
    ("NotOperator", "Signer is not the pool's operator"),
    ("NotAdmin", "Signer is not the pool's admin"),
    ("DepositFeeTooHigh", "Deposit fee above the on-chain cap (MAX_DEPOSIT_FEE_BPS)"),
    ("ExitFeeTooHigh", "Delayed-exit or stake-withdrawal fee above the on-chain cap (MAX_EXIT_FEE_BPS)"),
    ("InstantUnstakeFeeTooHigh", "Instant-exit maximum fee above the on-chain cap (MAX_INSTANT_UNSTAKE_FEE_BPS)"),
    ("InstantUnstakeFeeRangeInvalid", "Instant-exit minimum fee above its maximum"),
    ("TreasuryShareTooHigh", "Treasury share above 100%"),
    ("NotPauseGuardian", "Signer is neither the pause guardian nor the admin"),
    ("OnlyAdminCanUnpause", "Only the admin can unpause"),
    ("DepositsPaused", "Deposits are paused"),
    ("InstantExitsPaused", "Instant exits are paused"),
    ("RebalancingPaused", "Rebalancing is paused"),
    ("NotProposedAdmin", "Signer is not the proposed admin"),
    ("ExitTooSmall", "Exit too small: the LST is worth nothing after the fee"),
    ("ExitSlippageExceeded", "Slippage: the SOL paid out would be below the minimum the caller accepts"),
    ("TicketNotClaimableYet", "Ticket not claimable yet: wait for its claimable epoch"),
    ("ReserveAwaitingUnstake", "The reserve does not hold this ticket's SOL yet: the stake is still deactivating"),
    ("NotTicketOwner", "Ticket belongs to another owner"),
    ("TicketPoolMismatch", "Ticket belongs to another pool"),
    ("InsufficientLiquidity", "The reserve's buffer cannot pay this instant exit; use a delayed exit or a smaller amount"),
    ("TicketAccountMismatch", "Ticket account is not the next ticket of this pool"),
    ("StakeWithdrawalTooSmall", "Stake withdrawal below the minimum delegation"),
    ("StakeWithdrawalTooLarge", "Stake withdrawal would leave the validator's stake account below rent + the minimum delegation"),
    ("StakeNotActive", "Stake account is not fully active (activating, deactivating or inactive)"),
];

/// The name and message of a program error code (6000 and up).
pub fn program_error(code: u32) -> Option<(&'static str, &'static str)> {
    code.checked_sub(anchor_lang::error::ERROR_CODE_OFFSET).and_then(|i| PROGRAM_ERRORS.get(i as usize).copied())
}

/// Describes a custom error code: ours by name, Anchor's framework errors by number.
pub fn describe(code: u32) -> String {
    match program_error(code) {
        Some((name, message)) => format!("{name}: {message}"),
        None => format!("custom program error {code} (0x{code:x})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liquid_staking::error::LiquidStakingError;

    #[test]
    fn every_entry_names_its_code() {
        let codes: Vec<u32> = vec![
            u32::from(LiquidStakingError::ZeroAmount),
            u32::from(LiquidStakingError::MathOverflow),
            u32::from(LiquidStakingError::DepositTooSmall),
            u32::from(LiquidStakingError::SlippageExceeded),
            u32::from(LiquidStakingError::RewardFeeTooHigh),
            u32::from(LiquidStakingError::ReserveBufferTooHigh),
            u32::from(LiquidStakingError::InitialDepositTooSmall),
            u32::from(LiquidStakingError::WrongMint),
            u32::from(LiquidStakingError::WrongTreasury),
            u32::from(LiquidStakingError::ValidatorListTooSmall),
            u32::from(LiquidStakingError::PoolStale),
            u32::from(LiquidStakingError::EpochRewardsActive),
            u32::from(LiquidStakingError::ValidatorsNotObserved),
            u32::from(LiquidStakingError::InvalidVoteAccount),
            u32::from(LiquidStakingError::ValidatorAlreadyAdded),
            u32::from(LiquidStakingError::ValidatorListFull),
            u32::from(LiquidStakingError::ValidatorIndexOutOfRange),
            u32::from(LiquidStakingError::ValidatorIndexMismatch),
            u32::from(LiquidStakingError::ValidatorRemoving),
            u32::from(LiquidStakingError::ReserveTooLow),
            u32::from(LiquidStakingError::StakeAccountMismatch),
            u32::from(LiquidStakingError::TransientStakeAccountMismatch),
            u32::from(LiquidStakingError::StakeAccountNotOwnedByStakeProgram),
            u32::from(LiquidStakingError::InvalidStakeAccountData),
            u32::from(LiquidStakingError::WrongStakeAuthority),
            u32::from(LiquidStakingError::StakeDelegatedToWrongValidator),
            u32::from(LiquidStakingError::StakeLockedUp),
            u32::from(LiquidStakingError::StakeNotDelegated),
            u32::from(LiquidStakingError::StakeAccountsNotInPairs),
            u32::from(LiquidStakingError::InvalidStakeHistory),
            u32::from(LiquidStakingError::NotOperator),
            u32::from(LiquidStakingError::NotAdmin),
            u32::from(LiquidStakingError::DepositFeeTooHigh),
            u32::from(LiquidStakingError::ExitFeeTooHigh),
            u32::from(LiquidStakingError::InstantUnstakeFeeTooHigh),
            u32::from(LiquidStakingError::InstantUnstakeFeeRangeInvalid),
            u32::from(LiquidStakingError::TreasuryShareTooHigh),
            u32::from(LiquidStakingError::NotPauseGuardian),
            u32::from(LiquidStakingError::OnlyAdminCanUnpause),
            u32::from(LiquidStakingError::DepositsPaused),
            u32::from(LiquidStakingError::InstantExitsPaused),
            u32::from(LiquidStakingError::RebalancingPaused),
            u32::from(LiquidStakingError::NotProposedAdmin),
            u32::from(LiquidStakingError::ExitTooSmall),
            u32::from(LiquidStakingError::ExitSlippageExceeded),
            u32::from(LiquidStakingError::TicketNotClaimableYet),
            u32::from(LiquidStakingError::ReserveAwaitingUnstake),
            u32::from(LiquidStakingError::NotTicketOwner),
            u32::from(LiquidStakingError::TicketPoolMismatch),
            u32::from(LiquidStakingError::InsufficientLiquidity),
            u32::from(LiquidStakingError::TicketAccountMismatch),
            u32::from(LiquidStakingError::StakeWithdrawalTooSmall),
            u32::from(LiquidStakingError::StakeWithdrawalTooLarge),
            u32::from(LiquidStakingError::StakeNotActive),
        ];
        assert_eq!(codes.len(), PROGRAM_ERRORS.len());
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(*code, 6000 + i as u32, "{} is out of order", PROGRAM_ERRORS[i].0);
        }
        assert_eq!(program_error(6010).map(|e| e.0), Some("PoolStale"));
        assert_eq!(program_error(5999), None);
    }
}
