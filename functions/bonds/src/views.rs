//! Response shapes: what callers see, built from records, never the stored keys.

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::{
    BondRecord, DrawRecord, DrawStatus, RequestRecord, RequestStatus, ShopRecord, Tier, WinRecord,
};

/// A registered bond. `id` is `<denomination>-<number>`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bond {
    pub id: String,
    pub denomination: u32,
    pub number: String,
    pub added_at: String,
}

impl From<BondRecord> for Bond {
    fn from(b: BondRecord) -> Self {
        Self {
            id: format!("{}-{}", b.denomination, b.number),
            denomination: b.denomination,
            number: b.number,
            added_at: b.added_at,
        }
    }
}

/// A win: which bond, which draw, which prize.
#[derive(Debug, Serialize, ToSchema)]
pub struct Win {
    pub draw_id: String,
    /// `yyyy-mm-dd`.
    pub draw_date: String,
    pub denomination: u32,
    pub number: String,
    pub tier: Tier,
    /// Rupees.
    pub amount: u64,
}

impl From<WinRecord> for Win {
    fn from(w: WinRecord) -> Self {
        Self {
            draw_id: w.draw_id,
            draw_date: w.draw_date,
            denomination: w.denomination,
            number: w.number,
            tier: w.tier,
            amount: w.amount,
        }
    }
}

/// What adding bonds did, including wins in draws already stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Added {
    pub added: Vec<Bond>,
    /// Numbers the caller had registered before (left as they were).
    pub already_registered: Vec<String>,
    pub past_wins: Vec<Win>,
}

/// A bond after a change of number, with its past wins.
#[derive(Debug, Serialize, ToSchema)]
pub struct Changed {
    pub bond: Bond,
    pub past_wins: Vec<Win>,
}

/// A draw as anyone sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Draw {
    pub id: String,
    pub status: DrawStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub denomination: Option<u32>,
    /// `yyyy-mm-dd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// How many winning numbers the list holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numbers: Option<u32>,
    /// How many registered bonds won.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wins: Option<u32>,
    /// Why the list was refused, when `status` is `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub uploaded_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

impl From<DrawRecord> for Draw {
    fn from(d: DrawRecord) -> Self {
        Self {
            id: d.draw_id,
            status: d.status,
            denomination: d.denomination,
            date: d.date,
            numbers: d.numbers,
            wins: d.wins,
            reason: d.reason,
            uploaded_at: d.uploaded_at,
            finished_at: d.finished_at,
        }
    }
}

/// Whether a number won in a draw.
#[derive(Debug, Serialize, ToSchema)]
pub struct Lookup {
    pub draw_id: String,
    pub number: String,
    pub won: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
}

/// A broker request as its applicant and admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrokerRequest {
    pub id: String,
    pub user_id: String,
    pub experience: String,
    pub description: String,
    pub status: RequestStatus,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<RequestRecord> for BrokerRequest {
    fn from(r: RequestRecord) -> Self {
        Self {
            id: r.request_id,
            user_id: r.user_id,
            experience: r.experience,
            description: r.description,
            status: r.status,
            created_at: r.created_at,
            decided_at: r.decided_at,
            reason: r.reason,
        }
    }
}

/// A broker's store, as the directory shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrokerStore {
    /// The broker's user id.
    pub broker_id: String,
    pub name: String,
    pub description: String,
    pub city: String,
    pub area: String,
    pub phone: String,
    pub email: String,
    pub updated_at: String,
}

impl From<ShopRecord> for BrokerStore {
    fn from(s: ShopRecord) -> Self {
        Self {
            broker_id: s.user_id,
            name: s.name,
            description: s.description,
            city: s.city,
            area: s.area,
            phone: s.phone,
            email: s.email,
            updated_at: s.updated_at,
        }
    }
}
