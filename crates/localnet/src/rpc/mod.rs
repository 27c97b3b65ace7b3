//! A JSON-RPC server over the in-process chain: the methods wallets, @solana/web3.js, the Anchor
//! client and solana-rpc-client call, answered in the shapes a real cluster uses (the response
//! types are Agave's own). HTTP and WebSocket, loopback only.

pub mod http;
pub mod methods;
pub mod node;
pub mod ws;

pub use node::{Node, SharedNode};

/// A JSON-RPC error: code, message and optional data, as a cluster sends them.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<serde_json::Value>,
}

impl RpcError {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL_ERROR: i64 = -32603;
    /// Preflight simulation failed (solana JSON-RPC server error).
    pub const SEND_TRANSACTION_PREFLIGHT_FAILURE: i64 = -32002;
    /// A signature did not verify.
    pub const TRANSACTION_SIGNATURE_VERIFICATION_FAILURE: i64 = -32003;

    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(Self::INVALID_PARAMS, message)
    }

    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new(Self::INTERNAL_ERROR, format!("Internal error: {message}"))
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if let Some(data) = &self.data {
            error["data"] = data.clone();
        }
        error
    }
}

/// Starts the HTTP server on `http_port` and the WebSocket server on `ws_port` (0 = any free
/// port) on 127.0.0.1; returns the bound addresses.
pub async fn serve(
    node: SharedNode,
    http_port: u16,
    ws_port: u16,
) -> std::io::Result<(std::net::SocketAddr, std::net::SocketAddr)> {
    let http_listener = tokio::net::TcpListener::bind(("127.0.0.1", http_port)).await?;
    let ws_listener = tokio::net::TcpListener::bind(("127.0.0.1", ws_port)).await?;
    let addrs = (http_listener.local_addr()?, ws_listener.local_addr()?);
    tokio::spawn(http::run(http_listener, node.clone()));
    tokio::spawn(ws::run(ws_listener, node));
    Ok(addrs)
}
