//! One function process under the emulator: its environment as on Lambda, and what the kernel
//! says about it (CPU time, resident memory high-water).

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::emulator::Emulator;

/// What a function's process is given besides the template's variables.
#[derive(Debug, Clone)]
pub struct Platform {
    pub region: String,
    pub aws_endpoint: String,
    pub dynamodb_endpoint: String,
}

/// A running function process, killed when dropped.
pub struct Running {
    pub child: Child,
    pub emulator: Emulator,
    pub started: Instant,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` against a fresh emulator, with the function's `env`.
pub async fn spawn(
    binary: &Path,
    name: &str,
    env: &HashMap<String, String>,
    platform: &Platform,
    log: &Path,
) -> anyhow::Result<Running> {
    let emulator = Emulator::start().await?;
    let mut command = Command::new(binary);
    command.env_clear();
    command.envs(env);
    command.envs(lambda_vars(name, emulator.port, platform));
    let log = std::fs::File::options()
        .create(true)
        .append(true)
        .open(log)?;
    command
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    let started = Instant::now();
    let child = command
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    Ok(Running {
        child,
        emulator,
        started,
    })
}

/// The variables Lambda sets, pointed at the emulator and the stand-ins.
fn lambda_vars(name: &str, port: u16, p: &Platform) -> Vec<(String, String)> {
    let pairs = [
        ("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{port}")),
        ("AWS_LAMBDA_FUNCTION_NAME", name.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "bench".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}")),
        ("AWS_LAMBDA_LOG_FORMAT", "JSON".to_owned()),
        ("AWS_REGION", p.region.clone()),
        ("AWS_DEFAULT_REGION", p.region.clone()),
        ("AWS_ACCESS_KEY_ID", "test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
        ("AWS_ENDPOINT_URL", p.aws_endpoint.clone()),
        ("AWS_ENDPOINT_URL_DYNAMODB", p.dynamodb_endpoint.clone()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("TZ", ":UTC".to_owned()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

impl Running {
    /// Init: process start to the first `/invocation/next`, and the CPU time spent by then.
    pub async fn init(&mut self) -> anyhow::Result<(Duration, Duration)> {
        let at = self.emulator.ready(Duration::from_secs(20)).await?;
        let cpu = cpu_time(self.child.id()).unwrap_or_default();
        Ok((at - self.started, cpu))
    }

    /// Resident memory high-water (`VmHWM`), in bytes.
    pub fn peak_rss(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .context("no VmHWM")?;
        let kb: u64 = line
            .split_whitespace()
            .nth(1)
            .context("VmHWM value")?
            .parse()?;
        Ok(kb * 1024)
    }
}

/// On-CPU time of every thread of `pid` (`/proc/<pid>/task/*/schedstat`, nanoseconds).
fn cpu_time(pid: u32) -> Option<Duration> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let total = tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Some(Duration::from_nanos(total))
}
