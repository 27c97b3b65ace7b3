//! The bot's own address lookup tables for observe transactions. A legacy transaction names each
//! account in 32 bytes, so 1,232 bytes carry about 25 stake accounts (one a validator, two with a
//! transient); a v0 transaction names an account in a lookup table with a one-byte index, and the
//! limit becomes the 64 accounts a transaction may lock (55 stake accounts).
//!
//! Table `k` holds observe's fixed accounts (record_validators' are among them), then for each of
//! validators `k * validators_per_table ..` in list order its main and transient stake accounts
//! and its vote account (a table holds at most 256 addresses): observe and record_validators both
//! name their per-validator accounts by index. The bot is
//! each table's authority; it finds its tables by that, keeps the ones whose contents are a prefix
//! of what they should hold (extending them as validators are added), and creates the rest.
//! Tables that no longer match (validators removed from the middle of the list) are deactivated,
//! and closed once their cooldown has passed, the rent back to the bot.
//!
//! The Address Lookup Table program's instructions and account layout are built here (two
//! instructions, one header): the interface crate in this dependency graph uses a different
//! `Pubkey` type than the SDK.
use anchor_lang::prelude::Pubkey;
use liquid_staking_sdk::{instructions as ix, state::ValidatorEntry, PoolKeys};
use solana_instruction::{AccountMeta, Instruction};
use solana_message::AddressLookupTableAccount;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig};
use solana_rpc_client_api::filter::{Memcmp, RpcFilterType};

/// The Address Lookup Table program.
pub const PROGRAM_ID: Pubkey = anchor_lang::pubkey!("AddressLookupTab1e1111111111111111111111111");
/// A table's header (type, deactivation slot, last extended slot and index, authority, padding).
const META_SIZE: usize = 56;
/// Where the authority's key sits in the header (after its Option tag at 21).
const AUTHORITY_OFFSET: usize = 22;
const DEACTIVATION_SLOT_OFFSET: usize = 4;
/// Most addresses a table holds.
const MAX_ADDRESSES: usize = 256;
/// Addresses one extend transaction adds (32 bytes each, within a transaction's 1,232).
const EXTEND_CHUNK: usize = 24;

/// Observe's accounts before its stake account pairs.
pub fn fixed_accounts(keys: &PoolKeys) -> Vec<Pubkey> {
    ix::observe_validators(&ix::ObserveValidatorsParams { keys: *keys, first_index: 0, entries: &[] })
        .accounts
        .iter()
        .map(|m| m.pubkey)
        .collect()
}

/// Addresses a validator takes in a table: main stake, transient stake, vote account.
const PER_VALIDATOR: usize = 3;

/// Validators a table covers.
pub fn validators_per_table(keys: &PoolKeys) -> usize {
    (MAX_ADDRESSES - fixed_accounts(keys).len()) / PER_VALIDATOR
}

/// What table `k` should hold for these entries.
pub fn table_contents(keys: &PoolKeys, entries: &[ValidatorEntry], k: usize) -> Vec<Pubkey> {
    let per = validators_per_table(keys);
    let mut out = fixed_accounts(keys);
    for e in entries.iter().skip(k * per).take(per) {
        out.push(keys.validator_stake(&e.vote_account));
        out.push(keys.transient_stake(&e.vote_account));
        out.push(e.vote_account);
    }
    out
}

/// Every table `authority` owns: its address, deactivation slot (u64::MAX while active) and the
/// addresses it holds. One getProgramAccounts filtered on the authority.
fn owned_tables(rpc: &RpcClient, authority: &Pubkey) -> Result<Vec<(Pubkey, u64, Vec<Pubkey>)>, String> {
    let config = RpcProgramAccountsConfig {
        filters: Some(vec![RpcFilterType::Memcmp(Memcmp::new_raw_bytes(AUTHORITY_OFFSET, authority.to_bytes().to_vec()))]),
        account_config: RpcAccountInfoConfig {
            encoding: Some(solana_rpc_client_api::response::UiAccountEncoding::Base64),
            commitment: Some(solana_commitment_config::CommitmentConfig::confirmed()),
            ..RpcAccountInfoConfig::default()
        },
        ..RpcProgramAccountsConfig::default()
    };
    let accounts = rpc.get_program_ui_accounts_with_config(&PROGRAM_ID, config).map_err(|e| format!("lookup tables: {e}"))?;
    Ok(accounts
        .into_iter()
        .filter_map(|(key, account)| {
            let data = account.data.decode()?;
            if data.len() < META_SIZE || (data.len() - META_SIZE) % 32 != 0 {
                return None;
            }
            let deactivation = u64::from_le_bytes(data[DEACTIVATION_SLOT_OFFSET..DEACTIVATION_SLOT_OFFSET + 8].try_into().ok()?);
            let addresses = data[META_SIZE..].chunks(32).map(|c| Pubkey::new_from_array(c.try_into().unwrap())).collect();
            Some((key, deactivation, addresses))
        })
        .collect())
}

/// The tables `authority` owns that are not being deactivated, with their addresses.
pub fn find_tables(rpc: &RpcClient, authority: &Pubkey) -> Result<Vec<AddressLookupTableAccount>, String> {
    Ok(owned_tables(rpc, authority)?
        .into_iter()
        .filter(|(_, deactivation, _)| *deactivation == u64::MAX)
        .map(|(key, _, addresses)| AddressLookupTableAccount { key, addresses })
        .collect())
}

/// Slots a deactivated table waits before it can be closed: until its deactivation slot has left
/// the SlotHashes sysvar (512 entries), plus one.
pub const CLOSE_AFTER_SLOTS: u64 = 513;

/// The tables `authority` owns that are being deactivated, with their deactivation slots.
pub fn find_deactivating_tables(rpc: &RpcClient, authority: &Pubkey) -> Result<Vec<(Pubkey, u64)>, String> {
    Ok(owned_tables(rpc, authority)?.into_iter().filter(|(_, slot, _)| *slot != u64::MAX).map(|(key, slot, _)| (key, slot)).collect())
}

/// The tables of `existing` that no plan uses (their validators left, or moved in the list).
pub fn unused_tables(plans: &[TablePlan], existing: &[AddressLookupTableAccount]) -> Vec<Pubkey> {
    let used: std::collections::HashSet<Pubkey> = plans
        .iter()
        .filter_map(|p| match p {
            TablePlan::Ready(k) | TablePlan::Extend { table: k, .. } => Some(*k),
            TablePlan::Create { .. } => None,
        })
        .collect();
    existing.iter().map(|t| t.key).filter(|k| !used.contains(k)).collect()
}

/// The instruction deactivating `table` (no longer extendable; closable after its cooldown).
pub fn deactivate_table(table: &Pubkey, authority: &Pubkey) -> Instruction {
    let accounts = vec![AccountMeta::new(*table, false), AccountMeta::new_readonly(*authority, true)];
    Instruction { program_id: PROGRAM_ID, accounts, data: 3u32.to_le_bytes().to_vec() }
}

/// The instruction closing a deactivated `table`, its rent to `recipient`.
pub fn close_table(table: &Pubkey, authority: &Pubkey, recipient: &Pubkey) -> Instruction {
    let accounts = vec![AccountMeta::new(*table, false), AccountMeta::new_readonly(*authority, true), AccountMeta::new(*recipient, false)];
    Instruction { program_id: PROGRAM_ID, accounts, data: 4u32.to_le_bytes().to_vec() }
}

/// The instruction creating a table at [`table_address`]`(authority, recent_slot)`.
pub fn create_table(authority: &Pubkey, payer: &Pubkey, recent_slot: u64) -> (Instruction, Pubkey) {
    let (address, bump) = Pubkey::find_program_address(&[authority.as_ref(), &recent_slot.to_le_bytes()], &PROGRAM_ID);
    let mut data = 0u32.to_le_bytes().to_vec();
    data.extend_from_slice(&recent_slot.to_le_bytes());
    data.push(bump);
    let accounts = vec![
        AccountMeta::new(address, false),
        AccountMeta::new_readonly(*authority, true),
        AccountMeta::new(*payer, true),
        AccountMeta::new_readonly(anchor_lang::solana_program::system_program::ID, false),
    ];
    (Instruction { program_id: PROGRAM_ID, accounts, data }, address)
}

/// The instruction appending `addresses` to `table`.
pub fn extend_table(table: &Pubkey, authority: &Pubkey, payer: &Pubkey, addresses: &[Pubkey]) -> Instruction {
    let mut data = 2u32.to_le_bytes().to_vec();
    data.extend_from_slice(&(addresses.len() as u64).to_le_bytes());
    for a in addresses {
        data.extend_from_slice(a.as_ref());
    }
    let accounts = vec![
        AccountMeta::new(*table, false),
        AccountMeta::new_readonly(*authority, true),
        AccountMeta::new(*payer, true),
        AccountMeta::new_readonly(anchor_lang::solana_program::system_program::ID, false),
    ];
    Instruction { program_id: PROGRAM_ID, accounts, data }
}

/// What to do for table `k`: use an existing table as is, extend one, or create one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TablePlan {
    Ready(Pubkey),
    Extend { table: Pubkey, missing: Vec<Pubkey> },
    Create { contents: Vec<Pubkey> },
}

/// Plans every table the entries need from the tables that exist.
pub fn plan_tables(keys: &PoolKeys, entries: &[ValidatorEntry], existing: &[AddressLookupTableAccount]) -> Vec<TablePlan> {
    let per = validators_per_table(keys);
    let count = entries.len().div_ceil(per).max(1);
    let mut used = std::collections::HashSet::new();
    (0..count)
        .map(|k| {
            let want = table_contents(keys, entries, k);
            // A table holding exactly this, or a prefix of it, is this table.
            let found = existing
                .iter()
                .filter(|t| !used.contains(&t.key) && t.addresses.len() <= want.len() && want[..t.addresses.len()] == t.addresses[..])
                .max_by_key(|t| t.addresses.len());
            match found {
                Some(t) => {
                    used.insert(t.key);
                    if t.addresses.len() == want.len() {
                        TablePlan::Ready(t.key)
                    } else {
                        TablePlan::Extend { table: t.key, missing: want[t.addresses.len()..].to_vec() }
                    }
                }
                None => TablePlan::Create { contents: want },
            }
        })
        .collect()
}

/// Extend instructions for `addresses`, in transaction-sized chunks.
pub fn extend_instructions(table: &Pubkey, authority: &Pubkey, addresses: &[Pubkey]) -> Vec<Instruction> {
    addresses.chunks(EXTEND_CHUNK).map(|chunk| extend_table(table, authority, authority, chunk)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize) -> Vec<ValidatorEntry> {
        (0..n).map(|_| ValidatorEntry { vote_account: Pubkey::new_unique(), ..bytemuck::Zeroable::zeroed() }).collect()
    }

    #[test]
    fn tables_cover_every_validator_and_extend_prefixes() {
        let keys = PoolKeys::derive(Pubkey::new_unique(), Pubkey::new_unique());
        let per = validators_per_table(&keys);
        assert!(fixed_accounts(&keys).len() + 3 * per <= MAX_ADDRESSES);
        // record_validators' own accounts are among observe's.
        let record = ix::record_validators(&ix::RecordValidatorsParams { keys, first_index: 0, vote_accounts: &[] });
        assert!(record.accounts.iter().all(|a| fixed_accounts(&keys).contains(&a.pubkey)));
        let list = entries(per + 3);
        let plans = plan_tables(&keys, &list, &[]);
        assert_eq!(plans.len(), 2);
        assert!(matches!(&plans[1], TablePlan::Create { contents } if contents.len() == fixed_accounts(&keys).len() + 9));
        // An existing first table with the first 10 validators is extended, not replaced.
        let first = AddressLookupTableAccount { key: Pubkey::new_unique(), addresses: table_contents(&keys, &list[..10], 0) };
        let plans = plan_tables(&keys, &list, std::slice::from_ref(&first));
        assert_eq!(plans[0], TablePlan::Extend { table: first.key, missing: table_contents(&keys, &list, 0)[first.addresses.len()..].to_vec() });
        // A table whose contents no longer match (a validator left from the middle) is not used.
        let mut shifted = list.clone();
        shifted.remove(2);
        let plans = plan_tables(&keys, &shifted, std::slice::from_ref(&first));
        assert!(matches!(plans[0], TablePlan::Create { .. }));
        // ... and is retired.
        assert_eq!(unused_tables(&plans, std::slice::from_ref(&first)), vec![first.key]);
        assert!(unused_tables(&plan_tables(&keys, &list, std::slice::from_ref(&first)), std::slice::from_ref(&first)).is_empty());
    }

    #[test]
    fn retiring_instructions_are_the_programs() {
        let (table, me) = (Pubkey::new_unique(), Pubkey::new_unique());
        let deactivate = deactivate_table(&table, &me);
        assert_eq!((deactivate.data.as_slice(), deactivate.accounts.len()), (&[3, 0, 0, 0][..], 2));
        assert!(deactivate.accounts[1].is_signer && deactivate.accounts[0].is_writable);
        let close = close_table(&table, &me, &me);
        assert_eq!((close.data.as_slice(), close.accounts.len()), (&[4, 0, 0, 0][..], 3));
        assert!(close.accounts[2].is_writable);
    }
}
