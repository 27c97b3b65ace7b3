//! The deployed program, as the upgradeable loader (BPF loader v3) keeps it: the program account
//! names its ProgramData account, which holds the deployment slot, the upgrade authority and the
//! program's bytes (zero-padded to the length reserved at deployment). Verifying a deployment is
//! comparing those bytes with a local build (`scripts/verify-build.sh` makes the build
//! reproducible; README, "Deploying").
//!
//! Deploying and upgrading go through a buffer account: the .so is written into it in chunks of
//! one transaction each, then one transaction deploys (or upgrades) from it. This module plans
//! that (chunk sizes, which chunks still differ) and builds the loader's instructions; rpc::deploy
//! sends them.
use anchor_lang::prelude::Pubkey;
use solana_instruction::Instruction;
use solana_loader_v3_interface::instruction as loader;

/// The upgradeable loader's id.
pub use solana_sdk_ids::bpf_loader_upgradeable::ID as UPGRADEABLE_LOADER_ID;
/// Bytes before the program in a ProgramData account: the state tag (u32), the slot (u64) and
/// the upgrade authority (an Option<Pubkey>: one byte and 32).
pub const PROGRAMDATA_METADATA_LEN: usize = 4 + 8 + 1 + 32;
/// Bytes before the program in a buffer account: the state tag (u32) and the authority (an
/// Option<Pubkey>).
pub const BUFFER_METADATA_LEN: usize = 4 + 1 + 32;
/// Bytes of a program account: the state tag and the ProgramData address.
pub const PROGRAM_ACCOUNT_LEN: usize = 4 + 32;
/// The most bytes one transaction may have (the packet size less the IP and UDP headers).
pub const PACKET_DATA_SIZE: usize = 1232;
const TAG_BUFFER: u32 = 1;
const TAG_PROGRAM: u32 = 2;
const TAG_PROGRAMDATA: u32 = 3;

/// What a ProgramData account says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramData<'a> {
    /// Slot of the last deployment or upgrade.
    pub slot: u64,
    /// Who may upgrade it (None: nobody, the program is immutable).
    pub upgrade_authority: Option<Pubkey>,
    /// The program's bytes, zero-padded to the reserved length.
    pub bytes: &'a [u8],
}

fn tag(data: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(..4)?.try_into().ok()?))
}

/// The ProgramData address a program account of the upgradeable loader names.
pub fn programdata_address(program_account_data: &[u8]) -> Result<Pubkey, String> {
    match (tag(program_account_data), program_account_data.get(4..36)) {
        (Some(TAG_PROGRAM), Some(key)) => Ok(Pubkey::try_from(key).expect("32 bytes")),
        _ => Err("not a program account of the upgradeable loader".into()),
    }
}

/// Decodes a ProgramData account's data.
pub fn programdata(data: &[u8]) -> Result<ProgramData<'_>, String> {
    if tag(data) != Some(TAG_PROGRAMDATA) || data.len() < PROGRAMDATA_METADATA_LEN {
        return Err("not a ProgramData account of the upgradeable loader".into());
    }
    let slot = u64::from_le_bytes(data[4..12].try_into().expect("8 bytes"));
    let upgrade_authority = match data[12] {
        0 => None,
        1 => Some(Pubkey::try_from(&data[13..45]).expect("32 bytes")),
        _ => return Err("ProgramData with an unreadable upgrade authority".into()),
    };
    Ok(ProgramData { slot, upgrade_authority, bytes: &data[PROGRAMDATA_METADATA_LEN..] })
}

/// Whether `deployed` (a ProgramData's bytes) holds exactly `local`: the same bytes, then only
/// the zero padding of the reserved length. Err says where they part.
pub fn compare(local: &[u8], deployed: &[u8]) -> Result<(), String> {
    if deployed.len() < local.len() {
        return Err(format!("the deployed program has room for {} bytes, the local build is {}", deployed.len(), local.len()));
    }
    if let Some(at) = local.iter().zip(deployed).position(|(a, b)| a != b) {
        return Err(format!("the bytes differ from offset {at}"));
    }
    if let Some(at) = deployed[local.len()..].iter().position(|b| *b != 0) {
        return Err(format!("the deployed program is longer: a non-zero byte at offset {}", local.len() + at));
    }
    Ok(())
}

/// The ProgramData address of a program of the upgradeable loader.
pub fn programdata_address_of(program_id: &Pubkey) -> Pubkey {
    solana_loader_v3_interface::get_program_data_address(program_id)
}

/// What a buffer account says: its authority (None: the buffer is final, nobody can write it)
/// and what has been written so far (the whole reserved length).
pub fn buffer(data: &[u8]) -> Result<(Option<Pubkey>, &[u8]), String> {
    if tag(data) != Some(TAG_BUFFER) || data.len() < BUFFER_METADATA_LEN {
        return Err("not a buffer account of the upgradeable loader".into());
    }
    let authority = match data[4] {
        0 => None,
        1 => Some(Pubkey::try_from(&data[5..37]).expect("32 bytes")),
        _ => return Err("a buffer with an unreadable authority".into()),
    };
    Ok((authority, &data[BUFFER_METADATA_LEN..]))
}

/// The system program's create_account and the loader's InitializeBuffer: a buffer with room for
/// `program_len` bytes, written by `authority` (it must be the upgrade authority to upgrade).
pub fn create_buffer_instructions(payer: &Pubkey, buffer: &Pubkey, authority: &Pubkey, lamports: u64, program_len: usize) -> Vec<Instruction> {
    loader::create_buffer(payer, buffer, authority, lamports, program_len).expect("create_buffer builds without failing")
}

/// The account size of a buffer for `program_len` bytes.
pub fn buffer_account_len(program_len: usize) -> usize {
    BUFFER_METADATA_LEN + program_len
}

/// The account size of a ProgramData with room for `max_program_len` bytes.
pub fn programdata_account_len(max_program_len: usize) -> usize {
    PROGRAMDATA_METADATA_LEN + max_program_len
}

/// Writes `bytes` at `offset` of the buffer's program bytes (the authority signs).
pub fn write_instruction(buffer: &Pubkey, authority: &Pubkey, offset: u32, bytes: &[u8]) -> Instruction {
    loader::write(buffer, authority, offset, bytes.to_vec())
}

/// Creates the program account (the program's keypair signs) and deploys the buffer into a new
/// ProgramData with room for `max_program_len` bytes; `upgrade_authority` signs and keeps the
/// right to upgrade.
pub fn deploy_instructions(payer: &Pubkey, program: &Pubkey, buffer: &Pubkey, upgrade_authority: &Pubkey, program_lamports: u64, max_program_len: usize) -> Vec<Instruction> {
    loader::deploy_with_max_program_len(payer, program, buffer, upgrade_authority, program_lamports, max_program_len)
        .expect("deploy_with_max_program_len builds without failing")
}

/// Replaces the program's bytes with the buffer's (the upgrade authority signs; the buffer's
/// lamports go to `spill`). Accounts the program owns are not touched: their layout is the new
/// build's business (tests/layout.rs checks it against every release).
pub fn upgrade_instruction(program: &Pubkey, buffer: &Pubkey, authority: &Pubkey, spill: &Pubkey) -> Instruction {
    loader::upgrade(program, buffer, authority, spill)
}

/// Hands the right to upgrade to `new` (None: the program becomes immutable, for good). `checked`:
/// the new authority signs too, so a key nobody holds cannot receive it; a multisig's vault (a PDA,
/// it cannot sign here) takes it unchecked.
pub fn set_upgrade_authority_instruction(program: &Pubkey, current: &Pubkey, new: Option<&Pubkey>, checked: bool) -> Instruction {
    match (new, checked) {
        (Some(new), true) => loader::set_upgrade_authority_checked(program, current, new),
        (new, _) => loader::set_upgrade_authority(program, current, new),
    }
}

/// Closes a buffer (what a failed deployment leaves), its lamports to `recipient`.
pub fn close_buffer_instruction(buffer: &Pubkey, recipient: &Pubkey, authority: &Pubkey) -> Instruction {
    loader::close(buffer, recipient, authority)
}

/// The most program bytes a Write transaction can carry when `overhead` is the size of the same
/// transaction carrying none (rpc::deploy measures it with its own signers and fee instructions).
pub fn write_chunk_len(overhead: usize) -> usize {
    // The bytes' length prefix (bincode's u64) is in the overhead already; a compact-u16 length of
    // the instruction data grows by at most one byte past 127.
    PACKET_DATA_SIZE.saturating_sub(overhead + 1)
}

/// The chunks of `program` (offset, length) that the buffer's bytes do not hold yet: what is left
/// to write, or to write again after transactions that did not land.
pub fn unwritten_chunks(written: &[u8], program: &[u8], chunk_len: usize) -> Vec<(usize, usize)> {
    assert!(chunk_len > 0, "a chunk holds at least one byte");
    (0..program.len())
        .step_by(chunk_len)
        .map(|offset| (offset, chunk_len.min(program.len() - offset)))
        .filter(|&(offset, len)| written.get(offset..offset + len) != Some(&program[offset..offset + len]))
        .collect()
}

/// sha256 of `bytes`, in hex (what `sha256sum` prints).
pub fn sha256_hex(bytes: &[u8]) -> String {
    solana_sha256_hasher::hash(bytes).to_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programdata_bytes(authority: Option<Pubkey>, program: &[u8], room: usize) -> Vec<u8> {
        let mut data = TAG_PROGRAMDATA.to_le_bytes().to_vec();
        data.extend(42u64.to_le_bytes());
        match authority {
            Some(key) => {
                data.push(1);
                data.extend(key.to_bytes());
            }
            None => data.extend([0; 33]),
        }
        data.extend(program);
        data.resize(PROGRAMDATA_METADATA_LEN + room, 0);
        data
    }

    #[test]
    fn a_deployment_matches_its_build_and_nothing_else() {
        let authority = Pubkey::new_unique();
        let so = b"\x7fELF program bytes".to_vec();
        let data = programdata_bytes(Some(authority), &so, so.len() + 100);
        let pd = programdata(&data).unwrap();
        assert_eq!((pd.slot, pd.upgrade_authority), (42, Some(authority)));
        assert_eq!(compare(&so, pd.bytes), Ok(()));
        let mut other = so.clone();
        other[5] ^= 1;
        assert_eq!(compare(&other, pd.bytes), Err("the bytes differ from offset 5".into()));
        assert!(compare(&so[..so.len() - 1], pd.bytes).unwrap_err().contains("longer"));
        assert!(compare(&[so.clone(), vec![1; 200]].concat(), pd.bytes).unwrap_err().contains("room for"));
        let immutable = programdata_bytes(None, &so, so.len());
        assert_eq!(programdata(&immutable).unwrap().upgrade_authority, None);
        let program = [TAG_PROGRAM.to_le_bytes().as_slice(), authority.as_ref()].concat();
        assert_eq!(programdata_address(&program), Ok(authority));
        assert!(programdata_address(&data).is_err() && programdata(&program).is_err());
        let mut buffer_data = TAG_BUFFER.to_le_bytes().to_vec();
        buffer_data.push(1);
        buffer_data.extend(authority.to_bytes());
        buffer_data.extend(&so[..8]);
        buffer_data.resize(buffer_account_len(so.len()), 0);
        let (buffer_authority, written) = buffer(&buffer_data).unwrap();
        assert_eq!(buffer_authority, Some(authority));
        // Written: the first 8 bytes; chunks of 4 => the first two are done.
        let left = unwritten_chunks(written, &so, 4);
        assert_eq!(left.first(), Some(&(8, 4)));
        assert_eq!(left.last(), Some(&((so.len() - 1) / 4 * 4, so.len() - (so.len() - 1) / 4 * 4)));
        assert!(unwritten_chunks(&so, &so, 4).is_empty());
        assert!(buffer(&data).is_err());
        assert_eq!(programdata_account_len(10), PROGRAMDATA_METADATA_LEN + 10);
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
