//! The HTTP API (axum), one module per resource:
//!
//! | module | holds |
//! | --- | --- |
//! | `mod.rs` | the state ([`Gateway`]), the router and its layers, the OpenAPI document's frame |
//! | `error.rs` | the one error type, rendered as a FHIR OperationOutcome, the framework's errors included |
//! | `extract.rs` | axum's path and query extractors, refusing with that error |
//! | `signer.rs` | authentication as an extractor: a handler that takes a `Signer` serves signed requests only |
//! | `records.rs` | `GET` and `PUT /records/{id}` |
//! | `fhir.rs` | `GET /fhir/AuditEvent` and `GET /fhir/Consent` |
//! | `portal.rs` | the portal's files, settings and CORS |
//! | `operations.rs` | `/health`, `/metrics`, `/info`, `/openapi.json`, and the request metrics |
//!
//! Each handler declares its parameters and answers with `#[utoipa::path]`, and is routed with
//! `utoipa_axum::routes!`, so the document served at `/openapi.json` is generated from the very
//! routes the gateway serves ([`api`]). Handlers ask the chain through [`ChainView`], so they are
//! tested without a node (`tests.rs`).

mod error;
mod extract;
mod fhir;
mod operations;
mod portal;
mod records;
mod signer;
#[cfg(test)]
mod tests;

use std::{
	collections::HashSet,
	num::NonZeroU32,
	sync::{atomic::AtomicBool, Arc, Mutex},
};

use axum::{
	extract::{Request, State},
	http::{header, StatusCode},
	middleware::{self, Next},
	response::{IntoResponse, Response},
	Extension, Router,
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use medchain_client::keys::Keys;
use medchain_primitives::identity::SubjectId;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
	audit::{now_ms, AuditQueue},
	auth::Replay,
	chain::ChainView,
	config::Config,
	metrics::Metrics,
	store::Store,
};
use error::{ApiError, RETRY_AFTER_SECONDS};

/// Most envelopes one upload may carry.
pub const MAX_ENVELOPES: usize = 8;

/// Longest nonce accepted, bytes.
pub const MAX_NONCE: usize = 64;

/// Everything a request handler needs.
pub struct Gateway {
	/// The configuration.
	pub config: Config,
	/// Blobs and metadata.
	pub store: Store,
	/// The chain at the finalized block.
	pub view: Arc<dyn ChainView>,
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

type Result<T> = std::result::Result<T, ApiError>;

impl Gateway {
	/// A rate limiter as configured.
	pub fn limiter(config: &Config) -> DefaultKeyedRateLimiter<SubjectId> {
		let rate = NonZeroU32::new(config.requests_per_second).unwrap_or(NonZeroU32::MIN);
		let burst = NonZeroU32::new(config.burst).unwrap_or(NonZeroU32::MIN);
		RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
	}
}

/// The frame of the OpenAPI document; the paths and schemas come from the handlers.
#[derive(OpenApi)]
#[openapi(
	info(
		title = "MedChain custodian gateway",
		version = "1.0.0",
		description = "Keeps the encrypted records of one organization and serves them as the chain's access rule decides. Every request except /health, /metrics, /info, /openapi.json and the portal's is signed with HTTP Message Signatures (RFC 9421) by the requester's registered sr25519 key: see docs/gateway.md. Every error, the HTTP stack's own included, is a FHIR R4 OperationOutcome (application/fhir+json)."
	),
	tags(
		(name = "records", description = "Encrypted records: upload by the author or patient, reads as the chain decides, every decision on the patient's trail."),
		(name = "fhir", description = "FHIR R4 searches of a patient's audit trail and consents, a page at a time."),
		(name = "operations", description = "Health, metrics, identity and this document: public, unsigned."),
		(name = "portal", description = "The web portal's pinned settings, when the gateway serves the portal.")
	)
)]
struct ApiDoc;

/// The routes this configuration serves, each documented by its handler: the axum router and
/// the OpenAPI document come from the same list, so one cannot have a route the other lacks.
pub fn api(config: &Config) -> OpenApiRouter<Shared> {
	let api = OpenApiRouter::with_openapi(ApiDoc::openapi())
		.routes(routes!(operations::health))
		.routes(routes!(operations::metrics))
		.routes(routes!(operations::info))
		.routes(routes!(operations::openapi))
		.routes(routes!(records::read, records::upload))
		.routes(routes!(fhir::audit_events))
		.routes(routes!(fhir::consents));
	if config.portal_node.is_some() {
		api.routes(routes!(portal::settings))
	} else {
		api
	}
}

/// The application: routes, state and layers.
pub fn router(gateway: Shared) -> Router {
	let (routes, document) = api(&gateway.config).split_for_parts();
	let max_body = usize::try_from(gateway.config.max_record_bytes).unwrap_or(usize::MAX);
	let concurrency = gateway.config.max_concurrent;
	// Any other path: the portal's files when there is a portal, else an unknown route. Before
	// the layers, so static files count against the same limits and metrics.
	let routes = if gateway.config.portal_dir.is_some() {
		routes.fallback(portal::files)
	} else {
		routes.fallback(error::no_route)
	};
	let routes = routes
		.method_not_allowed_fallback(error::method_not_allowed)
		.layer(Extension(operations::Document::new(&document)))
		.layer(middleware::from_fn_with_state(gateway.clone(), operations::track))
		.layer(tower_http::limit::RequestBodyLimitLayer::new(max_body))
		.layer(middleware::from_fn_with_state(gateway.clone(), content_length))
		// One semaphore for the whole router: `Router::layer` wraps each route's method service
		// on its own, and a plain ConcurrencyLimitLayer would give each of them its own limit.
		.layer(tower::limit::GlobalConcurrencyLimitLayer::new(concurrency))
		.layer(middleware::map_response(error::outcome));
	let routes = match portal::cors(&gateway.config.cors_origins) {
		Some(layer) => routes.layer(layer),
		None => routes,
	};
	routes.with_state(gateway)
}

/// Refuses a request whose `Content-Length` is not a number of bytes (400) or is over
/// `max_record_bytes` (413) before a byte of its body is read. (A body that grows past the limit
/// without announcing its length is cut off by the body limit layer.)
async fn content_length(State(gateway): State<Shared>, request: Request, next: Next) -> Response {
	if let Some(value) = request.headers().get(header::CONTENT_LENGTH) {
		let limit = gateway.config.max_record_bytes;
		match value.to_str().ok().and_then(|text| text.parse::<u64>().ok()) {
			None => {
				let text = String::from_utf8_lossy(value.as_bytes());
				return ApiError::bad_request(format!(
					"Content-Length `{text}` is not a number of bytes"
				))
				.into_response();
			},
			Some(length) if length > limit => {
				return ApiError::too_large(length, limit).into_response()
			},
			Some(_) => {},
		}
	}
	next.run(request).await
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
