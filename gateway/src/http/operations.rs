//! What an operator asks a gateway: `/health`, `/metrics`, `/info` and `/openapi.json`, public
//! and unsigned; and the request metrics every answer is counted in.

use std::{sync::atomic::Ordering, time::Instant};

use axum::{
	body::Bytes,
	extract::{MatchedPath, Request, State},
	http::{header, Method},
	middleware::Next,
	response::{IntoResponse, Response},
	Extension, Json,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Gateway, Shared};
use crate::audit::now_ms;

/// The media type of the Prometheus text exposition.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4";

/// Whether the gateway runs, how current its view of the chain is, and how its audit trail
/// keeps up.
#[derive(Serialize, ToSchema)]
pub struct Health {
	/// `ok` whenever the gateway answers.
	pub status: &'static str,
	/// The gateway's DID.
	pub gateway: String,
	/// The hash of the finalized block answers are read at.
	pub finalized_block: String,
	/// How old that block is, seconds.
	pub view_age_seconds: u64,
	/// Whether the chain refuses this gateway's audit entries (reads are refused meanwhile).
	pub suspended: bool,
	/// The audit trail.
	pub audit: AuditHealth,
}

/// How the audit trail keeps up.
#[derive(Serialize, ToSchema)]
pub struct AuditHealth {
	/// How long the oldest read not yet in a finalized block has waited, seconds.
	pub lag_seconds: f64,
	/// Reads waiting to be sent.
	pub waiting_reads: u64,
	/// Denials waiting to be sent.
	pub waiting_denials: u64,
	/// Events sent and not yet in a finalized block.
	pub in_flight: u64,
	/// Events the chain refused, kept for the operator.
	pub rejected: u64,
	/// How many events may wait now: what the chain takes in half the lag bound at its pace.
	pub admitting: u64,
	/// Events per second the chain took from this gateway over the last 20 s.
	pub drain_per_second: f64,
	/// Why reads are refused now, or `null`.
	pub reads_refused: Option<String>,
}

/// The gateway's identity and key: check them on chain before wrapping a record's key for it.
#[derive(Serialize, ToSchema)]
pub struct Info {
	/// The gateway's DID.
	pub gateway: String,
	/// The DID of the organization it keeps records for.
	pub organization: String,
	/// The gateway's X25519 key, 0x hex: custodian envelopes are wrapped for it.
	pub key_agreement: String,
	/// The chain's genesis hash, 0x hex.
	pub genesis: String,
	/// The largest record it accepts, bytes.
	pub max_record_bytes: u64,
}

/// The OpenAPI document served at `/openapi.json`, serialized once when the router is built.
#[derive(Clone)]
pub struct Document(Bytes);

impl Document {
	/// The document as JSON.
	pub fn new(document: &utoipa::openapi::OpenApi) -> Self {
		Self(Bytes::from(document.to_pretty_json().expect("the OpenAPI document serializes")))
	}
}

/// Liveness, the view's age and the audit trail's state
#[utoipa::path(
	get,
	path = "/health",
	operation_id = "health",
	tag = "operations",
	responses(
		(status = 200, description = "Running", body = Health, content_type = "application/json")
	)
)]
pub async fn health(State(gateway): State<Shared>) -> Json<Health> {
	Json(Health {
		status: "ok",
		gateway: gateway.me.to_did(),
		finalized_block: format!("{:?}", gateway.view.block()),
		view_age_seconds: now_ms().saturating_sub(gateway.view.block_time()) / 1000,
		suspended: gateway.suspended.load(Ordering::SeqCst),
		audit: audit_health(&gateway),
	})
}

/// The audit trail's state for `/health`: how far behind, and whether reads are refused.
fn audit_health(gateway: &Gateway) -> AuditHealth {
	let state = gateway.audit.state();
	let backlog = state.backlog();
	let now = now_ms();
	AuditHealth {
		lag_seconds: state.lag_ms(now) as f64 / 1000.0,
		waiting_reads: backlog.reads,
		waiting_denials: backlog.denials,
		in_flight: backlog.numbered,
		rejected: backlog.rejected,
		admitting: state.admitting(now),
		drain_per_second: state.drain_rate(now),
		reads_refused: state.refusal(now),
	}
}

/// Prometheus metrics
#[utoipa::path(
	get,
	path = "/metrics",
	operation_id = "metrics",
	tag = "operations",
	responses(
		(status = 200, description = "The Prometheus text exposition format", body = String, content_type = "text/plain; version=0.0.4")
	)
)]
pub async fn metrics(State(gateway): State<Shared>) -> impl IntoResponse {
	([(header::CONTENT_TYPE, PROMETHEUS_TEXT)], gateway.metrics.render())
}

/// The gateway's identity and key (verify them on chain)
#[utoipa::path(
	get,
	path = "/info",
	operation_id = "info",
	tag = "operations",
	responses(
		(status = 200, description = "Identity", body = Info, content_type = "application/json")
	)
)]
pub async fn info(State(gateway): State<Shared>) -> Json<Info> {
	Json(Info {
		gateway: gateway.me.to_did(),
		organization: gateway.organization.to_did(),
		key_agreement: format!("0x{}", hex::encode(gateway.keys.agreement_public())),
		genesis: format!("{:?}", gateway.view.genesis()),
		max_record_bytes: gateway.config.max_record_bytes,
	})
}

/// This document, generated from the handlers
#[utoipa::path(
	get,
	path = "/openapi.json",
	operation_id = "openapi",
	tag = "operations",
	responses(
		(status = 200, description = "OpenAPI 3.1", body = Object, content_type = "application/json")
	)
)]
pub async fn openapi(Extension(Document(document)): Extension<Document>) -> impl IntoResponse {
	([(header::CONTENT_TYPE, "application/json")], document)
}

/// Counts every answer by route and status, and times it.
pub async fn track(State(gateway): State<Shared>, request: Request, next: Next) -> Response {
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
