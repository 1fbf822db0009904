//! The gateway's configuration: one struct, [`Config`], that both the TOML file and the
//! command line fill. Each key of the file is the flag of the same name (`max_record_bytes`,
//! `--max-record-bytes`; `cors_origins`, `--cors-origin` once per origin); a flag given overrides
//! the file, the file overrides the defaults. An unknown key in the file is an error.
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

use clap::{parser::ValueSource, ArgMatches, CommandFactory, FromArgMatches, Parser};
use serde::Deserialize;

/// Every setting of the gateway, written once: clap reads the flags into it, serde the file.
/// The defaults are the flags' defaults ([`Config::default`] is the command line with no flag).
#[derive(Parser, Deserialize, Clone, Debug, PartialEq)]
#[command(name = "medchain-gateway", version, about = "MedChain custodian gateway", long_about = None)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
	/// The configuration file (TOML): each key is the flag of the same name; a flag given
	/// overrides it.
	#[arg(long, env = "MEDCHAIN_GATEWAY_CONFIG")]
	#[serde(skip)]
	pub config: Option<PathBuf>,
	/// Address to listen on.
	#[arg(long, default_value = "127.0.0.1:8480")]
	pub listen: SocketAddr,
	/// The node's WebSocket RPC address.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// Where blobs and metadata live.
	#[arg(long, default_value = "medchain-gateway-data")]
	pub data_dir: PathBuf,
	/// The gateway's key file (`medchain keys new`), required; passphrase from
	/// MEDCHAIN_PASSPHRASE.
	#[arg(long)]
	pub key_file: Option<PathBuf>,
	/// TLS certificate chain (PEM); with tls_key, the gateway speaks HTTPS only.
	#[arg(long)]
	pub tls_cert: Option<PathBuf>,
	/// TLS private key (PEM).
	#[arg(long)]
	pub tls_key: Option<PathBuf>,
	/// Largest record accepted, bytes.
	#[arg(long, default_value_t = 256 * 1024 * 1024)]
	pub max_record_bytes: u64,
	/// Requests per second allowed to one signing identity (sustained).
	#[arg(long, default_value_t = 50)]
	pub requests_per_second: u32,
	/// Requests one identity may make at once above the sustained rate.
	#[arg(long, default_value_t = 100)]
	pub burst: u32,
	/// Requests served at once; more wait.
	#[arg(long, default_value_t = 256)]
	pub max_concurrent: usize,
	/// How old (or how far in the future) a signed request may be, seconds.
	#[arg(long, default_value_t = 60)]
	pub freshness_seconds: u64,
	/// Most audit events in one extrinsic (the runtime's `MaxBatch` caps it).
	#[arg(long, default_value_t = 256)]
	pub audit_batch: usize,
	/// Most audit batches in flight at once (sent, not yet finalized).
	#[arg(long, default_value_t = 32)]
	pub audit_in_flight: usize,
	/// How long a served read may wait for its audit entry to be in a finalized block before
	/// reads are refused (503), seconds: no read outruns its trail.
	#[arg(long, default_value_t = 30)]
	pub audit_max_lag_seconds: u64,
	/// The most audit events that may wait for the chain before reads are refused (503); below
	/// it, the chain's measured pace decides (what it takes in half `audit_max_lag_seconds`).
	#[arg(long, default_value_t = 50_000)]
	pub audit_max_waiting: u64,
	/// How old the finalized block answers are read at may get before reads are refused (503),
	/// seconds: a stalled finality or a lost node must not keep old consents in force.
	#[arg(long, default_value_t = 30)]
	pub max_view_age_seconds: u64,
	/// A directory of static files (the portal's build, `web/dist`) to serve at `/`; once
	/// loaded, the canonical path.
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

impl Default for Config {
	/// Every setting at its flag's default; no configuration file.
	fn default() -> Self {
		let defaults =
			Self::try_parse_from(["medchain-gateway"]).expect("every setting has a default");
		Self { config: None, ..defaults }
	}
}

impl Config {
	/// The configuration the command line (`matches`, from [`CommandFactory::command`]) asks
	/// for: the defaults, then the keys of the file `--config` names (if any), then every flag
	/// given on the command line or by its environment variable; checked.
	pub fn load(mut matches: ArgMatches) -> Result<Self, String> {
		let file = matches.get_one::<PathBuf>("config").cloned();
		let mut config = match &file {
			Some(path) => {
				let text = std::fs::read_to_string(path)
					.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
				toml::from_str::<Self>(&text).map_err(|e| format!("{}: {e}", path.display()))?
			},
			None => Self::default(),
		};
		// A flag clap filled in with its default was not given: it must not override the file.
		let defaulted: Vec<String> = matches
			.ids()
			.filter(|id| matches.value_source(id.as_str()) == Some(ValueSource::DefaultValue))
			.map(|id| id.as_str().to_owned())
			.collect();
		for id in &defaulted {
			matches.try_clear_id(id).map_err(|e| e.to_string())?;
		}
		config.update_from_arg_matches(&matches).map_err(|e| e.to_string())?;
		config.config = file;
		config.check()?;
		Ok(config)
	}

	/// The configuration from these command-line arguments (the program's name first), as
	/// [`Config::load`] resolves them.
	pub fn from_args<I, T>(args: I) -> Result<Self, String>
	where
		I: IntoIterator<Item = T>,
		T: Into<std::ffi::OsString> + Clone,
	{
		Self::load(Self::command().try_get_matches_from(args).map_err(|e| e.to_string())?)
	}

	/// The TLS certificate chain and private key, when the gateway speaks HTTPS.
	pub fn tls(&self) -> Option<(&Path, &Path)> {
		self.tls_cert.as_deref().zip(self.tls_key.as_deref())
	}

	/// Refuses what the gateway cannot run with, and resolves `portal_dir` to its canonical path.
	fn check(&mut self) -> Result<(), String> {
		if self.tls_cert.is_some() != self.tls_key.is_some() {
			return Err("TLS needs both tls_cert and tls_key".into());
		}
		if self.key_file.is_none() {
			return Err("key_file is required: the gateway's key file (medchain keys new)".into());
		}
		if self.requests_per_second == 0 || self.burst == 0 || self.max_concurrent == 0 {
			return Err("requests_per_second, burst and max_concurrent must be above 0".into());
		}
		if self.audit_batch == 0 || self.audit_batch > 256 {
			return Err("audit_batch must be 1 to 256 (the runtime's MaxBatch)".into());
		}
		if self.audit_in_flight == 0 || self.audit_in_flight > 1024 {
			return Err("audit_in_flight must be 1 to 1024".into());
		}
		if self.audit_max_lag_seconds == 0 || self.audit_max_waiting == 0 {
			return Err("audit_max_lag_seconds and audit_max_waiting must be above 0: reads are never served with no bound on the audit trail's lag".into());
		}
		if let Some(dir) = self.portal_dir.clone() {
			self.portal_dir = Some(self.check_portal_dir(&dir)?);
		}
		if let Some(node) = &self.portal_node {
			let valid = (node.starts_with("ws://") || node.starts_with("wss://"))
				&& !node.contains(|c: char| c.is_whitespace() || c == ';' || c == '\'' || c == '"')
				&& node.parse::<axum::http::HeaderValue>().is_ok();
			if !valid {
				return Err(format!("portal_node `{node}` is not a ws:// or wss:// address"));
			}
		}
		for origin in &self.cors_origins {
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
		Ok(())
	}

	/// The portal's files are public: the directory must exist and must neither hold nor lie
	/// inside the gateway's data, key file, TLS files or configuration (`portal_dir = "."`
	/// would serve them all; `portal_dir = "<data_dir>/blobs"` every ciphertext, unchecked).
	/// Paths are compared resolved (symlinks followed where they exist, `..` removed where they
	/// do not yet). Returns the canonical directory, which is what is served.
	fn check_portal_dir(&self, dir: &Path) -> Result<PathBuf, String> {
		let portal = dir
			.canonicalize()
			.ok()
			.filter(|p| p.is_dir())
			.ok_or_else(|| format!("portal_dir {} is not a directory", dir.display()))?;
		let mut private = vec![("data_dir", self.data_dir.as_path())];
		private.extend(self.key_file.as_deref().map(|file| ("key_file", file)));
		private.extend(self.tls_cert.as_deref().map(|cert| ("tls_cert", cert)));
		private.extend(self.tls_key.as_deref().map(|key| ("tls_key", key)));
		private.extend(self.config.as_deref().map(|file| ("the configuration file", file)));
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

	/// The configuration from `flags` (without the program's name).
	fn load(flags: &[&str]) -> Result<Config, String> {
		Config::from_args(std::iter::once("medchain-gateway").chain(flags.iter().copied()))
	}

	#[test]
	fn flags_override_the_file_and_defaults_fill_the_rest() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("gateway.toml");
		let file = path.to_str().unwrap();
		std::fs::write(&path, "key_file = \"k.json\"\nburst = 7\nlisten = \"0.0.0.0:9000\"\n")
			.unwrap();

		let config = load(&["--config", file, "--burst", "9"]).unwrap();

		assert_eq!((config.burst, config.listen.port()), (9, 9000));
		assert_eq!(config.key_file, Some(PathBuf::from("k.json")));
		assert_eq!(config.freshness_seconds, 60);
		assert_eq!(config.config.as_deref(), Some(path.as_path()));
	}

	#[test]
	fn a_flag_left_at_its_default_does_not_override_the_file() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("gateway.toml");
		std::fs::write(
			&path,
			"key_file = \"k.json\"\nburst = 7\nmax_record_bytes = 1024\nportal_dev_accounts = true\n",
		)
		.unwrap();

		let config = load(&["--config", path.to_str().unwrap()]).unwrap();

		assert_eq!((config.burst, config.max_record_bytes), (7, 1024));
		assert!(config.portal_dev_accounts);
		assert_eq!(config.listen, SocketAddr::from(([127, 0, 0, 1], 8480)), "a default");
	}

	#[test]
	fn flags_alone_configure_the_gateway() {
		let config = load(&[
			"--key-file",
			"k.json",
			"--max-record-bytes",
			"4096",
			"--cors-origin",
			"https://a.example",
			"--cors-origin",
			"https://b.example",
			"--portal-dev-accounts",
		])
		.unwrap();

		assert_eq!(config.max_record_bytes, 4096);
		assert_eq!(config.cors_origins, ["https://a.example", "https://b.example"]);
		assert!(config.portal_dev_accounts);
		assert_eq!(config.config, None);
	}

	#[test]
	fn the_defaults_are_the_flags_defaults() {
		let config = Config::default();

		assert_eq!(config.listen, SocketAddr::from(([127, 0, 0, 1], 8480)));
		assert_eq!(config.node, "ws://127.0.0.1:9944");
		assert_eq!(config.data_dir, PathBuf::from("medchain-gateway-data"));
		assert_eq!(config.max_record_bytes, 256 * 1024 * 1024);
		assert_eq!(
			(config.requests_per_second, config.burst, config.max_concurrent),
			(50, 100, 256)
		);
		assert_eq!((config.audit_batch, config.audit_in_flight), (256, 32));
		assert_eq!((config.audit_max_lag_seconds, config.audit_max_waiting), (30, 50_000));
		assert_eq!((config.freshness_seconds, config.max_view_age_seconds), (60, 30));
		assert_eq!(config.tls(), None);
		assert_eq!(config.key_file, None);
		assert!(!config.portal_dev_accounts && config.cors_origins.is_empty());
	}

	#[test]
	fn unknown_keys_missing_keys_and_half_a_tls_pair_are_refused() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("gateway.toml");
		let file = path.to_str().unwrap();

		std::fs::write(&path, "key_file = \"k.json\"\nburts = 7\n").unwrap();
		let typo = load(&["--config", file]);
		assert!(typo.unwrap_err().contains("burts"), "an unknown key is named");

		std::fs::write(&path, "key_file = \"k.json\"\nconfig = \"other.toml\"\n").unwrap();
		assert!(load(&["--config", file]).is_err(), "the file names no other file");

		std::fs::write(&path, "key_file = \"k.json\"\ntls_cert = \"c.pem\"\n").unwrap();
		assert!(load(&["--config", file]).unwrap_err().contains("TLS"));
		assert!(load(&[]).unwrap_err().contains("key_file"));
		assert!(load(&["--burts", "7"]).is_err(), "an unknown flag");
	}

	#[test]
	fn portal_and_cors_settings_are_checked() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("gateway.toml");
		let load = |text: String| {
			std::fs::write(&path, text).unwrap();
			load(&["--config", path.to_str().unwrap()])
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
