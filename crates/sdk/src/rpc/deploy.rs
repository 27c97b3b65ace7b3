//! Deploying, upgrading and handing over the program through the upgradeable loader, over RPC
//! (what `liquid-staking program deploy|upgrade|set-upgrade-authority` run; the same on the local
//! chain, devnet and mainnet: only the URL differs).
//!
//! Writing the buffer is idempotent: every round reads the buffer back and sends only the chunks
//! it does not hold yet, so transactions that were dropped, expired or failed are simply written
//! again in the next round, and a deployment cut off half-way resumes from the same buffer
//! keypair. The deploy or upgrade transaction goes out only once the buffer holds the .so exactly.
use super::{explain, RpcResult};
use crate::deployment::{self, PACKET_DATA_SIZE};
use anchor_lang::prelude::Pubkey;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::config::RpcSendTransactionConfig;
use solana_signature::Signature;
use solana_signer::Signer;
use std::time::Duration;

/// How buffer writes are sent.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Priority fee of every transaction, micro-lamports per compute unit (0: none). On a busy
    /// cluster writes without one are the first to be dropped.
    pub priority_fee: u64,
    /// Rounds of (send the missing chunks, read the buffer back) before giving up.
    pub max_rounds: u32,
    /// Transactions sent before waiting for them (a node drops what it cannot take).
    pub wave: usize,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self { priority_fee: 0, max_rounds: 8, wave: 256 }
    }
}

/// Compute units a buffer write asks for when it pays a priority fee (the loader's Write and the
/// two compute-budget instructions take about 2,700; the fee is paid on what is asked).
const WRITE_COMPUTE_UNITS: u32 = 5_000;

/// What a deployment or an upgrade cost.
#[derive(Debug, Clone, Default)]
pub struct DeployReport {
    pub program_id: Pubkey,
    pub buffer: Pubkey,
    /// The deploy or upgrade transaction.
    pub signature: Option<Signature>,
    /// Buffer writes sent (more than `chunks` when some had to be written again).
    pub write_transactions: usize,
    pub chunks: usize,
    pub rounds: u32,
    pub program_bytes: usize,
    /// ProgramData's room for the program.
    pub max_program_len: usize,
    /// What the payer's balance went down by: rent of the accounts and every fee.
    pub lamports_spent: u64,
}

fn compute_budget(priority_fee: u64) -> Vec<Instruction> {
    if priority_fee == 0 {
        return Vec::new();
    }
    vec![ComputeBudgetInstruction::set_compute_unit_limit(WRITE_COMPUTE_UNITS), ComputeBudgetInstruction::set_compute_unit_price(priority_fee)]
}

/// The most program bytes one Write transaction carries with these signers and fee.
pub fn chunk_len(payer: &Keypair, authority: &Keypair, buffer: &Pubkey, priority_fee: u64) -> usize {
    let mut instructions = compute_budget(priority_fee);
    instructions.push(deployment::write_instruction(buffer, &authority.pubkey(), 0, &[]));
    let tx = super::sign(&instructions, payer, &[authority], solana_hash::Hash::default());
    let overhead = bincode::serialized_size(&tx).expect("a transaction serializes") as usize;
    debug_assert!(overhead < PACKET_DATA_SIZE);
    deployment::write_chunk_len(overhead)
}

/// Writes `program` into the buffer at `buffer`'s address: creates it when it does not exist (the
/// payer funds its rent), resumes it when it does (same authority, room enough). Returns the
/// writes sent, the chunk count and the rounds it took.
pub fn write_buffer(
    rpc: &RpcClient,
    payer: &Keypair,
    authority: &Keypair,
    buffer: &Keypair,
    program: &[u8],
    options: &WriteOptions,
    progress: &mut impl FnMut(&str),
) -> RpcResult<(usize, usize, u32)> {
    let address = buffer.pubkey();
    match rpc.get_account_with_commitment(&address, rpc.commitment()).map_err(|e| explain(&e))?.value {
        Some(account) => {
            let (owner, written) = deployment::buffer(&account.data).map_err(|e| format!("{address}: {e}"))?;
            if owner != Some(authority.pubkey()) {
                return Err(format!("buffer {address} is written by {}, not {}", owner.map_or("nobody".into(), |k| k.to_string()), authority.pubkey()));
            }
            if written.len() != program.len() {
                return Err(format!("buffer {address} has room for {} bytes, the program is {}: use another buffer", written.len(), program.len()));
            }
            progress(&format!("buffer {address}: resuming"));
        }
        None => {
            let len = deployment::buffer_account_len(program.len());
            let lamports = rpc.get_minimum_balance_for_rent_exemption(len).map_err(|e| explain(&e))?;
            let instructions = deployment::create_buffer_instructions(&payer.pubkey(), &address, &authority.pubkey(), lamports, program.len());
            super::send(rpc, payer, &instructions, &[buffer])?;
            progress(&format!("buffer {address}: created ({len} bytes, {lamports} lamports of rent)"));
        }
    }
    let chunk = chunk_len(payer, authority, &address, options.priority_fee);
    let chunks = program.len().div_ceil(chunk);
    let mut sent = 0;
    for round in 1..=options.max_rounds {
        let account = rpc.get_account_with_commitment(&address, rpc.commitment()).map_err(|e| explain(&e))?.value;
        let data = account.ok_or_else(|| format!("buffer {address} disappeared"))?.data;
        let (_, written) = deployment::buffer(&data)?;
        let missing = deployment::unwritten_chunks(written, program, chunk);
        if missing.is_empty() {
            progress(&format!("buffer {address}: {chunks} chunks of {chunk} bytes written, read back and equal ({sent} transactions, {} rounds)", round - 1));
            return Ok((sent, chunks, round - 1));
        }
        progress(&format!("round {round}: writing {} of {chunks} chunks", missing.len()));
        for (wave_index, wave) in missing.chunks(options.wave.max(1)).enumerate() {
            let blockhash = rpc.get_latest_blockhash().map_err(|e| explain(&e))?;
            let mut signatures = Vec::with_capacity(wave.len());
            for &(offset, len) in wave {
                let mut instructions = compute_budget(options.priority_fee);
                instructions.push(deployment::write_instruction(&address, &authority.pubkey(), offset as u32, &program[offset..offset + len]));
                let tx = super::sign(&instructions, payer, &[authority], blockhash);
                // No preflight: the read-back is the check, and a refused write is written again.
                let config = RpcSendTransactionConfig { skip_preflight: true, ..RpcSendTransactionConfig::default() };
                if let Ok(signature) = rpc.send_transaction_with_config(&tx, config) {
                    signatures.push(signature);
                }
                sent += 1;
            }
            wait_for(rpc, &signatures, &blockhash);
            let done = (wave_index * options.wave.max(1) + wave.len()).min(missing.len());
            progress(&format!("round {round}: {done}/{} sent and settled", missing.len()));
        }
    }
    Err(format!("buffer {address}: still not fully written after {} rounds; run the command again with the same --buffer to resume", options.max_rounds))
}

/// Waits until every signature has a status at the client's commitment or `blockhash` expired.
fn wait_for(rpc: &RpcClient, signatures: &[Signature], blockhash: &solana_hash::Hash) {
    let mut pending: Vec<Signature> = signatures.to_vec();
    while !pending.is_empty() {
        std::thread::sleep(Duration::from_millis(400));
        let mut still = Vec::new();
        for batch in pending.chunks(256) {
            match rpc.get_signature_statuses(batch) {
                Ok(statuses) => {
                    for (signature, status) in batch.iter().zip(statuses.value) {
                        if !status.is_some_and(|s| s.satisfies_commitment(rpc.commitment())) {
                            still.push(*signature);
                        }
                    }
                }
                Err(_) => still.extend_from_slice(batch),
            }
        }
        pending = still;
        if !pending.is_empty() && !rpc.is_blockhash_valid(blockhash, rpc.commitment()).unwrap_or(true) {
            return; // what has not landed now never will; the next round's read-back sees it
        }
    }
}

fn balance(rpc: &RpcClient, key: &Pubkey) -> RpcResult<u64> {
    rpc.get_balance(key).map_err(|e| explain(&e))
}

/// Deploys `program` at the address of `program_keypair`: writes a new buffer (`buffer`, or a
/// fresh keypair), then creates the program account and its ProgramData with room for
/// `max_program_len` bytes (at least the program's), `upgrade_authority` able to upgrade.
#[allow(clippy::too_many_arguments)]
pub fn deploy(
    rpc: &RpcClient,
    payer: &Keypair,
    program_keypair: &Keypair,
    upgrade_authority: &Keypair,
    buffer: Option<&Keypair>,
    program: &[u8],
    max_program_len: usize,
    options: &WriteOptions,
    mut progress: impl FnMut(&str),
) -> RpcResult<DeployReport> {
    let program_id = program_keypair.pubkey();
    if max_program_len < program.len() {
        return Err(format!("--max-len {max_program_len} is less than the program's {} bytes", program.len()));
    }
    if rpc.get_account_with_commitment(&program_id, rpc.commitment()).map_err(|e| explain(&e))?.value.is_some() {
        return Err(format!("{program_id} exists already: `program upgrade` replaces a deployed program"));
    }
    let before = balance(rpc, &payer.pubkey())?;
    let fresh = Keypair::new();
    let buffer = buffer.unwrap_or(&fresh);
    let (write_transactions, chunks, rounds) = write_buffer(rpc, payer, upgrade_authority, buffer, program, options, &mut progress)?;
    let lamports = rpc.get_minimum_balance_for_rent_exemption(deployment::PROGRAM_ACCOUNT_LEN).map_err(|e| explain(&e))?;
    let mut instructions = compute_budget_for_final(options.priority_fee);
    instructions.extend(deployment::deploy_instructions(&payer.pubkey(), &program_id, &buffer.pubkey(), &upgrade_authority.pubkey(), lamports, max_program_len));
    let signature = super::send(rpc, payer, &instructions, &[program_keypair, upgrade_authority])?;
    wait_until_usable(rpc, &program_id)?;
    progress(&format!("deployed {program_id} ({} bytes, room for {max_program_len}): {signature}", program.len()));
    let lamports_spent = before.saturating_sub(balance(rpc, &payer.pubkey())?);
    let (buffer, signature) = (buffer.pubkey(), Some(signature));
    Ok(DeployReport { program_id, buffer, signature, write_transactions, chunks, rounds, program_bytes: program.len(), max_program_len, lamports_spent })
}

/// Waits until the program at `program_id` can be called: a program deployed or upgraded in slot N
/// runs from slot N+1 (before that the runtime answers "Unsupported program id").
pub fn wait_until_usable(rpc: &RpcClient, program_id: &Pubkey) -> RpcResult<()> {
    let (_, data) = read_programdata(rpc, program_id)?;
    let deployed = deployment::programdata(&data)?.slot;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while rpc.get_slot().map_err(|e| explain(&e))? <= deployed {
        if std::time::Instant::now() > deadline {
            return Err(format!("{program_id}: the chain did not pass slot {deployed} within a minute"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// The deploy and upgrade transactions carry a priority fee too, with the loader's own limit.
fn compute_budget_for_final(priority_fee: u64) -> Vec<Instruction> {
    if priority_fee == 0 {
        return Vec::new();
    }
    vec![ComputeBudgetInstruction::set_compute_unit_price(priority_fee)]
}

/// The program's ProgramData account, read from the chain: its address and data
/// (`deployment::programdata` reads the slot, the upgrade authority and the bytes).
pub fn read_programdata(rpc: &RpcClient, program_id: &Pubkey) -> RpcResult<(Pubkey, Vec<u8>)> {
    let account = rpc.get_account(program_id).map_err(|e| format!("{program_id}: {}", explain(&e)))?;
    if account.owner != deployment::UPGRADEABLE_LOADER_ID {
        return Err(format!("{program_id} is not a program of the upgradeable loader (its owner is {})", account.owner));
    }
    let address = deployment::programdata_address(&account.data)?;
    let data = rpc.get_account(&address).map_err(|e| explain(&e))?.data;
    deployment::programdata(&data)?;
    Ok((address, data))
}

/// Upgrades the program at `program_id` to `program`: writes a buffer with the upgrade authority
/// as its authority, then the loader swaps the bytes in one transaction (the buffer's rent goes
/// back to the payer). Refused before any write when `authority` is not the upgrade authority or
/// the ProgramData has no room for the new build.
pub fn upgrade(
    rpc: &RpcClient,
    payer: &Keypair,
    authority: &Keypair,
    program_id: &Pubkey,
    buffer: Option<&Keypair>,
    program: &[u8],
    options: &WriteOptions,
    mut progress: impl FnMut(&str),
) -> RpcResult<DeployReport> {
    let (_, data) = read_programdata(rpc, program_id)?;
    let programdata = deployment::programdata(&data)?;
    let (current, room) = (programdata.upgrade_authority, programdata.bytes.len());
    match current {
        None => return Err(format!("{program_id} is immutable: nobody can upgrade it")),
        Some(key) if key != authority.pubkey() => return Err(format!("the upgrade authority of {program_id} is {key}, not {}", authority.pubkey())),
        Some(_) => {}
    }
    if program.len() > room {
        return Err(format!(
            "the new build is {} bytes and {program_id}'s ProgramData has room for {room}: extend it first (`solana program extend {program_id} {}`)",
            program.len(),
            program.len() - room
        ));
    }
    let before = balance(rpc, &payer.pubkey())?;
    let fresh = Keypair::new();
    let buffer = buffer.unwrap_or(&fresh);
    let (write_transactions, chunks, rounds) = write_buffer(rpc, payer, authority, buffer, program, options, &mut progress)?;
    let mut instructions = compute_budget_for_final(options.priority_fee);
    instructions.push(deployment::upgrade_instruction(program_id, &buffer.pubkey(), &authority.pubkey(), &payer.pubkey()));
    let signature = super::send(rpc, payer, &instructions, &[authority])?;
    wait_until_usable(rpc, program_id)?;
    progress(&format!("upgraded {program_id} to {} bytes: {signature}", program.len()));
    let lamports_spent = before.saturating_sub(balance(rpc, &payer.pubkey())?);
    let (program_id, buffer, signature, max_program_len) = (*program_id, buffer.pubkey(), Some(signature), room);
    Ok(DeployReport { program_id, buffer, signature, write_transactions, chunks, rounds, program_bytes: program.len(), max_program_len, lamports_spent })
}

/// Hands the upgrade authority of `program_id` from `current` to `new` (None: immutable for good).
/// With `new_signer` the handover is checked (the new authority signs); without, `new` may be any
/// address, a multisig's vault PDA among them.
pub fn set_upgrade_authority(
    rpc: &RpcClient,
    payer: &Keypair,
    current: &Keypair,
    program_id: &Pubkey,
    new: Option<&Pubkey>,
    new_signer: Option<&Keypair>,
) -> RpcResult<Signature> {
    let (_, data) = read_programdata(rpc, program_id)?;
    let authority = deployment::programdata(&data)?.upgrade_authority;
    if authority != Some(current.pubkey()) {
        return Err(format!(
            "the upgrade authority of {program_id} is {}, not {}",
            authority.map_or("nobody (immutable)".into(), |k| k.to_string()),
            current.pubkey()
        ));
    }
    if let (Some(signer), Some(new)) = (new_signer, new) {
        if signer.pubkey() != *new {
            return Err(format!("the new authority's keypair is {}, not {new}", signer.pubkey()));
        }
    }
    let instruction = deployment::set_upgrade_authority_instruction(program_id, &current.pubkey(), new, new_signer.is_some());
    let mut signers = vec![current];
    signers.extend(new_signer);
    super::send(rpc, payer, &[instruction], &signers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write carrying a full chunk fits the packet, and only just: with or without a priority
    /// fee, with the payer as the authority or apart.
    #[test]
    fn a_full_chunk_fits_one_transaction_and_only_just() {
        let (payer, authority, buffer) = (Keypair::new(), Keypair::new(), Pubkey::new_unique());
        for (authority, fee) in [(&payer, 0), (&payer, 10_000), (&authority, 0), (&authority, 10_000)] {
            let len = chunk_len(&payer, authority, &buffer, fee);
            let size = |bytes: usize| {
                let mut instructions = compute_budget(fee);
                instructions.push(deployment::write_instruction(&buffer, &authority.pubkey(), 0, &vec![7; bytes]));
                bincode::serialized_size(&crate::rpc::sign(&instructions, &payer, &[authority], solana_hash::Hash::default())).unwrap() as usize
            };
            assert!(size(len) <= PACKET_DATA_SIZE, "{len} bytes: {} > {PACKET_DATA_SIZE}", size(len));
            assert!(size(len + 2) > PACKET_DATA_SIZE, "{len} bytes leave room: {}", size(len + 2));
            assert!(len >= 850, "{len}");
        }
    }
}
