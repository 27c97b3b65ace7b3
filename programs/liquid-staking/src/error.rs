//! One error enum for the whole program. Codes are part of the interface: only append.
use anchor_lang::prelude::*;

#[error_code]
pub enum LiquidStakingError {
    // --- amounts and math (6000..) ---
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Arithmetic overflow: the amount is too large for the pool's totals")]
    MathOverflow,
    #[msg("Deposit too small: it would mint zero LST at the current rate")]
    DepositTooSmall,
    #[msg("Slippage: the LST minted would be below the minimum the caller accepts")]
    SlippageExceeded,

    // --- pool configuration (6004..) ---
    #[msg("Reward fee above the on-chain cap (MAX_REWARD_FEE_BPS)")]
    RewardFeeTooHigh,
    #[msg("Reserve buffer above the cap (MAX_RESERVE_BUFFER_BPS)")]
    ReserveBufferTooHigh,
    #[msg("Initial deposit below MIN_INITIAL_DEPOSIT_LAMPORTS")]
    InitialDepositTooSmall,
    #[msg("Mint is not this pool's LST mint")]
    WrongMint,
    #[msg("Treasury token account does not hold this pool's LST")]
    WrongTreasury,
    #[msg("Validator list account is too small for MAX_VALIDATORS entries")]
    ValidatorListTooSmall,

    // --- freshness (6010..) ---
    #[msg("Pool not updated this epoch: run the crank (observe then finalize) first")]
    PoolStale,
    #[msg("Epoch rewards are still being paid out; try again once the rewards period ends")]
    EpochRewardsActive,
    #[msg("Finalize refused: not every validator has been observed this epoch")]
    ValidatorsNotObserved,

    // --- validators (6013..) ---
    #[msg("Account is not a vote account")]
    InvalidVoteAccount,
    #[msg("Validator already in the pool (its stake account exists)")]
    ValidatorAlreadyAdded,
    #[msg("Validator list is full")]
    ValidatorListFull,
    #[msg("Validator index out of range")]
    ValidatorIndexOutOfRange,
    #[msg("Vote account does not match the validator at this index")]
    ValidatorIndexMismatch,
    #[msg("Validator is being removed")]
    ValidatorRemoving,
    #[msg("Reserve holds too little SOL to fund the stake account")]
    ReserveTooLow,

    // --- stake accounts (6020..) ---
    #[msg("Stake account is not the one derived for this pool and validator")]
    StakeAccountMismatch,
    #[msg("Transient stake account is not the one derived for this pool and validator")]
    TransientStakeAccountMismatch,
    #[msg("Stake account is not owned by the Stake program")]
    StakeAccountNotOwnedByStakeProgram,
    #[msg("Stake account data could not be read as a stake account")]
    InvalidStakeAccountData,
    #[msg("Stake account's staker or withdrawer is not the pool")]
    WrongStakeAuthority,
    #[msg("Stake account is delegated to a vote account other than the validator's")]
    StakeDelegatedToWrongValidator,
    #[msg("Stake account has a lockup")]
    StakeLockedUp,
    #[msg("Stake account is not delegated")]
    StakeNotDelegated,
    #[msg("Observe: after the fixed accounts, each validator's main stake account, then its transient only when one is recorded")]
    ObserveAccountsMismatch,
    #[msg("Stake history sysvar data is malformed")]
    InvalidStakeHistory,

    // --- authorities (6030..) ---
    #[msg("Signer is not the pool's operator")]
    NotOperator,
    #[msg("Signer is not the pool's admin")]
    NotAdmin,

    // --- fees and pausing (6032..) ---
    #[msg("Deposit fee above the on-chain cap (MAX_DEPOSIT_FEE_BPS)")]
    DepositFeeTooHigh,
    #[msg("Delayed-exit or stake-withdrawal fee above the on-chain cap (MAX_EXIT_FEE_BPS)")]
    ExitFeeTooHigh,
    #[msg("Instant-exit maximum fee above the on-chain cap (MAX_INSTANT_UNSTAKE_FEE_BPS)")]
    InstantUnstakeFeeTooHigh,
    #[msg("Instant-exit minimum fee above its maximum")]
    InstantUnstakeFeeRangeInvalid,
    #[msg("Treasury share above 100%")]
    TreasuryShareTooHigh,
    #[msg("Signer is neither the pause guardian nor the admin")]
    NotPauseGuardian,
    #[msg("Only the admin can unpause")]
    OnlyAdminCanUnpause,
    #[msg("Deposits are paused")]
    DepositsPaused,
    #[msg("Instant exits are paused")]
    InstantExitsPaused,
    #[msg("Staking new SOL is paused (unstaking for tickets and the buffer goes on)")]
    RebalancingPaused,
    #[msg("Signer is not the proposed admin")]
    NotProposedAdmin,

    // --- exits (6043..) ---
    #[msg("Exit too small: the LST is worth nothing after the fee")]
    ExitTooSmall,
    #[msg("Slippage: the SOL paid out would be below the minimum the caller accepts")]
    ExitSlippageExceeded,
    #[msg("Ticket not claimable yet: wait for its claimable epoch")]
    TicketNotClaimableYet,
    #[msg("The reserve does not hold this ticket's SOL yet: the stake is still deactivating")]
    ReserveAwaitingUnstake,
    #[msg("Ticket belongs to another owner")]
    NotTicketOwner,
    #[msg("Ticket belongs to another pool")]
    TicketPoolMismatch,
    #[msg("The reserve's buffer cannot pay this instant exit; use a delayed exit or a smaller amount")]
    InsufficientLiquidity,
    #[msg("Ticket account is not the ticket address for this pool, owner and nonce")]
    TicketAccountMismatch,
    #[msg("Stake withdrawal below the minimum delegation")]
    StakeWithdrawalTooSmall,
    #[msg("Stake withdrawal would leave the validator's stake account below rent + the minimum delegation")]
    StakeWithdrawalTooLarge,
    #[msg("Stake account is not fully active (activating, deactivating or inactive)")]
    StakeNotActive,

    // --- tickets and treasury (6054..) ---
    #[msg("A ticket with this nonce already exists for this owner: choose another nonce")]
    TicketAlreadyExists,
    #[msg("Signer is not the pool's treasury authority")]
    NotTreasuryAuthority,
    #[msg("The treasury holds less LST than requested")]
    TreasuryBalanceTooLow,
    #[msg("Reserve account is not this pool's reserve")]
    WrongReserve,
    #[msg("The depositor did not hand the stake account's staker and withdrawer to the pool earlier in this transaction")]
    StakeNotHandedOver,

    // --- the exchange-rate account (6059..) ---
    #[msg("Rate account is not this pool's rate account")]
    WrongRateAccount,
    #[msg("The rate account's breaker is not tripped: nothing to reset")]
    RateBreakerNotTripped,

    // --- review fixes (6061..) ---
    #[msg("Reserve buffer below the floor (MIN_RESERVE_BUFFER_BPS)")]
    ReserveBufferTooLow,
    #[msg("The validator has a transient stake account in flight (one at a time); try after the next observe")]
    TransientStakeInFlight,
    #[msg("Unstaking only from a validator at or above its target")]
    ValidatorBelowTarget,
    #[msg("Nothing to stake into this validator: at or above its target, or less than the minimum stake available")]
    NothingToStake,
    #[msg("The epoch's limit of staking rebalances (MAX_STAKE_INCREASES_PER_EPOCH) is reached")]
    StakingLimitReached,
    #[msg("The reset names a settlement other than the rate account's current one: read the rate again")]
    RateAcknowledgementMismatch,
    #[msg("Slippage: the instant part of the exit would pay less than the minimum the caller accepts")]
    InstantPartBelowMinimum,
    #[msg("The pool holds no SOL for its LST (a total loss): deposits are refused")]
    PoolHasNoValue,
    #[msg("There is no LST token account at this address: create the holder's LST account first")]
    LstAccountMissing,
    #[msg("Every validator of this batch was observed this epoch already: nothing to observe")]
    NothingToObserve,
    #[msg("The pool is already updated this epoch: nothing to finalize")]
    PoolAlreadyUpdated,
    // --- validator risk (6072..) ---
    #[msg("The vote account's data is not a vote state this program reads (versions 0 to 3, initialized)")]
    VoteStateUnreadable,
    #[msg("The vote account is not the one of the validator at this index")]
    VoteAccountMismatch,
    #[msg("The validator list has the layout from before validator records: migrate it (migrate_validator_list) first")]
    ValidatorListNeedsMigration,
    #[msg("The validator list already has the current layout")]
    ValidatorListAlreadyMigrated,
    #[msg("A validator rule is outside its on-chain bounds")]
    ValidatorRulesOutOfBounds,
    #[msg("The validator passes every rule: nothing to deactivate")]
    ValidatorEligible,
    #[msg("The ineligible validator's stake is deactivated already: nothing to deactivate")]
    NothingToDeactivate,
    #[msg("Every validator of this batch was read this epoch and nothing changed: nothing to record")]
    NothingToRecord,
    // --- targets from scores (6080..) ---
    #[msg("The pool's targets follow the operator's weights (hand mode): there is nothing to select")]
    TargetsFollowWeights,
    #[msg("The pool's targets follow validator scores (score mode): weights are set by select_validators, not by the operator")]
    WeightsFollowScores,
    #[msg("A selection needs every active validator read this epoch: record_validators first")]
    ValidatorsNotRecorded,
    #[msg("The cutoff is not the top-N-th best eligible score: read the list and compute it again")]
    SelectionCutoffMismatch,
    #[msg("Unknown target mode, or a top N outside 1..=MAX_VALIDATORS (0 in hand mode)")]
    TargetModeInvalid,
    #[msg("Validators were selected this epoch already and no weight would change: nothing to select")]
    NothingToSelect,
}

impl From<crate::math::MathError> for LiquidStakingError {
    fn from(_: crate::math::MathError) -> Self {
        LiquidStakingError::MathOverflow
    }
}
