//! Freshness and replay: a signed request is accepted once, and only while fresh.
//!
//! - `created` must lie within `freshness` seconds before now and at most [`MAX_FUTURE_SKEW`]
//!   after it.
//! - A nonce is remembered (per signer) until its request could no longer be fresh; a second
//!   use within that time is refused.
//! - Nonces live in memory. So that a restart cannot make a captured request usable again, a
//!   request created before the process started (plus the future skew) is refused: every
//!   request accepted before a restart was created before it.

use std::{collections::HashMap, sync::Mutex};

use medchain_client::httpsig::Signed;

/// How far in the future a request's `created` may be, seconds (client clocks run a little
/// fast).
pub const MAX_FUTURE_SKEW: u64 = 5;

/// Why a fresh-looking signature is still refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
	/// Too old or too far in the future.
	#[error("the request is not fresh: signed at {created}, now is {now} (window {window} s)")]
	Stale {
		/// When it was signed.
		created: u64,
		/// Now.
		now: u64,
		/// The window.
		window: u64,
	},
	/// Signed before this gateway started: it may have been seen already.
	#[error("the request was signed before the gateway (re)started: sign it again")]
	BeforeStart,
	/// The nonce was used already.
	#[error("the request's nonce was already used (a replay)")]
	Replayed,
}

/// The nonces seen, and the window.
pub struct Replay {
	seen: Mutex<HashMap<([u8; 32], String), u64>>,
	started: u64,
	window: u64,
}

impl Replay {
	/// A guard for a process started at `started` (Unix seconds), accepting requests up to
	/// `window` seconds old.
	pub fn new(started: u64, window: u64) -> Self {
		Self { seen: Mutex::new(HashMap::new()), started, window }
	}

	/// Accepts `signed` at `now` once, or says why not.
	pub fn check(&self, signed: &Signed, now: u64) -> Result<(), ReplayError> {
		let created = signed.created;
		if created + self.window < now || created > now + MAX_FUTURE_SKEW {
			return Err(ReplayError::Stale { created, now, window: self.window });
		}
		if created < self.started + MAX_FUTURE_SKEW {
			return Err(ReplayError::BeforeStart);
		}
		let mut seen = self.seen.lock().expect("nonce lock");
		if seen.len() >= 100_000 {
			seen.retain(|_, expires| *expires >= now);
		}
		let key = (signed.account, signed.nonce.clone());
		if seen.get(&key).is_some_and(|expires| *expires >= now) {
			return Err(ReplayError::Replayed);
		}
		seen.insert(key, created + self.window);
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn signed(created: u64, nonce: &str) -> Signed {
		Signed { account: [1; 32], created, nonce: nonce.into(), components: vec![] }
	}

	#[test]
	fn a_nonce_is_accepted_once() {
		let replay = Replay::new(1000, 60);
		assert_eq!(replay.check(&signed(1100, "a"), 1100), Ok(()));
		assert_eq!(replay.check(&signed(1100, "a"), 1101), Err(ReplayError::Replayed));
		assert_eq!(replay.check(&signed(1100, "b"), 1101), Ok(()));
	}

	#[test]
	fn stale_future_and_pre_start_requests_are_refused() {
		let replay = Replay::new(1000, 60);
		assert!(matches!(replay.check(&signed(1100, "a"), 1161), Err(ReplayError::Stale { .. })));
		assert!(matches!(replay.check(&signed(1200, "b"), 1194), Err(ReplayError::Stale { .. })));
		assert_eq!(replay.check(&signed(1200, "c"), 1195), Ok(()));
		assert_eq!(replay.check(&signed(1004, "d"), 1010), Err(ReplayError::BeforeStart));
	}
}
