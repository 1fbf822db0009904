//! The web portal: its files (`portal_dir`) at any path no route takes, its pinned settings
//! (`/medchain-portal.json`, with `portal_node`), and the CORS that lets portals served elsewhere
//! call the gateway (`cors_origins`).

use std::time::Duration;

use axum::{
	body::Body,
	extract::{Request, State},
	http::{header, HeaderMap, HeaderValue, Method},
	response::{IntoResponse, Response},
	Json,
};
use medchain_client::gateway::{DENY_REASON_HEADER, ENVELOPES_HEADER, ENVELOPE_HEADER};
use serde::Serialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::ToSchema;

use super::{error::ApiError, Gateway, Shared};

/// The portal's pinned settings.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalSettings {
	/// The node (ws:// or wss://) the portal's users connect to.
	pub node: Option<String>,
	/// This chain's genesis hash, 0x hex: the portal refuses a node of another chain.
	pub genesis: String,
	/// Whether the portal offers the well-known development accounts (dev chains).
	pub dev_accounts: bool,
}

/// The portal's settings: this gateway's node for browsers and the chain's genesis
///
/// Pinned by the operator, so a link cannot point the page this gateway serves at another node
/// or chain.
#[utoipa::path(
	get,
	path = "/medchain-portal.json",
	operation_id = "portalSettings",
	tag = "portal",
	responses(
		(status = 200, description = "The settings", body = PortalSettings, content_type = "application/json")
	)
)]
pub async fn settings(State(gateway): State<Shared>) -> Response {
	let settings = PortalSettings {
		node: gateway.config.portal_node.clone(),
		genesis: format!("{:?}", gateway.view.genesis()),
		dev_accounts: gateway.config.portal_dev_accounts,
	};
	let mut response = Json(settings).into_response();
	portal_headers(&gateway, response.headers_mut());
	response
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

fn portal_headers(gateway: &Gateway, headers: &mut HeaderMap) {
	let fixed = HeaderValue::from_static;
	let csp = portal_csp(gateway.config.portal_node.as_deref());
	if let Ok(csp) = HeaderValue::from_str(&csp) {
		headers.insert(header::CONTENT_SECURITY_POLICY, csp);
	}
	headers.insert(header::X_FRAME_OPTIONS, fixed("DENY"));
	headers.insert(header::X_CONTENT_TYPE_OPTIONS, fixed("nosniff"));
	headers.insert(header::REFERRER_POLICY, fixed("no-referrer"));
	// A new portal build is picked up at once (files are revalidated, never stale).
	headers.insert(header::CACHE_CONTROL, fixed("no-cache"));
	if gateway.config.tls().is_some() {
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
/// a page that holds keys. (A missing file's 404 and a wrong method's 405 leave as
/// OperationOutcomes, like every error.)
pub async fn files(State(gateway): State<Shared>, request: Request) -> Response {
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
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
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
}
