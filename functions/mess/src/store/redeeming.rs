//! Redeeming at the counter: ONE transaction flips each token `unredeemed → redeemed` (on
//! condition it is still unredeemed and unexpired), writes the submission (the mess's copy and
//! the student's) and the owner's notification, and adds the figures. Two counters redeeming
//! the same token at the same instant: one transaction wins, the other is cancelled.

use anyhow::Context;
use aws_sdk_dynamodb::types::{ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update};
use bazaar_shared::dynamo::{
    Item, TransactError, from_item, key, number, put_new, string, timestamp, to_item, transact,
};
use time::OffsetDateTime;

use super::issuing::stats_updates;
use super::{MessStore, new_id, notifications_pk, student_pk, submissions_pk, token_key};
use crate::model::{NotificationRecord, SubmissionRecord, TokenRecord, TokenStatus};

/// How often a redemption by count picks tokens again after losing them to another counter.
const PICK_ATTEMPTS: usize = 8;

/// What to redeem: any `count` spendable tokens, or exactly these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeem {
    Count(usize),
    Tokens(Vec<String>),
}

/// Why nothing was redeemed.
#[derive(Debug, thiserror::Error)]
pub enum RedeemError {
    #[error("only {available} spendable token(s)")]
    NotEnough { available: usize },
    #[error("no such token")]
    UnknownToken,
    #[error("a token is already redeemed")]
    AlreadyRedeemed,
    #[error("a token has expired")]
    Expired,
    #[error("too much contention")]
    Contention,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl MessStore {
    /// Redeems, or says why not; nothing is written unless everything is.
    pub async fn redeem(
        &self,
        mess_id: &str,
        user_id: &str,
        what: &Redeem,
        now: OffsetDateTime,
    ) -> Result<SubmissionRecord, RedeemError> {
        match what {
            Redeem::Tokens(ids) => self.redeem_tokens(mess_id, user_id, ids, now).await,
            Redeem::Count(count) => {
                for attempt in 0..PICK_ATTEMPTS {
                    let spendable = self.spendable(mess_id, user_id, now).await?;
                    if spendable.len() < *count {
                        return Err(RedeemError::NotEnough {
                            available: spendable.len(),
                        });
                    }
                    let ids = pick(&spendable, *count, attempt);
                    match self.redeem_tokens(mess_id, user_id, &ids, now).await {
                        Err(
                            RedeemError::AlreadyRedeemed
                            | RedeemError::Contention
                            | RedeemError::Expired,
                        ) => continue,
                        other => return other,
                    }
                }
                Err(RedeemError::Contention)
            }
        }
    }

    async fn redeem_tokens(
        &self,
        mess_id: &str,
        user_id: &str,
        ids: &[String],
        now: OffsetDateTime,
    ) -> Result<SubmissionRecord, RedeemError> {
        let submission = SubmissionRecord {
            submission_id: new_id(),
            mess_id: mess_id.to_owned(),
            user_id: user_id.to_owned(),
            token_ids: ids.to_vec(),
            submitted_at: timestamp(now),
        };
        let items = self.redeem_items(&submission, now)?;
        match transact(&self.db, items, "redeeming tokens").await {
            Ok(()) => Ok(submission),
            Err(e) if e.is_contended() => Err(RedeemError::Contention),
            Err(TransactError::Cancelled(reasons)) => {
                Err(why_not(&reasons[..ids.len().min(reasons.len())]))
            }
            Err(e) => Err(anyhow::Error::from(e).context("redeeming tokens").into()),
        }
    }

    fn redeem_items(
        &self,
        submission: &SubmissionRecord,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let (mess_id, user_id) = (&submission.mess_id, &submission.user_id);
        let mut items = Vec::with_capacity(submission.token_ids.len() + 5);
        for token_id in &submission.token_ids {
            let flip = Update::builder()
                .table_name(&self.table)
                .set_key(Some(token_key(mess_id, user_id, token_id)))
                .update_expression(
                    "SET #status = :redeemed, redeemed_at = :now, submission_id = :submission",
                )
                .condition_expression(
                    "attribute_exists(pk) AND #status = :unredeemed AND expires_ts > :now_ts",
                )
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":redeemed", string("redeemed"))
                .expression_attribute_values(":unredeemed", string("unredeemed"))
                .expression_attribute_values(":now", string(&submission.submitted_at))
                .expression_attribute_values(":now_ts", number(now.unix_timestamp()))
                .expression_attribute_values(":submission", string(&submission.submission_id))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                )
                .build()
                .context("building a token flip")?;
            items.push(TransactWriteItem::builder().update(flip).build());
        }
        let sk = format!("SUBMISSION#{}", submission.submission_id);
        let record: Item = to_item(submission).context("encoding a submission")?;
        let mut for_mess = record.clone();
        for_mess.extend(key(submissions_pk(mess_id), &sk));
        let mut for_student = record;
        for_student.extend(key(student_pk(mess_id, user_id), &sk));
        let note = NotificationRecord {
            notification_id: new_id(),
            mess_id: mess_id.clone(),
            student_id: user_id.clone(),
            submission_id: submission.submission_id.clone(),
            count: submission.token_ids.len(),
            created_at: submission.submitted_at.clone(),
            read: false,
        };
        let mut note_item: Item = to_item(&note).context("encoding a notification")?;
        note_item.extend(key(
            notifications_pk(mess_id),
            format!("NOTE#{}", note.notification_id),
        ));
        items.push(put_new(&self.table, for_mess)?);
        items.push(put_new(&self.table, for_student)?);
        items.push(put_new(&self.table, note_item)?);
        let count = submission.token_ids.len() as u64;
        items.extend(stats_updates(
            &self.table,
            mess_id,
            now,
            "ADD redeemed :n",
            &[(":n", count)],
        )?);
        Ok(items)
    }
}

/// `count` of the spendable tokens: the soonest to expire first, then other windows of them
/// when another counter took those meanwhile (so racing redemptions spread out).
fn pick(spendable: &[TokenRecord], count: usize, attempt: usize) -> Vec<String> {
    let mut sorted: Vec<&TokenRecord> = spendable.iter().collect();
    sorted.sort_by_key(|t| t.expires_ts);
    let windows = sorted.len() - count + 1;
    let offset = if attempt == 0 {
        0
    } else {
        let mut byte = [0u8; 2];
        getrandom::fill(&mut byte).unwrap_or_default();
        usize::from(u16::from_le_bytes(byte)) % windows
    };
    sorted[offset..offset + count]
        .iter()
        .map(|t| t.token_id.clone())
        .collect()
}

/// The first token reason that explains a cancelled redemption.
fn why_not(token_reasons: &[bazaar_shared::dynamo::Cancellation]) -> RedeemError {
    let Some(reason) = token_reasons.iter().find(|r| r.condition_failed()) else {
        return RedeemError::Contention;
    };
    let token: Option<TokenRecord> = reason.item.clone().and_then(|i| from_item(i).ok());
    match token {
        None => RedeemError::UnknownToken,
        Some(t) if t.status == TokenStatus::Redeemed => RedeemError::AlreadyRedeemed,
        Some(_) => RedeemError::Expired,
    }
}
