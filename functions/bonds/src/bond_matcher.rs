//! The `bond-matcher` function (scheduled): matches bonds added since its last run against
//! every stored list of their denomination. Adding a bond already checks it at once; this run
//! closes the gaps that check cannot see (a bond added while its list was still being
//! processed, a bulk registration skipped because no list was stored yet, a failed check).
//!
//! Bonds are found through the day-bucketed index of their time of addition, from the last
//! run's watermark (less an overlap for writes still in flight) to now; a re-run records and
//! mails nothing twice, because wins and mail ids are deterministic.

use bazaar_shared::dynamo::timestamp;
use bazaar_shared::{Clock, ConfigError, Function, Init};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::matching::{MailPer, Matching};
use crate::store::Recorded;

/// The schedule's `Input`; every field has a default, and unknown fields (an EventBridge
/// event envelope) are ignored.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct MatcherInput {
    /// How far before the watermark a run starts again, for bonds written while it ran.
    pub overlap_minutes: i64,
    /// How far back the very first run looks.
    pub first_run_lookback_hours: i64,
}

impl Default for MatcherInput {
    fn default() -> Self {
        Self {
            overlap_minutes: 5,
            first_run_lookback_hours: 24,
        }
    }
}

/// What a run did.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct MatcherReport {
    pub since: String,
    pub until: String,
    pub bonds_checked: usize,
    pub wins_found: usize,
    pub wins_recorded: usize,
}

/// The scheduled matcher.
#[derive(Clone, Debug)]
pub struct BondMatcher {
    pub matching: Matching,
    pub clock: Clock,
}

/// The `bond-matcher` binary.
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let matcher = BondMatcher::new(init)?;
    let table = matcher.matching.store.table().to_owned();
    Ok(Function::scheduled(matcher, |m, input| async move { m.run(input).await }).warming(&table))
}

impl BondMatcher {
    /// `BONDS_TABLE`, `IDENTITY_TABLE`, `MAIL_QUEUE_URL`.
    pub fn new(init: &Init) -> Result<Self, ConfigError> {
        Ok(Self {
            matching: Matching::from_init(init)?,
            clock: init.clock.clone(),
        })
    }

    /// One run, for the schedule's input.
    pub async fn run(&self, input: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let input: MatcherInput = serde_json::from_value(input).unwrap_or_default();
        let report = self.run_with(&input).await?;
        tracing::info!(?report, "bond matcher run");
        Ok(serde_json::to_value(report)?)
    }

    pub async fn run_with(&self, input: &MatcherInput) -> anyhow::Result<MatcherReport> {
        let store = &self.matching.store;
        // Day buckets are UTC days, whatever offset the clock reports in.
        let now = self.clock.now().to_offset(UtcOffset::UTC);
        let since = match store.watermark().await? {
            Some(mark) => {
                OffsetDateTime::parse(&mark, &Rfc3339)? - Duration::minutes(input.overlap_minutes)
            }
            None => now - Duration::hours(input.first_run_lookback_hours),
        };
        let (from, until) = (timestamp(since), timestamp(now));
        let mut bonds = Vec::new();
        let mut day = since.date();
        while day <= now.date() {
            bonds.extend(store.bonds_added(&day.to_string(), &from, &until).await?);
            day = day.next_day().expect("dates before year 9999");
        }
        let found = self.matching.match_bonds(&bonds, now).await?;
        self.matching.mail_winners(&found, MailPer::Win).await?;
        store.set_watermark(&until).await?;
        Ok(MatcherReport {
            since: from,
            until,
            bonds_checked: bonds.len(),
            wins_found: found.len(),
            wins_recorded: found.iter().filter(|f| f.recorded == Recorded::Now).count(),
        })
    }
}
