//! Cold start, memory and size of every binary, the baseline first.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use axum::body::Bytes;
use bazaar_local::functions::FunctionSpec;

use crate::process::{self, Platform};
use crate::report::{self, FunctionRow, Spread};

pub struct Plan {
    /// `cargo lambda build`'s output: `<lambda dir>/<binary>/bootstrap`, what `sam build` ships.
    pub lambda_dir: PathBuf,
    pub events: PathBuf,
    pub out: PathBuf,
    pub runs: usize,
    pub invocations: usize,
    pub platform: Platform,
    /// The table the baseline's warm-up call describes (any table does: it opens the connection).
    pub warm_table: String,
}

impl Plan {
    /// The deploy artefact of `binary`.
    pub fn bootstrap(&self, binary: &str) -> PathBuf {
        self.lambda_dir.join(binary).join("bootstrap")
    }
}

/// The binary under test: its name, kind, environment and the events it is warmed with.
struct Subject {
    binary: String,
    kind: String,
    env: HashMap<String, String>,
    events: Vec<Bytes>,
}

/// The baseline, the baseline with a warm-up call, then every function of `specs`.
pub async fn measure_all(plan: &Plan, specs: &[FunctionSpec]) -> anyhow::Result<Vec<FunctionRow>> {
    let health = samples(&plan.events.join("system"))?;
    let table = &plan.warm_table;
    let mut subjects = vec![
        Subject {
            binary: "baseline".into(),
            kind: "baseline".into(),
            env: HashMap::new(),
            events: health.clone(),
        },
        Subject {
            binary: "baseline".into(),
            kind: "baseline + warm-up".into(),
            env: HashMap::from([("BASELINE_WARM_UP".to_owned(), table.clone())]),
            events: health,
        },
    ];
    for spec in specs {
        subjects.push(Subject {
            binary: spec.binary.clone(),
            kind: kind(spec).into(),
            env: spec.env.clone(),
            events: samples(&plan.events.join(&spec.binary))?,
        });
    }
    let mut rows: Vec<FunctionRow> = Vec::new();
    for subject in &subjects {
        eprintln!("bench: {} ({})", subject.binary, subject.kind);
        let mut row = measure(plan, subject).await?;
        let baseline = rows
            .first()
            .map(|b| b.init_ms.median)
            .unwrap_or(row.init_ms.median);
        row.init_ratio = row.init_ms.median / baseline;
        let warm = rows
            .get(1)
            .map(|b| b.init_ms.median)
            .unwrap_or(row.init_ms.median);
        row.init_ratio_warm = row.init_ms.median / warm;
        row.over = report::function_over(&row, subject.kind.starts_with("baseline"));
        rows.push(row);
    }
    Ok(rows)
}

fn kind(spec: &FunctionSpec) -> &'static str {
    if !spec.routes.is_empty() {
        "http"
    } else if !spec.queues.is_empty() {
        "queue"
    } else {
        "scheduled"
    }
}

/// The sample events of `events/<binary>/`, in name order.
fn samples(dir: &Path) -> anyhow::Result<Vec<Bytes>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| Ok(Bytes::from(std::fs::read(f)?)))
        .collect()
}

async fn measure(plan: &Plan, s: &Subject) -> anyhow::Result<FunctionRow> {
    let binary = plan.bootstrap(&s.binary);
    let log = plan.out.join(format!("{}.log", s.binary));
    let mut inits = Vec::new();
    let mut cpus = Vec::new();
    // One discarded start first: the page cache holds the binary for the measured ones.
    for run in 0..=plan.runs {
        let mut running = process::spawn(&binary, &s.binary, &s.env, &plan.platform, &log).await?;
        let (init, cpu) = running
            .init()
            .await
            .with_context(|| format!("{} init", s.binary))?;
        if run > 0 {
            inits.push(init);
            cpus.push(cpu);
        }
    }
    let mut running = process::spawn(&binary, &s.binary, &s.env, &plan.platform, &log).await?;
    running.init().await?;
    let mut answers = BTreeMap::new();
    for i in 0..plan.invocations {
        let event = s.events[i % s.events.len()].clone();
        let answer = running
            .emulator
            .invoke(event, Duration::from_secs(30))
            .await?;
        *answers.entry(status(&answer)).or_insert(0) += 1;
    }
    let rss = running.peak_rss()? as f64 / 1048576.0;
    drop(running);
    let size = std::fs::metadata(&binary)?.len() as f64 / 1048576.0;
    Ok(FunctionRow {
        binary: s.binary.clone(),
        kind: s.kind.clone(),
        init_ms: Spread::of(inits),
        init_cpu_ms: Spread::of(cpus).median,
        init_ratio: 1.0,
        init_ratio_warm: 1.0,
        rss_mb: rss,
        invocations: plan.invocations,
        answers,
        binary_mb: size,
        zip_mb: zipped(&binary, &plan.out)? as f64 / 1048576.0,
        over: Vec::new(),
    })
}

/// An HTTP answer's status, or `ok`/`error` for other functions.
fn status(answer: &crate::emulator::Answer) -> String {
    if !answer.ok {
        return "error".into();
    }
    let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    match body["statusCode"].as_u64() {
        Some(code) => code.to_string(),
        None => "ok".into(),
    }
}

/// The size of `binary` zipped as Lambda's `bootstrap` (as `cargo lambda build` packs it).
fn zipped(binary: &Path, out: &Path) -> anyhow::Result<u64> {
    let dir = out.join("zip");
    std::fs::create_dir_all(&dir)?;
    let bootstrap = dir.join("bootstrap");
    std::fs::copy(binary, &bootstrap)?;
    let zip = dir.join("bootstrap.zip");
    let _ = std::fs::remove_file(&zip);
    let status = std::process::Command::new("zip")
        .args(["-q", "-j"])
        .arg(&zip)
        .arg(&bootstrap)
        .status()
        .context("running zip")?;
    anyhow::ensure!(status.success(), "zip failed");
    Ok(std::fs::metadata(&zip)?.len())
}
