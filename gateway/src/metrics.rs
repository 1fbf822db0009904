//! Prometheus metrics, served at `/metrics`.

use prometheus::{
	Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
	Opts, Registry, TextEncoder,
};

/// The gateway's metrics.
pub struct Metrics {
	registry: Registry,
	/// Requests by route and HTTP status.
	pub requests: IntCounterVec,
	/// Request latency by route, seconds.
	pub latency: HistogramVec,
	/// Reads by decision (`permit`, `deny`).
	pub decisions: IntCounterVec,
	/// Audit events waiting to be sent (reads and denials).
	pub audit_queued: IntGauge,
	/// Audit events in batches sent and not yet finalized.
	pub audit_in_flight: IntGauge,
	/// How long the oldest read not yet in a finalized block has waited, seconds.
	pub audit_lag: Gauge,
	/// Times the submitter started again from the chain's count (a batch did not land).
	pub audit_resyncs: IntCounter,
	/// From a read's audit event queued to its batch in a finalized block, seconds.
	pub audit_read_lag: Histogram,
	/// Audit events the chain included.
	pub audit_included: IntCounter,
	/// Audit events the chain refused for good (kept for the operator).
	pub audit_rejected: IntGauge,
	/// Records erased here after an on-chain erasure.
	pub erased: IntCounter,
	/// The finalized block the gateway answers at.
	pub finalized: IntGauge,
}

impl Metrics {
	/// Registers every metric.
	pub fn new() -> Self {
		let registry =
			Registry::new_custom(Some("medchain_gateway".into()), None).expect("a valid prefix");
		let requests = IntCounterVec::new(
			Opts::new("requests_total", "Requests by route and status"),
			&["route", "status"],
		)
		.expect("valid metric");
		let latency = HistogramVec::new(
			HistogramOpts::new("request_seconds", "Request latency by route")
				.buckets(vec![0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0, 5.0]),
			&["route"],
		)
		.expect("valid metric");
		let decisions = IntCounterVec::new(
			Opts::new("read_decisions_total", "Reads by decision"),
			&["decision"],
		)
		.expect("valid metric");
		let audit_queued = IntGauge::new("audit_queued", "Audit events waiting for the chain")
			.expect("valid metric");
		let audit_in_flight =
			IntGauge::new("audit_in_flight", "Audit events sent and not yet finalized")
				.expect("valid metric");
		let audit_lag = Gauge::new(
			"audit_lag_seconds",
			"How long the oldest read not yet in a finalized block has waited",
		)
		.expect("valid metric");
		let audit_resyncs = IntCounter::new(
			"audit_resyncs_total",
			"Times the audit submitter started again from the chain's count",
		)
		.expect("valid metric");
		let audit_read_lag = Histogram::with_opts(
			HistogramOpts::new(
				"audit_read_lag_seconds",
				"From a read's audit event queued to its entry in a finalized block",
			)
			.buckets(vec![0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 60.0]),
		)
		.expect("valid metric");
		let audit_included =
			IntCounter::new("audit_included_total", "Audit events included on chain")
				.expect("valid metric");
		let audit_rejected =
			IntGauge::new("audit_rejected", "Audit events the chain refused for good")
				.expect("valid metric");
		let erased = IntCounter::new("erased_total", "Records erased after an on-chain erasure")
			.expect("valid metric");
		let finalized = IntGauge::new("finalized_block", "The finalized block answers are read at")
			.expect("valid metric");
		for metric in [
			Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
			Box::new(latency.clone()),
			Box::new(decisions.clone()),
			Box::new(audit_queued.clone()),
			Box::new(audit_in_flight.clone()),
			Box::new(audit_lag.clone()),
			Box::new(audit_resyncs.clone()),
			Box::new(audit_read_lag.clone()),
			Box::new(audit_included.clone()),
			Box::new(audit_rejected.clone()),
			Box::new(erased.clone()),
			Box::new(finalized.clone()),
		] {
			registry.register(metric).expect("registered once");
		}
		Self {
			registry,
			requests,
			latency,
			decisions,
			audit_queued,
			audit_in_flight,
			audit_lag,
			audit_resyncs,
			audit_read_lag,
			audit_included,
			audit_rejected,
			erased,
			finalized,
		}
	}

	/// The Prometheus text exposition.
	pub fn render(&self) -> String {
		let mut out = Vec::new();
		TextEncoder::new()
			.encode(&self.registry.gather(), &mut out)
			.expect("text encodes");
		String::from_utf8(out).expect("the text format is UTF-8")
	}
}

impl Default for Metrics {
	fn default() -> Self {
		Self::new()
	}
}
