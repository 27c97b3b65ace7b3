//! Packing instructions into as few transactions as fit the wire limits.
use anchor_lang::prelude::Pubkey;
use solana_instruction::Instruction;
use solana_transaction::Transaction;
use std::collections::HashSet;

/// Largest serialized transaction a cluster accepts (PACKET_DATA_SIZE).
pub const MAX_TRANSACTION_BYTES: usize = 1232;
/// Accounts one transaction may lock.
pub const MAX_TRANSACTION_ACCOUNTS: usize = 64;

/// Serialized size of a legacy transaction carrying `instructions`, signatures included.
pub fn transaction_size(payer: &Pubkey, instructions: &[Instruction]) -> usize {
    let tx = Transaction::new_with_payer(instructions, Some(payer));
    bincode::serialized_size(&tx).expect("a transaction serializes") as usize
}

/// Distinct accounts a transaction carrying `instructions` references (programs included).
pub fn transaction_accounts(payer: &Pubkey, instructions: &[Instruction]) -> usize {
    let mut keys: HashSet<Pubkey> = HashSet::from([*payer]);
    for ix in instructions {
        keys.insert(ix.program_id);
        keys.extend(ix.accounts.iter().map(|m| m.pubkey));
    }
    keys.len()
}

pub fn fits(payer: &Pubkey, instructions: &[Instruction]) -> bool {
    transaction_size(payer, instructions) <= MAX_TRANSACTION_BYTES
        && transaction_accounts(payer, instructions) <= MAX_TRANSACTION_ACCOUNTS
}

/// Greedily packs instructions, in order, into transactions that fit; at most `max_per_tx`
/// instructions each (a compute-budget guard for heavy instructions).
pub fn pack(payer: &Pubkey, instructions: Vec<Instruction>, max_per_tx: usize) -> Vec<Vec<Instruction>> {
    let mut batches: Vec<Vec<Instruction>> = Vec::new();
    let mut current: Vec<Instruction> = Vec::new();
    for ix in instructions {
        current.push(ix);
        if current.len() > max_per_tx || !fits(payer, &current) {
            let ix = current.pop().expect("just pushed");
            if !current.is_empty() {
                batches.push(std::mem::take(&mut current));
            }
            current.push(ix);
        }
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}
