//! The deployed program, as the upgradeable loader (BPF loader v3) keeps it: the program account
//! names its ProgramData account, which holds the deployment slot, the upgrade authority and the
//! program's bytes (zero-padded to the length reserved at deployment). Verifying a deployment is
//! comparing those bytes with a local build (`scripts/verify-build.sh` makes the build
//! reproducible; README, "Deploying").
use anchor_lang::prelude::Pubkey;

/// The upgradeable loader's id.
pub use solana_sdk_ids::bpf_loader_upgradeable::ID as UPGRADEABLE_LOADER_ID;
/// Bytes before the program in a ProgramData account: the state tag (u32), the slot (u64) and
/// the upgrade authority (an Option<Pubkey>: one byte and 32).
pub const PROGRAMDATA_METADATA_LEN: usize = 4 + 8 + 1 + 32;
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
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
