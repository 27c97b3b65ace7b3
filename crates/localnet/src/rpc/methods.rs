//! The JSON-RPC methods, positional params as a cluster takes them.
use super::node::{SharedNode, LAMPORTS_PER_SIGNATURE};
use super::RpcError;
use anchor_lang::prelude::Pubkey;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use solana_account_decoder::{encode_ui_account, UiAccountEncoding};
use solana_rpc_client_types::config::{
    RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcSendTransactionConfig, RpcSimulateTransactionConfig,
    RpcTokenAccountsFilter,
};
use solana_rpc_client_types::filter::RpcFilterType;
use solana_rpc_client_types::response::{
    Response, RpcBlockhash, RpcKeyedAccount, RpcPrioritizationFee, RpcResponseContext, RpcSimulateTransactionResult,
    RpcVersionInfo,
};
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_status_client_types::{
    EncodedConfirmedTransactionWithStatusMeta, EncodedTransaction, EncodedTransactionWithStatusMeta,
    TransactionBinaryEncoding, TransactionConfirmationStatus, TransactionStatus, UiTransactionEncoding,
    UiTransactionStatusMeta,
};
use std::str::FromStr;

/// Largest transaction on the wire, and its largest base58 / base64 encodings.
const PACKET_DATA_SIZE: usize = 1232;
const MAX_BASE58_SIZE: usize = 1683;
const MAX_BASE64_SIZE: usize = 1644;
const TRANSACTION_TYPE: &str = "solana_transaction::versioned::VersionedTransaction";
/// Blocks a blockhash stays valid for.
const BLOCKHASH_VALIDITY: u64 = 150;

fn param<T: DeserializeOwned>(params: &Value, i: usize, name: &str) -> Result<T, RpcError> {
    let value = params.get(i).cloned().ok_or_else(|| RpcError::invalid_params(format!("missing parameter `{name}`")))?;
    serde_json::from_value(value).map_err(|e| RpcError::invalid_params(format!("Invalid params: {e}.")))
}

fn optional<T: DeserializeOwned>(params: &Value, i: usize) -> Result<Option<T>, RpcError> {
    match params.get(i) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| RpcError::invalid_params(format!("Invalid params: {e}."))),
    }
}

fn pubkey(params: &Value, i: usize, name: &str) -> Result<Pubkey, RpcError> {
    let text: String = param(params, i, name)?;
    Pubkey::from_str(&text).map_err(|e| RpcError::invalid_params(format!("Invalid param: {e}")))
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(RpcError::internal)
}

fn context(slot: u64) -> RpcResponseContext {
    RpcResponseContext { slot, api_version: None }
}

fn account_encoding(config: &Option<RpcAccountInfoConfig>) -> UiAccountEncoding {
    config.as_ref().and_then(|c| c.encoding).unwrap_or(UiAccountEncoding::Base64)
}

/// Decodes a wire transaction as a cluster does, with the same limits and messages.
pub fn decode_transaction(data: &str, encoding: UiTransactionEncoding) -> Result<VersionedTransaction, RpcError> {
    let bytes = match encoding {
        UiTransactionEncoding::Base58 => {
            if data.len() > MAX_BASE58_SIZE {
                return Err(RpcError::invalid_params(format!(
                    "base58 encoded {TRANSACTION_TYPE} too large: {} bytes (max: encoded/raw {MAX_BASE58_SIZE}/{PACKET_DATA_SIZE})",
                    data.len()
                )));
            }
            bs58::decode(data).into_vec().map_err(|e| RpcError::invalid_params(format!("invalid base58 encoding: {e:?}")))?
        }
        UiTransactionEncoding::Base64 => {
            if data.len() > MAX_BASE64_SIZE {
                return Err(RpcError::invalid_params(format!(
                    "base64 encoded {TRANSACTION_TYPE} too large: {} bytes (max: encoded/raw {MAX_BASE64_SIZE}/{PACKET_DATA_SIZE})",
                    data.len()
                )));
            }
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|e| RpcError::invalid_params(format!("invalid base64 encoding: {e:?}")))?
        }
        other => return Err(RpcError::invalid_params(format!("unsupported encoding: {other}. Supported encodings: base58, base64"))),
    };
    if bytes.len() > PACKET_DATA_SIZE {
        return Err(RpcError::invalid_params(format!(
            "decoded {TRANSACTION_TYPE} too large: {} bytes (max: {PACKET_DATA_SIZE} bytes)",
            bytes.len()
        )));
    }
    let tx: VersionedTransaction = bincode::deserialize(&bytes)
        .map_err(|e| RpcError::invalid_params(format!("failed to deserialize {TRANSACTION_TYPE}: {e}")))?;
    tx.sanitize().map_err(|e| RpcError::invalid_params(format!("invalid transaction: {e}")))?;
    Ok(tx)
}

fn simulation_result(err: Option<solana_transaction_error::TransactionError>, logs: Vec<String>, units: u64) -> RpcSimulateTransactionResult {
    RpcSimulateTransactionResult {
        err: err.map(Into::into),
        logs: Some(logs),
        accounts: None,
        units_consumed: Some(units),
        loaded_accounts_data_size: None,
        return_data: None,
        inner_instructions: None,
        replacement_blockhash: None,
        fee: None,
        pre_balances: None,
        post_balances: None,
        pre_token_balances: None,
        post_token_balances: None,
        loaded_addresses: None,
    }
}

/// Runs one method.
pub async fn dispatch(node: &SharedNode, method: &str, params: &Value) -> Result<Value, RpcError> {
    let mut n = node.lock().await;
    match method {
        "getHealth" => Ok(json!("ok")),
        "getVersion" => to_json(RpcVersionInfo { solana_core: "3.1.12".into(), feature_set: None }),
        "getSlot" => Ok(json!(n.slot().await)),
        "getBlockHeight" => Ok(json!(n.chain.ctx.banks_client.get_root_block_height().await.map_err(RpcError::internal)?)),
        "getGenesisHash" => Ok(json!(n.chain.ctx.genesis_config().hash().to_string())),
        "getEpochInfo" => {
            let clock = n.chain.clock().await;
            let schedule = n.chain.ctx.genesis_config().epoch_schedule.clone();
            let block_height = n.chain.ctx.banks_client.get_root_block_height().await.map_err(RpcError::internal)?;
            let first = schedule.get_first_slot_in_epoch(clock.epoch);
            to_json(solana_epoch_info::EpochInfo {
                epoch: clock.epoch,
                slot_index: clock.slot - first,
                slots_in_epoch: schedule.get_slots_in_epoch(clock.epoch),
                absolute_slot: clock.slot,
                block_height,
                transaction_count: None,
            })
        }
        "getEpochSchedule" => {
            let s = n.chain.ctx.genesis_config().epoch_schedule.clone();
            Ok(json!({
                "slotsPerEpoch": s.slots_per_epoch,
                "leaderScheduleSlotOffset": s.leader_schedule_slot_offset,
                "warmup": s.warmup,
                "firstNormalEpoch": s.first_normal_epoch,
                "firstNormalSlot": s.first_normal_slot,
            }))
        }
        "getBalance" => {
            let key = pubkey(params, 0, "pubkey")?;
            let lamports = n.chain.lamports(&key).await;
            let slot = n.slot().await;
            to_json(Response { context: context(slot), value: lamports })
        }
        "getAccountInfo" => {
            let key = pubkey(params, 0, "pubkey")?;
            let config: Option<RpcAccountInfoConfig> = optional(params, 1)?;
            let encoding = account_encoding(&config);
            let account = n.chain.account(&key).await;
            let slot = n.slot().await;
            let value = account.map(|a| encode_ui_account(&key, &a, encoding, None, config.as_ref().and_then(|c| c.data_slice)));
            to_json(Response { context: context(slot), value })
        }
        "getMultipleAccounts" => {
            let keys: Vec<String> = param(params, 0, "pubkeys")?;
            if keys.len() > 100 {
                return Err(RpcError::invalid_params("Too many inputs provided; max 100"));
            }
            let config: Option<RpcAccountInfoConfig> = optional(params, 1)?;
            let encoding = account_encoding(&config);
            let mut value = Vec::with_capacity(keys.len());
            for text in keys {
                let key = Pubkey::from_str(&text).map_err(|e| RpcError::invalid_params(format!("Invalid param: {e}")))?;
                value.push(n.chain.account(&key).await.map(|a| encode_ui_account(&key, &a, encoding, None, None)));
            }
            let slot = n.slot().await;
            to_json(Response { context: context(slot), value })
        }
        "getProgramAccounts" => {
            let program = pubkey(params, 0, "program id")?;
            let config: Option<RpcProgramAccountsConfig> = optional(params, 1)?;
            let config = config.unwrap_or_default();
            let filters = config.filters.clone().unwrap_or_default();
            for f in &filters {
                f.verify().map_err(|e| RpcError::invalid_params(format!("Invalid param: {e:?}")))?;
            }
            let encoding = config.account_config.encoding.unwrap_or(UiAccountEncoding::Binary);
            let encoding = if encoding == UiAccountEncoding::Binary { UiAccountEncoding::Base58 } else { encoding };
            let accounts = n.indexed_accounts().await;
            let value: Vec<RpcKeyedAccount> = accounts
                .into_iter()
                .filter(|(_, a)| a.owner == program && filters.iter().all(|f| filter_allows(f, &a.data)))
                .map(|(k, a)| RpcKeyedAccount { pubkey: k.to_string(), account: encode_ui_account(&k, &a, encoding, None, config.account_config.data_slice) })
                .collect();
            if config.with_context.unwrap_or(false) {
                let slot = n.slot().await;
                to_json(Response { context: context(slot), value })
            } else {
                to_json(value)
            }
        }
        "getTokenAccountsByOwner" => {
            let owner = pubkey(params, 0, "owner")?;
            let filter: RpcTokenAccountsFilter = param(params, 1, "filter")?;
            let config: Option<RpcAccountInfoConfig> = optional(params, 2)?;
            let encoding = account_encoding(&config);
            let (mint, program) = match filter {
                RpcTokenAccountsFilter::Mint(m) => (Some(Pubkey::from_str(&m).map_err(|e| RpcError::invalid_params(format!("Invalid param: {e}")))?), None),
                RpcTokenAccountsFilter::ProgramId(p) => (None, Some(Pubkey::from_str(&p).map_err(|e| RpcError::invalid_params(format!("Invalid param: {e}")))?)),
            };
            let token_program = spl_token_interface::ID;
            if program.is_some_and(|p| p != token_program) {
                return Err(RpcError::invalid_params("Invalid param: unrecognized Token program id"));
            }
            let accounts = n.indexed_accounts().await;
            let value: Vec<RpcKeyedAccount> = accounts
                .into_iter()
                .filter(|(_, a)| {
                    a.owner == token_program
                        && a.data.len() == 165
                        && a.data[32..64] == owner.to_bytes()
                        && mint.is_none_or(|m| a.data[..32] == m.to_bytes())
                })
                .map(|(k, a)| RpcKeyedAccount { pubkey: k.to_string(), account: encode_ui_account(&k, &a, encoding, None, None) })
                .collect();
            let slot = n.slot().await;
            to_json(Response { context: context(slot), value })
        }
        "getLatestBlockhash" => {
            let blockhash = n.chain.ctx.banks_client.get_latest_blockhash().await.map_err(RpcError::internal)?;
            let height = n.chain.ctx.banks_client.get_root_block_height().await.map_err(RpcError::internal)?;
            let slot = n.slot().await;
            to_json(Response {
                context: context(slot),
                value: RpcBlockhash { blockhash: blockhash.to_string(), last_valid_block_height: height + BLOCKHASH_VALIDITY },
            })
        }
        "isBlockhashValid" => {
            let _: String = param(params, 0, "blockhash")?;
            let slot = n.slot().await;
            to_json(Response { context: context(slot), value: true })
        }
        "getFeeForMessage" => {
            let message: String = param(params, 0, "message")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&message)
                .map_err(|e| RpcError::invalid_params(format!("invalid base64 encoding: {e:?}")))?;
            let signatures = *bytes.first().ok_or_else(|| RpcError::invalid_params("empty message"))? as u64;
            let slot = n.slot().await;
            to_json(Response { context: context(slot), value: Some(signatures * LAMPORTS_PER_SIGNATURE) })
        }
        "getMinimumBalanceForRentExemption" => {
            let size: usize = param(params, 0, "data length")?;
            Ok(json!(n.chain.rent_exempt_minimum(size).await))
        }
        "requestAirdrop" => {
            let key = pubkey(params, 0, "pubkey")?;
            let lamports: u64 = param(params, 1, "lamports")?;
            Ok(json!(n.airdrop(&key, lamports).await?.to_string()))
        }
        "sendTransaction" => {
            let data: String = param(params, 0, "transaction")?;
            let config: RpcSendTransactionConfig = optional(params, 1)?.unwrap_or_default();
            let tx = decode_transaction(&data, config.encoding.unwrap_or(UiTransactionEncoding::Base58))?;
            if tx.verify_with_results().iter().any(|ok| !ok) {
                return Err(RpcError::new(
                    RpcError::TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
                    "Transaction signature verification failure",
                ));
            }
            if !config.skip_preflight {
                let (err, logs, units) = n.simulate(&tx).await?;
                if let Some(err) = err {
                    let mut error = RpcError::new(
                        RpcError::SEND_TRANSACTION_PREFLIGHT_FAILURE,
                        format!("Transaction simulation failed: {err}"),
                    );
                    error.data = Some(to_json(simulation_result(Some(err), logs, units))?);
                    return Err(error);
                }
            }
            Ok(json!(n.process(tx).await?.to_string()))
        }
        "simulateTransaction" => {
            let data: String = param(params, 0, "transaction")?;
            let config: RpcSimulateTransactionConfig = optional(params, 1)?.unwrap_or_default();
            let tx = decode_transaction(&data, config.encoding.unwrap_or(UiTransactionEncoding::Base58))?;
            if config.sig_verify && tx.verify_with_results().iter().any(|ok| !ok) {
                return Err(RpcError::new(
                    RpcError::TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
                    "Transaction signature verification failure",
                ));
            }
            let (err, logs, units) = n.simulate(&tx).await?;
            let slot = n.slot().await;
            to_json(Response { context: context(slot), value: simulation_result(err, logs, units) })
        }
        "getSignatureStatuses" => {
            let signatures: Vec<String> = param(params, 0, "signatures")?;
            if signatures.len() > 256 {
                return Err(RpcError::invalid_params("Too many inputs provided; max 256"));
            }
            let mut value = Vec::with_capacity(signatures.len());
            for text in signatures {
                let signature = Signature::from_str(&text).map_err(|e| RpcError::invalid_params(format!("Invalid param: {e}")))?;
                value.push(n.transaction(&signature).map(|r| TransactionStatus {
                    slot: r.slot,
                    confirmations: None,
                    status: r.err.clone().map_or(Ok(()), Err),
                    err: r.err.clone(),
                    confirmation_status: Some(TransactionConfirmationStatus::Finalized),
                }));
            }
            let slot = n.slot().await;
            to_json(Response { context: context(slot), value })
        }
        "getTransaction" => {
            let text: String = param(params, 0, "signature")?;
            let signature = Signature::from_str(&text).map_err(|e| RpcError::invalid_params(format!("Invalid param: {e}")))?;
            let config: Option<Value> = optional(params, 1)?;
            let encoding = match &config {
                Some(Value::String(e)) => e.clone(),
                Some(c) => c.get("encoding").and_then(|e| e.as_str()).unwrap_or("json").to_string(),
                None => "json".to_string(),
            };
            let Some(record) = n.transaction(&signature).cloned() else { return Ok(Value::Null) };
            let meta = UiTransactionStatusMeta {
                err: record.err.clone().map(Into::into),
                status: record.err.clone().map_or(Ok(()), |e| Err(e.into())),
                fee: record.fee,
                pre_balances: record.pre_balances.clone(),
                post_balances: record.post_balances.clone(),
                inner_instructions: Some(Vec::new()).into(),
                log_messages: Some(record.logs.clone()).into(),
                pre_token_balances: Some(Vec::new()).into(),
                post_token_balances: Some(Vec::new()).into(),
                rewards: Some(Vec::new()).into(),
                loaded_addresses: None.into(),
                return_data: None.into(),
                compute_units_consumed: Some(record.units_consumed).into(),
                cost_units: None.into(),
            };
            let transaction = match encoding.as_str() {
                "base64" => EncodedTransaction::Binary(
                    base64::engine::general_purpose::STANDARD.encode(&record.wire),
                    TransactionBinaryEncoding::Base64,
                ),
                "base58" => EncodedTransaction::Binary(bs58::encode(&record.wire).into_string(), TransactionBinaryEncoding::Base58),
                "json" => EncodedTransaction::Json(json_transaction(&record.wire)?),
                other => return Err(RpcError::invalid_params(format!("Invalid params: unsupported encoding `{other}`."))),
            };
            to_json(EncodedConfirmedTransactionWithStatusMeta {
                slot: record.slot,
                transaction: EncodedTransactionWithStatusMeta {
                    transaction,
                    meta: Some(meta),
                    version: Some(solana_transaction::versioned::TransactionVersion::LEGACY),
                },
                block_time: Some(n.chain.clock().await.unix_timestamp),
            })
        }
        "getRecentPrioritizationFees" => {
            let slot = n.slot().await;
            to_json(vec![RpcPrioritizationFee { slot, prioritization_fee: 0 }])
        }
        // Development methods of this local chain.
        "localnet_advanceEpoch" => Ok(json!(n.advance_epoch().await)),
        "localnet_info" => {
            let pool = n.pool;
            Ok(json!({
                "programId": liquid_staking::ID.to_string(),
                "pool": pool.map(|k| k.pool.to_string()),
                "lstMint": pool.map(|k| k.lst_mint.to_string()),
                "voteAccounts": n.chain.vote_accounts.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            }))
        }
        _ => Err(RpcError::new(RpcError::METHOD_NOT_FOUND, "Method not found")),
    }
}

fn filter_allows(filter: &RpcFilterType, data: &[u8]) -> bool {
    match filter {
        RpcFilterType::DataSize(size) => data.len() as u64 == *size,
        RpcFilterType::Memcmp(memcmp) => memcmp.bytes_match(data),
        RpcFilterType::TokenAccountState => data.len() == 165,
    }
}

/// A transaction in the "json" encoding (raw message, base58 instruction data).
fn json_transaction(wire: &[u8]) -> Result<solana_transaction_status_client_types::UiTransaction, RpcError> {
    use solana_transaction_status_client_types::{UiCompiledInstruction, UiMessage, UiRawMessage, UiTransaction};
    let tx: VersionedTransaction = bincode::deserialize(wire).map_err(RpcError::internal)?;
    let message = &tx.message;
    Ok(UiTransaction {
        signatures: tx.signatures.iter().map(|s| s.to_string()).collect(),
        message: UiMessage::Raw(UiRawMessage {
            header: *message.header(),
            account_keys: message.static_account_keys().iter().map(|k| k.to_string()).collect(),
            recent_blockhash: message.recent_blockhash().to_string(),
            instructions: message
                .instructions()
                .iter()
                .map(|ix| UiCompiledInstruction {
                    program_id_index: ix.program_id_index,
                    accounts: ix.accounts.clone(),
                    data: bs58::encode(&ix.data).into_string(),
                    stack_height: None,
                })
                .collect(),
            address_table_lookups: None,
        }),
    })
}
