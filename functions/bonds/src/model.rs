//! What the bonds table holds: one record type per kind of item, without its keys (the store
//! adds `pk`/`sk` and the index keys when it writes, see [`crate::store::keys`]).
//!
//! Money is whole rupees; bond numbers are six-digit text (leading zeros kept); dates are
//! `yyyy-mm-dd`; times are stored with `bazaar_shared::dynamo::timestamp`, so they sort as text.

use bazaar_shared::dynamo::timestamp;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A prize tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    First,
    Second,
    Third,
}

impl Tier {
    /// The tiers in the order a list gives them.
    pub const ALL: [Tier; 3] = [Tier::First, Tier::Second, Tier::Third];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::First => "first",
            Tier::Second => "second",
            Tier::Third => "third",
        }
    }
}

/// A registered bond: one per (owner, denomination, number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BondRecord {
    pub user_id: String,
    pub denomination: u32,
    pub number: String,
    pub added_at: String,
}

impl BondRecord {
    /// A bond added at `at` (its day bucket in the matcher's index follows from it).
    pub fn new(user_id: &str, denomination: u32, number: &str, at: OffsetDateTime) -> Self {
        Self {
            user_id: user_id.to_owned(),
            denomination,
            number: number.to_owned(),
            added_at: timestamp(at),
        }
    }
}

/// A winning number of a stored draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberRecord {
    pub draw_id: String,
    pub denomination: u32,
    pub number: String,
    pub tier: Tier,
    /// Rupees.
    pub amount: u64,
    /// The draw's date, `yyyy-mm-dd`.
    pub date: String,
}

/// A win: one per (owner, draw, bond), written once whatever re-runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinRecord {
    pub user_id: String,
    pub draw_id: String,
    pub draw_date: String,
    pub denomination: u32,
    pub number: String,
    pub tier: Tier,
    pub amount: u64,
    pub recorded_at: String,
}

impl WinRecord {
    /// The win of `bond` in the draw that `entry` belongs to.
    pub fn new(bond: &BondRecord, entry: &NumberRecord, at: OffsetDateTime) -> Self {
        Self {
            user_id: bond.user_id.clone(),
            draw_id: entry.draw_id.clone(),
            draw_date: entry.date.clone(),
            denomination: bond.denomination,
            number: bond.number.clone(),
            tier: entry.tier,
            amount: entry.amount,
            recorded_at: timestamp(at),
        }
    }
}

/// Where a draw stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrawStatus {
    /// Uploaded; the worker has not finished it.
    Pending,
    /// Parsed, stored and matched.
    Done,
    /// Refused; `reason` says why. Nothing of it was stored.
    Failed,
}

impl DrawStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }
}

/// An uploaded winning list. The fields after `uploaded_at` are set when it is done or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    pub draw_id: String,
    pub status: DrawStatus,
    /// Where the uploaded file is kept in the uploads bucket.
    pub file_key: String,
    pub file_sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denomination: Option<u32>,
    /// `yyyy-mm-dd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numbers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wins: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

impl DrawRecord {
    /// A draw just uploaded, waiting for the worker.
    pub fn pending(
        draw_id: &str,
        file_key: &str,
        sha256: &str,
        uploaded_by: &str,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            draw_id: draw_id.to_owned(),
            status: DrawStatus::Pending,
            file_key: file_key.to_owned(),
            file_sha256: sha256.to_owned(),
            uploaded_by: uploaded_by.to_owned(),
            uploaded_at: timestamp(at),
            denomination: None,
            date: None,
            numbers: None,
            wins: None,
            reason: None,
            finished_at: None,
        }
    }
}

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
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// An application to become a broker. At most one per user is pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
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

impl RequestRecord {
    /// A new pending request with a fresh, time-ordered id.
    pub fn new(user_id: &str, experience: String, description: String, at: OffsetDateTime) -> Self {
        Self {
            request_id: uuid::Uuid::now_v7().to_string(),
            user_id: user_id.to_owned(),
            experience,
            description,
            status: RequestStatus::Pending,
            created_at: timestamp(at),
            decided_at: None,
            decided_by: None,
            reason: None,
        }
    }
}

/// A broker's store profile (one per broker), listed in the public directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopRecord {
    pub user_id: String,
    pub name: String,
    pub description: String,
    pub city: String,
    pub area: String,
    pub phone: String,
    pub email: String,
    pub created_at: String,
    pub updated_at: String,
}
