//! JSON-RPC subscriptions over WebSocket: slotSubscribe and signatureSubscribe (and their
//! unsubscribes). Other calls over the socket are answered like HTTP calls.
use super::node::Event;
use super::{http, RpcError, SharedNode};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use solana_signature::Signature;
use std::collections::HashMap;
use std::str::FromStr;
use tokio_tungstenite::tungstenite::Message;

pub async fn run(listener: tokio::net::TcpListener, node: SharedNode) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let node = node.clone();
        tokio::spawn(async move {
            if let Ok(socket) = tokio_tungstenite::accept_async(stream).await {
                let _ = connection(socket, node).await;
            }
        });
    }
}

enum Subscription {
    Slot,
    Signature(Signature),
}

async fn connection(
    socket: tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>,
    node: SharedNode,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let (mut tx, mut rx) = socket.split();
    let mut events = node.lock().await.events.subscribe();
    let mut subscriptions: HashMap<u64, Subscription> = HashMap::new();
    let mut next_id = 0u64;
    loop {
        tokio::select! {
            incoming = rx.next() => {
                let Some(Ok(message)) = incoming else { return Ok(()) };
                let Message::Text(text) = message else { continue };
                let call: Value = match serde_json::from_str(text.as_str()) {
                    Ok(v) => v,
                    Err(_) => {
                        let reply = json!({"jsonrpc": "2.0", "error": RpcError::new(RpcError::PARSE_ERROR, "Parse error").to_json(), "id": null});
                        tx.send(Message::text(reply.to_string())).await?;
                        continue;
                    }
                };
                let id = call.get("id").cloned().unwrap_or(Value::Null);
                let params = call.get("params").cloned().unwrap_or(json!([]));
                let reply = match call.get("method").and_then(|m| m.as_str()) {
                    Some("slotSubscribe") => {
                        next_id += 1;
                        subscriptions.insert(next_id, Subscription::Slot);
                        json!({"jsonrpc": "2.0", "result": next_id, "id": id})
                    }
                    Some("signatureSubscribe") => match params.get(0).and_then(|s| s.as_str()).map(Signature::from_str) {
                        Some(Ok(signature)) => {
                            next_id += 1;
                            // Already processed: notify at once, as a cluster does.
                            let done = node.lock().await.transaction(&signature).map(|r| (r.slot, r.err.clone()));
                            tx.send(Message::text(json!({"jsonrpc": "2.0", "result": next_id, "id": id}).to_string())).await?;
                            match done {
                                Some((slot, err)) => tx.send(Message::text(signature_notification(next_id, slot, err).to_string())).await?,
                                None => { subscriptions.insert(next_id, Subscription::Signature(signature)); }
                            }
                            continue;
                        }
                        _ => json!({"jsonrpc": "2.0", "error": RpcError::invalid_params("Invalid param: signature").to_json(), "id": id}),
                    },
                    Some("slotUnsubscribe") | Some("signatureUnsubscribe") => {
                        let sub = params.get(0).and_then(|v| v.as_u64()).unwrap_or(0);
                        match subscriptions.remove(&sub) {
                            Some(_) => json!({"jsonrpc": "2.0", "result": true, "id": id}),
                            None => json!({"jsonrpc": "2.0", "error": RpcError::invalid_params("Invalid subscription id.").to_json(), "id": id}),
                        }
                    }
                    _ => http::call_one(&node, call).await,
                };
                tx.send(Message::text(reply.to_string())).await?;
            }
            event = events.recv() => {
                let Ok(event) = event else { continue };
                let mut finished = Vec::new();
                for (sub, kind) in &subscriptions {
                    match (kind, &event) {
                        (Subscription::Slot, Event::Slot(slot)) => {
                            let note = json!({"jsonrpc": "2.0", "method": "slotNotification",
                                "params": {"result": {"parent": slot.saturating_sub(1), "root": slot, "slot": slot}, "subscription": sub}});
                            tx.send(Message::text(note.to_string())).await?;
                        }
                        (Subscription::Signature(wanted), Event::Signature { signature, slot, err }) if wanted == signature => {
                            tx.send(Message::text(signature_notification(*sub, *slot, err.clone()).to_string())).await?;
                            finished.push(*sub);
                        }
                        _ => {}
                    }
                }
                for sub in finished {
                    subscriptions.remove(&sub);
                }
            }
        }
    }
}

fn signature_notification(subscription: u64, slot: u64, err: Option<solana_transaction_error::TransactionError>) -> Value {
    json!({"jsonrpc": "2.0", "method": "signatureNotification",
        "params": {"result": {"context": {"slot": slot}, "value": {"err": err}}, "subscription": subscription}})
}
