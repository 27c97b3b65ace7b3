//! The program's vote-account reader against the Vote program's own types: every version agave
//! 3.1 can hold, serialized by the vote interface (version 0 by hand: its type is private there).
use liquid_staking::checks::{read_vote_state, VoteReading};
use solana_pubkey::Pubkey;
use solana_vote_program::authorized_voters::AuthorizedVoters;
use solana_vote_program::vote_state::{
    LandedVote, Lockout, VoteState1_14_11, VoteStateV3, VoteStateV4, VoteStateVersions,
};

/// Credits earned 100, 0 (no entry), 300, 400 in epochs 3, 4, 5, 6; epoch 7 (current) 50.
fn epoch_credits() -> Vec<(u64, u64, u64)> {
    vec![(3, 100, 0), (5, 400, 100), (6, 800, 400), (7, 850, 800)]
}

fn expected(commission_bps: u16) -> VoteReading {
    VoteReading { commission_bps, credits: [400, 300, 0, 100, 0], current_credits: 50 }
}

fn votes() -> std::collections::VecDeque<LandedVote> {
    (0..31u64).map(|slot| LandedVote { latency: 3, lockout: Lockout::new_with_confirmation_count(100 + slot, 2) }).collect()
}

#[test]
fn every_vote_state_version_reads_the_same() {
    let voter = Pubkey::new_unique();
    let v1 = VoteState1_14_11 {
        node_pubkey: Pubkey::new_unique(),
        authorized_withdrawer: Pubkey::new_unique(),
        commission: 7,
        votes: votes().into_iter().map(|v| v.lockout).collect(),
        root_slot: Some(90),
        authorized_voters: AuthorizedVoters::new(2, voter),
        epoch_credits: epoch_credits(),
        ..Default::default()
    };
    let v3 = VoteStateV3 {
        node_pubkey: v1.node_pubkey,
        authorized_withdrawer: v1.authorized_withdrawer,
        commission: 7,
        votes: votes(),
        root_slot: None,
        authorized_voters: AuthorizedVoters::new(2, voter),
        epoch_credits: epoch_credits(),
        ..Default::default()
    };
    let v4 = VoteStateV4 {
        node_pubkey: v1.node_pubkey,
        authorized_withdrawer: v1.authorized_withdrawer,
        inflation_rewards_commission_bps: 725,
        block_revenue_commission_bps: 5_000,
        bls_pubkey_compressed: Some([9; 48]),
        votes: votes(),
        root_slot: Some(99),
        authorized_voters: AuthorizedVoters::new(2, voter),
        epoch_credits: epoch_credits(),
        ..Default::default()
    };
    for (name, state, commission_bps) in [
        ("1.14.11", VoteStateVersions::V1_14_11(Box::new(v1)), 700),
        ("V3", VoteStateVersions::V3(Box::new(v3)), 700),
        ("V4", VoteStateVersions::V4(Box::new(v4)), 725),
    ] {
        let mut data = bincode::serialize(&state).unwrap();
        data.resize(VoteStateV3::size_of(), 0);
        assert_eq!(read_vote_state(&data, 7).unwrap(), expected(commission_bps), "version {name}");
    }

    // 0.23.5: node, authorized voter and its epoch, prior voters (32 x 56, index, is-empty),
    // withdrawer, commission, votes (x 12), root, epoch credits, last timestamp.
    let mut v0 = 0u32.to_le_bytes().to_vec();
    v0.extend(Pubkey::new_unique().to_bytes());
    v0.extend(voter.to_bytes());
    v0.extend(2u64.to_le_bytes());
    v0.extend([0u8; 32 * 56 + 8 + 1]);
    v0.extend(Pubkey::new_unique().to_bytes());
    v0.push(12);
    v0.extend(2u64.to_le_bytes());
    v0.extend([1u8; 24]);
    v0.extend([1u8]);
    v0.extend(90u64.to_le_bytes());
    v0.extend((epoch_credits().len() as u64).to_le_bytes());
    for (e, c, p) in epoch_credits() {
        v0.extend(e.to_le_bytes());
        v0.extend(c.to_le_bytes());
        v0.extend(p.to_le_bytes());
    }
    v0.extend([0u8; 16]);
    assert_eq!(read_vote_state(&v0, 7).unwrap(), expected(1_200), "version 0.23.5");
}

#[test]
fn the_chains_own_vote_accounts_read_as_created() {
    let account = solana_vote_program::vote_state::create_v4_account_with_authorized(
        &Pubkey::new_unique(), &Pubkey::new_unique(), &Pubkey::new_unique(), None, 300, 1,
    );
    let data = solana_account::ReadableAccount::data(&account);
    assert_eq!(read_vote_state(data, 0).unwrap(), VoteReading { commission_bps: 300, credits: [0; 5], current_credits: 0 });
}
