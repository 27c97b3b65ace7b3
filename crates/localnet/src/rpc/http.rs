//! JSON-RPC 2.0 over HTTP POST: single and batch requests.
use super::{methods, RpcError, SharedNode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

/// Largest request body accepted (a cluster accepts up to 50 MB; nothing here needs more).
const MAX_REQUEST_BYTES: usize = 1 << 20;

pub async fn run(listener: tokio::net::TcpListener, node: SharedNode) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let node = node.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(req, node.clone()));
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

fn reply(status: StatusCode, body: Value) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-headers", "content-type, solana-client")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a valid response"))
}

fn error_reply(id: Value, error: RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "error": error.to_json(), "id": id })
}

async fn handle(req: Request<Incoming>, node: SharedNode) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    if req.method() == hyper::Method::OPTIONS {
        return reply(StatusCode::OK, Value::Null);
    }
    if req.method() == hyper::Method::GET && req.uri().path() == "/health" {
        return reply(StatusCode::OK, json!("ok"));
    }
    let body = match Limited::new(req.into_body(), MAX_REQUEST_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return reply(StatusCode::PAYLOAD_TOO_LARGE, error_reply(Value::Null, RpcError::new(RpcError::INVALID_REQUEST, "Request too large"))),
    };
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => return reply(StatusCode::OK, error_reply(Value::Null, RpcError::new(RpcError::PARSE_ERROR, "Parse error"))),
    };
    let response = match request {
        Value::Array(calls) if calls.is_empty() => error_reply(Value::Null, RpcError::new(RpcError::INVALID_REQUEST, "Invalid request")),
        Value::Array(calls) => {
            let mut out = Vec::with_capacity(calls.len());
            for call in calls {
                out.push(call_one(&node, call).await);
            }
            Value::Array(out)
        }
        call => call_one(&node, call).await,
    };
    reply(StatusCode::OK, response)
}

/// One JSON-RPC call: `{"jsonrpc":"2.0","id":..,"method":..,"params":[..]}`.
pub async fn call_one(node: &SharedNode, call: Value) -> Value {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let (Some("2.0"), Some(method)) = (call.get("jsonrpc").and_then(|v| v.as_str()), call.get("method").and_then(|v| v.as_str())) else {
        return error_reply(id, RpcError::new(RpcError::INVALID_REQUEST, "Invalid request"));
    };
    let params = match call.get("params") {
        None | Some(Value::Null) => Value::Array(Vec::new()),
        Some(p @ Value::Array(_)) => p.clone(),
        Some(_) => return error_reply(id, RpcError::invalid_params("Invalid params: expected an array")),
    };
    match methods::dispatch(node, method, &params).await {
        Ok(result) => json!({ "jsonrpc": "2.0", "result": result, "id": id }),
        Err(error) => error_reply(id, error),
    }
}
