//! Scheduled functions: EventBridge schedule expressions (`rate(5 minutes)` and AWS's six-field
//! `cron(...)`), the timers that fire them, and firing on demand.

use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use bazaar_shared::function::ScheduledHandler;
use chrono::{DateTime, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use tracing::Instrument;

/// A scheduled function with the `Input` of each of its schedules, for firing on demand.
#[derive(Clone)]
pub struct Scheduled {
    pub handler: ScheduledHandler,
    pub inputs: Vec<serde_json::Value>,
}

impl Scheduled {
    /// Runs the function once per schedule, as if every schedule fired now.
    pub async fn fire(&self) -> anyhow::Result<Vec<serde_json::Value>> {
        let mut outputs = Vec::new();
        for input in &self.inputs {
            outputs.push((self.handler)(input.clone()).await?);
        }
        Ok(outputs)
    }
}

/// One enabled schedule of one function.
pub struct Timer {
    pub function: String,
    pub every: Every,
    pub input: serde_json::Value,
    pub handler: ScheduledHandler,
}

impl Timer {
    /// Fires on the schedule (by the wall clock, as EventBridge does) until the task is aborted.
    pub async fn run(self) {
        let function = &self.function;
        loop {
            let now = Utc::now();
            let Some(next) = self.every.next_after(now) else {
                return;
            };
            tokio::time::sleep((next - now).to_std().unwrap_or_default()).await;
            let span =
                tracing::info_span!("schedule", %function, request_id = %uuid::Uuid::new_v4());
            match (self.handler)(self.input.clone())
                .instrument(span.clone())
                .await
            {
                Ok(output) => span.in_scope(|| tracing::info!(%output, "scheduled run done")),
                Err(error) => span.in_scope(|| {
                    tracing::warn!(error = format!("{error:#}"), "scheduled run failed")
                }),
            }
        }
    }
}

/// When a scheduled function fires.
#[derive(Debug, Clone)]
pub enum Every {
    Rate(Duration),
    Cron(Box<Cron>),
}

impl Every {
    pub fn parse(expression: &str) -> anyhow::Result<Self> {
        let expression = expression.trim();
        if let Some(body) = expression
            .strip_prefix("rate(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let (n, unit) = body
                .trim()
                .split_once(' ')
                .ok_or_else(|| anyhow!("{expression}: expected rate(<n> <unit>)"))?;
            let n: u64 = n
                .parse()
                .with_context(|| format!("{expression}: bad number"))?;
            let seconds = match unit.trim() {
                "minute" | "minutes" => 60,
                "hour" | "hours" => 3600,
                "day" | "days" => 86_400,
                other => bail!("{expression}: unknown unit {other}"),
            };
            if n == 0 {
                bail!("{expression}: a rate must be positive");
            }
            return Ok(Self::Rate(Duration::from_secs(n * seconds)));
        }
        if let Some(body) = expression
            .strip_prefix("cron(")
            .and_then(|r| r.strip_suffix(')'))
        {
            // AWS: minutes hours day-of-month month day-of-week year, with 1 = Sunday
            // (Quartz style); croner takes the same with a leading seconds field.
            let parser = CronParser::builder()
                .seconds(Seconds::Required)
                .year(Year::Required)
                .alternative_weekdays(true)
                .build();
            let cron = parser
                .parse(&format!("0 {}", body.trim()))
                .map_err(|e| anyhow!("{expression}: {e}"))?;
            return Ok(Self::Cron(Box::new(cron)));
        }
        bail!("{expression}: expected rate(...) or cron(...)")
    }

    /// The first firing strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Rate(every) => Some(after + chrono::Duration::from_std(*every).ok()?),
            Self::Cron(cron) => cron.find_next_occurrence(&after, false).ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn rates_add_their_period() {
        let every = Every::parse("rate(15 minutes)").unwrap();
        assert_eq!(
            every.next_after(at("2026-11-21T10:00:00Z")),
            Some(at("2026-11-21T10:15:00Z"))
        );
        assert!(Every::parse("rate(0 hours)").is_err());
        assert!(Every::parse("rate(5 fortnights)").is_err());
    }

    #[test]
    fn aws_cron_uses_quartz_weekdays_and_a_year_field() {
        // 09:30 UTC every Monday (2 in AWS's numbering). 2026-11-21 is a Saturday.
        let every = Every::parse("cron(30 9 ? * 2 *)").unwrap();
        assert_eq!(
            every.next_after(at("2026-11-21T12:00:00Z")),
            Some(at("2026-11-23T09:30:00Z"))
        );
        let hourly = Every::parse("cron(0 * * * ? *)").unwrap();
        assert_eq!(
            hourly.next_after(at("2026-11-21T12:00:00Z")),
            Some(at("2026-11-21T13:00:00Z"))
        );
        assert!(Every::parse("cron(nonsense)").is_err());
    }
}
