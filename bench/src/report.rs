//! The run's charts, as SVG: the run's transactions per second block by block, and the latency
//! distributions.

use std::path::Path;

use plotters::prelude::*;

use crate::load::Figures;

const COLOURS: [RGBColor; 5] = [
	RGBColor(31, 119, 180),
	RGBColor(214, 39, 40),
	RGBColor(44, 160, 44),
	RGBColor(148, 103, 189),
	RGBColor(255, 127, 14),
];

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// Each mode's transactions per second of chain time, block by block (the block's count over the
/// time since its parent), against seconds since the mode's first block.
pub fn throughput_chart(path: &Path, runs: &[(&str, Figures)]) -> Result {
	let series: Vec<(&str, Vec<(f64, f64)>)> = runs
		.iter()
		.map(|(name, figures)| {
			let blocks = &figures.blocks;
			let first = blocks.iter().position(|b| b.ours > 0).unwrap_or(0).saturating_sub(1);
			let t0 = blocks.get(first).map(|b| b.timestamp).unwrap_or(0);
			let points = blocks
				.windows(2)
				.skip(first)
				.map(|w| {
					let dt = w[1].timestamp.saturating_sub(w[0].timestamp).max(1) as f64 / 1000.0;
					((w[1].timestamp - t0) as f64 / 1000.0, w[1].ours as f64 / dt)
				})
				.collect();
			(*name, points)
		})
		.collect();
	let x_max = series.iter().flat_map(|(_, p)| p.iter().map(|p| p.0)).fold(10.0, f64::max);
	let y_max = series.iter().flat_map(|(_, p)| p.iter().map(|p| p.1)).fold(10.0, f64::max) * 1.15;
	let root = SVGBackend::new(path, (800, 400)).into_drawing_area();
	root.fill(&WHITE)?;
	let mut chart = ChartBuilder::on(&root)
		.caption("Transactions per second, block by block", ("sans-serif", 18))
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(60)
		.build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
	chart
		.configure_mesh()
		.x_desc("seconds of chain time")
		.y_desc("transactions / s")
		.draw()?;
	for (i, (name, points)) in series.into_iter().enumerate() {
		let colour = COLOURS[i % COLOURS.len()];
		chart
			.draw_series(LineSeries::new(points, colour.stroke_width(2)))?
			.label(name)
			.legend(move |(x, y)| {
				PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
			});
	}
	chart
		.configure_series_labels()
		.background_style(WHITE)
		.border_style(BLACK)
		.draw()?;
	root.present()?;
	Ok(())
}

/// The share of transactions done within t seconds of submission (a cumulative distribution),
/// in-block and finalized, per mode.
pub fn latency_chart(path: &Path, runs: &[(&str, Figures)]) -> Result {
	let root = SVGBackend::new(path, (800, 400)).into_drawing_area();
	root.fill(&WHITE)?;
	let x_max = runs
		.iter()
		.map(|(_, f)| f.finalized_latency.max.max(f.in_block_latency.max) / 1000.0)
		.fold(1.0, f64::max);
	let mut chart = ChartBuilder::on(&root)
		.caption("Submit → in block / finalized (cumulative share)", ("sans-serif", 18))
		.margin(12)
		.x_label_area_size(36)
		.y_label_area_size(60)
		.build_cartesian_2d(0.0..x_max, 0.0..1.0)?;
	chart
		.configure_mesh()
		.x_desc("seconds after submission")
		.y_desc("share done")
		.draw()?;
	for (i, (name, figures)) in runs.iter().enumerate() {
		let colour = COLOURS[i % COLOURS.len()];
		for (what, samples, dashed) in [
			("in block", &figures.in_block_samples, false),
			("finalized", &figures.finalized_samples, true),
		] {
			let n = samples.len().max(1) as f64;
			let points: Vec<(f64, f64)> = samples
				.iter()
				.enumerate()
				.step_by((samples.len() / 400).max(1))
				.map(|(k, ms)| (ms / 1000.0, (k + 1) as f64 / n))
				.collect();
			let style =
				if dashed { colour.mix(0.55).stroke_width(2) } else { colour.stroke_width(2) };
			chart
				.draw_series(LineSeries::new(points, style))?
				.label(format!("{name}, {what}"))
				.legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
		}
	}
	chart
		.configure_series_labels()
		.position(SeriesLabelPosition::LowerRight)
		.background_style(WHITE)
		.border_style(BLACK)
		.draw()?;
	root.present()?;
	Ok(())
}
