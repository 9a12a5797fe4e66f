//! Matching bonds and winning numbers by indexed look-ups, recording each win once, and mailing
//! winners. Used by the draw worker (a list against the registry), by adding a bond (a bond
//! against stored lists) and by the scheduled matcher (new bonds against stored lists).

use std::collections::BTreeMap;

use bazaar_shared::identity::IdentityClient;
use bazaar_shared::jobs::{Job, JobQueue};
use bazaar_shared::mail::MailJob;
use bazaar_shared::{ConfigError, Init};
use futures_util::{StreamExt, TryStreamExt, stream};
use time::OffsetDateTime;

use crate::model::{BondRecord, NumberRecord, WinRecord};
use crate::notices;
use crate::store::{Recorded, Store};

/// How many look-ups run at once: enough to hide latency, few enough not to throttle.
const CONCURRENCY: usize = 16;

/// A win found by matching, and whether this run recorded it (or found it recorded before).
#[derive(Debug, Clone)]
pub struct Found {
    pub win: WinRecord,
    pub recorded: Recorded,
}

/// What matching needs: the bonds table, winners' addresses, the mail queue.
#[derive(Clone, Debug)]
pub struct Matching {
    pub store: Store,
    pub identity: IdentityClient,
    pub mail: JobQueue,
}

/// Which wins share a mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailPer {
    /// One mail per winner per draw (`draw-win:<draw>:<user>`): the draw worker, which sees
    /// every win of a draw at once.
    WinnerAndDraw,
    /// One mail per win (`bond-win:<draw>:<user>:<denom>:<number>`): wins found later, one bond
    /// at a time, whose draw mail (if any) has gone out already.
    Win,
}

impl Matching {
    /// `BONDS_TABLE`, `IDENTITY_TABLE` (winners' addresses), `MAIL_QUEUE_URL` and
    /// `OUTBOX_TABLE`.
    pub fn from_init(init: &Init) -> Result<Self, ConfigError> {
        let (env, aws) = (&init.env, &init.aws);
        Ok(Self {
            store: Store::new(aws.dynamodb.clone(), env.required("BONDS_TABLE")?),
            identity: IdentityClient::new(aws.dynamodb.clone(), env.required("IDENTITY_TABLE")?),
            mail: JobQueue::from_init(init, "MAIL_QUEUE_URL")?,
        })
    }

    /// Every holder of every winning number: one query per number, `CONCURRENCY` at a time.
    pub async fn match_numbers(
        &self,
        entries: &[NumberRecord],
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<Found>> {
        // Owned items: borrowed ones trip the compiler's higher-ranked lifetime check in the
        // `Send` futures axum needs.
        let per_number: Vec<Vec<Found>> = stream::iter(entries.to_vec())
            .map(|entry| async move {
                let mut found = Vec::new();
                for bond in self
                    .store
                    .holders(entry.denomination, &entry.number)
                    .await?
                {
                    found.push(self.record(&bond, &entry, now).await?);
                }
                anyhow::Ok(found)
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(per_number.into_iter().flatten().collect())
    }

    /// Every stored draw each bond won: one query per bond.
    pub async fn match_bonds(
        &self,
        bonds: &[BondRecord],
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<Found>> {
        let per_bond: Vec<Vec<Found>> = stream::iter(bonds.to_vec())
            .map(|bond| async move {
                let mut found = Vec::new();
                let entries = self
                    .store
                    .winning_entries(bond.denomination, &bond.number)
                    .await?;
                for entry in entries {
                    found.push(self.record(&bond, &entry, now).await?);
                }
                anyhow::Ok(found)
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(per_bond.into_iter().flatten().collect())
    }

    async fn record(
        &self,
        bond: &BondRecord,
        entry: &NumberRecord,
        now: OffsetDateTime,
    ) -> anyhow::Result<Found> {
        let win = WinRecord::new(bond, entry, now);
        let recorded = self.store.record_win(&win).await?;
        Ok(Found { win, recorded })
    }

    /// Queues the winners' mail; how many mails were queued. Every found win is mailed,
    /// recorded now or before: the job ids are deterministic and the mailer sends each id
    /// once, so a re-run that crashed after recording but before mailing still mails, and one
    /// that got further mails nothing twice. Accounts without an active address get none.
    pub async fn mail_winners(&self, found: &[Found], per: MailPer) -> anyhow::Result<usize> {
        let mut groups: BTreeMap<String, Vec<WinRecord>> = BTreeMap::new();
        for win in found.iter().map(|f| &f.win) {
            let id = match per {
                MailPer::WinnerAndDraw => format!("draw-win:{}:{}", win.draw_id, win.user_id),
                MailPer::Win => format!(
                    "bond-win:{}:{}:{}:{}",
                    win.draw_id, win.user_id, win.denomination, win.number
                ),
            };
            groups.entry(id).or_default().push(win.clone());
        }
        let jobs: Vec<Job<MailJob>> = stream::iter(groups)
            .map(|(id, wins)| async move {
                let email = self.identity.email_of(&wins[0].user_id).await?;
                anyhow::Ok(email.map(|to| MailJob::job(id, to, notices::winner(&wins))))
            })
            .buffer_unordered(CONCURRENCY)
            .try_filter_map(|job| async move { Ok(job) })
            .try_collect()
            .await?;
        if !jobs.is_empty() {
            self.mail.send_batch(&jobs).await?;
        }
        Ok(jobs.len())
    }
}
