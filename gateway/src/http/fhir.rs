//! The FHIR searches: `GET /fhir/AuditEvent` and `GET /fhir/Consent`, a page of a patient's
//! trail or consents at a time, as R4 `searchset` Bundles.

use axum::{
	extract::State,
	http::{header, HeaderMap, Uri},
	response::{IntoResponse, Response},
};
use medchain_client::fhir;
use medchain_primitives::{
	consent::Grantee,
	identity::{SubjectId, SubjectKind, SubjectStatus},
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::{
	error::{ApiError, OperationOutcome, FHIR_JSON},
	extract::Query,
	serving,
	signer::{empty_body, Signer},
	Gateway, Result, Shared,
};
use crate::{chain::PageError, search::Paging};

/// A search's parameters.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatientQuery {
	/// The patient's DID: `did:medchain:` and 64 hex digits.
	#[param(required = true, pattern = "^did:medchain:[0-9a-f]{64}$")]
	patient: Option<String>,
	/// Entries per page, newest first (FHIR `_count`): 50 when absent; a number outside 1 to
	/// 1000 (the runtime's largest page) is clamped to it, and the `self` link says which was
	/// used.
	// Read as text: a value that is not a whole number gets this API's 400, not the extractor's.
	#[serde(rename = "_count")]
	#[param(value_type = Option<i64>, default = json!(50))]
	count: Option<String>,
	/// Where the page starts: opaque, the `_cursor` of the previous page's `next` link (absent:
	/// the newest entry). A cursor past the end of the patient's list is a 400.
	#[serde(rename = "_cursor")]
	#[param(pattern = "^[0-9]{1,19}$")]
	cursor: Option<String>,
}

impl PatientQuery {
	/// `_count` (clamped) and `_cursor`.
	fn paging(&self) -> Result<Paging> {
		Paging::parse(self.count.as_deref(), self.cursor.as_deref()).map_err(ApiError::bad_request)
	}
}

/// A FHIR R4 `searchset` Bundle holding one page of a search, newest first, without `total`
/// (it would count every page's matches, which one page does not know).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)] // Documentation only: `medchain_client::fhir::bundle_page` renders pages.
pub struct Bundle {
	/// `Bundle`.
	#[schema(inline)]
	resource_type: BundleResource,
	/// `searchset`.
	#[schema(rename = "type", inline)]
	kind: BundleKind,
	/// `self`, the search as processed (`_count` clamped), and, while older entries remain,
	/// `next`, the same search with `_cursor`. URLs are relative to the gateway.
	link: Vec<BundleLink>,
	/// The page's resources (AuditEvent or Consent).
	entry: Vec<BundleEntry>,
}

/// The resource type of a [`Bundle`].
#[derive(ToSchema)]
#[allow(dead_code)] // Documentation only.
pub enum BundleResource {
	/// The only one.
	Bundle,
}

/// The type of a [`Bundle`].
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // Documentation only.
pub enum BundleKind {
	/// Search results.
	Searchset,
}

/// A link of a [`Bundle`].
#[derive(ToSchema)]
#[allow(dead_code)] // Documentation only.
pub struct BundleLink {
	/// `self` or `next`.
	#[schema(inline)]
	relation: LinkRelation,
	/// Path and query, e.g. `/fhir/AuditEvent?patient=did%3Amedchain%3A…&_count=50&_cursor=120`.
	url: String,
}

/// What a [`BundleLink`] points at.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // Documentation only.
pub enum LinkRelation {
	/// This page.
	#[schema(rename = "self")]
	This,
	/// The page after it.
	Next,
}

/// An entry of a [`Bundle`]: one matching resource.
#[derive(ToSchema)]
#[allow(dead_code)] // Documentation only.
pub struct BundleEntry {
	/// The FHIR resource: an AuditEvent or a Consent.
	#[schema(value_type = Object)]
	resource: Value,
	/// `{"mode": "match"}`.
	#[schema(value_type = Object)]
	search: Value,
}

/// Who may search a patient's resources here: the patient, a delegate guardian, or this
/// gateway's organization (its privacy office), which sees only what concerns it. Returns the
/// patient and whether this is the organization's view.
async fn searcher(
	gateway: &Gateway,
	requester: SubjectId,
	headers: &HeaderMap,
	query: &PatientQuery,
) -> Result<(SubjectId, bool)> {
	empty_body(headers)?;
	serving(gateway)?;
	let patient = query
		.patient
		.as_deref()
		.ok_or_else(|| ApiError::bad_request("the `patient` search parameter is required"))?
		.parse::<SubjectId>()
		.map_err(|e| ApiError::bad_request(e.to_string()))?;
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
	([(header::CONTENT_TYPE, FHIR_JSON)], fhir::bundle_page(resources, &links).to_string())
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

/// One page of the patient's audit trail as a FHIR R4 Bundle of AuditEvent
///
/// Newest first, for the patient, a delegate guardian, or this gateway's organization. The
/// organization's view is filtered page by page: a page of `_count` entries is read, then only
/// the entries about records this gateway holds or held are kept. Such a page may hold fewer
/// than `_count` entries, or none, and its `next` link still points on while older entries
/// remain; filtering before paging would mean reading the whole trail for every page.
#[utoipa::path(
	get,
	path = "/fhir/AuditEvent",
	operation_id = "searchAuditEvents",
	tag = "fhir",
	params(PatientQuery, Signer),
	responses(
		(status = 200, description = "A searchset Bundle of one page: follow `next` until there is none", body = Bundle, content_type = "application/fhir+json"),
		(status = 400, description = "Malformed request: the patient identifier, the Content-Digest, a `_count` that is not a whole number, a `_cursor` past the end of the trail or not one this search hands out", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 401, description = "Not signed, a bad signature, stale, replayed, or the key controls no active identity", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 403, description = "Not the patient, a delegate guardian, or this gateway's organization", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 404, description = "No such patient", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 429, description = "Over the per-identity rate", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 500, description = "The gateway failed (its store)", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 503, description = "The chain cannot answer, or its view is stale: try again later", body = OperationOutcome, content_type = "application/fhir+json",
			headers(("Retry-After" = u64, description = "Seconds to wait, when waiting helps"))
		)
	)
)]
pub async fn audit_events(
	State(gateway): State<Shared>,
	Signer(requester): Signer,
	Query(query): Query<PatientQuery>,
	uri: Uri,
	headers: HeaderMap,
) -> Result<Response> {
	let (patient, organization_view) = searcher(&gateway, requester, &headers, &query).await?;
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

/// One page of the patient's consents as a FHIR R4 Bundle of Consent
///
/// Active and past, newest first, for the patient, a delegate guardian, or this gateway's
/// organization. The organization's view (the consents naming the organization) is filtered page
/// by page, as the AuditEvent search's is: a page may hold fewer than `_count` consents, or none,
/// and its `next` link still points on while older consents remain.
#[utoipa::path(
	get,
	path = "/fhir/Consent",
	operation_id = "searchConsents",
	tag = "fhir",
	params(PatientQuery, Signer),
	responses(
		(status = 200, description = "A searchset Bundle of one page: follow `next` until there is none", body = Bundle, content_type = "application/fhir+json"),
		(status = 400, description = "Malformed request: the patient identifier, the Content-Digest, a `_count` that is not a whole number, a `_cursor` past the end of the consents or not one this search hands out", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 401, description = "Not signed, a bad signature, stale, replayed, or the key controls no active identity", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 403, description = "Not the patient, a delegate guardian, or this gateway's organization", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 404, description = "No such patient", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 429, description = "Over the per-identity rate", body = OperationOutcome, content_type = "application/fhir+json"),
		(status = 503, description = "The chain cannot answer, or its view is stale: try again later", body = OperationOutcome, content_type = "application/fhir+json",
			headers(("Retry-After" = u64, description = "Seconds to wait, when waiting helps"))
		)
	)
)]
pub async fn consents(
	State(gateway): State<Shared>,
	Signer(requester): Signer,
	Query(query): Query<PatientQuery>,
	uri: Uri,
	headers: HeaderMap,
) -> Result<Response> {
	let (patient, organization_view) = searcher(&gateway, requester, &headers, &query).await?;
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
