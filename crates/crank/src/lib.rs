//! The crank bot (`liquid-staking-crank`): keeps a pool updated every epoch, by anyone, with no
//! trusted operator. The crank's plan is the SDK's (`liquid_staking_sdk::rpc::update` and
//! `rebalance`); this crate adds how it is sent ([`sender`]: compute units by simulation, priority
//! fees, expiry and retries), when ([`bot`]: polling with jitter, ticket funding between updates),
//! and what it says ([`metrics`] on a loopback port, [`log`] lines).
pub mod bot;
pub mod log;
pub mod lookup;
pub mod metrics;
pub mod sender;

pub use bot::{Bot, BotConfig, PollOutcome};

/// A small xorshift generator for jitter: bots started together must not poll in lockstep. Not
/// for anything secret.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded from the clock and the process id.
    pub fn from_entropy() -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos() as u64;
        Self::seeded(nanos ^ (u64::from(std::process::id()) << 32))
    }

    pub fn seeded(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A generator of its own, for a part that jitters independently.
    pub fn fork(&mut self) -> Self {
        Self::seeded(self.next_u64())
    }

    /// `base` times a factor drawn uniformly from [1 - fraction, 1 + fraction].
    pub fn jitter(&mut self, base: std::time::Duration, fraction: f64) -> std::time::Duration {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        base.mul_f64((1.0 + fraction * (2.0 * unit - 1.0)).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn jitter_stays_within_its_fraction_and_varies() {
        let mut rng = Rng::seeded(42);
        let draws: Vec<Duration> = (0..1000).map(|_| rng.jitter(Duration::from_secs(10), 0.2)).collect();
        assert!(draws.iter().all(|d| *d >= Duration::from_secs(8) && *d <= Duration::from_secs(12)));
        let distinct: std::collections::HashSet<_> = draws.iter().collect();
        assert!(distinct.len() > 900);
        assert_eq!(Rng::seeded(1).jitter(Duration::from_secs(3), 0.0), Duration::from_secs(3));
    }
}
