//! `medchain-gateway`: see the crate documentation and docs/gateway.md.

use std::{
	sync::{atomic::AtomicBool, Arc},
	time::Duration,
};

use clap::{ArgMatches, CommandFactory};
use medchain_client::{chain::Chain, keys::KeyFile};
use medchain_gateway::{
	audit::{AuditQueue, AuditState, Limits, Pipeline},
	auth::Replay,
	chain::{ChainView, NodeView},
	config::Config,
	follower,
	http::{self, Gateway},
	metrics::Metrics,
	store::Store,
};
use medchain_primitives::identity::{SubjectKind, SubjectStatus};

#[tokio::main]
async fn main() {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,medchain_gateway=info".into()),
		)
		.init();
	if let Err(error) = run(Config::command().get_matches()).await {
		eprintln!("error: {error}");
		std::process::exit(1);
	}
}

async fn run(matches: ArgMatches) -> Result<(), String> {
	let config = Config::load(matches)?;
	let passphrase = std::env::var("MEDCHAIN_PASSPHRASE")
		.map_err(|_| "MEDCHAIN_PASSPHRASE must hold the key file's passphrase".to_owned())?;
	let key_file = config.key_file.as_deref().ok_or("key_file is required")?;
	let text = std::fs::read_to_string(key_file)
		.map_err(|e| format!("cannot read {}: {e}", key_file.display()))?;
	let keys = KeyFile::from_json(&text)
		.and_then(|file| file.open(&passphrase))
		.map_err(|e| format!("{}: {e}", key_file.display()))?;
	let keys = Arc::new(keys);

	let chain = Chain::connect(&config.node).await.map_err(|e| e.to_string())?;
	let view = NodeView::new(chain).await.map_err(|e| e.to_string())?;
	let me =
		view.subject_of(keys.account().0)
			.await
			.map_err(|e| e.to_string())?
			.ok_or_else(|| {
				format!(
				"the key {} controls no identity: register it as a gateway of your organization",
				keys.ss58()
			)
			})?;
	let document = view
		.identity(me)
		.await
		.map_err(|e| e.to_string())?
		.ok_or("the gateway has no identity document")?;
	if document.kind != SubjectKind::Gateway || document.status != SubjectStatus::Active {
		return Err(format!("{} is not an active gateway", me.to_did()));
	}
	let organization = document.organization.ok_or("the gateway belongs to no organization")?;
	if document.key_agreement != keys.agreement_public() {
		return Err("the key file's X25519 key is not the one registered for this gateway".into());
	}

	let metrics = Arc::new(Metrics::new());
	let store = Store::open(&config.data_dir).map_err(|e| e.to_string())?;
	let erased = follower::reconcile(&*view, &store, &metrics).await?;
	if erased > 0 {
		tracing::info!(
			erased,
			"erased records whose anchors were erased while the gateway was down"
		);
	}
	let suspended = Arc::new(AtomicBool::new(false));
	let limits = Limits {
		max_lag_ms: config.audit_max_lag_seconds.saturating_mul(1000),
		max_waiting: config.audit_max_waiting,
	};
	let audit = AuditQueue::start(
		&store,
		view.clone(),
		keys.clone(),
		me,
		Pipeline { batch: config.audit_batch, in_flight: config.audit_in_flight },
		metrics.clone(),
		Arc::new(AuditState::new(limits, suspended.clone())),
	)?;
	tokio::spawn(follower::follow(view.clone(), store.clone(), metrics.clone(), organization));

	let started = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_secs())
		.unwrap_or(0);
	let gateway = Arc::new(Gateway {
		replay: Replay::new(started, config.freshness_seconds),
		limiter: Gateway::limiter(&config),
		config: config.clone(),
		store,
		view,
		audit,
		metrics,
		keys,
		me,
		organization,
		suspended,
		uploading: Default::default(),
	});
	let app = http::router(gateway);

	let handle = axum_server::Handle::new();
	let shutdown = handle.clone();
	tokio::spawn(async move {
		let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
			.expect("a SIGTERM handler");
		tokio::select! {
			_ = tokio::signal::ctrl_c() => {},
			_ = term.recv() => {},
		}
		shutdown.graceful_shutdown(Some(Duration::from_secs(5)));
	});
	// Nonces are kept in memory; requests created before the start (+ the future skew) are
	// refused. Listening only once that much time has passed means no fresh request from a
	// client with a right clock is refused for it.
	let ready = started + medchain_gateway::auth::MAX_FUTURE_SKEW;
	let now = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_secs_f64())
		.unwrap_or(0.0);
	tokio::time::sleep(Duration::from_secs_f64((ready as f64 + 1.0 - now).max(0.0))).await;
	let scheme = if config.tls().is_some() { "https" } else { "http" };
	if config.tls().is_none() && !config.listen.ip().is_loopback() {
		tracing::warn!("serving plain HTTP on a non-loopback address: give tls_cert and tls_key, or put a TLS proxy in front");
	}
	tracing::info!(
		gateway = %me.to_did(),
		organization = %organization.to_did(),
		"listening on {scheme}://{}",
		config.listen
	);
	match config.tls() {
		Some((cert, key)) => {
			let _ = rustls::crypto::ring::default_provider().install_default();
			let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
				.await
				.map_err(|e| format!("TLS certificate or key: {e}"))?;
			axum_server::bind_rustls(config.listen, tls)
				.handle(handle)
				.serve(app.into_make_service())
				.await
		},
		None => {
			axum_server::bind(config.listen)
				.handle(handle)
				.serve(app.into_make_service())
				.await
		},
	}
	.map_err(|e| format!("cannot serve on {}: {e}", config.listen))
}
