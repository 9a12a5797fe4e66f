//! The report: one markdown table and the same figures as JSON, under `target/bench/`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

/// The targets (#15), against which every row is checked.
pub const INIT_RATIO_MAX: f64 = 1.25;
pub const LATENCY_RATIO_MAX: f64 = 1.2;
pub const RSS_MAX_MB: f64 = 16.0;
pub const ZIP_MAX_MB: f64 = 6.0;

/// Median, min and max of a sample, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(mut sample: Vec<Duration>) -> Self {
        sample.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        match sample.as_slice() {
            [] => Self::default(),
            all => Self {
                median: ms(all[all.len() / 2]),
                min: ms(all[0]),
                max: ms(all[all.len() - 1]),
            },
        }
    }
}

/// The p-th percentile (0–100) of a sorted sample, in milliseconds.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank].as_secs_f64() * 1e3
}

/// One binary's cold-start, memory and size figures.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionRow {
    pub binary: String,
    pub kind: String,
    pub init_ms: Spread,
    pub init_cpu_ms: f64,
    pub init_ratio: f64,
    /// Against the baseline that also makes the functions' warm-up call.
    pub init_ratio_warm: f64,
    pub rss_mb: f64,
    pub invocations: usize,
    /// Answers by HTTP status (or `ok`/`error` for queue and scheduled functions).
    pub answers: std::collections::BTreeMap<String, usize>,
    pub binary_mb: f64,
    pub zip_mb: f64,
    pub over: Vec<String>,
}

/// One hot route: the function's warm latency beside the same DynamoDB calls made bare.
#[derive(Debug, Clone, Serialize)]
pub struct RouteRow {
    pub route: String,
    pub binary: String,
    pub status: u16,
    pub invocations: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub bare_p50_ms: f64,
    pub bare_p99_ms: f64,
    pub ratio: f64,
    pub round_trips: usize,
    pub calls: Vec<String>,
    pub floor: usize,
    /// Why the × bare target does not apply (the route's own work is the point).
    pub by_design: Option<&'static str>,
    pub over: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub machine: String,
    pub build: String,
    pub profile: String,
    pub started: String,
    pub init_runs: usize,
    pub baseline_init_ms: f64,
    pub functions: Vec<FunctionRow>,
    pub routes: Vec<RouteRow>,
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "Machine: {}  \nProfile: `{}`; {}  \nStarted {}; init: median of {} runs (min–max).\n",
            self.machine, self.profile, self.build, self.started, self.init_runs
        );
        md.push_str("| binary | kind | init ms (min–max) | × baseline | × baseline + warm-up | init CPU ms | RSS MB (after n) | bootstrap MB | zip MB | over target |\n");
        md.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
        for r in &self.functions {
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} ({:.1}–{:.1}) | {:.2} | {:.2} | {:.1} | {:.1} ({}) | {:.1} | {:.2} | {} |",
                r.binary,
                r.kind,
                r.init_ms.median,
                r.init_ms.min,
                r.init_ms.max,
                r.init_ratio,
                r.init_ratio_warm,
                r.init_cpu_ms,
                r.rss_mb,
                r.invocations,
                r.binary_mb,
                r.zip_mb,
                over(&r.over)
            );
        }
        if !self.routes.is_empty() {
            md.push_str("\n| route | binary | status | n | p50 ms | p99 ms | bare p50 ms | bare p99 ms | × bare | round trips (floor) | calls | over target |\n");
            md.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for r in &self.routes {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} ({}) | {} | {} |",
                    r.route,
                    r.binary,
                    r.status,
                    r.invocations,
                    r.p50_ms,
                    r.p99_ms,
                    r.bare_p50_ms,
                    r.bare_p99_ms,
                    r.ratio,
                    r.round_trips,
                    r.floor,
                    r.calls.join(" "),
                    match (r.by_design, r.over.is_empty()) {
                        (Some(why), true) => format!("— ({why})"),
                        _ => over(&r.over),
                    }
                );
            }
        }
        md
    }

    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("report.md"), self.markdown())?;
        std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(self)?)?;
        Ok(())
    }
}

fn over(what: &[String]) -> String {
    if what.is_empty() {
        "—".to_owned()
    } else {
        what.join("; ")
    }
}

/// What of a function row is above the targets.
pub fn function_over(row: &FunctionRow, is_baseline: bool) -> Vec<String> {
    let mut over = Vec::new();
    if !is_baseline && row.init_ratio > INIT_RATIO_MAX {
        over.push(format!("init {:.2}× > {INIT_RATIO_MAX}×", row.init_ratio));
    }
    if row.rss_mb > RSS_MAX_MB {
        over.push(format!("RSS {:.1} MB > {RSS_MAX_MB} MB", row.rss_mb));
    }
    if row.zip_mb > ZIP_MAX_MB {
        over.push(format!("zip {:.2} MB > {ZIP_MAX_MB} MB", row.zip_mb));
    }
    over
}

/// What of a route row is above the targets.
pub fn route_over(row: &RouteRow) -> Vec<String> {
    let mut over = Vec::new();
    if row.ratio > LATENCY_RATIO_MAX && row.by_design.is_none() {
        over.push(format!("p50 {:.2}× bare > {LATENCY_RATIO_MAX}×", row.ratio));
    }
    if row.round_trips > row.floor {
        over.push(format!(
            "{} round trips > floor {}",
            row.round_trips, row.floor
        ));
    }
    over
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spread_is_the_median_and_the_extremes_in_milliseconds() {
        let sample = [3, 1, 2].map(Duration::from_millis).to_vec();
        let spread = Spread::of(sample);
        assert_eq!((spread.median, spread.min, spread.max), (2.0, 1.0, 3.0));
    }

    #[test]
    fn percentiles_are_read_from_the_sorted_sample() {
        let sorted: Vec<_> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), 51.0);
        assert_eq!(percentile(&sorted, 99.0), 99.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }
}
