//! Record workflows: what a client does around the chain's record calls, written once so that the
//! `medchain` CLI, other tools and tests share them.
//!
//! - **Sealing** ([`SealedBlob::seal_file`]): a file encrypted under a fresh data key into a blob
//!   in the directory where it will be kept, with the hash and size its anchor needs. Once the
//!   anchor is on chain the blob is stored under its record's name with its envelopes
//!   ([`SealedBlob::store_anchored`], [`SealedBlob::store`]); when the chain certainly refused it,
//!   it is deleted ([`SealedBlob::anchor_failed`]).
//! - **The gateway check** ([`verified_gateway`]): a gateway's `/info` is believed only when the
//!   chain says that it is an active gateway of the organization it names, with the key it shows;
//!   the custodian's envelope of an upload is wrapped for that key. A record sealed without asking
//!   a gateway is wrapped for every active gateway the chain registers for its custodian
//!   ([`gateway_keys`]), so that any of them can be sent its files later.
//! - **Envelope storage** ([`RecordDir`]): a record's blob and its envelopes, a file each, as
//!   `record anchor` writes them for the custodian and `record upload` and `record open` read
//!   them; [`RecordDir::for_upload`] names what is missing for an upload, or adds the gateway's
//!   envelope when the uploader can.
//! - **Verified decryption** ([`decrypt_verified`], [`open_stored`], [`fetch`]): the bytes
//!   decrypted are the bytes hashed, and the plaintext is kept only when they are the anchored
//!   ciphertext; neither the files nor the gateway are trusted. The plaintext never replaces a
//!   file unless the caller says so ([`Destination`]); progress is reported in bytes of the
//!   anchored size ([`Fetching`]).
//!
//! The chain calls themselves (anchor, amend) are the caller's: it signs and waits as it likes
//! (the CLI with a spinner), then hands the inclusion to [`anchored`].
//!
//! # A record directory
//!
//! `<record>.blob`, the ciphertext, and `<record>.<recipient>.envelope` for each recipient (the
//! SCALE bytes of an [`Envelope`]), where `<record>` is the record identifier in `0x` hex and
//! `<recipient>` the first 8 bytes of the recipient's X25519 key in hex.
//!
//! ```
//! use medchain_client::{keys::Keys, records::{RecordDir, SealedBlob}};
//! use medchain_primitives::{consent::{DataClass, RecordId}, identity::SubjectId,
//!     records::{RecordAnchor, RecordStatus}};
//!
//! let dir = tempfile::tempdir()?;
//! let file = dir.path().join("labs.txt");
//! std::fs::write(&file, "Hb 13.5 g/dL")?;
//! let records = RecordDir::new(dir.path().join("records"));
//! let blob = SealedBlob::seal_file(&file, &records)?;
//! // … anchored on chain with `blob.content_hash()` and `blob.size()`, which gives:
//! let anchor = RecordAnchor {
//!     id: RecordId([1; 32]), patient: SubjectId([2; 32]), author: SubjectId([2; 32]),
//!     custodian: SubjectId([3; 32]), class: DataClass::Labs, content_hash: blob.content_hash(),
//!     size: blob.size(), created: 0, predecessor: None, version: 1,
//!     status: RecordStatus::Active, index: 0,
//! };
//! let patient = Keys::generate();
//! let envelopes = blob.wrap_for(&anchor.id, &[patient.agreement_public()])?;
//! blob.store(&records, &anchor.id, &envelopes)?;
//! let out = dir.path().join("labs.copy");
//! let to = medchain_client::records::Destination { path: &out, replace: false };
//! medchain_client::records::open_stored(&patient, &records, &anchor, to, &|_| {})?;
//! assert_eq!(std::fs::read(&out)?, b"Hb 13.5 g/dL");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::{
	fs::{self, File},
	io::{self, BufReader, BufWriter, Read},
	path::{Path, PathBuf},
	sync::atomic::{AtomicU64, Ordering},
};

use medchain_primitives::{
	consent::{PurposeOfUse, RecordId},
	identity::{IdentityDocument, SubjectId, SubjectKind, SubjectStatus},
	records::{RecordAnchor, RecordStatus},
	AccountId, Hash,
};

use crate::{
	chain::{runtime, Chain, ChainError, Included},
	envelope::{self, DataKey, Envelope, EnvelopeError, Sealed},
	gateway::{Gateway, GatewayError, GatewayInfo},
	keys::Keys,
};

/// What can go wrong in a record workflow. Each message is one line a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
	/// The chain refused or could not answer.
	#[error(transparent)]
	Chain(#[from] ChainError),
	/// The gateway refused or could not be reached.
	#[error(transparent)]
	Gateway(#[from] GatewayError),
	/// Sealing, wrapping or unwrapping failed.
	#[error(transparent)]
	Envelope(#[from] EnvelopeError),
	/// A local file could not be read or written.
	#[error("cannot {doing}: {source}")]
	Io {
		/// What was being done, with the path (`read labs.pdf`, `write in /tmp`).
		doing: String,
		/// Why it failed.
		source: io::Error,
	},
	/// No record has this identifier on chain.
	#[error("no record {}", hex_id(.0))]
	NoRecord(RecordId),
	/// The record was erased: nothing of it may be opened any more.
	#[error("record {} is erased", hex_id(.0))]
	Erased(RecordId),
	/// A subject a record names has no identity document, so no key to wrap its data key for.
	#[error("{} has no identity document", .0.to_did())]
	NoIdentity(SubjectId),
	/// The anchor call was included but its `RecordAnchored` event is missing.
	#[error("the chain reported no RecordAnchored event")]
	NoAnchorEvent,
	/// A gateway's `/info` does not match what the chain says about it.
	#[error(
		"the gateway at {url} is not what the chain says: {} is not an active gateway of {} with that key",
		.gateway.to_did(),
		.organization.to_did()
	)]
	UntrustedGateway {
		/// The gateway's address.
		url: String,
		/// The gateway it claims to be.
		gateway: SubjectId,
		/// The organization it claims to serve.
		organization: SubjectId,
	},
	/// A record was to be kept by a gateway of another organization than its custodian.
	#[error(
		"the gateway keeps records of {}, not of {} (the record's custodian)",
		.keeps.to_did(),
		.custodian.to_did()
	)]
	OtherCustodian {
		/// The organization the gateway keeps records of.
		keeps: SubjectId,
		/// The custodian named, or the one the record had.
		custodian: SubjectId,
	},
	/// A record directory holds no ciphertext of this record.
	#[error(
		"no files of record {} in {}: {} does not exist (check the identifier, and that this is the directory `record anchor` or a failed `record put` wrote them to)",
		hex_id(.record),
		.dir.display(),
		.blob.display()
	)]
	NotStored {
		/// The record.
		record: RecordId,
		/// The directory looked in.
		dir: PathBuf,
		/// The ciphertext's file, as it would be named.
		blob: PathBuf,
	},
	/// A record's files hold no envelope for the gateway they are for, and the uploader's key
	/// opens none of them to add one.
	#[error(
		"the files of record {} in {} hold no envelope for the gateway {} (the record was sealed before that gateway was registered), and none of them is for your key: the record's patient can add one by uploading it (`medchain record upload {} --dir {}` with the patient's key file)",
		hex_id(.record),
		.dir.display(),
		.gateway.to_did(),
		hex_id(.record),
		.dir.display()
	)]
	NoGatewayEnvelope {
		/// The record.
		record: RecordId,
		/// The gateway the upload is for.
		gateway: SubjectId,
		/// The record directory.
		dir: PathBuf,
	},
	/// A plaintext was to be written where a file already is, and replacing it was not asked for.
	#[error("{} exists: nothing was written", .0.display())]
	OutputExists(PathBuf),
	/// The directory holds no envelope of the record for this key.
	#[error("no envelope for your key ({}): {source}", .path.display())]
	NoEnvelope {
		/// Where it was looked for.
		path: PathBuf,
		/// Why it could not be read.
		source: io::Error,
	},
	/// The ciphertext does not decrypt, or is not the anchored one; nothing was written.
	#[error("{label}: {source}")]
	Decrypt {
		/// Which ciphertext (a path, or the gateway's answer for a record).
		label: String,
		/// Why.
		source: EnvelopeError,
	},
	/// The anchor call failed in a way that may still see it included: the sealed blob is kept
	/// for a retry.
	#[error(
		"{error} (the transaction may still be included: the sealed blob is kept at {})",
		.kept.display()
	)]
	MayBeAnchored {
		/// Why the call failed.
		error: ChainError,
		/// Where the sealed blob is.
		kept: PathBuf,
	},
}

impl RecordError {
	fn io(doing: impl Into<String>, source: io::Error) -> Self {
		Self::Io { doing: doing.into(), source }
	}
}

/// A record identifier as files and messages write it: `0x` and 64 hex digits.
fn hex_id(record: &RecordId) -> String {
	format!("0x{}", hex::encode(record.0))
}

/// The directory `path` is in (`.` for a bare file name).
fn dir_of(path: &Path) -> &Path {
	path.parent()
		.filter(|dir| !dir.as_os_str().is_empty())
		.unwrap_or(Path::new("."))
}

/// A directory of records' blobs and envelopes (see the module's documentation for its layout):
/// what `record anchor` writes for the custodian, what `record upload` sends and `record open`
/// reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDir {
	path: PathBuf,
}

impl RecordDir {
	/// The record directory at `path` (created when a blob is first sealed into it).
	pub fn new(path: impl Into<PathBuf>) -> Self {
		Self { path: path.into() }
	}

	/// Where it is.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// The file holding `record`'s ciphertext.
	pub fn blob(&self, record: &RecordId) -> PathBuf {
		self.path.join(format!("{}.blob", hex_id(record)))
	}

	/// The file holding `record`'s envelope for the holder of the X25519 key `recipient`.
	pub fn envelope(&self, record: &RecordId, recipient: &[u8; 32]) -> PathBuf {
		self.path
			.join(format!("{}.{}.envelope", hex_id(record), hex::encode(&recipient[..8])))
	}

	/// Writes `envelope` under its record and recipient; returns the file.
	pub fn write_envelope(&self, envelope: &Envelope) -> Result<PathBuf, RecordError> {
		let path = self.envelope(&envelope.record, &envelope.recipient);
		fs::write(&path, envelope.to_bytes())
			.map_err(|e| RecordError::io(format!("write {}", path.display()), e))?;
		Ok(path)
	}

	/// `record`'s envelope for the holder of `recipient`.
	pub fn envelope_for(
		&self,
		record: &RecordId,
		recipient: &[u8; 32],
	) -> Result<Envelope, RecordError> {
		let path = self.envelope(record, recipient);
		let bytes = match fs::read(&path) {
			Ok(bytes) => bytes,
			Err(source) => return Err(RecordError::NoEnvelope { path, source }),
		};
		Ok(Envelope::from_bytes(&bytes)?)
	}

	/// Every envelope of `record` in the directory, whoever it is for: what an upload sends.
	pub fn envelopes(&self, record: &RecordId) -> Result<Vec<Envelope>, RecordError> {
		let prefix = format!("{}.", hex_id(record));
		let entries = fs::read_dir(&self.path)
			.map_err(|e| RecordError::io(format!("read {}", self.path.display()), e))?;
		let mut envelopes = Vec::new();
		for entry in entries.flatten() {
			let name = entry.file_name().to_string_lossy().into_owned();
			if name.starts_with(&prefix) && name.ends_with(".envelope") {
				let bytes = fs::read(entry.path())
					.map_err(|e| RecordError::io(format!("read {name}"), e))?;
				envelopes.push(Envelope::from_bytes(&bytes)?);
			}
		}
		Ok(envelopes)
	}

	/// `record`'s files: its ciphertext and every envelope of it. A directory without the
	/// ciphertext is [`RecordError::NotStored`], which names the file looked for.
	pub fn stored(&self, record: &RecordId) -> Result<StoredRecord, RecordError> {
		let blob = self.blob(record);
		if !blob.is_file() {
			return Err(RecordError::NotStored { record: *record, dir: self.path.clone(), blob });
		}
		Ok(StoredRecord { envelopes: self.envelopes(record)?, blob })
	}

	/// `record`'s files for an upload to the gateway `gateway` describes (checked on chain), which
	/// keeps a record only with an envelope that its key opens.
	///
	/// Files sealed before that gateway was registered hold none: if one of the envelopes is for
	/// `keys` (the patient's is, and the patient may upload), the data key is wrapped for the
	/// gateway from it and the new envelope is written beside the others; otherwise the upload
	/// is refused here ([`RecordError::NoGatewayEnvelope`]) rather than by the gateway.
	pub fn for_upload(
		&self,
		record: &RecordId,
		gateway: &GatewayInfo,
		keys: &Keys,
	) -> Result<StoredRecord, RecordError> {
		let mut stored = self.stored(record)?;
		if stored.envelopes.iter().any(|e| e.recipient == gateway.key_agreement) {
			return Ok(stored);
		}
		let mine = keys.agreement_public();
		let added = stored.envelopes.iter().filter(|e| e.recipient == mine).find_map(|e| {
			envelope::rewrap(e, record, keys.agreement(), &gateway.key_agreement).ok()
		});
		let Some(added) = added else {
			return Err(RecordError::NoGatewayEnvelope {
				record: *record,
				gateway: gateway.gateway,
				dir: self.path.clone(),
			});
		};
		self.write_envelope(&added)?;
		stored.envelopes.push(added);
		Ok(stored)
	}
}

/// A record's files in a [`RecordDir`]: what an upload sends.
#[derive(Debug)]
pub struct StoredRecord {
	/// The ciphertext's file.
	pub blob: PathBuf,
	/// Every envelope of the record in the directory.
	pub envelopes: Vec<Envelope>,
}

/// Tells apart the blobs this process seals at once (the CLI seals one; a tool may seal many).
static SEALINGS: AtomicU64 = AtomicU64::new(0);

/// A file sealed under a fresh data key into a blob that waits for its anchor, in the record
/// directory under a temporary name.
///
/// Dropping it leaves the blob where it is, on purpose: a blob whose anchor may be on chain is
/// what a retry needs. Store it ([`SealedBlob::store`]), or delete it ([`SealedBlob::discard`],
/// [`SealedBlob::anchor_failed`]).
#[derive(Debug)]
pub struct SealedBlob {
	path: PathBuf,
	sealed: Sealed,
}

impl SealedBlob {
	/// Encrypts `file` into a new blob in `dir` (created if need be), streamed: any size, in
	/// bounded memory. Nothing is left behind when sealing fails.
	pub fn seal_file(file: &Path, dir: &RecordDir) -> Result<Self, RecordError> {
		fs::create_dir_all(dir.path())
			.map_err(|e| RecordError::io(format!("create {}", dir.path().display()), e))?;
		let input =
			File::open(file).map_err(|e| RecordError::io(format!("read {}", file.display()), e))?;
		let sealing = SEALINGS.fetch_add(1, Ordering::Relaxed);
		let path = dir.path().join(format!(".sealing-{}-{sealing}", std::process::id()));
		let output = File::create(&path)
			.map_err(|e| RecordError::io(format!("write {}", path.display()), e))?;
		match envelope::seal_stream(BufReader::new(input), BufWriter::new(output)) {
			Ok(sealed) => Ok(Self { path, sealed }),
			Err(error) => {
				let _ = fs::remove_file(&path);
				Err(error.into())
			},
		}
	}

	/// Where the blob is until it is stored.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// blake2-256 of the blob: the anchor's `content_hash`.
	pub fn content_hash(&self) -> Hash {
		self.sealed.content_hash
	}

	/// The blob's size in bytes: the anchor's `size`.
	pub fn size(&self) -> u64 {
		self.sealed.size
	}

	/// The data key wrapped as `record`'s for each of `recipients` (X25519 keys, as registered
	/// on chain), in that order.
	pub fn wrap_for(
		&self,
		record: &RecordId,
		recipients: &[[u8; 32]],
	) -> Result<Vec<Envelope>, RecordError> {
		recipients
			.iter()
			.map(|recipient| {
				envelope::wrap(&self.sealed.key, record, recipient).map_err(RecordError::from)
			})
			.collect()
	}

	/// What a failed anchor call means for the blob: deleted when the chain certainly refused the
	/// call (a pallet error, a failed dispatch), kept (and named in the error) when the
	/// transaction may still be included.
	pub fn anchor_failed(&self, error: ChainError) -> RecordError {
		match error {
			ChainError::Pallet { .. } | ChainError::Dispatch(_) => {
				let _ = fs::remove_file(&self.path);
				RecordError::Chain(error)
			},
			error => RecordError::MayBeAnchored { error, kept: self.path.clone() },
		}
	}

	/// Keeps the blob as `record`'s in `dir` with `envelopes`; returns the files, the blob first.
	pub fn store(
		self,
		dir: &RecordDir,
		record: &RecordId,
		envelopes: &[Envelope],
	) -> Result<Vec<PathBuf>, RecordError> {
		let blob = dir.blob(record);
		fs::rename(&self.path, &blob).map_err(|e| RecordError::io("store the blob", e))?;
		let mut written = vec![blob];
		for envelope in envelopes {
			written.push(dir.write_envelope(envelope)?);
		}
		Ok(written)
	}

	/// Keeps the blob of the newly anchored `anchor` in `dir`, with envelopes for the patient, the
	/// custodian and each of the custodian's active gateways (by the keys the chain names for
	/// them), and for `gateway_key` when given (a gateway checked on chain): so that `record
	/// upload` can send the files to any gateway of the custodian. Returns the files.
	pub async fn store_anchored(
		self,
		chain: &Chain,
		dir: &RecordDir,
		anchor: &RecordAnchor,
		gateway_key: Option<[u8; 32]>,
	) -> Result<Vec<PathBuf>, RecordError> {
		let mut recipients = vec![
			key_agreement(chain, anchor.patient).await?,
			key_agreement(chain, anchor.custodian).await?,
		];
		recipients.extend(gateway_keys(chain, anchor.custodian).await?);
		recipients.extend(gateway_key);
		let envelopes = self.wrap_for(&anchor.id, &distinct(recipients))?;
		self.store(dir, &anchor.id, &envelopes)
	}

	/// Deletes the blob (uploaded, or no longer wanted).
	pub fn discard(self) {
		let _ = fs::remove_file(&self.path);
	}
}

/// The X25519 key the chain names for `subject`: records are wrapped for it.
pub async fn key_agreement(chain: &Chain, subject: SubjectId) -> Result<[u8; 32], RecordError> {
	let document = chain.identity(subject).await?;
	document
		.map(|document| document.key_agreement)
		.ok_or(RecordError::NoIdentity(subject))
}

/// The X25519 keys of `organization`'s active gateways, as the chain registers them (at most the
/// runtime's `MaxGatewaysPerOrganization`): a record the organization keeps may be sent to any of
/// them, and each keeps it only with an envelope for its own key.
pub async fn gateway_keys(
	chain: &Chain,
	organization: SubjectId,
) -> Result<Vec<[u8; 32]>, RecordError> {
	let mut keys = Vec::new();
	for gateway in chain.gateways_of(organization).await? {
		let document = chain.identity(gateway).await?;
		if let Some(document) = document.filter(|d| {
			d.kind == SubjectKind::Gateway
				&& d.status == SubjectStatus::Active
				&& d.organization == Some(organization)
		}) {
			keys.push(document.key_agreement);
		}
	}
	Ok(keys)
}

/// `keys` in their order, each once: a recipient named twice (a gateway both registered and
/// asked for) gets one envelope, as a gateway requires.
fn distinct(keys: Vec<[u8; 32]>) -> Vec<[u8; 32]> {
	let mut seen = Vec::with_capacity(keys.len());
	for key in keys {
		if !seen.contains(&key) {
			seen.push(key);
		}
	}
	seen
}

/// A record's anchor on chain.
pub async fn anchor_of(chain: &Chain, record: RecordId) -> Result<RecordAnchor, RecordError> {
	chain.record(record).await?.ok_or(RecordError::NoRecord(record))
}

/// The anchor an included `anchor` or `amend` call created, from its `RecordAnchored` event. The
/// event carries neither the chain time nor the index in the patient's list: `created` and
/// `index` are 0 ([`anchor_of`] reads them).
pub fn anchored(included: &Included) -> Result<RecordAnchor, RecordError> {
	let event = included
		.events
		.find_first::<runtime::records::events::RecordAnchored>()
		.and_then(|e| e.ok())
		.ok_or(RecordError::NoAnchorEvent)?;
	Ok(RecordAnchor {
		id: event.id.0,
		patient: event.patient.0,
		author: event.author.0,
		custodian: event.custodian.0,
		class: event.class.0,
		content_hash: event.content_hash,
		size: event.size,
		created: 0,
		predecessor: event.predecessor.map(|p| p.0),
		version: event.version,
		status: RecordStatus::Active,
		index: 0,
	})
}

/// Whether `document`, the chain's identity document of the gateway `info` names, vouches for
/// `info`: an active gateway of the organization `info` names, with the key `info` shows.
pub fn vouches_for(document: Option<&IdentityDocument<AccountId>>, info: &GatewayInfo) -> bool {
	document.is_some_and(|document| {
		document.id == info.gateway
			&& document.kind == SubjectKind::Gateway
			&& document.status == SubjectStatus::Active
			&& document.organization == Some(info.organization)
			&& document.key_agreement == info.key_agreement
	})
}

/// The gateway's `/info`, checked on chain ([`vouches_for`]): only then is its key one to wrap a
/// custodian's envelope for.
pub async fn verified_gateway(
	chain: &Chain,
	gateway: &Gateway,
) -> Result<GatewayInfo, RecordError> {
	let info = gateway.info().await?;
	let document = chain.identity(info.gateway).await?;
	if !vouches_for(document.as_ref(), &info) {
		return Err(RecordError::UntrustedGateway {
			url: gateway.url().to_owned(),
			gateway: info.gateway,
			organization: info.organization,
		});
	}
	Ok(info)
}

/// The custodian of a record kept by the gateway `info` describes: its organization, which must
/// be the custodian `named` (on the command line, or a predecessor's), if one is.
pub fn custodian_for(
	info: &GatewayInfo,
	named: Option<SubjectId>,
) -> Result<SubjectId, RecordError> {
	match named {
		Some(named) if named != info.organization => {
			Err(RecordError::OtherCustodian { keeps: info.organization, custodian: named })
		},
		_ => Ok(info.organization),
	}
}

/// Where a decrypted record goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Destination<'a> {
	/// The plaintext's file.
	pub path: &'a Path,
	/// Whether a file already at `path` may be replaced; if not, it is left as it is and nothing
	/// is written ([`RecordError::OutputExists`]).
	pub replace: bool,
}

impl Destination<'_> {
	/// Refuses a destination that is taken, before any work: a file (or a link) is there and may
	/// not be replaced.
	pub fn check(&self) -> Result<(), RecordError> {
		if !self.replace && self.path.symlink_metadata().is_ok() {
			return Err(RecordError::OutputExists(self.path.to_owned()));
		}
		Ok(())
	}

	/// Moves the verified plaintext in `temporary` to the destination: never over a file that
	/// appeared meanwhile unless replacing is allowed.
	fn persist(&self, temporary: tempfile::NamedTempFile) -> Result<(), RecordError> {
		let persisted = if self.replace {
			temporary.persist(self.path)
		} else {
			temporary.persist_noclobber(self.path)
		};
		persisted.map(|_file| ()).map_err(|e| {
			if !self.replace && e.error.kind() == io::ErrorKind::AlreadyExists {
				RecordError::OutputExists(self.path.to_owned())
			} else {
				RecordError::io(format!("write {}", self.path.display()), e.error)
			}
		})
	}
}

/// How far a fetch has come, in bytes of the anchored ciphertext: for a progress bar up to the
/// anchor's `size`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetching {
	/// Received from the gateway so far.
	Received(u64),
	/// Checked against the anchor and decrypted so far.
	Decrypted(u64),
}

/// Bytes read at a time from a blob being decrypted, and so the step of its progress.
const DECRYPT_READ: usize = 64 * 1024;

/// A reader that tells `progress` how many bytes it has given so far.
struct Counted<'a, R> {
	inner: R,
	read: u64,
	progress: &'a dyn Fn(u64),
}

impl<R: Read> Read for Counted<'_, R> {
	fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
		let n = self.inner.read(buf)?;
		self.read = self.read.saturating_add(n as u64);
		(self.progress)(self.read);
		Ok(n)
	}
}

/// Decrypts `blob` with `key` into `out`, in one pass over one handle: the bytes decrypted are the
/// bytes hashed, and the plaintext lands in a temporary file beside `out` that becomes `out` only
/// if they are `anchor`'s ciphertext (its hash and size), and only over an existing file if `out`
/// allows it. `label` names the blob in errors; `progress` hears the bytes of the blob read so
/// far. Returns the plaintext's size.
pub fn decrypt_verified(
	key: &DataKey,
	blob: &Path,
	anchor: &RecordAnchor,
	out: Destination<'_>,
	label: &str,
	progress: &dyn Fn(u64),
) -> Result<u64, RecordError> {
	out.check()?;
	let file = File::open(blob).map_err(|e| RecordError::io(format!("read {label}"), e))?;
	let input = BufReader::with_capacity(DECRYPT_READ, Counted { inner: file, read: 0, progress });
	let out_dir = dir_of(out.path);
	let mut temporary = tempfile::NamedTempFile::new_in(out_dir)
		.map_err(|e| RecordError::io(format!("write in {}", out_dir.display()), e))?;
	let written = envelope::open_verified(
		key,
		input,
		BufWriter::new(temporary.as_file_mut()),
		&anchor.content_hash,
		anchor.size,
	)
	.map_err(|source| RecordError::Decrypt { label: label.to_owned(), source })?;
	out.persist(temporary)?;
	Ok(written)
}

/// Opens `anchor`'s record from a record directory with `keys`' envelope, checked against the
/// anchor, into `out`; `progress` hears the bytes of the blob read so far. Returns the
/// plaintext's size.
pub fn open_stored(
	keys: &Keys,
	dir: &RecordDir,
	anchor: &RecordAnchor,
	out: Destination<'_>,
	progress: &dyn Fn(u64),
) -> Result<u64, RecordError> {
	if anchor.status == RecordStatus::Erased {
		return Err(RecordError::Erased(anchor.id));
	}
	out.check()?;
	let envelope = dir.envelope_for(&anchor.id, &keys.agreement_public())?;
	let key = envelope::unwrap(&envelope, &anchor.id, keys.agreement())?;
	let blob = dir.blob(&anchor.id);
	decrypt_verified(&key, &blob, anchor, out, &blob.display().to_string(), progress)
}

/// Fetches `anchor`'s record from its custodian's `gateway` for `purpose` (the chain decides),
/// checks the ciphertext against the anchor and decrypts it with the key the gateway wrapped for
/// `keys` into `out`. Returns the plaintext's size. Nothing is written to `out` on a refusal or a
/// ciphertext that is not the anchored one, and a file already there is refused before the
/// gateway is asked, unless `out` allows replacing it.
///
/// `progress` hears how far it has come, in bytes of the anchored size: received (a record may
/// be hundreds of MiB), then decrypted.
pub async fn fetch(
	gateway: &Gateway,
	keys: &Keys,
	anchor: &RecordAnchor,
	purpose: PurposeOfUse,
	out: Destination<'_>,
	progress: impl Fn(Fetching) + Send + Sync,
) -> Result<u64, RecordError> {
	out.check()?;
	let out_dir = dir_of(out.path);
	let blob = tempfile::NamedTempFile::new_in(out_dir)
		.map_err(|e| RecordError::io(format!("write in {}", out_dir.display()), e))?;
	let received = |bytes| progress(Fetching::Received(bytes));
	let envelope = gateway.get(keys, &anchor.id, purpose, blob.path(), received).await?;
	let key = envelope::unwrap(&envelope, &anchor.id, keys.agreement())?;
	// The gateway is not trusted: the bytes must be the anchored ciphertext.
	let label = format!("the gateway's answer for {}", hex_id(&anchor.id));
	let decrypted = |bytes| progress(Fetching::Decrypted(bytes));
	decrypt_verified(&key, blob.path(), anchor, out, &label, &decrypted)
}

#[cfg(test)]
mod tests {
	use medchain_primitives::consent::DataClass;

	use super::*;

	const RECORD: RecordId = RecordId([7; 32]);
	const PATIENT: SubjectId = SubjectId([1; 32]);
	const HOSPITAL: SubjectId = SubjectId([2; 32]);
	const GATEWAY: SubjectId = SubjectId([3; 32]);
	const BODY: &[u8] = b"Hb 13.5 g/dL; WBC 6.1";

	/// A record directory in a fresh temporary directory, and a file of `BODY` beside it.
	fn workspace() -> (tempfile::TempDir, RecordDir, PathBuf) {
		let root = tempfile::tempdir().unwrap();
		let file = root.path().join("labs.txt");
		fs::write(&file, BODY).unwrap();
		let dir = RecordDir::new(root.path().join("records"));
		(root, dir, file)
	}

	/// The anchor the chain would give a blob of `size` bytes hashing to `content_hash`.
	fn anchor(content_hash: Hash, size: u64) -> RecordAnchor {
		RecordAnchor {
			id: RECORD,
			patient: PATIENT,
			author: PATIENT,
			custodian: HOSPITAL,
			class: DataClass::Labs,
			content_hash,
			size,
			created: 0,
			predecessor: None,
			version: 1,
			status: RecordStatus::Active,
			index: 0,
		}
	}

	/// A plaintext's destination that may not replace a file.
	fn to(path: &Path) -> Destination<'_> {
		Destination { path, replace: false }
	}

	/// Progress nobody watches.
	fn nothing(_: u64) {}

	/// The names of the files in `dir`, sorted.
	fn files(dir: &Path) -> Vec<String> {
		let mut names: Vec<String> = fs::read_dir(dir)
			.unwrap()
			.map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
			.collect();
		names.sort();
		names
	}

	#[test]
	fn a_sealed_record_round_trips_for_each_of_its_recipients_and_no_one_else() {
		let (root, dir, file) = workspace();
		let (patient, hospital, stranger) = (Keys::generate(), Keys::generate(), Keys::generate());
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let anchor = anchor(blob.content_hash(), blob.size());
		assert_eq!(envelope::hash_stream(File::open(blob.path()).unwrap()).unwrap().1, blob.size());
		let recipients = [patient.agreement_public(), hospital.agreement_public()];
		let envelopes = blob.wrap_for(&RECORD, &recipients).unwrap();
		let written = blob.store(&dir, &RECORD, &envelopes).unwrap();
		assert_eq!(written.len(), 3);
		assert_eq!(written[0], dir.blob(&RECORD));
		assert!(!files(dir.path()).iter().any(|name| name.starts_with(".sealing")));

		for (who, keys) in [("patient", &patient), ("hospital", &hospital)] {
			let out = root.path().join(format!("{who}.out"));
			assert_eq!(
				open_stored(keys, &dir, &anchor, to(&out), &nothing).unwrap(),
				BODY.len() as u64
			);
			assert_eq!(fs::read(out).unwrap(), BODY, "{who}");
		}
		let out = root.path().join("stranger.out");
		let refused = open_stored(&stranger, &dir, &anchor, to(&out), &nothing).unwrap_err();
		assert!(matches!(refused, RecordError::NoEnvelope { .. }), "{refused}");
		assert!(refused.to_string().starts_with("no envelope for your key ("), "{refused}");
		assert!(!out.exists());
	}

	#[test]
	fn a_tampered_ciphertext_is_refused_and_nothing_is_written() {
		let (root, dir, file) = workspace();
		let patient = Keys::generate();
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let anchor = anchor(blob.content_hash(), blob.size());
		let envelopes = blob.wrap_for(&RECORD, &[patient.agreement_public()]).unwrap();
		blob.store(&dir, &RECORD, &envelopes).unwrap();
		let mut bytes = fs::read(dir.blob(&RECORD)).unwrap();
		let last = bytes.len() - 1;
		bytes[last] ^= 1;
		fs::write(dir.blob(&RECORD), bytes).unwrap();

		let out = root.path().join("labs.out");
		let refused = open_stored(&patient, &dir, &anchor, to(&out), &nothing).unwrap_err();
		assert!(
			matches!(refused, RecordError::Decrypt { source: EnvelopeError::NotAnchored, .. }),
			"{refused}"
		);
		assert!(refused.to_string().contains("not the anchored ciphertext"), "{refused}");
		assert!(!out.exists(), "no plaintext of a tampered blob");
		assert_eq!(files(root.path()), ["labs.txt", "records"], "no temporary file left");
	}

	#[test]
	fn a_ciphertext_that_is_not_the_anchored_one_is_refused() {
		let (root, dir, file) = workspace();
		let patient = Keys::generate();
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let (hash, size) = (blob.content_hash(), blob.size());
		let envelopes = blob.wrap_for(&RECORD, &[patient.agreement_public()]).unwrap();
		blob.store(&dir, &RECORD, &envelopes).unwrap();
		let out = root.path().join("labs.out");
		for wrong in [anchor(Hash::repeat_byte(9), size), anchor(hash, size + 1)] {
			let refused = open_stored(&patient, &dir, &wrong, to(&out), &nothing).unwrap_err();
			assert!(
				matches!(refused, RecordError::Decrypt { source: EnvelopeError::NotAnchored, .. }),
				"{refused}"
			);
			assert!(!out.exists());
		}
		assert!(open_stored(&patient, &dir, &anchor(hash, size), to(&out), &nothing).is_ok());
	}

	#[test]
	fn an_erased_record_is_not_opened() {
		let (root, dir, file) = workspace();
		let patient = Keys::generate();
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let erased = RecordAnchor {
			status: RecordStatus::Erased,
			..anchor(blob.content_hash(), blob.size())
		};
		let envelopes = blob.wrap_for(&RECORD, &[patient.agreement_public()]).unwrap();
		blob.store(&dir, &RECORD, &envelopes).unwrap();
		let out = root.path().join("labs.out");
		let refused = open_stored(&patient, &dir, &erased, to(&out), &nothing).unwrap_err();
		assert!(matches!(refused, RecordError::Erased(RECORD)), "{refused}");
		assert_eq!(refused.to_string(), format!("record 0x{} is erased", "07".repeat(32)));
		assert!(!out.exists());
	}

	#[test]
	fn an_envelope_for_the_gateway_is_stored_when_asked_and_uploads_take_only_this_records() {
		let (_root, dir, file) = workspace();
		let (patient, hospital, gateway) = (Keys::generate(), Keys::generate(), Keys::generate());
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let recipients =
			[patient.agreement_public(), hospital.agreement_public(), gateway.agreement_public()];
		let envelopes = blob.wrap_for(&RECORD, &recipients).unwrap();
		let written = blob.store(&dir, &RECORD, &envelopes).unwrap();
		assert_eq!(written.len(), 4, "the blob and three envelopes");
		// Another record's files in the same directory are not this record's.
		let other = SealedBlob::seal_file(&file, &dir).unwrap();
		let other_id = RecordId([8; 32]);
		let other_envelopes = other.wrap_for(&other_id, &[patient.agreement_public()]).unwrap();
		other.store(&dir, &other_id, &other_envelopes).unwrap();

		let mut found = dir.envelopes(&RECORD).unwrap();
		found.sort_by_key(|envelope| envelope.recipient);
		let mut expected = recipients.to_vec();
		expected.sort();
		assert_eq!(found.iter().map(|e| e.recipient).collect::<Vec<_>>(), expected);
		let for_gateway = dir.envelope_for(&RECORD, &gateway.agreement_public()).unwrap();
		assert!(envelope::unwrap(&for_gateway, &RECORD, gateway.agreement()).is_ok());
		assert_eq!(dir.envelopes(&other_id).unwrap().len(), 1);
	}

	#[test]
	fn files_are_named_as_upload_and_open_look_for_them() {
		let dir = RecordDir::new("records");
		let id = "07".repeat(32);
		assert_eq!(dir.blob(&RECORD), Path::new("records").join(format!("0x{id}.blob")));
		assert_eq!(
			dir.envelope(&RECORD, &[0xab; 32]),
			Path::new("records").join(format!("0x{id}.abababababababab.envelope"))
		);
	}

	#[test]
	fn a_refused_anchor_deletes_the_blob_and_a_doubtful_one_keeps_it() {
		let (_root, dir, file) = workspace();
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let error = blob.anchor_failed(ChainError::Transaction("the node went away".into()));
		assert!(blob.path().exists(), "kept while the transaction may still be included");
		let message = error.to_string();
		assert!(message.starts_with("the transaction was not included: the node went away"));
		assert!(message.contains(&blob.path().display().to_string()), "{message}");

		let refused = ChainError::Pallet {
			pallet: "Records".into(),
			error: "NotPermitted".into(),
			doc: "The access rule does not let the author create this patient's records".into(),
		};
		let error = blob.anchor_failed(refused);
		assert!(!blob.path().exists(), "deleted: the chain refused it");
		assert!(error.to_string().starts_with("Records::NotPermitted: "), "{error}");
		assert!(matches!(error, RecordError::Chain(_)));
	}

	#[test]
	fn a_failed_seal_leaves_nothing_behind() {
		let (root, dir, _file) = workspace();
		// A directory opens but does not read: sealing fails after the blob was created.
		let refused = SealedBlob::seal_file(root.path(), &dir).unwrap_err();
		assert!(matches!(refused, RecordError::Envelope(EnvelopeError::Io(_))), "{refused}");
		assert_eq!(files(dir.path()), Vec::<String>::new());
		let missing = SealedBlob::seal_file(&root.path().join("missing.txt"), &dir).unwrap_err();
		assert!(missing.to_string().starts_with("cannot read "), "{missing}");
	}

	fn gateway_document() -> IdentityDocument<AccountId> {
		IdentityDocument {
			id: GATEWAY,
			kind: SubjectKind::Gateway,
			status: SubjectStatus::Active,
			controller: AccountId::from([5; 32]),
			key_agreement: [6; 32],
			profile_hash: Default::default(),
			organization: Some(HOSPITAL),
			registered_at: 1,
			attestations: Vec::new(),
			is_practitioner: false,
			guardians: Vec::new(),
		}
	}

	#[test]
	fn a_gateway_is_believed_only_as_the_chain_describes_it() {
		let info = GatewayInfo { gateway: GATEWAY, organization: HOSPITAL, key_agreement: [6; 32] };
		let genuine = gateway_document();
		assert!(vouches_for(Some(&genuine), &info));
		assert!(!vouches_for(None, &info), "unregistered");
		let impostors = [
			IdentityDocument { kind: SubjectKind::Organization, ..genuine.clone() },
			IdentityDocument { status: SubjectStatus::Deactivated(9), ..genuine.clone() },
			IdentityDocument { organization: Some(PATIENT), ..genuine.clone() },
			IdentityDocument { organization: None, ..genuine.clone() },
			IdentityDocument { key_agreement: [7; 32], ..genuine.clone() },
			IdentityDocument { id: PATIENT, ..genuine.clone() },
		];
		for document in impostors {
			assert!(!vouches_for(Some(&document), &info), "{document:?}");
		}
	}

	#[test]
	fn a_gateway_keeps_records_only_for_its_own_organization() {
		let info = GatewayInfo { gateway: GATEWAY, organization: HOSPITAL, key_agreement: [6; 32] };
		assert_eq!(custodian_for(&info, None).unwrap(), HOSPITAL);
		assert_eq!(custodian_for(&info, Some(HOSPITAL)).unwrap(), HOSPITAL);
		let refused = custodian_for(&info, Some(PATIENT)).unwrap_err();
		assert!(
			matches!(refused, RecordError::OtherCustodian { keeps: HOSPITAL, custodian: PATIENT }),
			"{refused}"
		);
		assert_eq!(
			refused.to_string(),
			format!(
				"the gateway keeps records of {}, not of {} (the record's custodian)",
				HOSPITAL.to_did(),
				PATIENT.to_did()
			)
		);
	}

	#[test]
	fn each_recipient_is_wrapped_for_once_in_the_order_named() {
		let keys = vec![[1; 32], [2; 32], [3; 32], [2; 32], [1; 32], [4; 32]];
		assert_eq!(distinct(keys), vec![[1; 32], [2; 32], [3; 32], [4; 32]]);
		assert_eq!(distinct(Vec::new()), Vec::<[u8; 32]>::new());
	}

	#[test]
	fn a_record_not_in_the_directory_is_named_with_the_file_looked_for() {
		let (_root, dir, file) = workspace();
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		blob.store(&dir, &RecordId([8; 32]), &[]).unwrap();
		let refused = dir.stored(&RECORD).unwrap_err();
		assert!(matches!(refused, RecordError::NotStored { record: RECORD, .. }), "{refused}");
		let message = refused.to_string();
		let id = format!("0x{}", "07".repeat(32));
		assert!(message.starts_with(&format!("no files of record {id} in ")), "{message}");
		assert!(message.contains(&dir.blob(&RECORD).display().to_string()), "{message}");
		assert!(!message.contains("i/o"), "{message}");
		// A directory that is not there at all: the same answer, not an i/o error.
		let nowhere = RecordDir::new(dir.path().join("nowhere"));
		assert!(matches!(nowhere.stored(&RECORD), Err(RecordError::NotStored { .. })));
	}

	#[test]
	fn files_sealed_before_the_gateway_existed_get_its_envelope_from_the_patient_only() {
		let (_root, dir, file) = workspace();
		let (patient, hospital, author, gateway) =
			(Keys::generate(), Keys::generate(), Keys::generate(), Keys::generate());
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let envelopes = blob
			.wrap_for(&RECORD, &[patient.agreement_public(), hospital.agreement_public()])
			.unwrap();
		blob.store(&dir, &RECORD, &envelopes).unwrap();
		let info = GatewayInfo {
			gateway: GATEWAY,
			organization: HOSPITAL,
			key_agreement: gateway.agreement_public(),
		};

		// The author holds no envelope of the record: told exactly who can complete the files.
		let refused = dir.for_upload(&RECORD, &info, &author).unwrap_err();
		assert!(matches!(refused, RecordError::NoGatewayEnvelope { gateway: GATEWAY, .. }));
		let message = refused.to_string();
		assert!(message.contains(&GATEWAY.to_did()), "{message}");
		assert!(
			message.contains(&format!("`medchain record upload 0x{} --dir ", "07".repeat(32))),
			"{message}"
		);
		assert_eq!(dir.envelopes(&RECORD).unwrap().len(), 2, "nothing was added");

		// The patient wraps the data key for the gateway from their own envelope.
		let files = dir.for_upload(&RECORD, &info, &patient).unwrap();
		assert_eq!(files.blob, dir.blob(&RECORD));
		assert_eq!(files.envelopes.len(), 3);
		let added = dir.envelope_for(&RECORD, &gateway.agreement_public()).unwrap();
		let opened = envelope::unwrap(&added, &RECORD, gateway.agreement()).unwrap();
		let patients = dir.envelope_for(&RECORD, &patient.agreement_public()).unwrap();
		assert_eq!(opened, envelope::unwrap(&patients, &RECORD, patient.agreement()).unwrap());
		// Now anyone may send them, the author included, and nothing is added twice.
		assert_eq!(dir.for_upload(&RECORD, &info, &author).unwrap().envelopes.len(), 3);
		assert_eq!(dir.envelopes(&RECORD).unwrap().len(), 3);
	}

	#[test]
	fn a_plaintext_replaces_a_file_only_when_asked() {
		let (root, dir, file) = workspace();
		let patient = Keys::generate();
		let blob = SealedBlob::seal_file(&file, &dir).unwrap();
		let anchor = anchor(blob.content_hash(), blob.size());
		let envelopes = blob.wrap_for(&RECORD, &[patient.agreement_public()]).unwrap();
		blob.store(&dir, &RECORD, &envelopes).unwrap();
		let out = root.path().join("labs.out");
		fs::write(&out, "my own notes").unwrap();

		let refused = open_stored(&patient, &dir, &anchor, to(&out), &nothing).unwrap_err();
		assert!(matches!(&refused, RecordError::OutputExists(path) if *path == out), "{refused}");
		assert_eq!(refused.to_string(), format!("{} exists: nothing was written", out.display()));
		assert_eq!(fs::read(&out).unwrap(), b"my own notes");
		let replace = Destination { path: &out, replace: true };
		let written = open_stored(&patient, &dir, &anchor, replace, &nothing).unwrap();
		assert_eq!(written, BODY.len() as u64);
		assert_eq!(fs::read(&out).unwrap(), BODY);
		assert_eq!(
			files(root.path()),
			["labs.out", "labs.txt", "records"],
			"no temporary file left"
		);
	}

	#[test]
	fn decryption_reports_its_progress_up_to_the_anchored_size() {
		let (root, dir, _file) = workspace();
		// More than one read of the blob: several steps.
		let big = root.path().join("imaging.dcm");
		fs::write(&big, vec![7u8; 3 * DECRYPT_READ + 5]).unwrap();
		let patient = Keys::generate();
		let blob = SealedBlob::seal_file(&big, &dir).unwrap();
		let anchor = anchor(blob.content_hash(), blob.size());
		let envelopes = blob.wrap_for(&RECORD, &[patient.agreement_public()]).unwrap();
		blob.store(&dir, &RECORD, &envelopes).unwrap();

		let seen = std::sync::Mutex::new(Vec::new());
		let progress = |bytes: u64| seen.lock().unwrap().push(bytes);
		let out = root.path().join("imaging.out");
		open_stored(&patient, &dir, &anchor, to(&out), &progress).unwrap();
		let seen = seen.into_inner().unwrap();
		assert!(seen.len() > 3, "{seen:?}");
		assert!(seen.windows(2).all(|w| w[0] <= w[1]), "never backwards: {seen:?}");
		assert_eq!(seen.last(), Some(&anchor.size));
	}
}
