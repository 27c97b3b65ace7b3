//! The local chain over JSON-RPC, driven by solana-rpc-client (the official Rust client) and by
//! raw HTTP and WebSocket requests: every method the local chain serves answers in a cluster's
//! shape, bad requests get a cluster's error codes, and the server keeps serving.
use anchor_lang::Discriminator;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use liquid_staking_localnet::{bootstrap::bootstrap_pool, rpc, LocalChain, SOL};
use liquid_staking_sdk::{addresses::lst_account, decode, instructions as ix, PoolKeys};
use serde_json::{json, Value};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::ErrorKind;
use solana_rpc_client_api::request::{RpcError, RpcResponseErrorData};
use solana_rpc_client_types::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig, RpcTransactionConfig};
use solana_rpc_client_types::filter::{Memcmp, RpcFilterType};
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_status_client_types::UiTransactionEncoding;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Server {
    http: std::net::SocketAddr,
    ws: std::net::SocketAddr,
    keys: PoolKeys,
    client: RpcClient,
}

async fn start() -> Server {
    let chain = LocalChain::start(2).await;
    let mut node = rpc::Node::new(chain);
    let authority = Keypair::new();
    let keys = bootstrap_pool(&mut node, &authority).await.expect("pool bootstrapped");
    let (http, ws) = rpc::serve(node.shared(), 0, 0).await.expect("server bound");
    let client = RpcClient::new_with_commitment(format!("http://{http}"), CommitmentConfig::confirmed());
    Server { http, ws, keys, client }
}

/// A raw HTTP POST; returns the parsed JSON body.
async fn post(addr: std::net::SocketAddr, body: &str) -> Value {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let body = response.split("\r\n\r\n").nth(1).expect("a body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Code, message and (for a preflight failure) the simulation result of a JSON-RPC error.
fn rpc_error(
    err: &solana_rpc_client_api::client_error::Error,
) -> (i64, String, Option<solana_rpc_client_types::response::RpcSimulateTransactionResult>) {
    match err.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError { code, message, data }) => {
            let simulation = match data {
                RpcResponseErrorData::SendTransactionPreflightFailure(sim) => Some(sim.clone()),
                _ => None,
            };
            (*code, message.clone(), simulation)
        }
        other => panic!("expected an RPC response error, got {other:?}"),
    }
}

async fn airdrop(s: &Server, to: &Pubkey, lamports: u64) {
    let signature = s.client.request_airdrop(to, lamports).await.unwrap();
    let statuses = s.client.get_signature_statuses(&[signature]).await.unwrap();
    assert!(statuses.value[0].as_ref().unwrap().err.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_client_works_against_the_local_chain() {
    let s = start().await;
    let c = &s.client;
    assert_eq!(c.get_health().await.unwrap(), ());
    assert!(!c.get_version().await.unwrap().solana_core.is_empty());
    let epoch = c.get_epoch_info().await.unwrap();
    assert_eq!(epoch.absolute_slot, c.get_slot().await.unwrap());
    assert_eq!(epoch.block_height, c.get_block_height().await.unwrap());
    assert!(c.get_genesis_hash().await.is_ok());
    assert_eq!(c.get_minimum_balance_for_rent_exemption(0).await.unwrap(), 890_880);
    assert!(!c.get_recent_prioritization_fees(&[]).await.unwrap().is_empty());

    // A wallet: airdrop, then deposit through the SDK's builders.
    let user = Keypair::new();
    airdrop(&s, &user.pubkey(), 20 * SOL).await;
    assert_eq!(c.get_balance(&user.pubkey()).await.unwrap(), 20 * SOL);
    let keys = s.keys;
    let user_lst = lst_account(&user.pubkey(), &keys.lst_mint);
    let deposit = [
        ix::create_lst_account(&user.pubkey(), &user.pubkey(), &keys.lst_mint),
        ix::deposit_sol(&ix::DepositSolParams { keys, depositor: user.pubkey(), recipient_lst: user_lst, lamports: 5 * SOL, min_lst_out: 0 }),
    ];
    let blockhash = c.get_latest_blockhash().await.unwrap();
    let tx = Transaction::new_signed_with_payer(&deposit, Some(&user.pubkey()), &[&user], blockhash);
    let signature = c.send_and_confirm_transaction(&tx).await.unwrap();
    let status = c.get_signature_statuses(&[signature]).await.unwrap().value[0].clone().unwrap();
    assert!(status.err.is_none());
    let fetched = c
        .get_transaction_with_config(&signature, RpcTransactionConfig { encoding: Some(UiTransactionEncoding::Base64), ..Default::default() })
        .await
        .unwrap();
    let meta = fetched.transaction.meta.unwrap();
    assert_eq!(meta.fee, 5_000);
    assert_eq!(meta.pre_balances.len(), meta.post_balances.len());
    assert_eq!(fetched.transaction.transaction.decode().unwrap().signatures[0], signature);
    // The json encoding too (what @solana/web3.js asks for).
    let json_tx = c.get_transaction(&signature, UiTransactionEncoding::Json).await.unwrap();
    assert_eq!(json_tx.slot, fetched.slot);

    // Accounts: single, multiple, by program with filters, token accounts by owner.
    let pool = decode::pool(&c.get_account(&keys.pool).await.unwrap().data).unwrap();
    assert_eq!(pool.lst_mint, keys.lst_mint);
    let many = c.get_multiple_accounts(&[keys.pool, keys.lst_mint, Pubkey::new_unique()]).await.unwrap();
    assert_eq!((many[0].is_some(), many[1].is_some(), many[2].is_none()), (true, true, true));
    let pools = c
        .get_program_ui_accounts_with_config(
            &liquid_staking::ID,
            RpcProgramAccountsConfig {
                filters: Some(vec![RpcFilterType::Memcmp(Memcmp::new_raw_bytes(0, liquid_staking::state::Pool::DISCRIMINATOR.to_vec()))]),
                account_config: RpcAccountInfoConfig { encoding: Some(solana_account_decoder::UiAccountEncoding::Base64), ..Default::default() },
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(pools.iter().map(|(k, _)| *k).collect::<Vec<_>>(), vec![keys.pool]);
    let by_size = c
        .get_program_ui_accounts_with_config(
            &liquid_staking::ID,
            RpcProgramAccountsConfig {
                filters: Some(vec![RpcFilterType::DataSize(liquid_staking::state::Pool::SPACE as u64)]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_size.len(), 1, "dataSize selects the one pool");
    let token_accounts = c
        .get_token_accounts_by_owner(&user.pubkey(), solana_rpc_client_api::request::TokenAccountsFilter::Mint(keys.lst_mint))
        .await
        .unwrap();
    assert_eq!(token_accounts.len(), 1);
    assert_eq!(token_accounts[0].pubkey, user_lst.to_string());

    // A ticket, found by its owner with the SDK's filters.
    let order = ix::order_unstake(&ix::OrderUnstakeParams { keys, owner: user.pubkey(), owner_lst: user_lst, ticket_nonce: 1, lst_amount: SOL, min_lamports_out: 0 });
    let blockhash = c.get_latest_blockhash().await.unwrap();
    c.send_and_confirm_transaction(&Transaction::new_signed_with_payer(&[order], Some(&user.pubkey()), &[&user], blockhash)).await.unwrap();
    let filters = decode::ticket_filters(&user.pubkey())
        .into_iter()
        .map(|(offset, bytes)| RpcFilterType::Memcmp(Memcmp::new_raw_bytes(offset, bytes)))
        .collect();
    let tickets = c
        .get_program_ui_accounts_with_config(&liquid_staking::ID, RpcProgramAccountsConfig { filters: Some(filters), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(tickets.len(), 1);
    let ticket_account: solana_account::Account = tickets[0].1.decode().expect("account data decodes");
    assert_eq!(decode::ticket(&ticket_account.data).unwrap().owner, user.pubkey());

    // A failing transaction: simulation shows the error and logs; sending it is a preflight failure.
    let too_much = ix::deposit_sol(&ix::DepositSolParams { keys, depositor: user.pubkey(), recipient_lst: user_lst, lamports: u64::MAX, min_lst_out: 0 });
    let blockhash = c.get_latest_blockhash().await.unwrap();
    let bad = Transaction::new_signed_with_payer(&[too_much], Some(&user.pubkey()), &[&user], blockhash);
    let simulated = c.simulate_transaction(&bad).await.unwrap().value;
    assert!(simulated.err.is_some() && !simulated.logs.unwrap().is_empty());
    let err = c.send_transaction(&bad).await.unwrap_err();
    let (code, message, data) = rpc_error(&err);
    assert_eq!(code, -32002);
    assert!(message.starts_with("Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1771"), "{message}");
    let sim = data.expect("the simulation result comes with a preflight failure");
    assert!(sim.logs.is_some_and(|l| !l.is_empty()));
    // A forged signature.
    let mut forged = Transaction::new_signed_with_payer(&[ix::create_lst_account(&user.pubkey(), &user.pubkey(), &keys.lst_mint)], Some(&user.pubkey()), &[&user], blockhash);
    forged.signatures[0] = solana_signature::Signature::from([7u8; 64]);
    let (code, message, _) = rpc_error(&c.send_transaction(&forged).await.unwrap_err());
    assert_eq!((code, message.as_str()), (-32003, "Transaction signature verification failure"));
    assert_eq!(c.get_health().await.unwrap(), ());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_a_clusters_errors_and_the_server_keeps_serving() {
    let s = start().await;
    let err_code = |v: &Value| v["error"]["code"].as_i64().unwrap_or_else(|| panic!("no error in {v}"));
    assert_eq!(err_code(&post(s.http, r#"{"jsonrpc":"2.0","id":1,"method":"#).await), -32700);
    assert_eq!(err_code(&post(s.http, r#"{"jsonrpc":"2.0","id":1,"method":"getNothing"}"#).await), -32601);
    assert_eq!(err_code(&post(s.http, r#"{"id":1,"method":"getSlot"}"#).await), -32600);
    assert_eq!(err_code(&post(s.http, r#"[]"#).await), -32600);
    assert_eq!(err_code(&post(s.http, r#"{"jsonrpc":"2.0","id":1,"method":"getBalance","params":[42]}"#).await), -32602);
    assert_eq!(err_code(&post(s.http, r#"{"jsonrpc":"2.0","id":1,"method":"getBalance","params":["not-a-key"]}"#).await), -32602);
    let bad_base64 = post(s.http, r#"{"jsonrpc":"2.0","id":1,"method":"sendTransaction","params":["%%%",{"encoding":"base64"}]}"#).await;
    assert_eq!(err_code(&bad_base64), -32602);
    assert!(bad_base64["error"]["message"].as_str().unwrap().starts_with("invalid base64 encoding"));
    let oversized = base64::engine::general_purpose::STANDARD.encode(vec![1u8; 1300]);
    let too_large = post(s.http, &json!({"jsonrpc":"2.0","id":1,"method":"sendTransaction","params":[oversized,{"encoding":"base64"}]}).to_string()).await;
    assert_eq!(err_code(&too_large), -32602);
    assert!(too_large["error"]["message"].as_str().unwrap().contains("too large"), "{too_large}");
    let garbage = base64::engine::general_purpose::STANDARD.encode([0u8, 1, 2, 3]);
    let undecodable = post(s.http, &json!({"jsonrpc":"2.0","id":1,"method":"sendTransaction","params":[garbage,{"encoding":"base64"}]}).to_string()).await;
    assert_eq!(err_code(&undecodable), -32602);
    // Batches answer each call; the server still serves.
    let batch = post(s.http, r#"[{"jsonrpc":"2.0","id":1,"method":"getSlot"},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#).await;
    assert_eq!((batch[0]["id"].as_i64(), err_code(&batch[1])), (Some(1), -32601));
    assert_eq!(post(s.http, r#"{"jsonrpc":"2.0","id":9,"method":"getHealth"}"#).await["result"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_subscriptions_notify_signatures_and_slots() {
    let s = start().await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{}", s.ws)).await.unwrap();
    let next = async |socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>| -> Value {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next()).await.expect("a message in time").unwrap().unwrap();
        serde_json::from_str(message.to_text().unwrap()).unwrap()
    };
    socket.send(json!({"jsonrpc":"2.0","id":1,"method":"slotSubscribe"}).to_string().into()).await.unwrap();
    let slot_sub = next(&mut socket).await["result"].as_u64().unwrap();
    // A transaction sent after subscribing: the signature notification and a slot notification.
    let user = Keypair::new();
    let signature = s.client.request_airdrop(&user.pubkey(), SOL).await.unwrap();
    let mut saw_slot = false;
    for _ in 0..4 {
        let note = next(&mut socket).await;
        if note["method"] == "slotNotification" {
            assert_eq!(note["params"]["subscription"].as_u64(), Some(slot_sub));
            assert!(note["params"]["result"]["slot"].is_u64());
            saw_slot = true;
            break;
        }
    }
    assert!(saw_slot);
    // Subscribing to a processed signature notifies at once.
    socket.send(json!({"jsonrpc":"2.0","id":2,"method":"signatureSubscribe","params":[signature.to_string(),{"commitment":"confirmed"}]}).to_string().into()).await.unwrap();
    let mut got = None;
    for _ in 0..6 {
        let note = next(&mut socket).await;
        if note["method"] == "signatureNotification" {
            got = Some(note);
            break;
        }
    }
    let note = got.expect("signature notification");
    assert!(note["params"]["result"]["value"]["err"].is_null());
    socket.send(json!({"jsonrpc":"2.0","id":3,"method":"slotUnsubscribe","params":[slot_sub]}).to_string().into()).await.unwrap();
}
