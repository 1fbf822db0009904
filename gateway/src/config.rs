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
//! audit_in_flight = 32          # audit batches sent and not yet finalized, at most
//! audit_max_lag_seconds = 30    # a read older than this not yet on chain: reads refused (503)
//! audit_max_waiting = 50000     # at most this many audit events wait, whatever the chain's pace
//! max_view_age_seconds = 30     # older finalized view: reads refused (503)
//! # portal_dir = "/usr/share/medchain/portal"   # serve the portal (web/dist) at /
//! # portal_node = "wss://rpc.hospital.example"    # the node the portal's users connect to
//! # portal_dev_accounts = false                   # offer the well-known dev keys (dev chains)
//! # cors_origins = ["https://portal.hospital.example"]   # portals served elsewhere
//! ```

use std::{
	net::SocketAddr,
	path::{Path, PathBuf},
};

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
	/// Most audit batches in flight at once (sent, not yet finalized).
	#[arg(long)]
	pub audit_in_flight: Option<usize>,
	/// How long a served read may wait for its audit entry to be in a finalized block before
	/// reads are refused (503), seconds: no read outruns its trail.
	#[arg(long)]
	pub audit_max_lag_seconds: Option<u64>,
	/// The most audit events that may wait for the chain before reads are refused (503); below
	/// it, the chain's measured pace decides (what it takes in half `audit_max_lag_seconds`).
	#[arg(long)]
	pub audit_max_waiting: Option<u64>,
	/// How old the finalized block answers are read at may get before reads are refused (503),
	/// seconds: a stalled finality or a lost node must not keep old consents in force.
	#[arg(long)]
	pub max_view_age_seconds: Option<u64>,
	/// A directory of static files (the portal's build, `web/dist`) to serve at `/`.
	#[arg(long)]
	pub portal_dir: Option<PathBuf>,
	/// The node (ws:// or wss://) the portal's users connect to: served in
	/// `/medchain-portal.json` with this chain's genesis, pinning the portal to both.
	#[arg(long)]
	pub portal_node: Option<String>,
	/// Offer the well-known development accounts in the portal (dev chains only).
	#[arg(long)]
	pub portal_dev_accounts: bool,
	/// An origin (`https://portal.example`) whose pages may call this gateway from a browser;
	/// repeat for several, `*` for any. Requests are authenticated by signature, never cookies.
	#[arg(long = "cors-origin")]
	pub cors_origins: Vec<String>,
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
	audit_in_flight: Option<usize>,
	audit_max_lag_seconds: Option<u64>,
	audit_max_waiting: Option<u64>,
	max_view_age_seconds: Option<u64>,
	portal_dir: Option<PathBuf>,
	portal_node: Option<String>,
	portal_dev_accounts: Option<bool>,
	cors_origins: Option<Vec<String>>,
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
	/// Most audit batches in flight.
	pub audit_in_flight: usize,
	/// Oldest a read may be without its entry in a finalized block, seconds.
	pub audit_max_lag_seconds: u64,
	/// Most audit events waiting before reads are refused.
	pub audit_max_waiting: u64,
	/// Oldest view of the chain reads are answered from, seconds.
	pub max_view_age_seconds: u64,
	/// Static files served at `/` (the portal), if any: the canonical path.
	pub portal_dir: Option<PathBuf>,
	/// The node the portal connects to, pinned in `/medchain-portal.json`.
	pub portal_node: Option<String>,
	/// Whether the portal offers the development accounts.
	pub portal_dev_accounts: bool,
	/// Origins allowed to call from a browser (`*`: any); empty, none.
	pub cors_origins: Vec<String>,
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
		let mut config = Self {
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
			audit_in_flight: flags.audit_in_flight.or(file.audit_in_flight).unwrap_or(32),
			audit_max_lag_seconds: flags
				.audit_max_lag_seconds
				.or(file.audit_max_lag_seconds)
				.unwrap_or(30),
			audit_max_waiting: flags.audit_max_waiting.or(file.audit_max_waiting).unwrap_or(50_000),
			max_view_age_seconds: flags
				.max_view_age_seconds
				.or(file.max_view_age_seconds)
				.unwrap_or(30),
			portal_dir: flags.portal_dir.or(file.portal_dir),
			portal_node: flags.portal_node.or(file.portal_node),
			portal_dev_accounts: flags.portal_dev_accounts
				|| file.portal_dev_accounts.unwrap_or(false),
			cors_origins: if flags.cors_origins.is_empty() {
				file.cors_origins.unwrap_or_default()
			} else {
				flags.cors_origins
			},
		};
		if config.requests_per_second == 0 || config.burst == 0 || config.max_concurrent == 0 {
			return Err("requests_per_second, burst and max_concurrent must be above 0".into());
		}
		if config.audit_batch == 0 || config.audit_batch > 256 {
			return Err("audit_batch must be 1 to 256 (the runtime's MaxBatch)".into());
		}
		if config.audit_in_flight == 0 || config.audit_in_flight > 1024 {
			return Err("audit_in_flight must be 1 to 1024".into());
		}
		if config.audit_max_lag_seconds == 0 || config.audit_max_waiting == 0 {
			return Err("audit_max_lag_seconds and audit_max_waiting must be above 0: reads are never served with no bound on the audit trail's lag".into());
		}
		if let Some(dir) = config.portal_dir.clone() {
			config.portal_dir = Some(config.check_portal_dir(&dir, flags.config.as_deref())?);
		}
		if let Some(node) = &config.portal_node {
			let valid = (node.starts_with("ws://") || node.starts_with("wss://"))
				&& !node.contains(|c: char| c.is_whitespace() || c == ';' || c == '\'' || c == '"')
				&& node.parse::<axum::http::HeaderValue>().is_ok();
			if !valid {
				return Err(format!("portal_node `{node}` is not a ws:// or wss:// address"));
			}
		}
		for origin in &config.cors_origins {
			let host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
			let valid = origin == "*"
				|| host.is_some_and(|h| {
					!h.is_empty()
						&& !h.contains('/')
						&& origin.parse::<axum::http::HeaderValue>().is_ok()
				});
			if !valid {
				return Err(format!(
					"cors origin `{origin}` is not `*` or scheme://host[:port] (no path, no trailing /)"
				));
			}
		}
		Ok(config)
	}

	/// The portal's files are public: the directory must exist and must neither hold nor lie
	/// inside the gateway's data, key file, TLS files or configuration (`portal_dir = "."`
	/// would serve them all; `portal_dir = "<data_dir>/blobs"` every ciphertext, unchecked).
	/// Paths are compared resolved (symlinks followed where they exist, `..` removed where they
	/// do not yet). Returns the canonical directory, which is what is served.
	fn check_portal_dir(&self, dir: &Path, config_file: Option<&Path>) -> Result<PathBuf, String> {
		let portal = dir
			.canonicalize()
			.ok()
			.filter(|p| p.is_dir())
			.ok_or_else(|| format!("portal_dir {} is not a directory", dir.display()))?;
		let mut private = vec![("data_dir", self.data_dir.as_path()), ("key_file", &self.key_file)];
		if let Some((cert, key)) = &self.tls {
			private.extend([("tls_cert", cert.as_path()), ("tls_key", key.as_path())]);
		}
		private.extend(config_file.map(|file| ("the configuration file", file)));
		for (what, path) in private {
			let resolved = resolved(path);
			if resolved.starts_with(&portal) || portal.starts_with(&resolved) {
				return Err(format!(
					"portal_dir {} overlaps {what} {}: its files would be served to anyone",
					dir.display(),
					path.display()
				));
			}
		}
		Ok(portal)
	}
}

/// `path` made absolute, `..` and `.` removed, and its deepest existing ancestor canonicalized
/// (so a symlink on the way is followed, even when the path itself does not exist yet).
fn resolved(path: &Path) -> PathBuf {
	use std::path::Component;
	let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
	let mut lexical = PathBuf::new();
	for component in absolute.components() {
		match component {
			Component::ParentDir => {
				lexical.pop();
			},
			Component::CurDir => {},
			other => lexical.push(other),
		}
	}
	let mut existing = lexical.clone();
	let mut rest = Vec::new();
	while !existing.exists() {
		match existing.file_name() {
			Some(name) => rest.push(name.to_owned()),
			None => break,
		}
		if !existing.pop() {
			break;
		}
	}
	let mut out = existing.canonicalize().unwrap_or(existing);
	out.extend(rest.iter().rev());
	out
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

	#[test]
	fn portal_and_cors_settings_are_checked() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("gateway.toml");
		let load = |text: String| {
			std::fs::write(&path, text).unwrap();
			Config::load(Flags { config: Some(path.clone()), ..Flags::default() })
		};
		let portal = dir.path().join("portal");
		std::fs::create_dir(&portal).unwrap();
		let ok = load(format!(
			"key_file = \"/etc/gw/k.json\"\ndata_dir = \"/var/lib/gw\"\nportal_dir = {portal:?}\ncors_origins = [\"http://127.0.0.1:5173\"]\n"
		))
		.unwrap();
		assert_eq!(ok.portal_dir, Some(portal.canonicalize().unwrap()));
		assert_eq!(ok.cors_origins, ["http://127.0.0.1:5173"]);
		let missing = load("key_file = \"k.json\"\nportal_dir = \"/nonexistent/portal\"\n".into());
		assert!(missing.unwrap_err().contains("not a directory"));
		// The data directory, the key file or the configuration inside the portal: refused.
		let portal = dir.path().to_str().unwrap();
		for line in [
			format!("key_file = \"{portal}/k.json\"\ndata_dir = \"/var/lib/gw\""),
			format!("key_file = \"/etc/gw/k.json\"\ndata_dir = \"{portal}/data\""),
			"key_file = \"/etc/gw/k.json\"\ndata_dir = \"/var/lib/gw\"".to_string(),
		] {
			let error = load(format!("{line}\nportal_dir = {portal:?}\n")).unwrap_err();
			assert!(error.contains("would be served to anyone"), "{line}: {error}");
		}
		// The portal inside the data (every ciphertext, unchecked), by `..` or by a symlink to a
		// data directory that does not exist yet: refused too.
		let data = dir.path().join("gw-data");
		std::fs::create_dir_all(data.join("blobs")).unwrap();
		let inside = format!(
			"key_file = \"/etc/gw/k.json\"\ndata_dir = {data:?}\nportal_dir = {:?}\n",
			data.join("blobs")
		);
		assert!(load(inside).unwrap_err().contains("overlaps data_dir"));
		let link = dir.path().join("link");
		std::os::unix::fs::symlink(dir.path().join("portal"), &link).unwrap();
		for data_dir in [link.join("new-data"), dir.path().join("x/../portal/new-data")] {
			let text = format!(
				"key_file = \"/etc/gw/k.json\"\ndata_dir = {data_dir:?}\nportal_dir = {portal:?}\n",
				portal = dir.path().join("portal")
			);
			assert!(load(text).unwrap_err().contains("overlaps data_dir"), "{data_dir:?}");
		}
		let bad_node =
			"key_file = \"/etc/gw/k.json\"\nportal_node = \"http://node; script-src *\"\n";
		assert!(load(bad_node.into()).unwrap_err().contains("portal_node"));
		for bad in
			["portal.example", "http://portal.example/", "https://portal.example/app", "http://"]
		{
			let error = load(format!("key_file = \"k.json\"\ncors_origins = [{bad:?}]\n"));
			assert!(error.unwrap_err().contains("cors origin"), "{bad}");
		}
	}
}
