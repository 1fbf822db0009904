//! A subject's keys, from one BIP-39 mnemonic, and the passphrase-encrypted key file that keeps
//! them.
//!
//! # Derivation
//!
//! - **Signing key (sr25519)**: exactly as Polkadot.js and `subkey` derive it from a mnemonic with
//!   no derivation path and no password: the BIP-39 entropy goes through PBKDF2-HMAC-SHA512 (2048
//!   rounds, salt `"mnemonic"`), and the first 32 bytes of the 64-byte seed are the sr25519 mini
//!   secret key. The same mnemonic is the same account in every wallet.
//! - **Key-agreement key (X25519)**: HPKE's `DeriveKeyPair` (RFC 9180 §7.1.3, for DHKEM(X25519,
//!   HKDF-SHA256)) over `"medchain:key-agreement:v1"` followed by the 64-byte seed. One-way: the
//!   X25519 key reveals nothing of the signing key, and it is recovered from the mnemonic alone.
//! - **Secret URIs** (`<mnemonic>//hard/soft`, or `//Alice` for the development mnemonic) are
//!   accepted too, as subkey accepts them: the signing key is derived along the path, and the
//!   path's junctions (a byte 1 for hard or 0 for soft, then the 32-byte chain code, each) follow
//!   the seed in the key-agreement derivation's input.
//!
//! # Key file
//!
//! JSON holding the public account and key-agreement key in clear, and the mnemonic encrypted
//! with XChaCha20-Poly1305 under a key stretched from the passphrase by Argon2id (m = 64 MiB,
//! t = 3, p = 1: the file guards the root secret against offline guessing, so well above OWASP's
//! login minimum; the parameters are stored in the file, and a file asking for more than 1 GiB or
//! 16 passes is refused). The public fields are the cipher's associated data, so a file whose
//! account was edited does not open.
//!
//! ```
//! use medchain_client::keys::{KeyFile, Keys};
//!
//! let keys = Keys::generate();
//! let file = KeyFile::seal(&keys, "correct horse battery staple")?;
//! let opened = KeyFile::from_json(&file.to_json())?.open("correct horse battery staple")?;
//! assert_eq!(opened.account(), keys.account());
//! assert!(file.open("wrong").is_err());
//! # Ok::<(), medchain_client::keys::KeyError>(())
//! ```

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	XChaCha20Poly1305, XNonce,
};
use hpke::{kem::X25519HkdfSha256, Deserializable, Kem as _, Serializable};
use rand::{rngs::OsRng, RngCore};
use serde::{Deserialize, Serialize};
use subxt_signer::{bip39::Mnemonic, sr25519::Keypair};
use zeroize::{Zeroize, Zeroizing};

/// The prefix of the key-agreement key's derivation input.
pub const KEY_AGREEMENT_DOMAIN: &[u8] = b"medchain:key-agreement:v1";

/// What can go wrong with keys and key files.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	/// The words are not a valid BIP-39 mnemonic.
	#[error("not a valid BIP-39 mnemonic: {0}")]
	BadMnemonic(String),
	/// The passphrase does not open the key file (or the file was altered).
	#[error("wrong passphrase, or the key file was altered")]
	WrongPassphrase,
	/// The key file is not a MedChain key file.
	#[error("not a MedChain key file: {0}")]
	BadKeyFile(String),
}

/// A subject's private X25519 key-agreement key: what data keys are wrapped for.
#[derive(Clone)]
pub struct AgreementSecret(pub(crate) <X25519HkdfSha256 as hpke::Kem>::PrivateKey);

impl AgreementSecret {
	/// The matching public key, as registered on chain.
	pub fn public(&self) -> [u8; 32] {
		let public = <X25519HkdfSha256 as hpke::Kem>::sk_to_pk(&self.0);
		public.to_bytes().into()
	}

	/// A key from its 32 secret bytes (as a gateway loads its custodian key).
	pub fn from_bytes(bytes: &[u8; 32]) -> Self {
		Self(
			<X25519HkdfSha256 as hpke::Kem>::PrivateKey::from_bytes(bytes)
				.expect("every 32-byte string is an X25519 private key"),
		)
	}
}

/// One subject's keys: the mnemonic they come from, the sr25519 signing key and the X25519
/// key-agreement key.
pub struct Keys {
	phrase: Zeroizing<String>,
	signer: Keypair,
	agreement: AgreementSecret,
}

impl Keys {
	/// Fresh keys from a new 12-word mnemonic (128 bits of entropy from the OS).
	pub fn generate() -> Self {
		let mut entropy = Zeroizing::new([0u8; 16]);
		OsRng.fill_bytes(&mut entropy[..]);
		let mnemonic =
			Mnemonic::from_entropy(&entropy[..]).expect("16 bytes is a valid entropy length");
		Self::from_mnemonic(&mnemonic)
	}

	/// The keys a mnemonic gives (or a secret URI: a mnemonic followed by a derivation path, or
	/// a path alone for the development mnemonic).
	pub fn from_phrase(phrase: &str) -> Result<Self, KeyError> {
		let text = phrase.trim();
		if let Some(start) = text.find('/') {
			return Self::from_uri(text, start);
		}
		let mnemonic = Mnemonic::parse(text).map_err(|e| KeyError::BadMnemonic(e.to_string()))?;
		Ok(Self::from_mnemonic(&mnemonic))
	}

	fn from_uri(text: &str, path_start: usize) -> Result<Self, KeyError> {
		use std::str::FromStr;
		let uri = subxt_signer::SecretUri::from_str(text)
			.map_err(|e| KeyError::BadMnemonic(e.to_string()))?;
		if uri.password.is_some() {
			return Err(KeyError::BadMnemonic("passwords in secret URIs are not supported".into()));
		}
		let signer = Keypair::from_uri(&uri).map_err(|e| KeyError::BadMnemonic(e.to_string()))?;
		let phrase = match text[..path_start].trim() {
			"" => subxt_signer::DEV_PHRASE,
			phrase => phrase,
		};
		let mnemonic = Mnemonic::parse(phrase).map_err(|e| KeyError::BadMnemonic(e.to_string()))?;
		// The parsed junctions, not the path's text: `//0` and `//00` are one path to subkey,
		// and must be one key-agreement key too.
		let junctions: Vec<u8> = uri
			.junctions
			.iter()
			.flat_map(|j| core::iter::once(u8::from(j.is_hard())).chain(j.inner().iter().copied()))
			.collect();
		Ok(Self {
			phrase: Zeroizing::new(text.to_owned()),
			signer,
			agreement: Self::agreement_from(&mnemonic, &junctions),
		})
	}

	fn agreement_from(mnemonic: &Mnemonic, junctions: &[u8]) -> AgreementSecret {
		let (entropy, len) = mnemonic.to_entropy_array();
		let entropy = Zeroizing::new(entropy);
		let seed = Zeroizing::new(
			substrate_bip39::seed_from_entropy(&entropy[..len], "")
				.expect("a parsed mnemonic's entropy has a valid length"),
		);
		let mut ikm = Zeroizing::new(KEY_AGREEMENT_DOMAIN.to_vec());
		ikm.extend_from_slice(&seed[..]);
		// Each junction: 1 if hard, 0 if soft, then its 32-byte chain code.
		ikm.extend_from_slice(junctions);
		let (secret, _) = X25519HkdfSha256::derive_keypair(&ikm);
		AgreementSecret(secret)
	}

	fn from_mnemonic(mnemonic: &Mnemonic) -> Self {
		let signer = Keypair::from_phrase(mnemonic, None).expect("a parsed mnemonic has a seed");
		Self {
			phrase: Zeroizing::new(mnemonic.to_string()),
			signer,
			agreement: Self::agreement_from(mnemonic, &[]),
		}
	}

	/// The mnemonic (or secret URI): the one secret to write down.
	pub fn phrase(&self) -> &str {
		&self.phrase
	}

	/// The sr25519 signing key, for transactions and signed gateway requests.
	pub fn signer(&self) -> &Keypair {
		&self.signer
	}

	/// The account (sr25519 public key).
	pub fn account(&self) -> subxt::utils::AccountId32 {
		self.signer.public_key().to_account_id()
	}

	/// The account in SS58 (generic Substrate prefix 42), as Polkadot.js shows it.
	pub fn ss58(&self) -> String {
		self.account().to_string()
	}

	/// The private key-agreement key.
	pub fn agreement(&self) -> &AgreementSecret {
		&self.agreement
	}

	/// The public key-agreement key, as registered on chain.
	pub fn agreement_public(&self) -> [u8; 32] {
		self.agreement.public()
	}
}

/// Argon2id parameters as a key file stores them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
	/// Always `argon2id`.
	pub algorithm: String,
	/// Memory, KiB.
	pub m_cost: u32,
	/// Passes.
	pub t_cost: u32,
	/// Lanes.
	pub p_cost: u32,
	/// Random salt, hex.
	pub salt: String,
}

/// A passphrase-encrypted key file. See the module documentation for its format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
	/// Format version: 1.
	pub version: u32,
	/// The account, SS58.
	pub account: String,
	/// The public key-agreement key, hex.
	pub key_agreement: String,
	/// How the passphrase is stretched.
	pub kdf: KdfParams,
	/// Always `xchacha20poly1305`.
	pub cipher: String,
	/// The cipher's nonce, hex.
	pub nonce: String,
	/// The encrypted mnemonic, hex.
	pub ciphertext: String,
}

impl KeyFile {
	/// Encrypts `keys` under `passphrase`.
	pub fn seal(keys: &Keys, passphrase: &str) -> Result<Self, KeyError> {
		let mut salt = [0u8; 16];
		OsRng.fill_bytes(&mut salt);
		let mut nonce = [0u8; 24];
		OsRng.fill_bytes(&mut nonce);
		let mut file = KeyFile {
			version: 1,
			account: keys.ss58(),
			key_agreement: hex::encode(keys.agreement_public()),
			kdf: KdfParams {
				algorithm: "argon2id".into(),
				m_cost: 64 * 1024,
				t_cost: 3,
				p_cost: 1,
				salt: hex::encode(salt),
			},
			cipher: "xchacha20poly1305".into(),
			nonce: hex::encode(nonce),
			ciphertext: String::new(),
		};
		let key = file.stretch(passphrase)?;
		let cipher = XChaCha20Poly1305::new((&*key).into());
		let sealed = cipher
			.encrypt(
				XNonce::from_slice(&nonce),
				Payload { msg: keys.phrase().as_bytes(), aad: &file.associated_data() },
			)
			.map_err(|_| KeyError::BadKeyFile("encryption failed".into()))?;
		file.ciphertext = hex::encode(sealed);
		Ok(file)
	}

	/// Decrypts the keys with `passphrase`.
	pub fn open(&self, passphrase: &str) -> Result<Keys, KeyError> {
		if self.version != 1 || self.cipher != "xchacha20poly1305" {
			return Err(KeyError::BadKeyFile(format!(
				"unsupported version {} or cipher {}",
				self.version, self.cipher
			)));
		}
		let nonce = decode_hex(&self.nonce, "nonce")?;
		if nonce.len() != 24 {
			return Err(KeyError::BadKeyFile("nonce is not 24 bytes".into()));
		}
		let sealed = decode_hex(&self.ciphertext, "ciphertext")?;
		let key = self.stretch(passphrase)?;
		let cipher = XChaCha20Poly1305::new((&*key).into());
		let phrase = Zeroizing::new(
			cipher
				.decrypt(
					XNonce::from_slice(&nonce),
					Payload { msg: &sealed, aad: &self.associated_data() },
				)
				.map_err(|_| KeyError::WrongPassphrase)?,
		);
		let phrase = std::str::from_utf8(&phrase).map_err(|_| KeyError::WrongPassphrase)?;
		let keys = Keys::from_phrase(phrase)?;
		if keys.ss58() != self.account {
			return Err(KeyError::BadKeyFile("the account does not match the mnemonic".into()));
		}
		Ok(keys)
	}

	/// The file as pretty JSON.
	pub fn to_json(&self) -> String {
		serde_json::to_string_pretty(self).expect("a key file serializes")
	}

	/// A file from its JSON.
	pub fn from_json(json: &str) -> Result<Self, KeyError> {
		serde_json::from_str(json).map_err(|e| KeyError::BadKeyFile(e.to_string()))
	}

	fn associated_data(&self) -> Vec<u8> {
		format!("medchain:key-file:v{}:{}:{}", self.version, self.account, self.key_agreement)
			.into_bytes()
	}

	fn stretch(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
		if self.kdf.algorithm != "argon2id" {
			return Err(KeyError::BadKeyFile(format!("unsupported KDF {}", self.kdf.algorithm)));
		}
		// A crafted file must not make opening it exhaust memory or time.
		if self.kdf.m_cost > 1024 * 1024 || self.kdf.t_cost > 16 || self.kdf.p_cost > 8 {
			return Err(KeyError::BadKeyFile(
				"KDF parameters beyond 1 GiB, 16 passes or 8 lanes".into(),
			));
		}
		let salt = decode_hex(&self.kdf.salt, "salt")?;
		let params = Params::new(self.kdf.m_cost, self.kdf.t_cost, self.kdf.p_cost, Some(32))
			.map_err(|e| KeyError::BadKeyFile(format!("KDF parameters: {e}")))?;
		let mut key = Zeroizing::new([0u8; 32]);
		Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
			.hash_password_into(passphrase.as_bytes(), &salt, &mut key[..])
			.map_err(|e| KeyError::BadKeyFile(format!("KDF: {e}")))?;
		Ok(key)
	}
}

fn decode_hex(text: &str, what: &str) -> Result<Vec<u8>, KeyError> {
	hex::decode(text.trim_start_matches("0x"))
		.map_err(|e| KeyError::BadKeyFile(format!("{what}: {e}")))
}

impl Drop for Keys {
	fn drop(&mut self) {
		self.phrase.zeroize();
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Polkadot.js's and subkey's well-known development mnemonic.
	const DEV_PHRASE: &str =
		"bottom drive obey lake curtain smoke basket hold race lonely fit walk";

	#[test]
	fn the_mnemonic_gives_the_same_account_as_polkadot_js_and_subkey() {
		let keys = Keys::from_phrase(DEV_PHRASE).unwrap();
		// `subkey inspect "bottom drive … walk"` (no derivation path): the public key below.
		assert_eq!(
			hex::encode(keys.account().0),
			"46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a"
		);
		assert_eq!(keys.ss58(), "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV");
	}

	#[test]
	fn the_key_agreement_key_is_recovered_from_the_mnemonic_alone() {
		let keys = Keys::generate();
		let again = Keys::from_phrase(keys.phrase()).unwrap();
		assert_eq!(again.agreement_public(), keys.agreement_public());
		assert_eq!(again.account(), keys.account());
		assert_ne!(Keys::generate().agreement_public(), keys.agreement_public());
		// Not the signing key's bytes.
		assert_ne!(keys.agreement_public(), keys.account().0);
	}

	#[test]
	fn a_secret_uri_gives_the_same_account_as_subkey() {
		let alice = Keys::from_phrase("//Alice").unwrap();
		// `subkey inspect //Alice`: the dev chain's Alice.
		assert_eq!(alice.ss58(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
		let explicit = Keys::from_phrase(&format!("{DEV_PHRASE}//Alice")).unwrap();
		assert_eq!(explicit.account(), alice.account());
		assert_eq!(explicit.agreement_public(), alice.agreement_public());
		// One path, two spellings: one key.
		let zero = Keys::from_phrase("//0").unwrap();
		let zero_zero = Keys::from_phrase("//00").unwrap();
		assert_eq!(zero.account(), zero_zero.account());
		assert_eq!(zero.agreement_public(), zero_zero.agreement_public());
		let bob = Keys::from_phrase("//Bob").unwrap();
		assert_ne!(bob.agreement_public(), alice.agreement_public());
		let root = Keys::from_phrase(DEV_PHRASE).unwrap();
		assert_ne!(root.agreement_public(), alice.agreement_public());
		// The key file keeps the URI, and gives back the same keys.
		let file = KeyFile::seal(&alice, "p").unwrap();
		assert_eq!(file.open("p").unwrap().account(), alice.account());
	}

	#[test]
	fn the_signing_key_is_sp_cores() {
		use sp_core::{crypto::Pair as _, sr25519};
		for secret in [DEV_PHRASE, "//Alice"] {
			let keys = Keys::from_phrase(secret).unwrap();
			let pair = sr25519::Pair::from_string(secret, None).unwrap();
			assert_eq!(keys.account().0, pair.public().0, "{secret}");
		}
	}

	#[test]
	fn a_bad_mnemonic_is_refused() {
		assert!(matches!(Keys::from_phrase("not a mnemonic"), Err(KeyError::BadMnemonic(_))));
		// Valid words, wrong checksum.
		let bad = "bottom drive obey lake curtain smoke basket hold race lonely fit fit";
		assert!(matches!(Keys::from_phrase(bad), Err(KeyError::BadMnemonic(_))));
	}

	#[test]
	fn a_key_file_opens_with_its_passphrase_only() {
		let keys = Keys::generate();
		let file = KeyFile::seal(&keys, "pass phrase").unwrap();
		assert!(!file.to_json().contains(keys.phrase()));
		let opened = KeyFile::from_json(&file.to_json()).unwrap().open("pass phrase").unwrap();
		assert_eq!(opened.phrase(), keys.phrase());
		assert!(matches!(file.open("pass phrasE"), Err(KeyError::WrongPassphrase)));
	}

	#[test]
	fn an_edited_key_file_does_not_open() {
		let keys = Keys::generate();
		let file = KeyFile::seal(&keys, "p").unwrap();
		let edited = KeyFile { account: Keys::generate().ss58(), ..file.clone() };
		assert!(matches!(edited.open("p"), Err(KeyError::WrongPassphrase)));
		let mut ciphertext = hex::decode(&file.ciphertext).unwrap();
		ciphertext[0] ^= 1;
		let edited = KeyFile { ciphertext: hex::encode(ciphertext), ..file.clone() };
		assert!(matches!(edited.open("p"), Err(KeyError::WrongPassphrase)));
		assert!(matches!(KeyFile::from_json("{}"), Err(KeyError::BadKeyFile(_))));
		let mut greedy = file.clone();
		greedy.kdf.m_cost = 4 * 1024 * 1024;
		assert!(matches!(greedy.open("p"), Err(KeyError::BadKeyFile(_))));
	}
}
