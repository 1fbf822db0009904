//! The gateway's configuration: one TOML file, every key overridable by a flag.
//!
//! ```toml
//! listen = "0.0.0.0:8480"
//! node = "ws://127.0.0.1:9944"
//! data_dir = "/var/lib/medchain-gateway"
//! key_file = "/etc/medchain-gateway/key.json"   # passphrase: MEDCHAIN_PASSPHRASE
//! # tls_cert = "/etc/medchain-gateway/cert.pem"
//! # tls_key = "/etc/medchain-gateway/key.pem"
//! max_record_bytes = 268435456
//! requests_per_second = 50      # per signing identity
//! burst = 100
//! max_concurrent = 256
//! freshness_seconds = 60
//! audit_batch = 256
//! max_view_age_seconds = 30     # older finalized view: reads refused (503)
//! ```

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;
use serde::Deserialize;

/// Flags; each overrides the same key of the configuration file.
#[derive(Parser, Debug, Default)]
#[command(name = "medchain-gateway", version, about = "MedChain custodian gateway")]
pub struct Flags {
	/// The configuration file (TOML).
	#[arg(long, env = "MEDCHAIN_GATEWAY_CONFIG")]
	pub config: Option<PathBuf>,
	/// Address to listen on.
	#[arg(long)]
	pub listen: Option<SocketAddr>,
	/// The node's WebSocket RPC address.
	#[arg(long)]
	pub node: Option<String>,
	/// Where blobs and metadata live.
	#[arg(long)]
	pub data_dir: Option<PathBuf>,
	/// The gateway's key file (`medchain keys new`); passphrase from MEDCHAIN_PASSPHRASE.
	#[arg(long)]
	pub key_file: Option<PathBuf>,
	/// TLS certificate chain (PEM); with --tls-key, the gateway speaks HTTPS only.
	#[arg(long)]
	pub tls_cert: Option<PathBuf>,
	/// TLS private key (PEM).
	#[arg(long)]
	pub tls_key: Option<PathBuf>,
	/// Largest record accepted, bytes.
	#[arg(long)]
	pub max_record_bytes: Option<u64>,
	/// Requests per second allowed to one signing identity (sustained).
	#[arg(long)]
	pub requests_per_second: Option<u32>,
	/// Requests one identity may make at once above the sustained rate.
	#[arg(long)]
	pub burst: Option<u32>,
	/// Requests served at once; more wait.
	#[arg(long)]
	pub max_concurrent: Option<usize>,
	/// How old (or how far in the future) a signed request may be, seconds.
	#[arg(long)]
	pub freshness_seconds: Option<u64>,
	/// Most audit events in one extrinsic (the runtime's `MaxBatch` caps it).
	#[arg(long)]
	pub audit_batch: Option<usize>,
	/// How old the finalized block answers are read at may get before reads are refused (503),
	/// seconds: a stalled finality or a lost node must not keep old consents in force.
	#[arg(long)]
	pub max_view_age_seconds: Option<u64>,
}

/// The configuration file's contents.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct File {
	listen: Option<SocketAddr>,
	node: Option<String>,
	data_dir: Option<PathBuf>,
	key_file: Option<PathBuf>,
	tls_cert: Option<PathBuf>,
	tls_key: Option<PathBuf>,
	max_record_bytes: Option<u64>,
	requests_per_second: Option<u32>,
	burst: Option<u32>,
	max_concurrent: Option<usize>,
	freshness_seconds: Option<u64>,
	audit_batch: Option<usize>,
	max_view_age_seconds: Option<u64>,
}

/// The resolved configuration.
#[derive(Clone, Debug)]
pub struct Config {
	/// Address to listen on.
	pub listen: SocketAddr,
	/// The node's WebSocket RPC address.
	pub node: String,
	/// Where blobs and metadata live.
	pub data_dir: PathBuf,
	/// The gateway's key file.
	pub key_file: PathBuf,
	/// TLS certificate and key, if HTTPS.
	pub tls: Option<(PathBuf, PathBuf)>,
	/// Largest record accepted, bytes.
	pub max_record_bytes: u64,
	/// Sustained requests per second per identity.
	pub requests_per_second: u32,
	/// Burst per identity.
	pub burst: u32,
	/// Requests served at once.
	pub max_concurrent: usize,
	/// Freshness window of signed requests, seconds.
	pub freshness_seconds: u64,
	/// Most audit events per extrinsic.
	pub audit_batch: usize,
	/// Oldest view of the chain reads are answered from, seconds.
	pub max_view_age_seconds: u64,
}

impl Config {
	/// The configuration from the file `flags.config` names (if any) and the flags.
	pub fn load(flags: Flags) -> Result<Self, String> {
		let file: File = match &flags.config {
			Some(path) => {
				let text = std::fs::read_to_string(path)
					.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
				toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
			},
			None => File::default(),
		};
		let tls = match (flags.tls_cert.or(file.tls_cert), flags.tls_key.or(file.tls_key)) {
			(Some(cert), Some(key)) => Some((cert, key)),
			(None, None) => None,
			_ => return Err("TLS needs both tls_cert and tls_key".into()),
		};
		let config = Self {
			listen: flags.listen.or(file.listen).unwrap_or_else(|| ([127, 0, 0, 1], 8480).into()),
			node: flags.node.or(file.node).unwrap_or_else(|| "ws://127.0.0.1:9944".into()),
			data_dir: flags
				.data_dir
				.or(file.data_dir)
				.unwrap_or_else(|| PathBuf::from("medchain-gateway-data")),
			key_file: flags
				.key_file
				.or(file.key_file)
				.ok_or("key_file is required: the gateway's key file (medchain keys new)")?,
			tls,
			max_record_bytes: flags
				.max_record_bytes
				.or(file.max_record_bytes)
				.unwrap_or(256 * 1024 * 1024),
			requests_per_second: flags
				.requests_per_second
				.or(file.requests_per_second)
				.unwrap_or(50),
			burst: flags.burst.or(file.burst).unwrap_or(100),
			max_concurrent: flags.max_concurrent.or(file.max_concurrent).unwrap_or(256),
			freshness_seconds: flags.freshness_seconds.or(file.freshness_seconds).unwrap_or(60),
			audit_batch: flags.audit_batch.or(file.audit_batch).unwrap_or(256),
			max_view_age_seconds: flags
				.max_view_age_seconds
				.or(file.max_view_age_seconds)
				.unwrap_or(30),
		};
		if config.requests_per_second == 0 || config.burst == 0 || config.max_concurrent == 0 {
			return Err("requests_per_second, burst and max_concurrent must be above 0".into());
		}
		if config.audit_batch == 0 || config.audit_batch > 256 {
			return Err("audit_batch must be 1 to 256 (the runtime's MaxBatch)".into());
		}
		Ok(config)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn flags_override_the_file_and_defaults_fill_the_rest() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("gateway.toml");
		std::fs::write(&path, "key_file = \"k.json\"\nburst = 7\nlisten = \"0.0.0.0:9000\"\n")
			.unwrap();
		let flags = Flags { config: Some(path.clone()), burst: Some(9), ..Flags::default() };
		let config = Config::load(flags).unwrap();
		assert_eq!((config.burst, config.listen.port()), (9, 9000));
		assert_eq!(config.key_file, PathBuf::from("k.json"));
		assert_eq!(config.freshness_seconds, 60);

		std::fs::write(&path, "key_file = \"k.json\"\nburts = 7\n").unwrap();
		let typo = Config::load(Flags { config: Some(path.clone()), ..Flags::default() });
		assert!(typo.unwrap_err().contains("burts"), "an unknown key is named");
		std::fs::write(&path, "key_file = \"k.json\"\ntls_cert = \"c.pem\"\n").unwrap();
		assert!(Config::load(Flags { config: Some(path), ..Flags::default() }).is_err());
		assert!(Config::load(Flags::default()).unwrap_err().contains("key_file"));
	}
}
