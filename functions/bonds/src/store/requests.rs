//! Broker requests: at most one pending per user (a marker item), listed for admins while
//! pending. A decision closes the request in one transaction, together with the identity
//! writes of a role grant when it is an approval.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use bazaar_shared::dynamo::{Item, item_at, put_new, string, timestamp, transact};
use time::OffsetDateTime;

use super::keys::{self, PENDING_REQUESTS_PK};
use super::{Store, StorePage};
use crate::model::{RequestRecord, RequestStatus};

/// Why a request was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("the user has a pending request")]
    Pending,
    #[error("the user's requests are busy")]
    Busy,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Why a request was not decided.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// Decided (or withdrawn) already, possibly by a concurrent call.
    #[error("the request is no longer pending")]
    NotPending,
    /// The role grant found no account to grant it to.
    #[error("the applicant's account is gone")]
    ApplicantGone,
    #[error("the request is busy")]
    Busy,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A decision on a pending request.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub to: RequestStatus,
    pub actor: &'a str,
    pub reason: Option<&'a str>,
    pub at: OffsetDateTime,
}

/// Index of the first identity write in a decision's transaction (after the request update and
/// the marker delete); it is the profile update, conditional on the account existing.
const GRANT_AT: usize = 2;

impl Store {
    /// Stores a new request, unless the user already has a pending one.
    pub async fn submit_request(&self, request: &RequestRecord) -> Result<(), SubmitError> {
        let mut marker = keys::pending_marker(&request.user_id);
        marker.insert("request_id".into(), string(&request.request_id));
        let items = vec![
            put_new(&self.table, item_at(keys::request_keys(request), request)?)?,
            put_new(&self.table, marker)?,
        ];
        match transact(&self.db, items, "submitting a broker request").await {
            Ok(()) => Ok(()),
            Err(error) if error.is_contended() => Err(SubmitError::Busy),
            Err(error) if error.failed_at(1) => Err(SubmitError::Pending),
            Err(error) => Err(anyhow::Error::from(error)
                .context("submitting a broker request")
                .into()),
        }
    }

    pub async fn request(&self, request_id: &str) -> anyhow::Result<Option<RequestRecord>> {
        self.get(keys::request_key(request_id), "reading a broker request")
            .await
    }

    /// Closes a pending request, together with `grant` (the identity writes of a role grant,
    /// or nothing), in one transaction; the request as decided.
    pub async fn decide_request(
        &self,
        request: &RequestRecord,
        decision: &Decision<'_>,
        grant: Vec<TransactWriteItem>,
    ) -> Result<RequestRecord, DecideError> {
        let at = timestamp(decision.at);
        let reason = decision.reason.map_or(AttributeValue::Null(true), string);
        let close = Update::builder()
            .table_name(&self.table)
            .set_key(Some(keys::request_key(&request.request_id)))
            .update_expression(
                "SET #status = :to, decided_at = :now, decided_by = :actor, reason = :reason \
                 REMOVE gsi1pk, gsi1sk",
            )
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", string(decision.to.as_str()))
            .expression_attribute_values(":pending", string(RequestStatus::Pending.as_str()))
            .expression_attribute_values(":now", string(&at))
            .expression_attribute_values(":actor", string(decision.actor))
            .expression_attribute_values(":reason", reason)
            .build()
            .context("building the request update")?;
        let unmark = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(keys::pending_marker(&request.user_id)))
            .build()
            .context("building the marker delete")?;
        let mut items = vec![
            TransactWriteItem::builder().update(close).build(),
            TransactWriteItem::builder().delete(unmark).build(),
        ];
        items.extend(grant);
        match transact(&self.db, items, "deciding a broker request").await {
            Ok(()) => Ok(RequestRecord {
                status: decision.to,
                decided_at: Some(at),
                decided_by: Some(decision.actor.to_owned()),
                reason: decision.reason.map(str::to_owned),
                ..request.clone()
            }),
            Err(error) if error.is_contended() => Err(DecideError::Busy),
            Err(error) if error.failed_at(0) => Err(DecideError::NotPending),
            Err(error) if error.failed_at(GRANT_AT) => Err(DecideError::ApplicantGone),
            Err(error) => Err(anyhow::Error::from(error)
                .context("deciding a broker request")
                .into()),
        }
    }

    /// The user's requests, newest first.
    pub async fn my_requests(
        &self,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<RequestRecord>> {
        let partition = keys::user_requests_pk(user_id);
        self.index_page("gsi2", &partition, false, limit, start)
            .await
    }

    /// Pending requests, oldest first.
    pub async fn pending_requests(
        &self,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<RequestRecord>> {
        self.index_page("gsi1", PENDING_REQUESTS_PK, true, limit, start)
            .await
    }
}
