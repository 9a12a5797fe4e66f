//! Matching bonds and winning numbers by indexed lookups, recording each win once, and mailing
//! winners. Used by the draw worker (a list against the registry), by adding a bond (a bond
//! against stored lists) and by the scheduled matcher (new bonds against stored lists).

use std::collections::BTreeMap;

use bazaar_shared::jobs::{Job, JobQueue};
use bazaar_shared::mail::{MailJob, MailMessage};
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::model::rupees;
use crate::store::{BondItem, NumberItem, Store, WinItem};

/// How many lookups run at once: enough to hide latency, few enough not to throttle.
const CONCURRENCY: usize = 16;

/// A win found by matching, and whether this run recorded it (false: recorded before).
#[derive(Debug, Clone)]
pub struct Found {
    pub win: WinItem,
    pub new: bool,
}

/// What matching needs: the bonds table, the identity table (winners' addresses), the mail queue.
#[derive(Clone, Debug)]
pub struct Matching {
    pub store: Store,
    pub users: bazaar_identity::store::Store,
    /// Absent in functions that never mail (`draws`).
    pub mail: Option<JobQueue>,
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
    /// Every holder of every winning number: one query per number, `CONCURRENCY` at a time.
    pub async fn match_numbers(&self, entries: &[NumberItem]) -> anyhow::Result<Vec<Found>> {
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
                    found.push(self.record(&bond, &entry).await?);
                }
                anyhow::Ok(found)
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(per_number.into_iter().flatten().collect())
    }

    /// Every stored draw each bond won: one query per bond.
    pub async fn match_bonds(&self, bonds: &[BondItem]) -> anyhow::Result<Vec<Found>> {
        let per_bond: Vec<Vec<Found>> = stream::iter(bonds.to_vec())
            .map(|bond| async move {
                let mut found = Vec::new();
                for entry in self
                    .store
                    .winning_entries(bond.denomination, &bond.number)
                    .await?
                {
                    found.push(self.record(&bond, &entry).await?);
                }
                anyhow::Ok(found)
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        Ok(per_bond.into_iter().flatten().collect())
    }

    async fn record(&self, bond: &BondItem, entry: &NumberItem) -> anyhow::Result<Found> {
        let win = WinItem::new(bond, entry);
        let new = self.store.record_win(&win).await?;
        Ok(Found { win, new })
    }

    /// Queues the winners' mail. Every found win is mailed, recorded now or before: the job ids
    /// are deterministic and the mailer sends each id once, so a re-run that crashed after
    /// recording but before mailing still mails, and one that got further mails nothing twice.
    pub async fn mail_winners(&self, found: &[Found], per: MailPer) -> anyhow::Result<usize> {
        let mut groups: BTreeMap<String, Vec<WinItem>> = BTreeMap::new();
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
                let user = self.users.user(&wins[0].user_id).await?;
                anyhow::Ok(user.map(|u| MailJob::job(id, u.email, message(&wins))))
            })
            .buffer_unordered(CONCURRENCY)
            .try_filter_map(|job| async move { Ok(job) })
            .try_collect()
            .await?;
        if jobs.is_empty() {
            return Ok(0);
        }
        let mail = self
            .mail
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("MAIL_QUEUE_URL is not configured"))?;
        mail.send_batch(&jobs).await?;
        Ok(jobs.len())
    }
}

/// The winner's mail: every winning bond of one draw, with tier and amount.
fn message(wins: &[WinItem]) -> MailMessage {
    let first = &wins[0];
    let mut text = format!(
        "Congratulations! Your prize bonds won in the Rs. {} draw of {}:\n\n",
        rupees(first.denomination.into()),
        first.draw_date
    );
    let mut sorted: Vec<&WinItem> = wins.iter().collect();
    sorted.sort_by(|a, b| a.number.cmp(&b.number));
    for win in sorted {
        text.push_str(&format!(
            "- {}: {} prize, Rs. {}\n",
            win.number,
            win.tier.as_str(),
            rupees(win.amount)
        ));
    }
    text.push_str(
        "\nSee all your wins under \"My wins\". Claim prizes at any National Savings centre.",
    );
    MailMessage::Notice {
        subject: format!(
            "Your prize bond won in the Rs. {} draw",
            rupees(first.denomination.into())
        ),
        text,
    }
}
