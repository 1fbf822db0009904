//! The HTTP API (axum). `openapi.json` documents every route; errors are FHIR
//! OperationOutcomes with a status that says what went wrong.

use std::{
	collections::HashSet,
	num::NonZeroU32,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
	body::Body,
	extract::{MatchedPath, Path, Query, Request, State},
	http::{header, HeaderMap, Method, StatusCode, Uri},
	middleware::{self, Next},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use blake2::{digest::consts::U32, Blake2b, Digest as _};
use futures::StreamExt;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::io::AsyncWriteExt;

use medchain_client::{
	codes,
	envelope::{self, Envelope},
	fhir,
	gateway::{
		decode_envelopes, encode_envelope, DENY_REASON_HEADER, ENVELOPES_HEADER, ENVELOPE_HEADER,
	},
	httpsig,
	keys::Keys,
};
use medchain_primitives::{
	audit::{AuditAction, AuditEntity, AuditEventType, AuditOutcome, AuditPolicy, AuditRecord},
	consent::{AccessDecision, DenyReason, Grantee, PermitBasis, PurposeOfUse, RecordId},
	identity::{SubjectId, SubjectKind, SubjectStatus},
	records::RecordStatus,
};

use crate::{
	audit::{AuditEvent, AuditQueue},
	auth::Replay,
	chain::{ChainView, PageError},
	config::Config,
	metrics::Metrics,
	search::Paging,
	store::{Held, Store},
};

/// The OpenAPI document of this API.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Most envelopes one upload may carry.
pub const MAX_ENVELOPES: usize = 8;

/// Everything a request handler needs.
pub struct Gateway {
	/// The configuration.
	pub config: Config,
	/// Blobs and metadata.
	pub store: Store,
	/// The chain at the finalized block.
	pub view: Arc<ChainView>,
	/// The durable audit queue.
	pub audit: AuditQueue,
	/// Metrics.
	pub metrics: Arc<Metrics>,
	/// The gateway's keys (its X25519 key opens the custodian envelopes).
	pub keys: Arc<Keys>,
	/// The gateway's subject.
	pub me: SubjectId,
	/// The organization it keeps records for.
	pub organization: SubjectId,
	/// Freshness and replay guard.
	pub replay: Replay,
	/// Requests per identity.
	pub limiter: DefaultKeyedRateLimiter<SubjectId>,
	/// Set while the chain refuses this gateway's audit batches: reads are refused meanwhile.
	pub suspended: Arc<AtomicBool>,
	/// Records being uploaded now: one upload per record at a time.
	pub uploading: Mutex<HashSet<[u8; 32]>>,
}

type Shared = Arc<Gateway>;

/// Longest nonce accepted, bytes.
pub const MAX_NONCE: usize = 64;

/// Removes a record from the uploads in flight when the upload ends, however it ends.
struct Uploading<'a>(&'a Mutex<HashSet<[u8; 32]>>, [u8; 32]);

impl Drop for Uploading<'_> {
	fn drop(&mut self) {
		self.0.lock().expect("uploads lock").remove(&self.1);
	}
}

impl Gateway {
	/// A rate limiter as configured.
	pub fn limiter(config: &Config) -> DefaultKeyedRateLimiter<SubjectId> {
		let rate = NonZeroU32::new(config.requests_per_second).unwrap_or(NonZeroU32::MIN);
		let burst = NonZeroU32::new(config.burst).unwrap_or(NonZeroU32::MIN);
		RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
	}
}

/// An error answer: HTTP status and a FHIR OperationOutcome.
#[derive(Debug)]
pub struct ApiError {
	status: StatusCode,
	code: &'static str,
	diagnostics: String,
	deny: Option<DenyReason>,
	retry_after: Option<u64>,
}

impl ApiError {
	fn new(status: StatusCode, code: &'static str, diagnostics: impl Into<String>) -> Self {
		Self { status, code, diagnostics: diagnostics.into(), deny: None, retry_after: None }
	}
	fn retry_after(self, seconds: u64) -> Self {
		Self { retry_after: Some(seconds), ..self }
	}
	fn bad_request(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, "invalid", diagnostics)
	}
	fn unauthorized(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::UNAUTHORIZED, "login", diagnostics)
	}
	fn forbidden(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::FORBIDDEN, "forbidden", diagnostics)
	}
	fn not_found(diagnostics: impl Into<String>) -> Self {
		Self::new(StatusCode::NOT_FOUND, "not-found", diagnostics)
	}
	fn gone(record: &RecordId) -> Self {
		Self::new(
			StatusCode::GONE,
			"deleted",
			format!(
				"record 0x{} was erased: its ciphertext and keys are gone",
				hex::encode(record.0)
			),
		)
	}
	fn internal(error: impl std::fmt::Display) -> Self {
		Self::new(StatusCode::INTERNAL_SERVER_ERROR, "exception", error.to_string())
	}
	fn chain(error: impl std::fmt::Display) -> Self {
		Self::new(
			StatusCode::SERVICE_UNAVAILABLE,
			"transient",
			format!("the chain cannot answer: {error}"),
		)
	}
	fn denied(reason: DenyReason) -> Self {
		Self {
			status: StatusCode::FORBIDDEN,
			code: "forbidden",
			diagnostics: format!("access denied by the chain's access rule: {}", reason.code()),
			deny: Some(reason),
			retry_after: None,
		}
	}
}

/// A FHIR OperationOutcome for one error.
pub fn operation_outcome(code: &str, diagnostics: &str, deny: Option<DenyReason>) -> Value {
	let mut issue = json!({ "severity": "error", "code": code, "diagnostics": diagnostics });
	if let Some(reason) = deny {
		issue["details"] = json!({
			"coding": [fhir::coding(fhir::DENY_REASON_SYSTEM, reason.code(), None)],
			"text": reason.code(),
		});
	}
	json!({ "resourceType": "OperationOutcome", "issue": [issue] })
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let body = operation_outcome(self.code, &self.diagnostics, self.deny);
		let mut response =
			(self.status, [(header::CONTENT_TYPE, "application/fhir+json")], body.to_string())
				.into_response();
		if let Some(reason) = self.deny {
			response.headers_mut().insert(
				DENY_REASON_HEADER,
				reason.code().parse().expect("deny codes are header-safe"),
			);
		}
		if let Some(seconds) = self.retry_after {
			response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
		}
		response
	}
}

type Result<T> = std::result::Result<T, ApiError>;

fn now_ms() -> u64 {
	SystemTime::now()
		.duration_since(UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or(0)
}

/// The application: routes, state and layers.
pub fn router(gateway: Shared) -> Router {
	let max_body = usize::try_from(gateway.config.max_record_bytes).unwrap_or(usize::MAX);
	let concurrency = gateway.config.max_concurrent;
	let router = Router::new()
		.route("/health", get(health))
		.route("/metrics", get(metrics))
		.route("/info", get(info))
		.route("/openapi.json", get(openapi))
		.route("/records/{id}", get(read).put(upload))
		.route("/fhir/AuditEvent", get(fhir_audit_events))
		.route("/fhir/Consent", get(fhir_consents));
	// Before the layers, so static files count against the same limits and metrics.
	let router = if gateway.config.portal_node.is_some() {
		router.route("/medchain-portal.json", get(portal_config))
	} else {
		router
	};
	let router = if gateway.config.portal_dir.is_some() { router.fallback(portal) } else { router };
	let router = router
		.layer(middleware::from_fn_with_state(gateway.clone(), track))
		.layer(tower_http::limit::RequestBodyLimitLayer::new(max_body))
		.layer(tower::limit::ConcurrencyLimitLayer::new(concurrency));
	let router = match cors(&gateway.config.cors_origins) {
		Some(layer) => router.layer(layer),
		None => router,
	};
	router.with_state(gateway)
}

/// The portal page holds its user's keys: it may not be framed, sniffed, run scripts from
/// elsewhere, talk to hosts other than its gateway and node, or leak its address.
/// `wasm-unsafe-eval`: Polkadot.js compiles its WebAssembly crypto.
fn portal_csp(node: Option<&str>) -> String {
	let connect = match node {
		Some(node) => format!("'self' {node}"),
		None => "'self' ws: wss: http: https:".to_owned(),
	};
	format!(
		"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
		 img-src 'self' data: blob:; connect-src {connect}; object-src 'none'; base-uri 'none'; \
		 form-action 'self'; frame-ancestors 'none'"
	)
}

/// `GET /medchain-portal.json`: the portal's pinned settings, this gateway's node for browsers
/// and the chain's genesis, so a link cannot point the page it serves at another node or chain.
async fn portal_config(State(gateway): State<Shared>) -> Response {
	let body = json!({
		"node": gateway.config.portal_node,
		"genesis": format!("{:?}", gateway.view.chain().genesis_hash()),
		"devAccounts": gateway.config.portal_dev_accounts,
	});
	let mut response = Json(body).into_response();
	portal_headers(&gateway, response.headers_mut());
	response
}

fn portal_headers(gateway: &Gateway, headers: &mut HeaderMap) {
	let fixed = header::HeaderValue::from_static;
	let csp = portal_csp(gateway.config.portal_node.as_deref());
	if let Ok(csp) = header::HeaderValue::from_str(&csp) {
		headers.insert(header::CONTENT_SECURITY_POLICY, csp);
	}
	headers.insert(header::X_FRAME_OPTIONS, fixed("DENY"));
	headers.insert(header::X_CONTENT_TYPE_OPTIONS, fixed("nosniff"));
	headers.insert(header::REFERRER_POLICY, fixed("no-referrer"));
	// A new portal build is picked up at once (files are revalidated, never stale).
	headers.insert(header::CACHE_CONTROL, fixed("no-cache"));
	if gateway.config.tls.is_some() {
		headers.insert(header::STRICT_TRANSPORT_SECURITY, fixed("max-age=31536000"));
	}
}

/// Whether a request path names a hidden file: any component, after percent-decoding (as the
/// file server decodes), split on `/` and `\`, that starts with a dot; or a `//` start.
fn hidden_path(path: &str) -> bool {
	let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
	decoded.starts_with("//")
		|| decoded.split(['/', '\\']).any(|component| component.starts_with('.'))
}

/// `portal_dir`'s files at any path no route takes: public, never a dotfile, with headers for
/// a page that holds keys.
async fn portal(State(gateway): State<Shared>, request: Request) -> Response {
	let Some(dir) = gateway.config.portal_dir.clone() else {
		return ApiError::not_found("no such route").into_response();
	};
	if hidden_path(request.uri().path()) {
		return ApiError::not_found("no such file").into_response();
	}
	let served = tower::ServiceExt::oneshot(
		tower_http::services::ServeDir::new(dir).append_index_html_on_directories(true),
		request,
	)
	.await;
	let mut response = match served {
		Ok(response) => response.map(Body::new),
		Err(never) => match never {},
	};
	portal_headers(&gateway, response.headers_mut());
	response
}

/// Lets the configured origins' pages call the gateway from a browser: the signature headers
/// in, the envelope, content hash and deny reason out. Authentication is the request's
/// signature (never a cookie), so a page gets nothing a signed request from anywhere could not.
fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
	use tower_http::cors::{AllowOrigin, CorsLayer};
	if origins.is_empty() {
		return None;
	}
	let allow = if origins.iter().any(|o| o == "*") {
		AllowOrigin::any()
	} else {
		AllowOrigin::list(origins.iter().filter_map(|o| o.parse().ok()))
	};
	let name = header::HeaderName::from_static;
	Some(
		CorsLayer::new()
			.allow_origin(allow)
			.allow_methods([Method::GET, Method::PUT])
			.allow_headers([
				header::CONTENT_TYPE,
				name("content-digest"),
				name("signature-input"),
				name("signature"),
				name(ENVELOPES_HEADER),
			])
			.expose_headers([
				name(ENVELOPE_HEADER),
				name("medchain-content-hash"),
				name(DENY_REASON_HEADER),
			])
			.max_age(Duration::from_secs(600)),
	)
}

/// The routes `router` serves, as `openapi.json` names them.
pub const ROUTES: [(&str, &str); 8] = [
	("get", "/health"),
	("get", "/metrics"),
	("get", "/info"),
	("get", "/openapi.json"),
	("get", "/records/{id}"),
	("put", "/records/{id}"),
	("get", "/fhir/AuditEvent"),
	("get", "/fhir/Consent"),
];

async fn track(State(gateway): State<Shared>, request: Request, next: Next) -> Response {
	let route = request
		.extensions()
		.get::<MatchedPath>()
		.map(|p| p.as_str().to_owned())
		.unwrap_or_else(|| "unmatched".into());
	// Known methods only: a label per made-up method would grow the metrics without bound.
	let method = match *request.method() {
		Method::GET | Method::PUT | Method::HEAD | Method::OPTIONS | Method::POST => {
			request.method().as_str().to_owned()
		},
		_ => "OTHER".to_owned(),
	};
	let started = Instant::now();
	let response = next.run(request).await;
	let label = format!("{method} {route}");
	gateway
		.metrics
		.requests
		.with_label_values(&[&label, response.status().as_str()])
		.inc();
	gateway
		.metrics
		.latency
		.with_label_values(&[&label])
		.observe(started.elapsed().as_secs_f64());
	response
}

async fn health(State(gateway): State<Shared>) -> Json<Value> {
	Json(json!({
		"status": "ok",
		"gateway": gateway.me.to_did(),
				"finalized_block": format!("{:?}", gateway.view.block()),
		"view_age_seconds": now_ms().saturating_sub(gateway.view.block_time()) / 1000,
		"suspended": gateway.suspended.load(Ordering::SeqCst),
		"audit": audit_health(&gateway),
	}))
}

/// The audit trail's state for `/health`: how far behind, and whether reads are refused.
fn audit_health(gateway: &Gateway) -> Value {
	let state = gateway.audit.state();
	let backlog = state.backlog();
	let now = now_ms();
	json!({
		"lag_seconds": state.lag_ms(now) as f64 / 1000.0,
		"waiting_reads": backlog.reads,
		"waiting_denials": backlog.denials,
		"in_flight": backlog.numbered,
		"rejected": backlog.rejected,
		"admitting": state.admitting(now),
		"drain_per_second": state.drain_rate(now),
		"reads_refused": state.refusal(now),
	})
}

async fn metrics(State(gateway): State<Shared>) -> impl IntoResponse {
	([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], gateway.metrics.render())
}

async fn info(State(gateway): State<Shared>) -> Json<Value> {
	Json(json!({
		"gateway": gateway.me.to_did(),
		"organization": gateway.organization.to_did(),
		"key_agreement": format!("0x{}", hex::encode(gateway.keys.agreement_public())),
		"genesis": format!("{:?}", gateway.view.chain().genesis_hash()),
		"max_record_bytes": gateway.config.max_record_bytes,
	}))
}

async fn openapi() -> impl IntoResponse {
	([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}

fn record_id(text: &str) -> Result<RecordId> {
	hex::decode(text.trim_start_matches("0x"))
		.ok()
		.and_then(|b| <[u8; 32]>::try_from(b).ok())
		.map(RecordId)
		.ok_or_else(|| {
			ApiError::bad_request(format!("`{text}` is not a record identifier (0x + 64 hex)"))
		})
}

fn unix_s() -> u64 {
	now_ms() / 1000
}

/// Checks a request's signature, freshness and nonce, and resolves its signer to a subject;
/// then the signer's rate. `medchain-*` headers must be covered by the signature.
async fn authenticate(
	gateway: &Gateway,
	method: &Method,
	uri: &Uri,
	headers: &HeaderMap,
) -> Result<SubjectId> {
	let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
	let input = text("signature-input").ok_or_else(|| {
		ApiError::unauthorized("the request is not signed (Signature-Input missing)")
	})?;
	let signature = text("signature")
		.ok_or_else(|| ApiError::unauthorized("the request is not signed (Signature missing)"))?;
	let signed = httpsig::verify(
		method.as_str(),
		uri.path(),
		uri.query().unwrap_or(""),
		&input,
		&signature,
		text,
	)
	.map_err(|e| ApiError::unauthorized(format!("bad signature: {e}")))?;
	for name in headers.keys() {
		if name.as_str().starts_with("medchain-") && !signed.covers(name.as_str()) {
			return Err(ApiError::unauthorized(format!("the signature does not cover {name}")));
		}
	}
	if signed.nonce.is_empty() || signed.nonce.len() > MAX_NONCE {
		return Err(ApiError::unauthorized(format!("the nonce must be 1 to {MAX_NONCE} bytes")));
	}
	// Who signed, and their rate, before any nonce is remembered: keys that control no active
	// identity cannot fill the nonce table.
	let subject = gateway
		.view
		.subject_of(signed.account)
		.await
		.map_err(ApiError::chain)?
		.ok_or_else(|| ApiError::unauthorized("the signing key controls no identity on chain"))?;
	let active = gateway
		.view
		.identity(subject)
		.await
		.map_err(ApiError::chain)?
		.is_some_and(|d| d.status == SubjectStatus::Active);
	if !active {
		return Err(ApiError::unauthorized(format!("{} is deactivated", subject.to_did())));
	}
	if gateway.limiter.check_key(&subject).is_err() {
		return Err(ApiError::new(
			StatusCode::TOO_MANY_REQUESTS,
			"throttled",
			format!(
				"{} is over {} requests/s",
				subject.to_did(),
				gateway.config.requests_per_second
			),
		));
	}
	gateway
		.replay
		.check(&signed, unix_s())
		.map_err(|e| ApiError::unauthorized(e.to_string()))?;
	Ok(subject)
}

/// A request without a body must say so: `Content-Digest` of the empty body.
fn empty_body(headers: &HeaderMap) -> Result<()> {
	let digest = headers
		.get("content-digest")
		.and_then(|v| v.to_str().ok())
		.ok_or_else(|| ApiError::unauthorized("Content-Digest missing"))?;
	httpsig::check_digest(digest, &Sha256::digest(b"").into())
		.map_err(|e| ApiError::bad_request(format!("Content-Digest: {e}")))
}

/// Refuses to answer from a view of the chain older than `max_view_age_seconds`: 503 with
/// `Retry-After`.
fn serving(gateway: &Gateway) -> Result<()> {
	let age = now_ms().saturating_sub(gateway.view.block_time()) / 1000;
	if age > gateway.config.max_view_age_seconds {
		return Err(ApiError::new(
			StatusCode::SERVICE_UNAVAILABLE,
			"transient",
			format!("the last finalized block is {age} s old (finality stalled, or the node is unreachable): no answers from a stale view"),
		)
		.retry_after(RETRY_AFTER_SECONDS));
	}
	Ok(())
}

/// No read outruns its trail: refuses a record read while the audit trail is behind (the chain
/// refuses this gateway's audit, or the oldest read not yet in a finalized block is older than
/// `audit_max_lag_seconds`, or too many events wait): 503 with `Retry-After`. Reads resume by
/// themselves when the trail catches up.
fn trail_current(gateway: &Gateway) -> Result<()> {
	match gateway.audit.state().refusal(now_ms()) {
		Some(reason) => {
			gateway.metrics.decisions.with_label_values(&["audit-behind"]).inc();
			Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "transient", reason)
				.retry_after(RETRY_AFTER_SECONDS))
		},
		None => Ok(()),
	}
}

/// What a 503 tells a client to wait before trying again, seconds.
const RETRY_AFTER_SECONDS: u64 = 2;

#[derive(Deserialize)]
struct ReadQuery {
	purpose: Option<String>,
}

fn policy(basis: PermitBasis) -> AuditPolicy {
	match basis {
		PermitBasis::OwnData => AuditPolicy::OwnData,
		PermitBasis::Consent(id) => AuditPolicy::Consent(id),
		PermitBasis::Emergency(id) => AuditPolicy::Emergency(id),
	}
}

/// The anchor of a record this gateway should hold, refusing erased and foreign ones.
async fn held_anchor(
	gateway: &Gateway,
	id: &RecordId,
) -> Result<(medchain_primitives::records::RecordAnchor, Option<Held>)> {
	let anchor = gateway.view.anchor(*id).await.map_err(ApiError::chain)?.ok_or_else(|| {
		ApiError::not_found(format!("no record 0x{} is anchored on chain", hex::encode(id.0)))
	})?;
	if anchor.status == RecordStatus::Erased {
		if anchor.custodian != gateway.organization {
			return Err(ApiError::gone(id));
		}
		// The follower erases at finality; a read that sees the erasure first erases now.
		let store = gateway.store.clone();
		let id = *id;
		if tokio::task::spawn_blocking(move || store.erase(&id, now_ms()))
			.await
			.map_err(ApiError::internal)?
			.map_err(ApiError::internal)?
		{
			gateway.metrics.erased.inc();
		}
		return Err(ApiError::gone(&id));
	}
	let held = gateway.store.held(id).map_err(ApiError::internal)?;
	Ok((anchor, held))
}

/// `GET /records/{id}?purpose=TREAT`: the chain decides; on Permit the ciphertext and the data
/// key re-wrapped for the reader; every decision on the patient's trail before the answer.
async fn read(
	State(gateway): State<Shared>,
	Path(id): Path<String>,
	Query(query): Query<ReadQuery>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> Result<Response> {
	let reader = authenticate(&gateway, &method, &uri, &headers).await?;
	empty_body(&headers)?;
	serving(&gateway)?;
	trail_current(&gateway)?;
	let id = record_id(&id)?;
	let purpose = match &query.purpose {
		Some(text) => codes::purpose(text).map_err(ApiError::bad_request)?,
		None => PurposeOfUse::Treat,
	};
	let (anchor, held) = held_anchor(&gateway, &id).await?;
	let Some(held) = held else {
		if gateway.store.erased_at(&id).map_err(ApiError::internal)?.is_some() {
			return Err(ApiError::gone(&id));
		}
		return Err(ApiError::not_found(format!(
			"record 0x{} is not held here; its custodian is {}",
			hex::encode(id.0),
			anchor.custodian.to_did()
		)));
	};
	// `decided_at`: the timestamp of the block the rule judged at. The audit entry carries it,
	// so the chain judges the entry's policy at the very time the rule did (a revocation
	// finalized a moment after the decision does not make the read unjustified).
	let (decision, decided_at) = gateway
		.view
		.may_read(anchor.patient, reader, id, purpose)
		.await
		.map_err(ApiError::chain)?;
	let reader_document = gateway
		.view
		.identity(reader)
		.await
		.map_err(ApiError::chain)?
		.ok_or_else(|| ApiError::unauthorized("the reader has no identity document"))?;
	let person = matches!(reader_document.kind, SubjectKind::Patient | SubjectKind::Practitioner);
	let entity = Some(AuditEntity { record: id, hash: Some(anchor.content_hash) });
	let basis = match decision {
		AccessDecision::Permit(basis) => basis,
		AccessDecision::Deny(reason) => {
			gateway.metrics.decisions.with_label_values(&["deny"]).inc();
			// The trail takes persons only (the runtime refuses others): an organization or a
			// gateway probing records is logged here instead.
			if person {
				let event = AuditEvent {
					patient: anchor.patient,
					record: AuditRecord {
						event_type: AuditEventType::AccessDenied,
						action: AuditAction::Read,
						outcome: AuditOutcome::MinorFailure,
						actor: reader,
						requestor: true,
						policy: None,
						deny_reason: Some(reason),
						entity,
						purpose: Some(purpose),
						occurred: decided_at,
						repeats: None,
					},
				};
				gateway.audit.record(&event).await.map_err(ApiError::internal)?;
			} else {
				tracing::warn!(reader = %reader.to_did(), record = %hex::encode(id.0), "a non-person was denied a read");
			}
			return Err(ApiError::denied(reason));
		},
	};
	// Re-wrap: open the gateway's envelope, wrap for the reader's registered key.
	let mine = gateway.keys.agreement_public();
	let rewrapped = held
		.envelopes
		.iter()
		.filter_map(|bytes| Envelope::from_bytes(bytes).ok())
		.filter(|e| e.recipient == mine)
		.find_map(|e| {
			envelope::rewrap(&e, &id, gateway.keys.agreement(), &reader_document.key_agreement).ok()
		})
		.ok_or_else(|| ApiError::internal("no envelope this gateway's key opens"))?;
	let event = AuditEvent {
		patient: anchor.patient,
		record: AuditRecord {
			event_type: AuditEventType::RecordRead,
			action: AuditAction::Read,
			outcome: AuditOutcome::Success,
			actor: reader,
			requestor: true,
			policy: Some(policy(basis)),
			deny_reason: None,
			entity,
			purpose: Some(purpose),
			occurred: decided_at,
			repeats: None,
		},
	};
	// Durable before a byte is sent: a crash after this loses no audit entry.
	gateway.audit.record(&event).await.map_err(ApiError::internal)?;
	gateway.metrics.decisions.with_label_values(&["permit"]).inc();
	let file = gateway.store.blobs().open(&id).map_err(|_| ApiError::gone(&id))?;
	// Erased between the check and the open: the open handle must not serve it.
	if gateway.store.held(&id).map_err(ApiError::internal)?.is_none() {
		return Err(ApiError::gone(&id));
	}
	let body = if held.size <= 1024 * 1024 {
		let mut bytes = Vec::with_capacity(held.size as usize);
		let mut file = file;
		tokio::task::spawn_blocking(move || {
			std::io::Read::read_to_end(&mut file, &mut bytes).map(|_| bytes)
		})
		.await
		.map_err(ApiError::internal)?
		.map(Body::from)
		.map_err(ApiError::internal)?
	} else {
		Body::from_stream(tokio_util::io::ReaderStream::with_capacity(
			tokio::fs::File::from_std(file),
			64 * 1024,
		))
	};
	Ok((
		[
			(header::CONTENT_TYPE, "application/octet-stream".to_owned()),
			(header::CONTENT_LENGTH, held.size.to_string()),
			(header::HeaderName::from_static(ENVELOPE_HEADER), encode_envelope(&rewrapped)),
			(
				header::HeaderName::from_static("medchain-content-hash"),
				format!("{:?}", anchor.content_hash),
			),
		],
		body,
	)
		.into_response())
}

/// `PUT /records/{id}`: the ciphertext of an anchored record, with its envelopes. Kept only if
/// it is the anchored ciphertext, for this gateway's organization, from the author or patient.
async fn upload(
	State(gateway): State<Shared>,
	Path(id): Path<String>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
	body: Body,
) -> Result<Response> {
	let uploader = authenticate(&gateway, &method, &uri, &headers).await?;
	serving(&gateway)?;
	let id = record_id(&id)?;
	let (anchor, held) = held_anchor(&gateway, &id).await?;
	if anchor.custodian != gateway.organization {
		return Err(ApiError::new(
			StatusCode::CONFLICT,
			"conflict",
			format!(
				"the record's custodian is {}; this gateway keeps records of {}",
				anchor.custodian.to_did(),
				gateway.organization.to_did()
			),
		));
	}
	if uploader != anchor.author && uploader != anchor.patient {
		return Err(ApiError::forbidden("only the record's author or patient may upload it"));
	}
	if held.is_some() {
		return Ok((
			StatusCode::OK,
			Json(json!({ "record": format!("0x{}", hex::encode(id.0)), "status": "already held" })),
		)
			.into_response());
	}
	if anchor.size > gateway.config.max_record_bytes {
		return Err(ApiError::new(
			StatusCode::PAYLOAD_TOO_LARGE,
			"too-costly",
			format!(
				"{} bytes is over this gateway's limit of {}",
				anchor.size, gateway.config.max_record_bytes
			),
		));
	}
	let length = headers
		.get(header::CONTENT_LENGTH)
		.and_then(|v| v.to_str().ok())
		.and_then(|v| v.parse::<u64>().ok())
		.ok_or_else(|| {
			ApiError::new(StatusCode::LENGTH_REQUIRED, "required", "Content-Length is required")
		})?;
	if length != anchor.size {
		return Err(ApiError::bad_request(format!(
			"Content-Length {length} is not the anchored size {}",
			anchor.size
		)));
	}
	let digest = headers
		.get("content-digest")
		.and_then(|v| v.to_str().ok())
		.ok_or_else(|| ApiError::unauthorized("Content-Digest missing"))?
		.to_owned();

	// The envelopes: bound to this record; one this gateway opens; one for the patient.
	let envelopes = headers
		.get(ENVELOPES_HEADER)
		.and_then(|v| v.to_str().ok())
		.ok_or_else(|| ApiError::bad_request(format!("{ENVELOPES_HEADER} is required")))
		.and_then(|v| {
			decode_envelopes(v)
				.map_err(|e| ApiError::bad_request(format!("{ENVELOPES_HEADER}: {e}")))
		})?;
	if envelopes.is_empty()
		|| envelopes.len() > MAX_ENVELOPES
		|| envelopes.iter().any(|e| e.record != id)
	{
		return Err(ApiError::bad_request(format!(
			"1 to {MAX_ENVELOPES} envelopes, each for record 0x{}",
			hex::encode(id.0)
		)));
	}
	let mine = gateway.keys.agreement_public();
	let for_me: Vec<_> = envelopes.iter().filter(|e| e.recipient == mine).collect();
	if for_me.len() != 1 || envelope::unwrap(for_me[0], &id, gateway.keys.agreement()).is_err() {
		return Err(ApiError::bad_request(
			"exactly one envelope for this gateway's key, and it must open",
		));
	}
	let patient = gateway
		.view
		.identity(anchor.patient)
		.await
		.map_err(ApiError::chain)?
		.ok_or_else(|| ApiError::internal("the patient has no identity document"))?;
	if envelopes.iter().filter(|e| e.recipient == patient.key_agreement).count() != 1 {
		return Err(ApiError::bad_request("exactly one envelope for the patient's registered key"));
	}
	if !gateway.uploading.lock().expect("uploads lock").insert(id.0) {
		return Err(ApiError::new(
			StatusCode::CONFLICT,
			"conflict",
			"an upload of this record is already in progress",
		));
	}
	let _uploading = Uploading(&gateway.uploading, id.0);

	// The body, streamed to a temporary file, hashed on the way; kept only if it is the anchor's.
	let mut pending = gateway.store.blobs().begin().map_err(ApiError::internal)?;
	let file = pending.file().try_clone().map_err(ApiError::internal)?;
	let mut file = tokio::io::BufWriter::new(tokio::fs::File::from_std(file));
	let mut blake = Blake2b::<U32>::new();
	let mut sha = Sha256::new();
	let mut size = 0u64;
	let mut stream = body.into_data_stream();
	while let Some(chunk) = stream.next().await {
		let chunk =
			chunk.map_err(|e| ApiError::bad_request(format!("the upload broke off: {e}")))?;
		size += chunk.len() as u64;
		if size > anchor.size {
			return Err(ApiError::bad_request("the body is longer than the anchored size"));
		}
		blake.update(&chunk);
		sha.update(&chunk);
		file.write_all(&chunk).await.map_err(ApiError::internal)?;
	}
	file.flush().await.map_err(ApiError::internal)?;
	drop(file);
	let hash: [u8; 32] = blake.finalize().into();
	if size != anchor.size || hash != anchor.content_hash.0 {
		return Err(ApiError::new(
			StatusCode::UNPROCESSABLE_ENTITY,
			"invalid",
			"the body is not the anchored ciphertext: its hash or size differs from the anchor",
		));
	}
	httpsig::check_digest(&digest, &sha.finalize().into())
		.map_err(|e| ApiError::bad_request(format!("Content-Digest: {e}")))?;
	let held = Held {
		content_hash: hash,
		size,
		envelopes: envelopes.iter().map(Envelope::to_bytes).collect(),
		stored_at: now_ms(),
	};
	let store = gateway.store.clone();
	let kept = tokio::task::spawn_blocking(move || store.keep(&id, pending, &held))
		.await
		.map_err(ApiError::internal)?
		.map_err(ApiError::internal)?;
	if !kept {
		return Err(ApiError::new(
			StatusCode::CONFLICT,
			"conflict",
			"the record was erased, or stored by another upload, while this one was sent",
		));
	}
	tracing::info!(record = %hex::encode(id.0), size, uploader = %uploader.to_did(), "record stored");
	Ok((
		StatusCode::CREATED,
		Json(
			json!({ "record": format!("0x{}", hex::encode(id.0)), "size": size, "status": "stored" }),
		),
	)
		.into_response())
}

#[derive(Deserialize)]
struct PatientQuery {
	patient: Option<String>,
	/// Entries per page, as text: a value that is not a number gets this API's 400, not the
	/// extractor's.
	#[serde(rename = "_count")]
	count: Option<String>,
	/// Where the page starts: the cursor of a `next` link.
	#[serde(rename = "_cursor")]
	cursor: Option<String>,
}

impl PatientQuery {
	/// `_count` (clamped) and `_cursor`.
	fn paging(&self) -> Result<Paging> {
		Paging::parse(self.count.as_deref(), self.cursor.as_deref()).map_err(ApiError::bad_request)
	}
}

/// Who may search a patient's resources here: the patient, a delegate guardian, or this
/// gateway's organization (its privacy office), which sees only what concerns it.
async fn searcher(
	gateway: &Gateway,
	method: &Method,
	uri: &Uri,
	headers: &HeaderMap,
	query: &PatientQuery,
) -> Result<(SubjectId, bool)> {
	let requester = authenticate(gateway, method, uri, headers).await?;
	empty_body(headers)?;
	serving(gateway)?;
	let patient = query
		.patient
		.as_deref()
		.ok_or_else(|| ApiError::bad_request("the `patient` search parameter is required"))?
		.parse::<SubjectId>()
		.map_err(ApiError::bad_request)?;
	if requester == gateway.organization {
		return Ok((patient, true));
	}
	let document = gateway
		.view
		.identity(patient)
		.await
		.map_err(ApiError::chain)?
		.filter(|d| d.kind == SubjectKind::Patient && d.status == SubjectStatus::Active)
		.ok_or_else(|| ApiError::not_found("no such patient"))?;
	let delegate = document.guardians.iter().any(|(g, rights)| *g == requester && rights.delegate);
	if requester != patient && !delegate {
		return Err(ApiError::forbidden(
			"only the patient, a delegate guardian, or this gateway's organization may search this",
		));
	}
	Ok((patient, false))
}

/// A page of a search as an R4 `searchset` Bundle, with its `self` link and, while older
/// entries remain, its `next` link.
fn bundle(
	uri: &Uri,
	patient: &SubjectId,
	paging: &Paging,
	next: Option<u64>,
	resources: Vec<Value>,
) -> Response {
	let path = uri.path();
	let mut links = vec![("self", paging.self_url(path, patient))];
	if let Some(next) = next {
		links.push(("next", paging.next_url(path, patient, next)));
	}
	(
		[(header::CONTENT_TYPE, "application/fhir+json")],
		fhir::bundle_page(resources, &links).to_string(),
	)
		.into_response()
}

/// A page that cannot be read: a cursor past the end of the patient's `list` is the client's
/// error (400), not the chain's.
fn page_error(list: &str, error: PageError) -> ApiError {
	match error {
		PageError::OutOfRange { before, count } => ApiError::bad_request(format!(
			"`_cursor` {before} is past the end of the patient's {list} ({count} in all): follow the Bundle's `next` link"
		)),
		PageError::Chain(error) => ApiError::chain(error),
	}
}

/// `GET /fhir/AuditEvent?patient=did:medchain:…[&_count=50][&_cursor=…]`: a page of the
/// patient's trail, newest first, as an R4 `searchset` Bundle with `self` and `next` links.
///
/// The organization view is filtered page by page: a page of `_count` entries is read, then only
/// the entries about records this gateway holds or held are kept. Such a page may hold fewer
/// than `_count` entries, or none, and its `next` link still points on while older entries
/// remain; filtering before paging would mean reading the whole trail for every page.
async fn fhir_audit_events(
	State(gateway): State<Shared>,
	Query(query): Query<PatientQuery>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> Result<Response> {
	let (patient, organization_view) = searcher(&gateway, &method, &uri, &headers, &query).await?;
	let paging = query.paging()?;
	let page = gateway
		.view
		.trail_page(patient, paging.cursor, paging.count)
		.await
		.map_err(|e| page_error("trail", e))?;
	let mut resources = Vec::new();
	for entry in &page.items {
		if organization_view {
			let Some(entity) = entry.record.entity else { continue };
			let ours = gateway.store.held(&entity.record).map_err(ApiError::internal)?.is_some()
				|| gateway.store.erased_at(&entity.record).map_err(ApiError::internal)?.is_some();
			if !ours {
				continue;
			}
		}
		resources.push(fhir::audit_event(&patient, entry));
	}
	Ok(bundle(&uri, &patient, &paging, page.next, resources))
}

/// `GET /fhir/Consent?patient=did:medchain:…[&_count=50][&_cursor=…]`: a page of the patient's
/// consents, active and past, newest first, as an R4 `searchset` Bundle with `self` and `next`
/// links.
///
/// The organization view (the consents naming the organization) is filtered page by page, as
/// the AuditEvent search's is: a page may hold fewer than `_count` consents, or none, and its
/// `next` link still points on while older consents remain.
async fn fhir_consents(
	State(gateway): State<Shared>,
	Query(query): Query<PatientQuery>,
	method: Method,
	uri: Uri,
	headers: HeaderMap,
) -> Result<Response> {
	let (patient, organization_view) = searcher(&gateway, &method, &uri, &headers, &query).await?;
	let paging = query.paging()?;
	// The runtime indexes a patient's consents by u32: a larger cursor is past the end.
	let before = paging.cursor.map(u32::try_from).transpose().map_err(|_| {
		ApiError::bad_request(
			"`_cursor` is past the end of the patient's consents: follow the Bundle's `next` link",
		)
	})?;
	let page = gateway
		.view
		.consents_of_patient(patient, before, paging.count)
		.await
		.map_err(|e| page_error("consents", e))?;
	let resources = page
		.items
		.iter()
		.filter(|c| !organization_view || c.grantee == Grantee::Organization(gateway.organization))
		.map(fhir::consent)
		.collect();
	Ok(bundle(&uri, &patient, &paging, page.next, resources))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hidden_files_are_recognised_however_the_path_is_encoded() {
		for path in [
			"/.secret",
			"/%2esecret",
			"/%2Esecret",
			"/assets%2F.secret",
			"/assets%5c.env",
			"//assets/",
			"/a/.git/config",
		] {
			assert!(hidden_path(path), "{path}");
		}
		for path in
			["/", "/index.html", "/assets/index-B3b3.js", "/medchain-portal.json", "/%252esecret"]
		{
			assert!(!hidden_path(path), "{path}");
		}
	}

	#[test]
	fn the_openapi_document_describes_every_route_and_no_other() {
		let doc: Value = serde_json::from_str(OPENAPI).expect("openapi.json is JSON");
		assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
		let paths = doc["paths"].as_object().expect("paths");
		let mut documented = Vec::new();
		for (path, item) in paths {
			for method in ["get", "put", "post", "delete", "patch"] {
				if item.get(method).is_some() {
					documented.push((method.to_owned(), path.clone()));
				}
			}
		}
		let mut served: Vec<_> =
			ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
		documented.sort();
		served.sort();
		assert_eq!(documented, served);
	}

	#[test]
	fn a_denial_is_an_operation_outcome_naming_the_reason() {
		let response = ApiError::denied(DenyReason::NoConsent).into_response();
		assert_eq!(response.status(), StatusCode::FORBIDDEN);
		assert_eq!(response.headers()[DENY_REASON_HEADER], "no-consent");
		let outcome = operation_outcome("forbidden", "x", Some(DenyReason::NoConsent));
		assert_eq!(outcome["resourceType"], "OperationOutcome");
		assert_eq!(outcome["issue"][0]["details"]["coding"][0]["code"], "no-consent");
	}
}
