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
    ("ObserveAccountsMismatch", "Observe: after the fixed accounts, each validator's main stake account, then its transient only when one is recorded"),
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
    ("RebalancingPaused", "Staking new SOL is paused (unstaking for tickets and the buffer goes on)"),
    ("NotProposedAdmin", "Signer is not the proposed admin"),
    ("ExitTooSmall", "Exit too small: the LST is worth nothing after the fee"),
    ("ExitSlippageExceeded", "Slippage: the SOL paid out would be below the minimum the caller accepts"),
    ("TicketNotClaimableYet", "Ticket not claimable yet: wait for its claimable epoch"),
    ("ReserveAwaitingUnstake", "The reserve does not hold this ticket's SOL yet: the stake is still deactivating"),
    ("NotTicketOwner", "Ticket belongs to another owner"),
    ("TicketPoolMismatch", "Ticket belongs to another pool"),
    ("InsufficientLiquidity", "The reserve's buffer cannot pay this instant exit; use a delayed exit or a smaller amount"),
    ("TicketAccountMismatch", "Ticket account is not the ticket address for this pool, owner and nonce"),
    ("StakeWithdrawalTooSmall", "Stake withdrawal below the minimum delegation"),
    ("StakeWithdrawalTooLarge", "Stake withdrawal would leave the validator's stake account below rent + the minimum delegation"),
    ("StakeNotActive", "Stake account is not fully active (activating, deactivating or inactive)"),
    ("TicketAlreadyExists", "A ticket with this nonce already exists for this owner: choose another nonce"),
    ("NotTreasuryAuthority", "Signer is not the pool's treasury authority"),
    ("TreasuryBalanceTooLow", "The treasury holds less LST than requested"),
    ("WrongReserve", "Reserve account is not this pool's reserve"),
    ("StakeNotHandedOver", "The depositor did not hand the stake account's staker and withdrawer to the pool earlier in this transaction"),
    ("WrongRateAccount", "Rate account is not this pool's rate account"),
    ("RateBreakerNotTripped", "The rate account's breaker is not tripped: nothing to reset"),
    ("ReserveBufferTooLow", "Reserve buffer below the floor (MIN_RESERVE_BUFFER_BPS)"),
    ("TransientStakeInFlight", "The validator has a transient stake account in flight (one at a time); try after the next observe"),
    ("ValidatorBelowTarget", "Unstaking only from a validator at or above its target"),
    ("NothingToStake", "Nothing to stake into this validator: at or above its target, or less than the minimum stake available"),
    ("StakingLimitReached", "The epoch's limit of staking rebalances (MAX_STAKE_INCREASES_PER_EPOCH) is reached"),
    ("RateAcknowledgementMismatch", "The reset names a settlement other than the rate account's current one: read the rate again"),
    ("InstantPartBelowMinimum", "Slippage: the instant part of the exit would pay less than the minimum the caller accepts"),
    ("PoolHasNoValue", "The pool holds no SOL for its LST (a total loss): deposits are refused"),
    ("LstAccountMissing", "There is no LST token account at this address: create the holder's LST account first"),
    ("NothingToObserve", "Every validator of this batch was observed this epoch already: nothing to observe"),
    ("PoolAlreadyUpdated", "The pool is already updated this epoch: nothing to finalize"),
    ("VoteStateUnreadable", "The vote account's data is not a vote state this program reads (versions 0 to 3, initialized)"),
    ("VoteAccountMismatch", "The vote account is not the one of the validator at this index"),
    ("ValidatorListNeedsMigration", "The validator list has the layout from before validator records: migrate it (migrate_validator_list) first"),
    ("ValidatorListAlreadyMigrated", "The validator list already has the current layout"),
    ("ValidatorRulesOutOfBounds", "A validator rule is outside its on-chain bounds"),
    ("ValidatorEligible", "The validator passes every rule: nothing to deactivate"),
    ("NothingToDeactivate", "The ineligible validator's stake is deactivated already: nothing to deactivate"),
    ("NothingToRecord", "Every validator of this batch was read this epoch and nothing changed: nothing to record"),
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
        let variants = [
            LiquidStakingError::ZeroAmount,
            LiquidStakingError::MathOverflow,
            LiquidStakingError::DepositTooSmall,
            LiquidStakingError::SlippageExceeded,
            LiquidStakingError::RewardFeeTooHigh,
            LiquidStakingError::ReserveBufferTooHigh,
            LiquidStakingError::InitialDepositTooSmall,
            LiquidStakingError::WrongMint,
            LiquidStakingError::WrongTreasury,
            LiquidStakingError::ValidatorListTooSmall,
            LiquidStakingError::PoolStale,
            LiquidStakingError::EpochRewardsActive,
            LiquidStakingError::ValidatorsNotObserved,
            LiquidStakingError::InvalidVoteAccount,
            LiquidStakingError::ValidatorAlreadyAdded,
            LiquidStakingError::ValidatorListFull,
            LiquidStakingError::ValidatorIndexOutOfRange,
            LiquidStakingError::ValidatorIndexMismatch,
            LiquidStakingError::ValidatorRemoving,
            LiquidStakingError::ReserveTooLow,
            LiquidStakingError::StakeAccountMismatch,
            LiquidStakingError::TransientStakeAccountMismatch,
            LiquidStakingError::StakeAccountNotOwnedByStakeProgram,
            LiquidStakingError::InvalidStakeAccountData,
            LiquidStakingError::WrongStakeAuthority,
            LiquidStakingError::StakeDelegatedToWrongValidator,
            LiquidStakingError::StakeLockedUp,
            LiquidStakingError::StakeNotDelegated,
            LiquidStakingError::ObserveAccountsMismatch,
            LiquidStakingError::InvalidStakeHistory,
            LiquidStakingError::NotOperator,
            LiquidStakingError::NotAdmin,
            LiquidStakingError::DepositFeeTooHigh,
            LiquidStakingError::ExitFeeTooHigh,
            LiquidStakingError::InstantUnstakeFeeTooHigh,
            LiquidStakingError::InstantUnstakeFeeRangeInvalid,
            LiquidStakingError::TreasuryShareTooHigh,
            LiquidStakingError::NotPauseGuardian,
            LiquidStakingError::OnlyAdminCanUnpause,
            LiquidStakingError::DepositsPaused,
            LiquidStakingError::InstantExitsPaused,
            LiquidStakingError::RebalancingPaused,
            LiquidStakingError::NotProposedAdmin,
            LiquidStakingError::ExitTooSmall,
            LiquidStakingError::ExitSlippageExceeded,
            LiquidStakingError::TicketNotClaimableYet,
            LiquidStakingError::ReserveAwaitingUnstake,
            LiquidStakingError::NotTicketOwner,
            LiquidStakingError::TicketPoolMismatch,
            LiquidStakingError::InsufficientLiquidity,
            LiquidStakingError::TicketAccountMismatch,
            LiquidStakingError::StakeWithdrawalTooSmall,
            LiquidStakingError::StakeWithdrawalTooLarge,
            LiquidStakingError::StakeNotActive,
            LiquidStakingError::TicketAlreadyExists,
            LiquidStakingError::NotTreasuryAuthority,
            LiquidStakingError::TreasuryBalanceTooLow,
            LiquidStakingError::WrongReserve,
            LiquidStakingError::StakeNotHandedOver,
            LiquidStakingError::WrongRateAccount,
            LiquidStakingError::RateBreakerNotTripped,
            LiquidStakingError::ReserveBufferTooLow,
            LiquidStakingError::TransientStakeInFlight,
            LiquidStakingError::ValidatorBelowTarget,
            LiquidStakingError::NothingToStake,
            LiquidStakingError::StakingLimitReached,
            LiquidStakingError::RateAcknowledgementMismatch,
            LiquidStakingError::InstantPartBelowMinimum,
            LiquidStakingError::PoolHasNoValue,
            LiquidStakingError::LstAccountMissing,
            LiquidStakingError::NothingToObserve,
            LiquidStakingError::PoolAlreadyUpdated,
            LiquidStakingError::VoteStateUnreadable,
            LiquidStakingError::VoteAccountMismatch,
            LiquidStakingError::ValidatorListNeedsMigration,
            LiquidStakingError::ValidatorListAlreadyMigrated,
            LiquidStakingError::ValidatorRulesOutOfBounds,
            LiquidStakingError::ValidatorEligible,
            LiquidStakingError::NothingToDeactivate,
            LiquidStakingError::NothingToRecord,
        ];
        assert_eq!(variants.len(), PROGRAM_ERRORS.len(), "every error has an entry");
        for (i, variant) in variants.iter().enumerate() {
            let (name, message) = PROGRAM_ERRORS[i];
            assert_eq!(u32::from(*variant), 6000 + i as u32, "{name} is out of order");
            assert_eq!(format!("{variant:?}"), name);
            assert_eq!(variant.to_string(), message, "{name}'s message");
        }
        assert_eq!(program_error(6010).map(|e| e.0), Some("PoolStale"));
        assert_eq!(program_error(5999), None);
    }
}
