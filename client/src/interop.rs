//! Cross-checks with the JavaScript package (`js/`, `@medchain/api`): what JavaScript made, Rust
//! opens, and what Rust made, JavaScript opens (`js/test/interop.test.js`).
//!
//! `js/test/vectors/from-js.json` is written by `node js/scripts/make-vectors.mjs`;
//! `js/test/vectors/from-rust.json` by `MEDCHAIN_WRITE_VECTORS=1 cargo test --workspace
//! interop`. Regenerate both after changing a format, and commit them.

use base64::{engine::general_purpose::STANDARD, Engine};
use medchain_primitives::{consent::RecordId, Hash};
use serde_json::{json, Value};

use crate::{
	commitment::Commitment,
	envelope::{self, Envelope},
	httpsig,
	keys::Keys,
};

const FROM_JS: &str = include_str!("../../js/test/vectors/from-js.json");
const URIS: [&str; 4] = [
	"//Alice",
	"//Bob",
	"//Alice//medchain/0",
	"bottom drive obey lake curtain smoke basket hold race lonely fit walk//3",
];

fn bytes32(value: &Value) -> [u8; 32] {
	hex::decode(value.as_str().unwrap().trim_start_matches("0x"))
		.unwrap()
		.try_into()
		.unwrap()
}

#[test]
fn keys_derived_in_javascript_are_the_rust_clients() {
	let vectors: Value = serde_json::from_str(FROM_JS).unwrap();
	let keys = vectors["keys"].as_array().unwrap();
	assert_eq!(keys.len(), URIS.len());
	for entry in keys {
		let ours = Keys::from_phrase(entry["uri"].as_str().unwrap()).unwrap();
		assert_eq!(ours.ss58(), entry["account"], "{}", entry["uri"]);
		assert_eq!(ours.agreement_public(), bytes32(&entry["agreement"]), "{}", entry["uri"]);
	}
}

#[test]
fn an_envelope_and_blob_sealed_in_javascript_open_in_rust() {
	let vectors: Value = serde_json::from_str(FROM_JS).unwrap();
	let v = &vectors["envelope"];
	let bob = Keys::from_phrase(v["recipient"].as_str().unwrap()).unwrap();
	let record = RecordId(bytes32(&v["record"]));
	let sealed =
		Envelope::from_bytes(&STANDARD.decode(v["envelope"].as_str().unwrap()).unwrap()).unwrap();
	let key = envelope::unwrap(&sealed, &record, bob.agreement()).unwrap();
	let blob = STANDARD.decode(v["blob"].as_str().unwrap()).unwrap();
	let mut body = Vec::new();
	envelope::open_verified(
		&key,
		&blob[..],
		&mut body,
		&Hash::from(bytes32(&v["content_hash"])),
		v["size"].as_u64().unwrap(),
	)
	.unwrap();
	assert_eq!(body, v["body"].as_str().unwrap().as_bytes());
	// Bound to its record, as Rust's own envelopes are.
	assert!(envelope::unwrap(&sealed, &RecordId([8; 32]), bob.agreement()).is_err());
	let alice = Keys::from_phrase("//Alice").unwrap();
	assert!(envelope::unwrap(&sealed, &record, alice.agreement()).is_err());
}

#[test]
fn a_request_signed_in_javascript_verifies_in_rust() {
	let vectors: Value = serde_json::from_str(FROM_JS).unwrap();
	let r = &vectors["request"];
	let url = r["url"].as_str().unwrap();
	let (path, query) = url.trim_start_matches("http://127.0.0.1:8480").split_once('?').unwrap();
	let headers = &r["headers"];
	let field = |name: &str| headers[name].as_str().map(str::to_owned);
	let signed = httpsig::verify(
		"GET",
		path,
		query,
		headers["signature-input"].as_str().unwrap(),
		headers["signature"].as_str().unwrap(),
		field,
	)
	.unwrap();
	assert_eq!(signed.account, Keys::from_phrase("//Alice").unwrap().account().0);
	assert!(
		httpsig::check_digest(headers["content-digest"].as_str().unwrap(), &sha256(b"")).is_ok()
	);
	// One byte of the path changed: refused.
	assert!(httpsig::verify(
		"GET",
		"/records/0x02",
		query,
		headers["signature-input"].as_str().unwrap(),
		headers["signature"].as_str().unwrap(),
		|name| headers[name].as_str().map(str::to_owned),
	)
	.is_err());
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
	use sha2::Digest;
	sha2::Sha256::digest(bytes).into()
}

#[test]
fn a_commitment_made_in_javascript_opens_in_rust() {
	let vectors: Value = serde_json::from_str(FROM_JS).unwrap();
	let c = &vectors["commitment"];
	let document = c["document"].as_str().unwrap().as_bytes();
	assert!(Commitment::opens(&Hash::from(bytes32(&c["hash"])), bytes32(&c["salt"]), document));
	assert!(!Commitment::opens(&Hash::from(bytes32(&c["hash"])), [0; 32], document));
}

/// With `MEDCHAIN_WRITE_VECTORS=1`, writes `js/test/vectors/from-rust.json` for the JavaScript
/// side; always checks that the committed file still opens here.
#[test]
fn vectors_for_javascript() {
	let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../js/test/vectors/from-rust.json");
	if std::env::var_os("MEDCHAIN_WRITE_VECTORS").is_some() {
		let keys: Vec<Value> = URIS
			.iter()
			.map(|uri| {
				let k = Keys::from_phrase(uri).unwrap();
				json!({ "uri": uri, "account": k.ss58(), "agreement": format!("0x{}", hex::encode(k.agreement_public())) })
			})
			.collect();
		let bob = Keys::from_phrase("//Bob").unwrap();
		let body = format!("Hb 13.5 g/dL; sealed in Rust. {}", "y".repeat(envelope::CHUNK + 10));
		let (blob, sealed) = envelope::seal(body.as_bytes()).unwrap();
		let record = RecordId([9; 32]);
		let wrapped = envelope::wrap(&sealed.key, &record, &bob.agreement_public()).unwrap();
		let alice = Keys::from_phrase("//Alice").unwrap();
		let digest = httpsig::content_digest(b"");
		let headers = httpsig::sign(
			alice.signer(),
			"GET",
			"/records/0x01",
			"purpose=TREAT",
			&[("content-digest", &digest)],
			1_700_000_000,
			"bm9uY2U",
		);
		let commitment = Commitment::new(b"licence 123");
		let vectors = json!({
			"keys": keys,
			"envelope": {
				"recipient": "//Bob",
				"record": format!("0x{}", hex::encode(record.0)),
				"envelope": STANDARD.encode(wrapped.to_bytes()),
				"blob": STANDARD.encode(&blob),
				"content_hash": format!("{:?}", sealed.content_hash),
				"size": sealed.size,
				"body": body,
			},
			"request": {
				"method": "GET",
				"url": "http://127.0.0.1:8480/records/0x01?purpose=TREAT",
				"account": alice.ss58(),
				"headers": {
					"content-digest": digest,
					"signature-input": headers.signature_input,
					"signature": headers.signature,
				},
			},
			"commitment": {
				"salt": format!("0x{}", hex::encode(commitment.salt)),
				"document": "licence 123",
				"hash": format!("{:?}", commitment.hash),
			},
		});
		std::fs::write(path, serde_json::to_string_pretty(&vectors).unwrap() + "\n").unwrap();
	}
	let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
	let v = &vectors["envelope"];
	let bob = Keys::from_phrase("//Bob").unwrap();
	let sealed =
		Envelope::from_bytes(&STANDARD.decode(v["envelope"].as_str().unwrap()).unwrap()).unwrap();
	let key = envelope::unwrap(&sealed, &RecordId(bytes32(&v["record"])), bob.agreement()).unwrap();
	let blob = STANDARD.decode(v["blob"].as_str().unwrap()).unwrap();
	assert_eq!(envelope::open(&key, &blob).unwrap(), v["body"].as_str().unwrap().as_bytes());
}
