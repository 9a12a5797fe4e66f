//! Broker requests: at most one pending per user; listed for admins while pending.

use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem, Update};
use bazaar_shared::dynamo::{Item, to_item};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Store, StorePage, key, s, timestamp, user_pk};

/// Where a broker request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

impl RequestStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// A stored broker request. While pending it is listed on gsi1 for admins.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestItem {
    pub pk: String,
    pub sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
    pub gsi2pk: String,
    pub gsi2sk: String,
    pub request_id: String,
    pub user_id: String,
    pub experience: String,
    pub description: String,
    pub status: RequestStatus,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl RequestItem {
    pub fn new(user_id: &str, experience: String, description: String) -> Self {
        let id = uuid::Uuid::now_v7().to_string();
        let created_at = timestamp();
        Self {
            pk: format!("BROKERREQ#{id}"),
            sk: "REQUEST".into(),
            gsi1pk: Some("BROKERREQS#PENDING".into()),
            gsi1sk: Some(format!("{created_at}#{id}")),
            gsi2pk: format!("USER#{user_id}#BROKERREQ"),
            gsi2sk: format!("{created_at}#{id}"),
            request_id: id,
            user_id: user_id.to_owned(),
            experience,
            description,
            status: RequestStatus::Pending,
            created_at,
            decided_at: None,
            decided_by: None,
            reason: None,
        }
    }
}

fn pending_marker(user_id: &str) -> Item {
    key(user_pk(user_id), "BROKERREQ#PENDING")
}

impl Store {
    /// Stores a new request; false when the user already has a pending one.
    pub async fn submit_request(&self, request: &RequestItem) -> anyhow::Result<bool> {
        let mut marker = pending_marker(&request.user_id);
        marker.insert("request_id".into(), s(&request.request_id));
        let put = |item: Item| -> anyhow::Result<TransactWriteItem> {
            Ok(TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()?,
                )
                .build())
        };
        self.transact(
            vec![put(to_item(request)?)?, put(marker)?],
            "submitting a broker request",
        )
        .await
    }

    pub async fn request(&self, id: &str) -> anyhow::Result<Option<RequestItem>> {
        self.get(
            key(format!("BROKERREQ#{id}"), "REQUEST"),
            "reading a broker request",
        )
        .await
    }

    /// Closes a pending request, together with `extra` writes of another context (the role
    /// grant), in one transaction; false when the request was no longer pending (or a
    /// concurrent decision won).
    pub async fn decide_request(
        &self,
        request: &RequestItem,
        to: RequestStatus,
        actor: &str,
        reason: Option<&str>,
        extra: Vec<TransactWriteItem>,
    ) -> anyhow::Result<bool> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(&request.pk, &request.sk)))
            .update_expression(
                "SET #status = :to, decided_at = :now, decided_by = :actor, reason = :reason \
                 REMOVE gsi1pk, gsi1sk",
            )
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", s(timestamp()))
            .expression_attribute_values(":actor", s(actor));
        update = update.expression_attribute_values(
            ":reason",
            reason.map_or(aws_sdk_dynamodb::types::AttributeValue::Null(true), s),
        );
        let mut items = vec![
            TransactWriteItem::builder().update(update.build()?).build(),
            TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&self.table)
                        .set_key(Some(pending_marker(&request.user_id)))
                        .build()?,
                )
                .build(),
        ];
        items.extend(extra);
        self.transact(items, "deciding a broker request").await
    }

    /// The user's requests, newest first.
    pub async fn my_requests(
        &self,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<RequestItem>> {
        self.page(
            "gsi2",
            &format!("USER#{user_id}#BROKERREQ"),
            false,
            limit,
            start,
        )
        .await
    }

    /// Pending requests, oldest first.
    pub async fn pending_requests(
        &self,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<StorePage<RequestItem>> {
        self.page("gsi1", "BROKERREQS#PENDING", true, limit, start)
            .await
    }
}
