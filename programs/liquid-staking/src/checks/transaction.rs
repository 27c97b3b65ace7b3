//! What this transaction did before the current instruction, read from the Instructions sysvar's
//! raw bytes (no instruction is deserialized whole).
//!
//! Layout: u16 instruction count, a u16 offset per instruction; at each offset a u16 account count,
//! per account one flags byte and a 32-byte key, the 32-byte program id, a u16 data length and the
//! data; the index of the instruction being executed in the last two bytes.
use anchor_lang::prelude::*;

/// `StakeInstruction::Authorize` as bincode writes it: u32 variant 1, the new authority, u32 role.
const AUTHORIZE: u32 = 1;
const ROLE_WITHDRAWER: u32 = 1;

fn u16_at(data: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?) as usize)
}

/// Whether an instruction before the current one is the Stake program's
/// `Authorize(new_withdrawer, Withdrawer)` on `stake` by `authority` (its third account, which
/// the Stake program required to sign: the stake account's withdrawer at that moment).
pub fn withdrawer_handed_over_earlier(data: &[u8], stake: &Pubkey, authority: &Pubkey, new_withdrawer: &Pubkey) -> bool {
    let mut expected = [0u8; 40];
    expected[..4].copy_from_slice(&AUTHORIZE.to_le_bytes());
    expected[4..36].copy_from_slice(new_withdrawer.as_ref());
    expected[36..].copy_from_slice(&ROLE_WITHDRAWER.to_le_bytes());
    let Some(current) = data.len().checked_sub(2).and_then(|at| u16_at(data, at)) else {
        return false;
    };
    (0..current).any(|i| {
        authorizes(data, i, &expected, stake, authority).unwrap_or(false)
    })
}

/// Whether instruction `i` is a Stake program instruction with data `expected` whose first account
/// is `stake` and third `authority`.
fn authorizes(data: &[u8], i: usize, expected: &[u8], stake: &Pubkey, authority: &Pubkey) -> Option<bool> {
    const META: usize = 33;
    let start = u16_at(data, 2 + 2 * i)?;
    let accounts = u16_at(data, start)?;
    let key = |n: usize| data.get(start + 2 + n * META + 1..start + 2 + (n + 1) * META);
    let program_at = start + 2 + accounts * META;
    let program = data.get(program_at..program_at + 32)?;
    let data_len = u16_at(data, program_at + 32)?;
    let ix_data = data.get(program_at + 34..program_at + 34 + data_len)?;
    Some(
        program == solana_stake_interface::program::ID.as_ref()
            && ix_data == expected
            && accounts >= 3
            && key(0)? == stake.as_ref()
            && key(2)? == authority.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_instruction::{BorrowedAccountMeta, BorrowedInstruction, Instruction};
    use solana_stake_interface::{instruction as stake_ix, state::StakeAuthorize};

    /// The Instructions sysvar's data for `instructions`, executing the one at `current`.
    fn sysvar_data(instructions: &[Instruction], current: u16) -> Vec<u8> {
        let borrowed: Vec<BorrowedInstruction> = instructions
            .iter()
            .map(|ix| BorrowedInstruction {
                program_id: &ix.program_id,
                accounts: ix
                    .accounts
                    .iter()
                    .map(|m| BorrowedAccountMeta { pubkey: &m.pubkey, is_signer: m.is_signer, is_writable: m.is_writable })
                    .collect(),
                data: &ix.data,
            })
            .collect();
        let mut data = solana_instructions_sysvar::construct_instructions_data(&borrowed);
        let at = data.len() - 2;
        data[at..].copy_from_slice(&current.to_le_bytes());
        data
    }

    #[test]
    fn finds_the_withdrawer_handed_over_by_its_owner_before_the_current_instruction() {
        let (stake, owner, pool, other) = (Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique(), Pubkey::new_unique());
        let staker = stake_ix::authorize(&stake, &owner, &pool, StakeAuthorize::Staker, None);
        let withdrawer = stake_ix::authorize(&stake, &owner, &pool, StakeAuthorize::Withdrawer, None);
        let ours = Instruction { program_id: crate::ID, accounts: vec![], data: vec![1, 2, 3] };
        let data = sysvar_data(&[staker.clone(), withdrawer.clone(), ours.clone()], 2);
        assert!(withdrawer_handed_over_earlier(&data, &stake, &owner, &pool));
        assert!(!withdrawer_handed_over_earlier(&data, &other, &owner, &pool), "another stake account");
        assert!(!withdrawer_handed_over_earlier(&data, &stake, &other, &pool), "another owner");
        assert!(!withdrawer_handed_over_earlier(&data, &stake, &owner, &other), "to someone else");
        // Only the staker handed over: not enough.
        assert!(!withdrawer_handed_over_earlier(&sysvar_data(&[staker, ours.clone()], 1), &stake, &owner, &pool));
        // After the current instruction: does not count.
        assert!(!withdrawer_handed_over_earlier(&sysvar_data(&[ours, withdrawer], 0), &stake, &owner, &pool));
        // Malformed data: nothing proven.
        assert!(!withdrawer_handed_over_earlier(&[1], &stake, &owner, &pool));
        assert!(!withdrawer_handed_over_earlier(&data[..data.len() / 2], &stake, &owner, &pool));
    }
}
