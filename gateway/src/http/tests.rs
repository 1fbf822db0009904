//! The HTTP API as served ([`router`]), against a chain answered from a table ([`Ledger`]) and a
//! store in a temporary directory: no node.

use std::{
	collections::HashMap,
	io::Write as _,
	sync::{atomic::AtomicBool, Arc},
};

use axum::{
	body::Body,
	http::{header, HeaderMap, Method, Request, StatusCode},
	Router,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use blake2::{digest::consts::U32, Blake2b, Digest as _};
use futures::future::BoxFuture;
use medchain_client::{
	chain::{ChainError, H256},
	envelope::{self, DataKey, Envelope},
	fhir,
	gateway::{DENY_REASON_HEADER, ENVELOPE_HEADER},
	httpsig,
	keys::Keys,
};
use medchain_primitives::{
	audit::AuditEntry,
	consent::{
		AccessDecision, ConsentId, ConsentRecord, DataClass, DenyReason, PermitBasis, PurposeOfUse,
		RecordId,
	},
	identity::{IdentityDocument, SubjectId, SubjectKind, SubjectStatus},
	records::{RecordAnchor, RecordStatus},
	AccountId, Hash,
};
use serde_json::{json, Value};
use tower::ServiceExt as _;

use super::{error::FHIR_JSON, router, Gateway};
use crate::{
	audit::{journal::Journal, now_ms, AuditQueue, AuditState, Limits},
	auth::Replay,
	chain::{ChainView, Document, Page, PageError},
	config::Config,
	metrics::Metrics,
	store::{Held, Store},
};

const READER: SubjectId = SubjectId([1; 32]);
const PATIENT: SubjectId = SubjectId([2; 32]);
const HOSPITAL: SubjectId = SubjectId([3; 32]);
const GATEWAY: SubjectId = SubjectId([4; 32]);
const CLINIC: SubjectId = SubjectId([5; 32]);
const RECORD: RecordId = RecordId([9; 32]);
/// Anchored with the HOSPITAL as custodian, its content never uploaded.
const UNSENT: RecordId = RecordId([10; 32]);
/// Anchored with the CLINIC, another organization, as custodian.
const ELSEWHERE: RecordId = RecordId([11; 32]);
/// The data key the record's ciphertext is sealed with.
const DATA_KEY: [u8; 32] = [7; 32];

/// A chain answered from tables, at a block finalized when the test began.
struct Ledger {
	time: u64,
	subjects: HashMap<[u8; 32], SubjectId>,
	documents: HashMap<SubjectId, Document>,
	anchors: HashMap<[u8; 32], RecordAnchor>,
	decision: AccessDecision,
}

impl ChainView for Ledger {
	fn block(&self) -> H256 {
		H256::repeat_byte(1)
	}

	fn block_time(&self) -> u64 {
		self.time
	}

	fn genesis(&self) -> H256 {
		H256::repeat_byte(2)
	}

	fn subject_of(
		&self,
		account: [u8; 32],
	) -> BoxFuture<'_, Result<Option<SubjectId>, ChainError>> {
		Box::pin(std::future::ready(Ok(self.subjects.get(&account).copied())))
	}

	fn identity(&self, subject: SubjectId) -> BoxFuture<'_, Result<Option<Document>, ChainError>> {
		Box::pin(std::future::ready(Ok(self.documents.get(&subject).cloned())))
	}

	fn anchor(&self, record: RecordId) -> BoxFuture<'_, Result<Option<RecordAnchor>, ChainError>> {
		Box::pin(std::future::ready(Ok(self.anchors.get(&record.0).copied())))
	}

	fn may_read(
		&self,
		_: SubjectId,
		_: SubjectId,
		_: RecordId,
		_: PurposeOfUse,
	) -> BoxFuture<'_, Result<(AccessDecision, u64), ChainError>> {
		Box::pin(std::future::ready(Ok((self.decision, self.time))))
	}

	fn trail_page(
		&self,
		_: SubjectId,
		_: Option<u64>,
		_: u32,
	) -> BoxFuture<'_, Result<Page<AuditEntry>, PageError>> {
		Box::pin(std::future::ready(Ok(Page { items: Vec::new(), next: None })))
	}

	fn consents_of_patient(
		&self,
		_: SubjectId,
		_: Option<u32>,
		_: u32,
	) -> BoxFuture<'_, Result<Page<ConsentRecord>, PageError>> {
		Box::pin(std::future::ready(Ok(Page { items: Vec::new(), next: None })))
	}
}

/// An active subject's identity document, with the keys' account and X25519 key.
fn document(id: SubjectId, kind: SubjectKind, keys: &Keys) -> Document {
	IdentityDocument {
		id,
		kind,
		status: SubjectStatus::Active,
		controller: AccountId::from(keys.account().0),
		key_agreement: keys.agreement_public(),
		profile_hash: Hash::zero(),
		organization: None,
		registered_at: 1,
		attestations: Vec::new(),
		is_practitioner: kind == SubjectKind::Practitioner,
		guardians: Vec::new(),
	}
}

/// A gateway of the HOSPITAL holding RECORD of the PATIENT, authored by the READER (a
/// practitioner), whose reads the chain decides as `decision` says. UNSENT and ELSEWHERE are
/// anchored too, and not held.
struct Fixture {
	router: Router,
	journal: Journal,
	reader: Keys,
	blob: Vec<u8>,
	_dir: tempfile::TempDir,
}

impl Fixture {
	/// The gateway, configured as `configure` says from the defaults. Must run in a runtime
	/// (the audit writer is a task).
	fn new(decision: AccessDecision, configure: impl FnOnce(&mut Config)) -> Self {
		let dir = tempfile::tempdir().unwrap();
		let mut config = Config::default();
		configure(&mut config);
		let keys = Keys::from_phrase("//Gateway").unwrap();
		let reader = Keys::from_phrase("//Reader").unwrap();
		let patient = Keys::from_phrase("//Patient").unwrap();

		let store = Store::open(dir.path()).unwrap();
		let blob = b"the sealed ciphertext of a lab result".to_vec();
		let content_hash: [u8; 32] = Blake2b::<U32>::digest(&blob).into();
		let custodian_key =
			envelope::wrap(&DataKey(DATA_KEY), &RECORD, &keys.agreement_public()).unwrap();
		let mut pending = store.blobs().begin().unwrap();
		pending.file().write_all(&blob).unwrap();
		let held = Held {
			content_hash,
			size: blob.len() as u64,
			envelopes: vec![custodian_key.to_bytes()],
			stored_at: 0,
		};
		assert!(store.keep(&RECORD, pending, &held).unwrap());

		let anchor = RecordAnchor {
			id: RECORD,
			patient: PATIENT,
			author: READER,
			custodian: HOSPITAL,
			class: DataClass::Labs,
			content_hash: Hash::from(content_hash),
			size: blob.len() as u64,
			created: 0,
			predecessor: None,
			version: 1,
			status: RecordStatus::Active,
			index: 0,
		};
		let ledger = Ledger {
			time: now_ms(),
			subjects: HashMap::from([(reader.account().0, READER)]),
			documents: HashMap::from([
				(READER, document(READER, SubjectKind::Practitioner, &reader)),
				(PATIENT, document(PATIENT, SubjectKind::Patient, &patient)),
			]),
			anchors: HashMap::from([
				(RECORD.0, anchor),
				(UNSENT.0, RecordAnchor { id: UNSENT, ..anchor }),
				(ELSEWHERE.0, RecordAnchor { id: ELSEWHERE, custodian: CLINIC, ..anchor }),
			]),
			decision,
		};

		let suspended = Arc::new(AtomicBool::new(false));
		let limits = Limits { max_lag_ms: 30_000, max_waiting: 1_000 };
		let state = Arc::new(AuditState::new(limits, suspended.clone()));
		let (audit, journal, _) = AuditQueue::open(&store, state).unwrap();
		let gateway = Gateway {
			replay: Replay::new(0, config.freshness_seconds),
			limiter: Gateway::limiter(&config),
			config,
			store,
			view: Arc::new(ledger),
			audit,
			metrics: Arc::new(Metrics::new()),
			keys: Arc::new(keys),
			me: GATEWAY,
			organization: HOSPITAL,
			suspended,
			uploading: Default::default(),
		};
		Self { router: router(Arc::new(gateway)), journal, reader, blob, _dir: dir }
	}

	/// The answer to `request`, its body read whole.
	async fn answer(&self, request: Request<Body>) -> Answer {
		let response = self.router.clone().oneshot(request).await.unwrap();
		let status = response.status();
		let headers = response.headers().clone();
		let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
		Answer { status, headers, body }
	}

	/// The served OpenAPI document.
	async fn document(&self) -> Value {
		let answer = self.answer(unsigned(Method::GET, "/openapi.json")).await;
		assert_eq!(answer.status, StatusCode::OK);
		answer.json()
	}
}

/// An answer, read whole.
struct Answer {
	status: StatusCode,
	headers: HeaderMap,
	body: Vec<u8>,
}

impl Answer {
	fn json(&self) -> Value {
		serde_json::from_slice(&self.body).expect("a JSON body")
	}

	/// The answer's OperationOutcome, checked to be one, with the FHIR content type.
	fn outcome(&self) -> Value {
		assert_eq!(self.headers[header::CONTENT_TYPE], FHIR_JSON, "{}", self.status);
		let outcome = self.json();
		assert_eq!(outcome["resourceType"], "OperationOutcome", "{outcome}");
		outcome
	}

	/// The OperationOutcome's diagnostics.
	fn diagnostics(&self) -> String {
		self.outcome()["issue"][0]["diagnostics"]
			.as_str()
			.expect("diagnostics")
			.to_owned()
	}
}

fn permit() -> AccessDecision {
	AccessDecision::Permit(PermitBasis::Consent(ConsentId(5)))
}

/// `/records/0x…` of RECORD, then `rest`.
fn record_path(rest: &str) -> String {
	format!("/records/0x{}{rest}", hex::encode(RECORD.0))
}

/// `/records/0x…` of `record`.
fn path_of(record: RecordId) -> String {
	format!("/records/0x{}", hex::encode(record.0))
}

fn unsigned(method: Method, uri: &str) -> Request<Body> {
	Request::builder().method(method).uri(uri).body(Body::empty()).unwrap()
}

/// A request signed by `keys` (RFC 9421): the `Content-Digest` of `body` and `fields` covered,
/// and sent.
fn signed(
	keys: &Keys,
	method: Method,
	uri: &str,
	body: &[u8],
	fields: &[(&str, &str)],
) -> Request<Body> {
	let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
	let digest = httpsig::content_digest(body);
	let mut covered = vec![("content-digest", digest.as_str())];
	covered.extend_from_slice(fields);
	let signature = httpsig::sign(
		keys.signer(),
		method.as_str(),
		path,
		query,
		&covered,
		now_ms() / 1000,
		&httpsig::nonce(),
	);
	let mut request = Request::builder()
		.method(method)
		.uri(uri)
		.header("signature-input", signature.signature_input)
		.header("signature", signature.signature);
	for (name, value) in covered {
		request = request.header(name, value);
	}
	request.body(Body::from(body.to_vec())).unwrap()
}

#[tokio::test]
async fn a_read_the_chain_permits_is_served_with_the_key_rewrapped_and_is_on_the_trail() {
	let fixture = Fixture::new(permit(), |_| {});
	let request = signed(&fixture.reader, Method::GET, &record_path("?purpose=TREAT"), b"", &[]);

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::OK);
	assert_eq!(answer.body, fixture.blob);
	let sealed = STANDARD.decode(&answer.headers[ENVELOPE_HEADER]).unwrap();
	let envelope = Envelope::from_bytes(&sealed).unwrap();
	let key = envelope::unwrap(&envelope, &RECORD, fixture.reader.agreement()).unwrap();
	assert_eq!(key.0, DATA_KEY, "the data key, wrapped for the reader's registered key");
	let waiting = fixture.journal.waiting().unwrap();
	assert_eq!((waiting.reads, waiting.denials), (1, 0), "the read is on the trail");
	let metrics = fixture.answer(unsigned(Method::GET, "/metrics")).await;
	let metrics = String::from_utf8(metrics.body).unwrap();
	assert!(metrics.contains(r#"route="GET /records/{id}",status="200""#), "{metrics}");
}

#[tokio::test]
async fn the_client_streams_a_read_into_its_file_and_hears_the_bytes_written_so_far() {
	let fixture = Fixture::new(permit(), |_| {});
	let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
	let url = format!("http://{}", listener.local_addr().unwrap());
	let router = fixture.router.clone();
	tokio::spawn(async move { axum::serve(listener, router).await });
	let client = medchain_client::gateway::Gateway::new(&url, None).unwrap();
	let dir = tempfile::tempdir().unwrap();
	let out = dir.path().join("ciphertext");
	let mut heard = Vec::new();

	let envelope = client
		.get(&fixture.reader, &RECORD, PurposeOfUse::Treat, &out, |bytes| heard.push(bytes))
		.await
		.unwrap();

	assert_eq!(std::fs::read(&out).unwrap(), fixture.blob);
	assert_eq!(heard.last(), Some(&(fixture.blob.len() as u64)), "the whole body: {heard:?}");
	assert!(heard.windows(2).all(|w| w[0] < w[1]), "a running total: {heard:?}");
	let key = envelope::unwrap(&envelope, &RECORD, fixture.reader.agreement()).unwrap();
	assert_eq!(key.0, DATA_KEY);
}

#[tokio::test]
async fn a_read_the_chain_denies_is_refused_with_the_reason_and_is_on_the_trail() {
	let fixture = Fixture::new(AccessDecision::Deny(DenyReason::NoConsent), |_| {});
	let request = signed(&fixture.reader, Method::GET, &record_path(""), b"", &[]);

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::FORBIDDEN);
	assert_eq!(answer.headers[DENY_REASON_HEADER], "no-consent");
	let outcome = answer.outcome();
	assert_eq!(outcome["issue"][0]["code"], "forbidden");
	assert_eq!(outcome["issue"][0]["details"]["coding"][0]["code"], "no-consent");
	let waiting = fixture.journal.waiting().unwrap();
	assert_eq!((waiting.reads, waiting.denials), (0, 1), "the denial is on the trail");
}

#[tokio::test]
async fn a_read_of_a_record_anchored_here_but_never_uploaded_says_who_can_upload_it() {
	let fixture = Fixture::new(permit(), |_| {});
	let request = signed(&fixture.reader, Method::GET, &path_of(UNSENT), b"", &[]);

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::NOT_FOUND);
	assert_eq!(answer.outcome()["issue"][0]["code"], "not-found");
	let unsent = format!("0x{}", hex::encode(UNSENT.0));
	assert_eq!(
		answer.diagnostics(),
		format!(
			"record {unsent} is anchored but its content was never uploaded here: its author or patient can upload it with `medchain record upload {unsent}`, from the files written when it was anchored (--dir, medchain-records by default)"
		)
	);
	assert_eq!(fixture.journal.waiting().unwrap().reads, 0, "nothing was read");
}

#[tokio::test]
async fn a_read_of_another_organizations_record_names_its_custodian() {
	let fixture = Fixture::new(permit(), |_| {});
	let request = signed(&fixture.reader, Method::GET, &path_of(ELSEWHERE), b"", &[]);

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::NOT_FOUND);
	assert_eq!(
		answer.diagnostics(),
		format!(
			"record 0x{} is not held here; its custodian is {}",
			hex::encode(ELSEWHERE.0),
			CLINIC.to_did()
		)
	);
	assert_eq!(fixture.journal.waiting().unwrap().reads, 0, "nothing was read");
}

#[tokio::test]
async fn an_unsigned_request_is_refused_and_leaves_no_trail() {
	let fixture = Fixture::new(permit(), |_| {});

	let answer = fixture.answer(unsigned(Method::GET, &record_path(""))).await;

	assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
	assert!(answer.diagnostics().contains("not signed"), "{}", answer.diagnostics());
	assert_eq!(fixture.journal.waiting().unwrap().reads, 0);
}

#[tokio::test]
async fn a_malformed_signature_header_is_refused_with_an_operation_outcome() {
	let fixture = Fixture::new(permit(), |_| {});
	let request = Request::builder()
		.uri(record_path(""))
		.header("content-digest", httpsig::content_digest(b""))
		.header("signature-input", "medchain=(((")
		.header("signature", "medchain=:AAAA:")
		.body(Body::empty())
		.unwrap();

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
	assert!(answer.diagnostics().contains("bad signature"), "{}", answer.diagnostics());
}

#[tokio::test]
async fn a_malformed_content_length_is_refused_with_an_operation_outcome() {
	let fixture = Fixture::new(permit(), |_| {});
	let request = Request::builder()
		.method(Method::PUT)
		.uri(record_path(""))
		.header(header::CONTENT_LENGTH, "ten")
		.body(Body::from("0123456789"))
		.unwrap();

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::BAD_REQUEST);
	assert!(answer.diagnostics().contains("Content-Length `ten`"), "{}", answer.diagnostics());
}

#[tokio::test]
async fn an_oversize_upload_is_refused_before_its_body_is_read() {
	let fixture = Fixture::new(permit(), |config| config.max_record_bytes = 16);
	let body = [0u8; 64];
	let mut request = signed(&fixture.reader, Method::PUT, &record_path(""), &body, &[]);
	request.headers_mut().insert(header::CONTENT_LENGTH, body.len().into());

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
	assert_eq!(answer.outcome()["issue"][0]["code"], "too-costly");
	assert!(
		answer.diagnostics().contains("64 bytes is over this gateway's limit of 16"),
		"{}",
		answer.diagnostics()
	);
}

#[tokio::test]
async fn a_query_the_extractor_refuses_is_an_operation_outcome() {
	let fixture = Fixture::new(permit(), |_| {});
	let uri = record_path("?purpose=TREAT&purpose=ETREAT");
	let request = signed(&fixture.reader, Method::GET, &uri, b"", &[]);

	let answer = fixture.answer(request).await;

	assert_eq!(answer.status, StatusCode::BAD_REQUEST);
	assert!(answer.diagnostics().contains("purpose"), "{}", answer.diagnostics());
	assert_eq!(fixture.journal.waiting().unwrap().reads, 0);
}

#[tokio::test]
async fn an_unknown_route_and_a_wrong_method_are_operation_outcomes() {
	let fixture = Fixture::new(permit(), |_| {});

	let unknown = fixture.answer(unsigned(Method::GET, "/fhir/Patient")).await;
	let wrong = fixture.answer(unsigned(Method::DELETE, &record_path(""))).await;

	assert_eq!(unknown.status, StatusCode::NOT_FOUND);
	assert_eq!(unknown.outcome()["issue"][0]["code"], "not-found");
	assert_eq!(wrong.status, StatusCode::METHOD_NOT_ALLOWED);
	assert_eq!(wrong.outcome()["issue"][0]["code"], "not-supported");
	let allow = wrong.headers[header::ALLOW].to_str().unwrap().to_owned();
	assert!(allow.contains("GET") && allow.contains("PUT"), "{allow}");
}

#[tokio::test]
async fn health_and_info_answer_unsigned() {
	let fixture = Fixture::new(permit(), |_| {});

	let health = fixture.answer(unsigned(Method::GET, "/health")).await.json();
	let info = fixture.answer(unsigned(Method::GET, "/info")).await.json();

	assert_eq!(health["status"], "ok");
	assert_eq!(health["gateway"], GATEWAY.to_did());
	assert_eq!(health["suspended"], Value::Bool(false));
	assert_eq!(health["audit"]["reads_refused"], Value::Null);
	assert_eq!(info["organization"], HOSPITAL.to_did());
	assert_eq!(info["genesis"], format!("{:?}", H256::repeat_byte(2)));
	assert_eq!(info["max_record_bytes"], Config::default().max_record_bytes);
}

/// The methods probed on every path.
const METHODS: [Method; 5] =
	[Method::GET, Method::PUT, Method::POST, Method::DELETE, Method::PATCH];

#[tokio::test]
async fn every_served_route_is_documented_and_every_documented_route_is_served() {
	for portal in [false, true] {
		let fixture = Fixture::new(permit(), |config| {
			if portal {
				config.portal_node = Some("ws://127.0.0.1:9944".into());
			}
		});
		let document = fixture.document().await;
		let paths = document["paths"].as_object().expect("paths");

		let mut operations = Vec::new();
		for (path, item) in paths {
			let uri = path.replace("{id}", &format!("0x{}", hex::encode(RECORD.0)));
			for method in METHODS {
				let documented = item.get(method.as_str().to_lowercase()).is_some();
				let answer = fixture.answer(unsigned(method.clone(), &uri)).await;
				if documented {
					let id = &item[method.as_str().to_lowercase()]["operationId"];
					operations.push(id.as_str().expect("an operationId").to_owned());
					assert!(
						![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED]
							.contains(&answer.status),
						"{method} {path} is documented but not served: {}",
						answer.status
					);
				} else {
					assert_eq!(
						answer.status,
						StatusCode::METHOD_NOT_ALLOWED,
						"{method} {path} is served but not documented"
					);
				}
			}
		}
		let mut undocumented = vec!["/", "/records", "/fhir", "/fhir/Patient", "/openapi.yaml"];
		if !portal {
			undocumented.push("/medchain-portal.json");
		}
		for path in undocumented {
			let answer = fixture.answer(unsigned(Method::GET, path)).await;
			assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path} is served but not documented");
		}

		operations.sort();
		let mut expected = vec![
			"health",
			"info",
			"metrics",
			"openapi",
			"readRecord",
			"searchAuditEvents",
			"searchConsents",
			"uploadRecord",
		];
		if portal {
			expected.push("portalSettings");
		}
		expected.sort();
		assert_eq!(operations, expected);
	}
}

#[tokio::test]
async fn every_documented_error_is_an_operation_outcome_and_no_framing_header_is_an_input() {
	let fixture = Fixture::new(permit(), |_| {});
	let document = fixture.document().await;

	for (path, item) in document["paths"].as_object().expect("paths") {
		for (method, operation) in item.as_object().expect("a path item") {
			for (status, response) in operation["responses"].as_object().expect("responses") {
				if status.as_str() < "400" {
					continue;
				}
				let content = response["content"].as_object().expect("a documented body");
				assert_eq!(
					content.keys().collect::<Vec<_>>(),
					[FHIR_JSON],
					"{method} {path} {status}"
				);
				assert_eq!(
					content[FHIR_JSON]["schema"]["$ref"], "#/components/schemas/OperationOutcome",
					"{method} {path} {status}"
				);
			}
			let parameters = operation["parameters"].as_array().cloned().unwrap_or_default();
			for parameter in parameters {
				let name = parameter["name"].as_str().unwrap_or_default().to_ascii_lowercase();
				assert!(
					!["content-length", "transfer-encoding", "host"].contains(&name.as_str()),
					"{method} {path} declares {name}, which the HTTP stack owns"
				);
			}
		}
	}
}

#[tokio::test]
async fn a_search_page_is_the_bundle_the_document_describes() {
	let fixture = Fixture::new(permit(), |_| {});
	let document = fixture.document().await;
	let schemas = &document["components"]["schemas"];
	let keys = |value: &Value| {
		let mut keys: Vec<String> = value.as_object().expect("an object").keys().cloned().collect();
		keys.sort();
		keys
	};
	let links = [("self", "/fhir/Consent?a".to_owned()), ("next", "/fhir/Consent?b".to_owned())];

	let page = fhir::bundle_page(vec![json!({ "resourceType": "Consent" })], &links);

	assert_eq!(keys(&page), keys(&schemas["Bundle"]["properties"]));
	assert_eq!(keys(&page["link"][0]), keys(&schemas["BundleLink"]["properties"]));
	assert_eq!(keys(&page["entry"][0]), keys(&schemas["BundleEntry"]["properties"]));
}
