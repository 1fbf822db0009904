//! What the gateway keeps on local disk.
//!
//! - **Blobs** (ciphertext) behind the [`BlobStore`] trait; [`FsBlobStore`] keeps each as a file
//!   named by its record, written to a temporary file first and renamed into place only once its
//!   hash matches the anchor (then fsynced, file and directory). An operator can put blobs in an
//!   object store by implementing the trait.
//! - **Metadata** in redb (embedded, ACID, crash-safe; one file): the records held with their
//!   envelopes, the records erased (so a read gets 410), and the audit journal
//!   ([`crate::audit::journal`]).
//!
//! A crash mid-upload leaves a temporary file (deleted at the next start) and no record; a crash
//! between the blob's rename and the metadata's commit leaves a blob no record names (deleted at
//! the next start, [`Store::open`]). A record is held exactly when its metadata says so.

use std::{
	fs,
	io::{self, Write},
	path::{Path, PathBuf},
	sync::Arc,
};

use codec::{Decode, Encode};
use medchain_primitives::{consent::RecordId, Moment};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

/// record id → SCALE [`Held`].
const RECORDS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("records");
/// record id → erased at (ms since the Unix epoch, gateway clock).
const ERASED: TableDefinition<&[u8; 32], u64> = TableDefinition::new("erased");

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// The metadata database failed.
	#[error("metadata store: {0}")]
	Db(String),
	/// The blob store failed.
	#[error("blob store: {0}")]
	Io(#[from] io::Error),
	/// Stored metadata does not decode.
	#[error("stored metadata is corrupt: {0}")]
	Corrupt(String),
}

fn db(e: impl std::fmt::Display) -> StoreError {
	StoreError::Db(e.to_string())
}

/// A record this gateway holds.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Held {
	/// blake2-256 of the blob, as anchored.
	pub content_hash: [u8; 32],
	/// The blob's size.
	pub size: u64,
	/// The envelopes (SCALE bytes of `medchain_client::envelope::Envelope`).
	pub envelopes: Vec<Vec<u8>>,
	/// When it was stored, ms since the Unix epoch.
	pub stored_at: Moment,
}

/// Where ciphertext lives.
pub trait BlobStore: Send + Sync + 'static {
	/// A new temporary blob to write an upload into.
	fn begin(&self) -> io::Result<PendingBlob>;
	/// Makes a fully written, checked pending blob the blob of `record` (durably).
	fn commit(&self, pending: PendingBlob, record: &RecordId) -> io::Result<()>;
	/// The blob of `record`, opened for reading.
	fn open(&self, record: &RecordId) -> io::Result<fs::File>;
	/// Deletes the blob of `record` (no error when already gone).
	fn delete(&self, record: &RecordId) -> io::Result<()>;
	/// Every record a blob is stored for.
	fn list(&self) -> io::Result<Vec<RecordId>>;
}

/// A blob being written: a temporary file deleted on drop unless committed.
pub struct PendingBlob {
	file: tempfile::NamedTempFile,
}

impl PendingBlob {
	/// The file to write into.
	pub fn file(&mut self) -> &mut fs::File {
		self.file.as_file_mut()
	}
}

/// Blobs as files: `<dir>/blobs/<record hex>`, uploads in `<dir>/tmp/`.
pub struct FsBlobStore {
	blobs: PathBuf,
	tmp: PathBuf,
}

impl FsBlobStore {
	/// Opens (creating) the blob directories under `dir`; leftovers of interrupted uploads are
	/// deleted.
	pub fn open(dir: &Path) -> io::Result<Self> {
		let blobs = dir.join("blobs");
		let tmp = dir.join("tmp");
		fs::create_dir_all(&blobs)?;
		if tmp.exists() {
			fs::remove_dir_all(&tmp)?;
		}
		fs::create_dir_all(&tmp)?;
		Ok(Self { blobs, tmp })
	}

	fn path(&self, record: &RecordId) -> PathBuf {
		self.blobs.join(hex::encode(record.0))
	}
}

impl BlobStore for FsBlobStore {
	fn begin(&self) -> io::Result<PendingBlob> {
		Ok(PendingBlob { file: tempfile::NamedTempFile::new_in(&self.tmp)? })
	}

	fn commit(&self, mut pending: PendingBlob, record: &RecordId) -> io::Result<()> {
		pending.file.as_file_mut().flush()?;
		pending.file.as_file().sync_all()?;
		pending.file.persist(self.path(record)).map_err(|e| e.error)?;
		fs::File::open(&self.blobs)?.sync_all()
	}

	fn open(&self, record: &RecordId) -> io::Result<fs::File> {
		fs::File::open(self.path(record))
	}

	fn delete(&self, record: &RecordId) -> io::Result<()> {
		match fs::remove_file(self.path(record)) {
			Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
			_ => {},
		}
		fs::File::open(&self.blobs)?.sync_all()
	}

	fn list(&self) -> io::Result<Vec<RecordId>> {
		let mut records = Vec::new();
		for entry in fs::read_dir(&self.blobs)? {
			let name = entry?.file_name();
			if let Some(id) = name
				.to_str()
				.and_then(|n| hex::decode(n).ok())
				.and_then(|b| <[u8; 32]>::try_from(b).ok())
			{
				records.push(RecordId(id));
			}
		}
		Ok(records)
	}
}

/// The gateway's store: blobs and metadata.
#[derive(Clone)]
pub struct Store {
	db: Arc<Database>,
	blobs: Arc<dyn BlobStore>,
}

impl Store {
	/// Opens the store in `dir` (`meta.redb` and the blob directories), and sweeps what an
	/// interrupted upload left: blobs no record names.
	pub fn open(dir: &Path) -> Result<Self, StoreError> {
		fs::create_dir_all(dir)?;
		let blobs = Arc::new(FsBlobStore::open(dir)?);
		Self::with_blobs(dir, blobs)
	}

	/// Opens the metadata in `dir` over another blob store.
	pub fn with_blobs(dir: &Path, blobs: Arc<dyn BlobStore>) -> Result<Self, StoreError> {
		let database = Database::create(dir.join("meta.redb")).map_err(db)?;
		let txn = database.begin_write().map_err(db)?;
		{
			txn.open_table(RECORDS).map_err(db)?;
			txn.open_table(ERASED).map_err(db)?;
		}
		txn.commit().map_err(db)?;
		let store = Self { db: Arc::new(database), blobs };
		for record in store.blobs.list()? {
			if store.held(&record)?.is_none() {
				tracing::info!(record = %hex::encode(record.0), "deleting a blob no record names (interrupted upload)");
				store.blobs.delete(&record)?;
			}
		}
		Ok(store)
	}

	/// The metadata database, shared with the audit journal.
	pub fn database(&self) -> Arc<Database> {
		self.db.clone()
	}

	/// The blob store.
	pub fn blobs(&self) -> &dyn BlobStore {
		&*self.blobs
	}

	/// The record, if held.
	pub fn held(&self, record: &RecordId) -> Result<Option<Held>, StoreError> {
		let txn = self.db.begin_read().map_err(db)?;
		let table = txn.open_table(RECORDS).map_err(db)?;
		let Some(value) = table.get(&record.0).map_err(db)? else { return Ok(None) };
		Held::decode(&mut value.value())
			.map(Some)
			.map_err(|e| StoreError::Corrupt(e.to_string()))
	}

	/// When the record was erased here, if it was.
	pub fn erased_at(&self, record: &RecordId) -> Result<Option<Moment>, StoreError> {
		let txn = self.db.begin_read().map_err(db)?;
		let table = txn.open_table(ERASED).map_err(db)?;
		Ok(table.get(&record.0).map_err(db)?.map(|v| v.value()))
	}

	/// Every record held.
	pub fn held_records(&self) -> Result<Vec<RecordId>, StoreError> {
		let txn = self.db.begin_read().map_err(db)?;
		let table = txn.open_table(RECORDS).map_err(db)?;
		let mut records = Vec::new();
		for entry in table.iter().map_err(db)? {
			records.push(RecordId(*entry.map_err(db)?.0.value()));
		}
		Ok(records)
	}

	/// Keeps a checked upload: the blob first, then the record that names it. Within one write
	/// transaction (redb serialises writers): a record erased or stored meanwhile (an erasure
	/// finalized during the upload, a concurrent upload) is not kept again; the pending blob is
	/// deleted and `Ok(false)` returned.
	pub fn keep(
		&self,
		record: &RecordId,
		pending: PendingBlob,
		held: &Held,
	) -> Result<bool, StoreError> {
		let txn = self.db.begin_write().map_err(db)?;
		{
			let mut records = txn.open_table(RECORDS).map_err(db)?;
			let erased = txn.open_table(ERASED).map_err(db)?.get(&record.0).map_err(db)?.is_some();
			if erased || records.get(&record.0).map_err(db)?.is_some() {
				return Ok(false);
			}
			self.blobs.commit(pending, record)?;
			records.insert(&record.0, &held.encode()[..]).map_err(db)?;
		}
		txn.commit().map_err(db)?;
		Ok(true)
	}

	/// Crypto-shreds a record: its envelopes and metadata go first (after which nothing can
	/// open the blob), then the blob; the erasure is remembered (a later read gets 410, a later
	/// upload is refused). Returns whether it was held.
	pub fn erase(&self, record: &RecordId, at: Moment) -> Result<bool, StoreError> {
		let txn = self.db.begin_write().map_err(db)?;
		let held = txn.open_table(RECORDS).map_err(db)?.remove(&record.0).map_err(db)?.is_some();
		txn.open_table(ERASED).map_err(db)?.insert(&record.0, at).map_err(db)?;
		txn.commit().map_err(db)?;
		self.blobs.delete(record)?;
		Ok(held)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::io::Read;

	fn held(size: u64) -> Held {
		Held { content_hash: [1; 32], size, envelopes: vec![vec![2; 80]], stored_at: 5 }
	}

	#[test]
	fn a_kept_record_is_held_and_its_blob_readable() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		let id = RecordId([9; 32]);
		let mut pending = store.blobs().begin().unwrap();
		pending.file().write_all(b"ciphertext").unwrap();
		assert!(store.keep(&id, pending, &held(10)).unwrap());
		assert_eq!(store.held(&id).unwrap(), Some(held(10)));
		let mut again = store.blobs().begin().unwrap();
		again.file().write_all(b"other").unwrap();
		assert!(
			!store.keep(&id, again, &held(5)).unwrap(),
			"a second upload does not replace the first"
		);
		assert_eq!(store.held(&id).unwrap(), Some(held(10)));
		let mut body = String::new();
		store.blobs().open(&id).unwrap().read_to_string(&mut body).unwrap();
		assert_eq!(body, "ciphertext");
		assert_eq!(store.held_records().unwrap(), vec![id]);
	}

	#[test]
	fn an_unfinished_upload_leaves_nothing_after_a_restart() {
		let dir = tempfile::tempdir().unwrap();
		let id = RecordId([3; 32]);
		{
			let store = Store::open(dir.path()).unwrap();
			let mut pending = store.blobs().begin().unwrap();
			pending.file().write_all(b"half").unwrap();
			// A crash: neither dropped nor committed.
			std::mem::forget(pending);
			// A blob renamed into place whose metadata never committed.
			fs::write(dir.path().join("blobs").join(hex::encode(id.0)), b"orphan").unwrap();
		}
		let store = Store::open(dir.path()).unwrap();
		assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
		assert!(store.blobs().open(&id).is_err());
		assert_eq!(store.held(&id).unwrap(), None);
	}

	#[test]
	fn erasure_deletes_blob_and_envelopes_and_is_remembered() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path()).unwrap();
		let id = RecordId([4; 32]);
		let mut pending = store.blobs().begin().unwrap();
		pending.file().write_all(b"x").unwrap();
		assert!(store.keep(&id, pending, &held(1)).unwrap());
		assert!(store.erase(&id, 77).unwrap());
		// An upload racing the erasure is not kept.
		let mut late = store.blobs().begin().unwrap();
		late.file().write_all(b"x").unwrap();
		assert!(!store.keep(&id, late, &held(1)).unwrap());
		assert_eq!(store.held(&id).unwrap(), None);
		assert!(store.blobs().open(&id).is_err());
		assert_eq!(store.erased_at(&id).unwrap(), Some(77));
		assert!(!store.erase(&id, 78).unwrap(), "a second erasure finds nothing held");
	}
}
