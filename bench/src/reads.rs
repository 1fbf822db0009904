//! Sustained audited reads through a gateway: reads of one record at a fixed rate (open loop,
//! each request signed as it is sent), while the gateway's `/health` and `/metrics` are sampled
//! every second, then the drain once the load stops. What it reports:
//!
//! - served reads/s and refused reads (503: the trail fell behind) and any other answer;
//! - audit entries finalized/s (the gateway's `audit_included_total`);
//! - the audit lag, read → entry in a finalized block: p50/p99 from the gateway's
//!   `audit_read_lag_seconds` histogram, and the worst `/health` lag seen;
//! - the queue (waiting reads and denials, events in flight) second by second.

use std::{
	path::Path,
	sync::{
		atomic::{AtomicBool, AtomicU64, Ordering},
		Arc,
	},
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use medchain_client::{httpsig, keys::Keys};
use plotters::prelude::*;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::Error;

/// What the run is asked to do.
pub struct Plan {
	/// The gateway's base URL.
	pub gateway: String,
	/// `/records/0x…`.
	pub path: String,
	/// Reads per second.
	pub rate: f64,
	/// Seconds of load.
	pub duration: u64,
	/// Reads in flight at most.
	pub concurrency: usize,
	/// Seconds to wait for the queue to drain after the load.
	pub drain: u64,
}

/// One second of the run, as the gateway reported it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Sample {
	/// Seconds since the load started.
	pub t: f64,
	/// Reads served (200) in that second.
	pub served: u64,
	/// Reads refused (503) in that second.
	pub refused: u64,
	/// Audit entries finalized in that second.
	pub finalized: u64,
	/// The oldest unsettled read's age, seconds.
	pub lag_s: f64,
	/// Events waiting to be sent.
	pub waiting: u64,
	/// Events sent and not yet finalized.
	pub in_flight: u64,
}

/// The run's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Figures {
	/// Reads per second asked for.
	pub target_rate: f64,
	/// Seconds of load.
	pub duration_s: f64,
	/// Reads served.
	pub served: u64,
	/// Reads refused with 503.
	pub refused: u64,
	/// Other answers (errors).
	pub failed: u64,
	/// Reads the client could not send on time (all `concurrency` in flight).
	pub late: u64,
	/// Served reads per second over the load.
	pub served_per_second: f64,
	/// Audit entries finalized per second over the load.
	pub finalized_per_second: f64,
	/// Read → entry finalized, seconds (from the gateway's histogram).
	pub lag_p50_s: f64,
	/// Read → entry finalized, seconds.
	pub lag_p99_s: f64,
	/// Worst lag `/health` showed.
	pub lag_max_s: f64,
	/// Seconds after the load until nothing waited.
	pub drain_s: Option<f64>,
	/// Second by second.
	pub samples: Vec<Sample>,
}

/// What `/health` and `/metrics` say now.
#[derive(Clone, Debug, Default)]
struct Gauges {
	lag_s: f64,
	waiting: u64,
	in_flight: u64,
	included: u64,
	lag_buckets: Vec<(f64, f64)>,
}

async fn gauges(client: &reqwest::Client, gateway: &str) -> Result<Gauges, Error> {
	let health: serde_json::Value = client
		.get(format!("{gateway}/health"))
		.send()
		.await
		.map_err(Error::client)?
		.json()
		.await
		.map_err(Error::client)?;
	let audit = &health["audit"];
	let number = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
	let metrics = client
		.get(format!("{gateway}/metrics"))
		.send()
		.await
		.map_err(Error::client)?
		.text()
		.await
		.map_err(Error::client)?;
	let mut included = 0;
	let mut lag_buckets = Vec::new();
	for line in metrics.lines().filter(|l| !l.starts_with('#')) {
		let Some((name, value)) = line.rsplit_once(' ') else { continue };
		let value: f64 = value.parse().unwrap_or(0.0);
		if name == "medchain_gateway_audit_included_total" {
			included = value as u64;
		} else if let Some(le) = name
			.strip_prefix("medchain_gateway_audit_read_lag_seconds_bucket{le=\"")
			.and_then(|rest| rest.strip_suffix("\"}"))
		{
			let le = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap_or(f64::INFINITY) };
			lag_buckets.push((le, value));
		}
	}
	Ok(Gauges {
		lag_s: audit["lag_seconds"].as_f64().unwrap_or(0.0),
		waiting: number(&audit["waiting_reads"]) + number(&audit["waiting_denials"]),
		in_flight: number(&audit["in_flight"]),
		included,
		lag_buckets,
	})
}

/// The `q` quantile of the observations between two snapshots of a cumulative histogram,
/// interpolated linearly within its bucket (as Prometheus' `histogram_quantile`).
fn quantile(before: &[(f64, f64)], after: &[(f64, f64)], q: f64) -> f64 {
	let counts: Vec<(f64, f64)> = after
		.iter()
		.map(|(le, n)| {
			let earlier = before.iter().find(|(b, _)| b == le).map_or(0.0, |(_, m)| *m);
			(*le, n - earlier)
		})
		.collect();
	let total = counts.last().map_or(0.0, |(_, n)| *n);
	if total <= 0.0 {
		return 0.0;
	}
	let rank = q * total;
	let (mut lower, mut below) = (0.0, 0.0);
	for (le, n) in counts {
		if n >= rank {
			if le.is_infinite() {
				return lower;
			}
			let share = if n > below { (rank - below) / (n - below) } else { 1.0 };
			return lower + (le - lower) * share;
		}
		(lower, below) = (le, n);
	}
	lower
}

/// Runs the plan with `keys` as the reader.
pub async fn run(plan: &Plan, keys: Arc<Keys>) -> Result<Figures, Error> {
	let client = reqwest::Client::builder()
		.pool_max_idle_per_host(plan.concurrency)
		.build()
		.map_err(Error::client)?;
	let start_gauges = gauges(&client, &plan.gateway).await?;
	let served = Arc::new(AtomicU64::new(0));
	let refused = Arc::new(AtomicU64::new(0));
	let failed = Arc::new(AtomicU64::new(0));
	let mut late = 0u64;
	let permits = Arc::new(Semaphore::new(plan.concurrency));
	let load_done = Arc::new(AtomicBool::new(false));
	let digest = httpsig::content_digest(b"");
	let url = format!("{}{}?purpose=TREAT", plan.gateway, plan.path);

	// The sampler: every second, what was served and what the gateway reports.
	let sampler = {
		let (client, gateway) = (client.clone(), plan.gateway.clone());
		let (served, refused) = (served.clone(), refused.clone());
		let load_done = load_done.clone();
		let seconds = plan.duration + plan.drain;
		tokio::spawn(async move {
			let started = Instant::now();
			let mut samples = Vec::new();
			let (mut last_served, mut last_refused, mut last_included) = (0, 0, None);
			let mut drained_at = None;
			let mut ticker = tokio::time::interval(Duration::from_secs(1));
			ticker.tick().await;
			while started.elapsed().as_secs() < seconds {
				ticker.tick().await;
				let Ok(g) = gauges(&client, &gateway).await else { continue };
				let t = started.elapsed().as_secs_f64();
				let (s, r) = (served.load(Ordering::Relaxed), refused.load(Ordering::Relaxed));
				let finalized = last_included.map_or(0, |l| g.included.saturating_sub(l));
				samples.push(Sample {
					t,
					served: s - last_served,
					refused: r - last_refused,
					finalized,
					lag_s: g.lag_s,
					waiting: g.waiting,
					in_flight: g.in_flight,
				});
				(last_served, last_refused, last_included) = (s, r, Some(g.included));
				// Past the load and nothing waits: the trail has caught up.
				if load_done.load(Ordering::Relaxed) && g.waiting + g.in_flight == 0 {
					drained_at = Some(t);
					break;
				}
			}
			(samples, drained_at)
		})
	};

	// Open loop: what is due by now goes out, each request signed as it is sent.
	let started = Instant::now();
	let deadline = Duration::from_secs(plan.duration);
	let mut sent = 0u64;
	let mut tasks = Vec::new();
	let mut ticker = tokio::time::interval(Duration::from_millis(5));
	while started.elapsed() < deadline {
		ticker.tick().await;
		let due = (started.elapsed().as_secs_f64() * plan.rate) as u64;
		while sent < due {
			sent += 1;
			let permit = match permits.clone().try_acquire_owned() {
				Ok(permit) => permit,
				Err(_) => {
					late += 1;
					permits.clone().acquire_owned().await.map_err(Error::client)?
				},
			};
			let (client, keys, url, digest) =
				(client.clone(), keys.clone(), url.clone(), digest.clone());
			let (path, served, refused, failed) =
				(plan.path.clone(), served.clone(), refused.clone(), failed.clone());
			tasks.push(tokio::spawn(async move {
				let _permit = permit;
				let created =
					SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
				let headers = httpsig::sign(
					keys.signer(),
					"GET",
					&path,
					"purpose=TREAT",
					&[("content-digest", &digest)],
					created,
					&httpsig::nonce(),
				);
				let answer = client
					.get(&url)
					.header("content-digest", &digest)
					.header("signature-input", headers.signature_input)
					.header("signature", headers.signature)
					.send()
					.await;
				let counter = match answer {
					Ok(response) => {
						let status = response.status().as_u16();
						let _ = response.bytes().await;
						match status {
							200 => &served,
							503 => &refused,
							_ => &failed,
						}
					},
					Err(_) => &failed,
				};
				counter.fetch_add(1, Ordering::Relaxed);
			}));
		}
		tasks.retain(|t| !t.is_finished());
	}
	for task in tasks {
		let _ = task.await;
	}
	let load_seconds = started.elapsed().as_secs_f64();
	load_done.store(true, Ordering::Relaxed);
	let (samples, drained_at) = sampler.await.map_err(Error::client)?;
	let end_gauges = gauges(&client, &plan.gateway).await?;
	let during: Vec<&Sample> = samples.iter().filter(|s| s.t <= load_seconds).collect();
	let finalized_during: u64 = during.iter().map(|s| s.finalized).sum();
	let served = served.load(Ordering::Relaxed);
	Ok(Figures {
		target_rate: plan.rate,
		duration_s: load_seconds,
		served,
		refused: refused.load(Ordering::Relaxed),
		failed: failed.load(Ordering::Relaxed),
		late,
		served_per_second: served as f64 / load_seconds,
		finalized_per_second: finalized_during as f64 / load_seconds,
		lag_p50_s: quantile(&start_gauges.lag_buckets, &end_gauges.lag_buckets, 0.50),
		lag_p99_s: quantile(&start_gauges.lag_buckets, &end_gauges.lag_buckets, 0.99),
		lag_max_s: samples.iter().map(|s| s.lag_s).fold(0.0, f64::max),
		drain_s: drained_at.map(|t| (t - load_seconds).max(0.0)),
		samples,
	})
}

/// Reads served and entries finalized per second, the lag, and the queue, second by second.
pub fn chart(path: &Path, figures: &Figures) -> Result<(), Box<dyn std::error::Error>> {
	let root = SVGBackend::new(path, (800, 600)).into_drawing_area();
	root.fill(&WHITE)?;
	let (top, bottom) = root.split_vertically(300);
	let x_max = figures.samples.last().map_or(10.0, |s| s.t.max(10.0));
	let rate_max = figures
		.samples
		.iter()
		.map(|s| s.served.max(s.finalized) as f64)
		.fold(10.0, f64::max)
		* 1.15;
	let mut rates = ChartBuilder::on(&top)
		.caption("Audited reads: served and finalized per second", ("sans-serif", 18))
		.margin(12)
		.x_label_area_size(30)
		.y_label_area_size(60)
		.build_cartesian_2d(0.0..x_max, 0.0..rate_max)?;
	rates.configure_mesh().x_desc("seconds").y_desc("per second").draw()?;
	let blue = RGBColor(31, 119, 180);
	let red = RGBColor(214, 39, 40);
	let green = RGBColor(44, 160, 44);
	for (name, colour, value) in [
		("reads served", blue, (|s: &Sample| s.served as f64) as fn(&Sample) -> f64),
		("entries finalized", green, |s: &Sample| s.finalized as f64),
	] {
		rates
			.draw_series(LineSeries::new(
				figures.samples.iter().map(|s| (s.t, value(s))),
				colour.stroke_width(2),
			))?
			.label(name)
			.legend(move |(x, y)| {
				PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
			});
	}
	rates
		.configure_series_labels()
		.background_style(WHITE)
		.border_style(BLACK)
		.draw()?;
	let queue_max = figures
		.samples
		.iter()
		.map(|s| (s.waiting + s.in_flight) as f64)
		.fold(10.0, f64::max)
		* 1.15;
	let mut queue = ChartBuilder::on(&bottom)
		.caption("Audit queue (events) and lag (s × 100)", ("sans-serif", 18))
		.margin(12)
		.x_label_area_size(30)
		.y_label_area_size(60)
		.build_cartesian_2d(0.0..x_max, 0.0..queue_max.max(1000.0))?;
	queue.configure_mesh().x_desc("seconds").y_desc("events").draw()?;
	for (name, colour, value) in [
		(
			"waiting + in flight",
			blue,
			(|s: &Sample| (s.waiting + s.in_flight) as f64) as fn(&Sample) -> f64,
		),
		("lag × 100", red, |s: &Sample| s.lag_s * 100.0),
	] {
		queue
			.draw_series(LineSeries::new(
				figures.samples.iter().map(|s| (s.t, value(s))),
				colour.stroke_width(2),
			))?
			.label(name)
			.legend(move |(x, y)| {
				PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
			});
	}
	queue
		.configure_series_labels()
		.background_style(WHITE)
		.border_style(BLACK)
		.draw()?;
	root.present()?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn quantiles_interpolate_within_the_bucket_of_the_rank() {
		let before = [(1.0, 10.0), (2.0, 10.0), (4.0, 10.0), (f64::INFINITY, 10.0)];
		// 100 new observations: 50 up to 1 s, 40 in (1, 2], 10 in (2, 4].
		let after = [(1.0, 60.0), (2.0, 100.0), (4.0, 110.0), (f64::INFINITY, 110.0)];
		assert!((quantile(&before, &after, 0.5) - 1.0).abs() < 1e-9);
		assert!((quantile(&before, &after, 0.7) - 1.5).abs() < 1e-9);
		assert!((quantile(&before, &after, 0.99) - 3.8).abs() < 1e-9);
		assert_eq!(quantile(&after, &after, 0.5), 0.0, "no new observation");
	}
}
