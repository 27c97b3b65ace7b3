//! Every check on a stake account the pool relies on, in one place.
use crate::error::LiquidStakingError;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::system_program;
use solana_stake_interface::{
    stake_history::StakeHistoryGetEntry,
    state::{Delegation, Meta, StakeStateV2},
};

/// The epoch from which the 9% warmup/cooldown rate applies: the Stake program treats it as
/// always in force, and so must we to classify stake exactly as it does.
const NEW_WARMUP_COOLDOWN_RATE_EPOCH: Option<u64> = Some(0);

/// Where a delegation stands, as the Stake program's merge rules classify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeStatus {
    /// No effective stake and nothing warming up or cooling down: withdrawable.
    Inactive,
    /// Warming up (possibly partly effective).
    Activating,
    /// All of it effective.
    Active,
    /// Cooling down.
    Deactivating,
}

pub fn stake_status(delegation: &Delegation, epoch: u64, history: &impl StakeHistoryGetEntry) -> StakeStatus {
    let s = delegation.stake_activating_and_deactivating(epoch, history, NEW_WARMUP_COOLDOWN_RATE_EPOCH);
    match (s.effective, s.activating, s.deactivating) {
        (0, 0, 0) => StakeStatus::Inactive,
        (_, a, _) if a > 0 => StakeStatus::Activating,
        (_, 0, 0) => StakeStatus::Active,
        _ => StakeStatus::Deactivating,
    }
}

/// A pool stake account as read from the chain.
pub struct PoolStake {
    pub lamports: u64,
    pub meta: Meta,
    pub delegation: Delegation,
}

/// Reads a stake account the pool owns for `vote_account`, or `None` if there is no stake account
/// at that address (never created, closed, or only holding lamports someone sent there).
///
/// Checks: owned by the Stake program; delegated; staker and withdrawer are the pool; no lockup in
/// force; delegated to `vote_account`. The caller checks the address.
pub fn read_pool_stake(
    info: &AccountInfo,
    pool: &Pubkey,
    vote_account: &Pubkey,
    clock: &Clock,
) -> Result<Option<PoolStake>> {
    if info.owner == &system_program::ID && info.data_is_empty() {
        return Ok(None);
    }
    require_keys_eq!(
        *info.owner,
        solana_stake_interface::program::ID,
        LiquidStakingError::StakeAccountNotOwnedByStakeProgram
    );
    let data = info.try_borrow_data()?;
    let state = StakeStateV2::deserialize(&mut &data[..])
        .map_err(|_| error!(LiquidStakingError::InvalidStakeAccountData))?;
    let (meta, stake) = match state {
        StakeStateV2::Stake(meta, stake, _) => (meta, stake),
        StakeStateV2::Initialized(_) => return err!(LiquidStakingError::StakeNotDelegated),
        _ => return err!(LiquidStakingError::InvalidStakeAccountData),
    };
    require!(
        meta.authorized.staker == *pool && meta.authorized.withdrawer == *pool,
        LiquidStakingError::WrongStakeAuthority
    );
    require!(!meta.lockup.is_in_force(clock, None), LiquidStakingError::StakeLockedUp);
    require_keys_eq!(
        stake.delegation.voter_pubkey,
        *vote_account,
        LiquidStakingError::StakeDelegatedToWrongValidator
    );
    Ok(Some(PoolStake { lamports: info.lamports(), meta, delegation: stake.delegation }))
}

use anchor_lang::prelude::borsh::BorshDeserialize;

#[cfg(test)]
mod tests {
    use super::*;
    use solana_stake_interface::{
        stake_history::StakeHistoryEntry,
        stake_flags::StakeFlags,
        state::{Authorized, Lockup, Stake},
    };

    const POOL: Pubkey = Pubkey::new_from_array([1; 32]);
    const VOTE: Pubkey = Pubkey::new_from_array([2; 32]);
    const KEY: Pubkey = Pubkey::new_from_array([3; 32]);

    fn clock(epoch: u64) -> Clock {
        Clock { epoch, unix_timestamp: 1_000, ..Clock::default() }
    }

    fn meta(staker: Pubkey, withdrawer: Pubkey, lockup: Lockup) -> Meta {
        Meta { rent_exempt_reserve: 2_282_880, authorized: Authorized { staker, withdrawer }, lockup }
    }

    fn delegated(meta: Meta, voter: Pubkey, activation_epoch: u64, deactivation_epoch: u64) -> StakeStateV2 {
        let delegation = Delegation { voter_pubkey: voter, stake: 10_000_000_000, activation_epoch, deactivation_epoch, ..Delegation::default() };
        StakeStateV2::Stake(meta, Stake { delegation, credits_observed: 0 }, StakeFlags::empty())
    }

    fn pool_meta() -> Meta {
        meta(POOL, POOL, Lockup::default())
    }

    /// `read_pool_stake` of an account owned by `owner` holding `data`.
    fn read(owner: &Pubkey, mut data: Vec<u8>) -> Result<Option<PoolStake>> {
        let mut lamports = 10_002_282_880u64;
        let info = AccountInfo::new(&KEY, false, true, &mut lamports, &mut data, owner, false);
        read_pool_stake(&info, &POOL, &VOTE, &clock(10))
    }

    fn encoded(state: &StakeStateV2) -> Vec<u8> {
        let mut data = bincode::serialize(state).unwrap();
        data.resize(200, 0);
        data
    }

    fn stake_program() -> Pubkey {
        solana_stake_interface::program::ID
    }

    fn code(result: Result<Option<PoolStake>>) -> Option<u32> {
        match result {
            Err(Error::AnchorError(e)) => Some(e.error_code_number),
            _ => None,
        }
    }

    #[test]
    fn nothing_at_the_address_is_no_stake_account() {
        assert!(read(&system_program::ID, vec![]).unwrap().is_none());
    }

    #[test]
    fn a_pool_stake_account_delegated_to_the_validator_is_read() {
        let stake = read(&stake_program(), encoded(&delegated(pool_meta(), VOTE, 3, u64::MAX))).unwrap().unwrap();
        assert_eq!((stake.lamports, stake.delegation.voter_pubkey, stake.delegation.stake), (10_002_282_880, VOTE, 10_000_000_000));
    }

    #[test]
    fn every_other_state_is_refused_by_name() {
        use LiquidStakingError as E;
        let stake_program = stake_program();
        let assert_refused = |owner: Pubkey, data: Vec<u8>, expected: E| {
            assert_eq!(code(read(&owner, data.clone())), Some(u32::from(expected)), "{expected:?} for owner {owner}, data {:?}", &data[..4.min(data.len())]);
        };
        let locked = |lockup| encoded(&delegated(meta(POOL, POOL, lockup), VOTE, 3, u64::MAX));
        assert_refused(system_program::ID, vec![0; 200], E::StakeAccountNotOwnedByStakeProgram);
        assert_refused(Pubkey::new_unique(), encoded(&delegated(pool_meta(), VOTE, 3, u64::MAX)), E::StakeAccountNotOwnedByStakeProgram);
        assert_refused(stake_program, encoded(&StakeStateV2::Uninitialized), E::InvalidStakeAccountData);
        assert_refused(stake_program, encoded(&StakeStateV2::RewardsPool), E::InvalidStakeAccountData);
        assert_refused(stake_program, vec![9; 200], E::InvalidStakeAccountData);
        assert_refused(stake_program, vec![2, 0], E::InvalidStakeAccountData);
        assert_refused(stake_program, encoded(&StakeStateV2::Initialized(pool_meta())), E::StakeNotDelegated);
        assert_refused(stake_program, encoded(&delegated(meta(KEY, POOL, Lockup::default()), VOTE, 3, u64::MAX)), E::WrongStakeAuthority);
        assert_refused(stake_program, encoded(&delegated(meta(POOL, KEY, Lockup::default()), VOTE, 3, u64::MAX)), E::WrongStakeAuthority);
        assert_refused(stake_program, locked(Lockup { epoch: 11, ..Lockup::default() }), E::StakeLockedUp);
        assert_refused(stake_program, locked(Lockup { unix_timestamp: 2_000, ..Lockup::default() }), E::StakeLockedUp);
        assert_refused(stake_program, encoded(&delegated(pool_meta(), KEY, 3, u64::MAX)), E::StakeDelegatedToWrongValidator);
        // A lockup that has expired is no lockup.
        let expired = meta(POOL, POOL, Lockup { epoch: 9, unix_timestamp: 999, custodian: KEY });
        assert!(read(&stake_program, encoded(&delegated(expired, VOTE, 3, u64::MAX))).unwrap().is_some());
    }

    /// A StakeHistory by epoch.
    struct History(Vec<(u64, StakeHistoryEntry)>);

    impl StakeHistoryGetEntry for History {
        fn get_entry(&self, epoch: u64) -> Option<StakeHistoryEntry> {
            self.0.iter().find(|(e, _)| *e == epoch).map(|(_, entry)| entry.clone())
        }
    }

    #[test]
    fn stake_status_follows_the_stake_program() {
        // A cluster with a hundred times this delegation's stake effective: 9% warm-up and
        // cool-down a epoch move all of it in one epoch.
        let stake = 10_000_000_000;
        let cluster = 100 * stake;
        let history = History(
            (0..20)
                .map(|e| {
                    let entry = match e {
                        5 => StakeHistoryEntry { effective: cluster, activating: stake, deactivating: 0 },
                        12 => StakeHistoryEntry { effective: cluster, activating: 0, deactivating: stake },
                        _ => StakeHistoryEntry { effective: cluster, activating: 0, deactivating: 0 },
                    };
                    (e, entry)
                })
                .collect(),
        );
        let delegation = |activation_epoch, deactivation_epoch| Delegation {
            voter_pubkey: VOTE,
            stake,
            activation_epoch,
            deactivation_epoch,
            ..Delegation::default()
        };
        assert_eq!(stake_status(&delegation(5, u64::MAX), 5, &history), StakeStatus::Activating, "the epoch it was delegated");
        assert_eq!(stake_status(&delegation(5, u64::MAX), 8, &history), StakeStatus::Active);
        assert_eq!(stake_status(&delegation(5, 12), 12, &history), StakeStatus::Deactivating, "the epoch it was deactivated");
        assert_eq!(stake_status(&delegation(5, 12), 13, &history), StakeStatus::Inactive);
        assert_eq!(stake_status(&delegation(5, 5), 5, &history), StakeStatus::Inactive, "deactivated in the epoch it was delegated");
        assert_eq!(stake_status(&delegation(u64::MAX, u64::MAX), 8, &history), StakeStatus::Active, "genesis (bootstrap) stake");
    }
}
