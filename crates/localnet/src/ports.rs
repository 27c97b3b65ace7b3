//! Ports for a local chain started beside others (tests, scripts): the validator's JSON-RPC port
//! with its PubSub port (RPC + 1) free, a free faucet port, and a 100-port range for gossip, TPU
//! and its other ports that contains neither. (`scripts/free_ports.py` does the same for shell
//! scripts.)
use std::net::TcpListener;

#[derive(Debug, Clone, Copy)]
pub struct LocalPorts {
    pub rpc: u16,
    pub faucet: u16,
    /// First port of the validator's `--dynamic-port-range` (100 ports).
    pub range_start: u16,
}

impl LocalPorts {
    /// `range_start` is chosen from 20,000-59,900 by process id, so concurrent test processes
    /// take different ranges; RPC and faucet ports come from the system and avoid the range.
    pub fn pick() -> Self {
        let range_start = 20_000 + (std::process::id() % 400) as u16 * 100;
        let outside = |port: u16| port < range_start || port > range_start + 100;
        let free = || TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let rpc = loop {
            let port = free();
            if port < 65_000 && outside(port) && outside(port + 1) && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
                break port;
            }
        };
        let faucet = loop {
            let port = free();
            if outside(port) && port != rpc + 1 {
                break port;
            }
        };
        Self { rpc, faucet, range_start }
    }

    /// The `--dynamic-port-range` argument.
    pub fn range(&self) -> String {
        format!("{}-{}", self.range_start, self.range_start + 99)
    }
}
