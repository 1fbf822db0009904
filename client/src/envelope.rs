//! Record encryption: a fresh data key per record encrypts the body (XChaCha20-Poly1305 in the
//! STREAM construction, chunk by chunk, so any size is sealed and opened in bounded memory), and
//! the data key is wrapped for each recipient with HPKE (RFC 9180: DHKEM(X25519, HKDF-SHA256),
//! HKDF-SHA256, ChaCha20-Poly1305, base mode), binding the record identifier and the recipient's
//! public key as associated data.
//!
//! # Blob format (what the custodian keeps, and what the anchor's hash covers)
//!
//! `"MCR1"` ‖ 19-byte random nonce prefix ‖ chunks. Each chunk is at most [`CHUNK`] bytes of
//! plaintext plus a 16-byte tag; the last is marked by the STREAM construction (an empty body is
//! one empty last chunk), so truncation, reordering and extension are all detected. The 23-byte
//! header is every chunk's associated data.
//!
//! # Envelope format
//!
//! [`Envelope`]: the record identifier, the recipient's X25519 public key, HPKE's encapsulated key
//! and the sealed data key; SCALE-encoded by [`Envelope::to_bytes`]. The associated data is
//! [`ENVELOPE_DOMAIN`] ‖ record ‖ recipient: an envelope opens only as the envelope of that record
//! for that recipient.
//!
//! ```
//! use medchain_client::{envelope, keys::Keys};
//! use medchain_primitives::consent::RecordId;
//!
//! let patient = Keys::generate();
//! let (blob, sealed) = envelope::seal(b"lab result")?;
//! let record = RecordId([7; 32]);
//! let env = envelope::wrap(&sealed.key, &record, &patient.agreement_public())?;
//! let key = envelope::unwrap(&env, &record, patient.agreement())?;
//! assert_eq!(envelope::open(&key, &blob)?, b"lab result");
//! # Ok::<(), envelope::EnvelopeError>(())
//! ```

use std::io::{self, Read, Write};

use blake2::{digest::consts::U32, Blake2b, Digest};
use chacha20poly1305::{
	aead::{
		generic_array::GenericArray,
		stream::{DecryptorBE32, EncryptorBE32},
		KeyInit, Payload,
	},
	XChaCha20Poly1305,
};
use codec::{Decode, Encode};
use hpke::{
	aead::ChaCha20Poly1305, kdf::HkdfSha256, kem::X25519HkdfSha256, Deserializable, OpModeR,
	OpModeS, Serializable,
};
use medchain_primitives::{consent::RecordId, Hash};
use rand::{rngs::OsRng, RngCore};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::keys::AgreementSecret;

/// Plaintext bytes per chunk: 64 KiB.
pub const CHUNK: usize = 64 * 1024;
/// The blob's magic bytes.
pub const MAGIC: &[u8; 4] = b"MCR1";
/// HPKE's `info` and the prefix of an envelope's associated data.
pub const ENVELOPE_DOMAIN: &[u8] = b"medchain:envelope:v1";

const TAG: usize = 16;
const NONCE_PREFIX: usize = 19;
const HEADER: usize = MAGIC.len() + NONCE_PREFIX;

/// What can go wrong sealing or opening.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
	/// Reading or writing failed.
	#[error("i/o: {0}")]
	Io(#[from] io::Error),
	/// The blob is not a MedChain record blob.
	#[error("not a MedChain record blob")]
	NotARecord,
	/// The blob was altered, truncated or extended, or the key is not its key.
	#[error("the record does not decrypt: altered, truncated, or not this key's")]
	Tampered,
	/// The envelope does not open: wrong recipient, wrong record, or altered.
	#[error("the envelope does not open: not for this recipient or this record, or altered")]
	WrongEnvelope,
	/// A key or envelope is malformed.
	#[error("malformed: {0}")]
	Malformed(&'static str),
	/// The blob is not the one anchored on chain (its hash or size differ).
	#[error("not the anchored ciphertext: its hash or size differs from the record's anchor")]
	NotAnchored,
}

/// A record's data key: 32 random bytes, wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct DataKey(pub [u8; 32]);

impl core::fmt::Debug for DataKey {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str("DataKey(..)")
	}
}

/// What sealing a body gives: its data key, and the blob's hash and size for the anchor.
#[derive(Debug)]
pub struct Sealed {
	/// The fresh data key.
	pub key: DataKey,
	/// blake2-256 of the whole blob.
	pub content_hash: Hash,
	/// The blob's size, bytes.
	pub size: u64,
}

/// A data key wrapped for one recipient of one record.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Envelope {
	/// The record it belongs to.
	pub record: RecordId,
	/// The recipient's X25519 public key.
	pub recipient: [u8; 32],
	/// HPKE's encapsulated key.
	pub encapped_key: [u8; 32],
	/// The sealed data key (32 bytes + 16-byte tag).
	pub sealed_key: Vec<u8>,
}

impl Envelope {
	/// SCALE bytes.
	pub fn to_bytes(&self) -> Vec<u8> {
		self.encode()
	}

	/// From SCALE bytes.
	pub fn from_bytes(mut bytes: &[u8]) -> Result<Self, EnvelopeError> {
		let envelope =
			Self::decode(&mut bytes).map_err(|_| EnvelopeError::Malformed("envelope"))?;
		if !bytes.is_empty() {
			return Err(EnvelopeError::Malformed("envelope has trailing bytes"));
		}
		Ok(envelope)
	}
}

/// A writer that hashes and counts what passes through.
struct Hashing<W> {
	inner: W,
	hasher: Blake2b<U32>,
	size: u64,
}

impl<W: Write> Write for Hashing<W> {
	fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
		let n = self.inner.write(buf)?;
		self.hasher.update(&buf[..n]);
		self.size += n as u64;
		Ok(n)
	}

	fn flush(&mut self) -> io::Result<()> {
		self.inner.flush()
	}
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
	let mut filled = 0;
	while filled < buf.len() {
		match reader.read(&mut buf[filled..]) {
			Ok(0) => break,
			Ok(n) => filled += n,
			Err(e) if e.kind() == io::ErrorKind::Interrupted => {},
			Err(e) => return Err(e),
		}
	}
	Ok(filled)
}

/// Encrypts `body` under a fresh data key into `blob`, chunk by chunk (memory: two chunks).
pub fn seal_stream(mut body: impl Read, blob: impl Write) -> Result<Sealed, EnvelopeError> {
	let mut key = DataKey([0; 32]);
	OsRng.fill_bytes(&mut key.0);
	let mut header = [0u8; HEADER];
	header[..MAGIC.len()].copy_from_slice(MAGIC);
	OsRng.fill_bytes(&mut header[MAGIC.len()..]);
	let aead = XChaCha20Poly1305::new((&key.0).into());
	let mut encryptor =
		EncryptorBE32::from_aead(aead, GenericArray::from_slice(&header[MAGIC.len()..]));
	let mut out = Hashing { inner: blob, hasher: Blake2b::new(), size: 0 };
	out.write_all(&header)?;

	// Read one chunk ahead: a chunk is the last only if nothing follows it.
	let mut current = vec![0u8; CHUNK];
	let mut next = vec![0u8; CHUNK];
	let mut len = fill(&mut body, &mut current)?;
	loop {
		let next_len = if len == CHUNK { fill(&mut body, &mut next)? } else { 0 };
		let payload = Payload { msg: &current[..len], aad: &header };
		if next_len == 0 {
			let chunk = encryptor.encrypt_last(payload).map_err(|_| EnvelopeError::Tampered)?;
			out.write_all(&chunk)?;
			break;
		}
		let chunk = encryptor.encrypt_next(payload).map_err(|_| EnvelopeError::Tampered)?;
		out.write_all(&chunk)?;
		std::mem::swap(&mut current, &mut next);
		len = next_len;
	}
	current.zeroize();
	next.zeroize();
	out.flush()?;
	Ok(Sealed {
		key,
		content_hash: Hash::from(<[u8; 32]>::from(out.hasher.finalize())),
		size: out.size,
	})
}

/// Decrypts `blob` with `key` into `body`, chunk by chunk; returns the plaintext size. On
/// [`EnvelopeError::Tampered`] part of the body may already be written: write to a temporary file
/// and keep it only on success (or check the blob's hash against its anchor first).
pub fn open_stream(
	key: &DataKey,
	mut blob: impl Read,
	mut body: impl Write,
) -> Result<u64, EnvelopeError> {
	let mut header = [0u8; HEADER];
	if fill(&mut blob, &mut header)? != HEADER || &header[..MAGIC.len()] != MAGIC {
		return Err(EnvelopeError::NotARecord);
	}
	let aead = XChaCha20Poly1305::new((&key.0).into());
	let mut decryptor =
		DecryptorBE32::from_aead(aead, GenericArray::from_slice(&header[MAGIC.len()..]));
	let mut current = vec![0u8; CHUNK + TAG];
	let mut next = vec![0u8; CHUNK + TAG];
	let mut len = fill(&mut blob, &mut current)?;
	let mut written = 0u64;
	loop {
		let next_len = if len == CHUNK + TAG { fill(&mut blob, &mut next)? } else { 0 };
		let payload = Payload { msg: &current[..len], aad: &header };
		if next_len == 0 {
			let plain = decryptor.decrypt_last(payload).map_err(|_| EnvelopeError::Tampered)?;
			body.write_all(&plain)?;
			written += plain.len() as u64;
			break;
		}
		let plain = decryptor.decrypt_next(payload).map_err(|_| EnvelopeError::Tampered)?;
		body.write_all(&plain)?;
		written += plain.len() as u64;
		std::mem::swap(&mut current, &mut next);
		len = next_len;
	}
	body.flush()?;
	Ok(written)
}

/// A reader that hashes and counts what it reads.
struct HashingReader<R> {
	inner: R,
	hasher: Blake2b<U32>,
	size: u64,
}

impl<R: Read> Read for HashingReader<R> {
	fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
		let n = self.inner.read(buf)?;
		self.hasher.update(&buf[..n]);
		self.size += n as u64;
		Ok(n)
	}
}

/// Decrypts `blob` into `body` in one pass while hashing it, and fails with
/// [`EnvelopeError::NotAnchored`] unless the blob hashes to `content_hash` and has `size` bytes:
/// what a reader does with a blob from a custodian. The bytes decrypted are the bytes checked; on
/// any error, discard what was written to `body`.
pub fn open_verified(
	key: &DataKey,
	blob: impl Read,
	body: impl Write,
	content_hash: &Hash,
	size: u64,
) -> Result<u64, EnvelopeError> {
	let mut reader = HashingReader { inner: blob, hasher: Blake2b::new(), size: 0 };
	let written = open_stream(key, &mut reader, body);
	// Read to the end, so that a blob with extra bytes fails on its hash, not only on its tag.
	io::copy(&mut reader, &mut io::sink())?;
	let hash = Hash::from(<[u8; 32]>::from(reader.hasher.finalize()));
	if hash != *content_hash || reader.size != size {
		return Err(EnvelopeError::NotAnchored);
	}
	written
}

/// Seals a body held in memory: (blob, its key, hash and size).
pub fn seal(body: &[u8]) -> Result<(Vec<u8>, Sealed), EnvelopeError> {
	let mut blob = Vec::with_capacity(body.len() + HEADER + TAG * (body.len() / CHUNK + 1));
	let sealed = seal_stream(body, &mut blob)?;
	Ok((blob, sealed))
}

/// Opens a blob held in memory.
pub fn open(key: &DataKey, blob: &[u8]) -> Result<Vec<u8>, EnvelopeError> {
	let mut body = Vec::with_capacity(blob.len());
	open_stream(key, blob, &mut body)?;
	Ok(body)
}

/// blake2-256 and size of a blob, streamed: what a client checks against the anchor before
/// decrypting, and what a gateway checks before keeping an upload.
pub fn hash_stream(mut blob: impl Read) -> Result<(Hash, u64), EnvelopeError> {
	let mut out = Hashing { inner: io::sink(), hasher: Blake2b::new(), size: 0 };
	io::copy(&mut blob, &mut out)?;
	Ok((Hash::from(<[u8; 32]>::from(out.hasher.finalize())), out.size))
}

fn associated_data(record: &RecordId, recipient: &[u8; 32]) -> Vec<u8> {
	[ENVELOPE_DOMAIN, &record.0[..], &recipient[..]].concat()
}

type Kem = X25519HkdfSha256;

/// Wraps `key` for `recipient` (an X25519 public key, as registered on chain) as the data key of
/// `record`.
pub fn wrap(
	key: &DataKey,
	record: &RecordId,
	recipient: &[u8; 32],
) -> Result<Envelope, EnvelopeError> {
	let public = <Kem as hpke::Kem>::PublicKey::from_bytes(recipient)
		.map_err(|_| EnvelopeError::Malformed("recipient key"))?;
	let (encapped, sealed_key) = hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, Kem, _>(
		&OpModeS::Base,
		&public,
		ENVELOPE_DOMAIN,
		&key.0,
		&associated_data(record, recipient),
		&mut hpke::rand_core::UnwrapErr(hpke::rand_core::OsRng),
	)
	.map_err(|_| EnvelopeError::Malformed("recipient key"))?;
	Ok(Envelope {
		record: *record,
		recipient: *recipient,
		encapped_key: encapped.to_bytes().into(),
		sealed_key,
	})
}

/// Opens `envelope` as the data key of `record` with the recipient's secret key.
pub fn unwrap(
	envelope: &Envelope,
	record: &RecordId,
	secret: &AgreementSecret,
) -> Result<DataKey, EnvelopeError> {
	let recipient = secret.public();
	let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(&envelope.encapped_key)
		.map_err(|_| EnvelopeError::WrongEnvelope)?;
	let mut opened = hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, Kem>(
		&OpModeR::Base,
		&secret.0,
		&encapped,
		ENVELOPE_DOMAIN,
		&envelope.sealed_key,
		&associated_data(record, &recipient),
	)
	.map_err(|_| EnvelopeError::WrongEnvelope)?;
	let key = <[u8; 32]>::try_from(&opened[..]).map_err(|_| EnvelopeError::WrongEnvelope);
	opened.zeroize();
	Ok(DataKey(key?))
}

/// Re-wraps the data key of `record` from an envelope for `secret`'s holder to `recipient`: what a
/// custodian does for a permitted reader.
pub fn rewrap(
	envelope: &Envelope,
	record: &RecordId,
	secret: &AgreementSecret,
	recipient: &[u8; 32],
) -> Result<Envelope, EnvelopeError> {
	let key = unwrap(envelope, record, secret)?;
	wrap(&key, record, recipient)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::keys::Keys;

	const RECORD: RecordId = RecordId([7; 32]);

	#[test]
	fn a_record_round_trips_through_its_envelope() {
		let patient = Keys::generate();
		let body = b"Hb 13.5 g/dL".repeat(1000);
		let (blob, sealed) = seal(&body).unwrap();
		assert_eq!(
			(sealed.size, hash_stream(&blob[..]).unwrap()),
			(blob.len() as u64, (sealed.content_hash, blob.len() as u64))
		);
		let envelope = wrap(&sealed.key, &RECORD, &patient.agreement_public()).unwrap();
		let envelope = Envelope::from_bytes(&envelope.to_bytes()).unwrap();
		let key = unwrap(&envelope, &RECORD, patient.agreement()).unwrap();
		assert_eq!(open(&key, &blob).unwrap(), body);
		// Two seals of one body share nothing.
		let (again, _) = seal(&body).unwrap();
		assert_ne!(again, blob);
	}

	#[test]
	fn only_the_recipient_opens_an_envelope() {
		let (patient, stranger) = (Keys::generate(), Keys::generate());
		let (_, sealed) = seal(b"x").unwrap();
		let envelope = wrap(&sealed.key, &RECORD, &patient.agreement_public()).unwrap();
		assert!(matches!(
			unwrap(&envelope, &RECORD, stranger.agreement()),
			Err(EnvelopeError::WrongEnvelope)
		));
		// Claiming to be the recipient does not help: the secret is what opens it.
		let relabelled = Envelope { recipient: stranger.agreement_public(), ..envelope };
		assert!(unwrap(&relabelled, &RECORD, stranger.agreement()).is_err());
	}

	#[test]
	fn an_envelope_opens_only_as_its_own_records() {
		let patient = Keys::generate();
		let (_, sealed) = seal(b"x").unwrap();
		let envelope = wrap(&sealed.key, &RECORD, &patient.agreement_public()).unwrap();
		let other = RecordId([8; 32]);
		assert!(matches!(
			unwrap(&envelope, &other, patient.agreement()),
			Err(EnvelopeError::WrongEnvelope)
		));
		let swapped = Envelope { record: other, ..envelope };
		assert!(unwrap(&swapped, &other, patient.agreement()).is_err());
	}

	#[test]
	fn a_tampered_envelope_does_not_open() {
		let patient = Keys::generate();
		let (_, sealed) = seal(b"x").unwrap();
		let envelope = wrap(&sealed.key, &RECORD, &patient.agreement_public()).unwrap();
		for i in [0, 20, 47] {
			let mut bad = envelope.clone();
			bad.sealed_key[i] ^= 1;
			assert!(unwrap(&bad, &RECORD, patient.agreement()).is_err(), "byte {i}");
		}
		let mut bad = envelope.clone();
		bad.encapped_key[3] ^= 1;
		assert!(unwrap(&bad, &RECORD, patient.agreement()).is_err());
		assert!(Envelope::from_bytes(&envelope.to_bytes()[..40]).is_err());
	}

	#[test]
	fn a_tampered_truncated_or_extended_blob_does_not_open() {
		let body = vec![42u8; CHUNK * 2 + 10];
		let (blob, sealed) = seal(&body).unwrap();
		for i in [0, HEADER - 1, HEADER, HEADER + CHUNK + 5, blob.len() - 1] {
			let mut bad = blob.clone();
			bad[i] ^= 1;
			let error = open(&sealed.key, &bad).unwrap_err();
			assert!(
				matches!(error, EnvelopeError::Tampered | EnvelopeError::NotARecord),
				"byte {i}"
			);
		}
		// Dropping the last chunk, or cutting at a chunk boundary, is detected.
		let cut = HEADER + 2 * (CHUNK + TAG);
		assert!(matches!(open(&sealed.key, &blob[..cut]), Err(EnvelopeError::Tampered)));
		assert!(matches!(open(&sealed.key, &blob[..blob.len() - 1]), Err(EnvelopeError::Tampered)));
		let mut extended = blob.clone();
		extended.extend_from_slice(&[0; 17]);
		assert!(matches!(open(&sealed.key, &extended), Err(EnvelopeError::Tampered)));
		let (_, other) = seal(b"y").unwrap();
		assert!(matches!(open(&other.key, &blob), Err(EnvelopeError::Tampered)));
		assert!(matches!(open(&sealed.key, b"MCR"), Err(EnvelopeError::NotARecord)));
	}

	#[test]
	fn a_blob_opens_verified_only_if_it_is_the_anchored_one() {
		let (blob, sealed) = seal(b"lab result").unwrap();
		let mut body = Vec::new();
		let n = open_verified(&sealed.key, &blob[..], &mut body, &sealed.content_hash, sealed.size)
			.unwrap();
		assert_eq!((n, &body[..]), (10, &b"lab result"[..]));
		// Another blob under the same key would decrypt, but is not the anchored one.
		let other_hash = hash_stream(&b"x"[..]).unwrap().0;
		let result = open_verified(&sealed.key, &blob[..], Vec::new(), &other_hash, sealed.size);
		assert!(matches!(result, Err(EnvelopeError::NotAnchored)));
		let result = open_verified(
			&sealed.key,
			&blob[..],
			Vec::new(),
			&sealed.content_hash,
			sealed.size + 1,
		);
		assert!(matches!(result, Err(EnvelopeError::NotAnchored)));
	}

	#[test]
	fn empty_and_exact_chunk_bodies_round_trip() {
		for size in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK] {
			let body: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
			let (blob, sealed) = seal(&body).unwrap();
			assert_eq!(open(&sealed.key, &blob).unwrap(), body, "size {size}");
		}
	}

	/// A reader of `left` bytes that never holds them all: a 1 MiB (+ 7 bytes, so chunks never
	/// line up with it) pseudo-random table, repeated.
	struct Pattern {
		left: u64,
		table: Vec<u8>,
		at: usize,
	}

	impl Pattern {
		fn new(left: u64) -> Self {
			let mut state = 1u64;
			let table = (0..(1 << 20) + 7)
				.map(|_| {
					state =
						state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
					(state >> 56) as u8
				})
				.collect();
			Self { left, table, at: 0 }
		}
	}

	impl Read for Pattern {
		fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
			let n = buf.len().min(self.left as usize).min(self.table.len() - self.at);
			buf[..n].copy_from_slice(&self.table[self.at..self.at + n]);
			self.at = (self.at + n) % self.table.len();
			self.left -= n as u64;
			Ok(n)
		}
	}

	/// A writer that keeps only a hash of what it is given.
	#[derive(Default)]
	struct HashSink(Blake2b<U32>, u64);

	impl Write for HashSink {
		fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
			self.0.update(buf);
			self.1 += buf.len() as u64;
			Ok(buf.len())
		}
		fn flush(&mut self) -> io::Result<()> {
			Ok(())
		}
	}

	#[test]
	fn a_100_mib_body_is_sealed_and_opened_in_bounded_memory() {
		const SIZE: u64 = 100 * 1024 * 1024 + 12345;
		// Seal into a temporary file: the body is never in memory, only two chunks at a time.
		let mut file = tempfile::tempfile().unwrap();
		let sealed = seal_stream(Pattern::new(SIZE), &mut file).unwrap();
		use std::io::Seek;
		file.rewind().unwrap();
		assert_eq!(hash_stream(&mut file).unwrap(), (sealed.content_hash, sealed.size));
		file.rewind().unwrap();
		let mut opened = HashSink::default();
		assert_eq!(open_stream(&sealed.key, &mut file, &mut opened).unwrap(), SIZE);
		let mut expected = HashSink::default();
		io::copy(&mut Pattern::new(SIZE), &mut expected).unwrap();
		assert_eq!((opened.0.finalize(), opened.1), (expected.0.finalize(), expected.1));
	}
}
