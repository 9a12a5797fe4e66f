//! Response shapes of bonds, wins and draws: what callers see, never the stored keys.

use serde::Serialize;
use utoipa::ToSchema;

use crate::parse::Tier;
use crate::store::{BondItem, DrawItem, DrawStatus, WinItem};

/// A registered bond. `id` is `<denomination>-<number>`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bond {
    pub id: String,
    pub denomination: u32,
    pub number: String,
    pub added_at: String,
}

impl From<BondItem> for Bond {
    fn from(b: BondItem) -> Self {
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

impl From<WinItem> for Win {
    fn from(w: WinItem) -> Self {
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

impl From<DrawItem> for Draw {
    fn from(d: DrawItem) -> Self {
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
