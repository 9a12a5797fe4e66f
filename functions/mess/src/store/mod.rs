//! The mess table. Every item of a mess's business lives under a `MESS#<id>` partition; the
//! few lookups that lead to a mess (an owner's mess, a join code, a student's membership, a
//! gateway order) hold nothing but the ids to find it.
//!
//! | item               | pk                            | sk                   |
//! |--------------------|-------------------------------|----------------------|
//! | mess               | `MESS#<m>`                    | `MESS`               |
//! | a mess's student   | `MESS#<m>#STUDENTS`           | `USER#<u>`           |
//! | order              | `MESS#<m>#USER#<u>`           | `ORDER#<order>`      |
//! | student's submission| `MESS#<m>#USER#<u>`          | `SUBMISSION#<sub>`   |
//! | token              | `MESS#<m>#USER#<u>#TOKENS`    | `TOKEN#<token>`      |
//! | payment            | `MESS#<m>#PAYMENT#<pay_id>`   | `PAYMENT`            |
//! | submission (owner) | `MESS#<m>#SUBMISSIONS`        | `SUBMISSION#<sub>`   |
//! | notification       | `MESS#<m>#NOTIFICATIONS`      | `NOTE#<id>`          |
//! | day / month figures| `MESS#<m>#STATS`              | `DAY#<date>` / `MONTH#<yyyy-mm>` |
//! | owner → mess       | `OWNER#<u>`                   | `MESS`               |
//! | join code → mess   | `JOINCODE#<code>`             | `JOINCODE`           |
//! | student (mess, PIN)| `STUDENT#<u>`                 | `STUDENT`            |
//! | gateway order → order | `RZP_ORDER#<order_…>`      | `ORDER`              |
//!
//! gsi1 (sparse, paid orders only): `gsi1pk = EXPIRING#<yyyy-mm-dd>` (the day the order's
//! tokens expire), `gsi1sk = <tokens_expire_at>#<order>`; the expiry reminders read it.
//!
//! Ids we make are UUID v7 (they sort by time), so `ORDER#`, `TOKEN#`, `SUBMISSION#` and
//! `NOTE#` sort oldest first and pages read newest first. No index: every listing is a query
//! of one partition. Tokens carry `expires_ts` (Unix seconds) for conditions and TTL; expired
//! tokens are filtered in code because the TTL is lazy. Stored times are
//! `bazaar_shared::dynamo::timestamp`s.
//!
//! Files: `messes` (owners' messes, joining), `students` (PIN and its attempt window),
//! `orders`, `issuing` (the one transaction that pays an order), `tokens`, `redeeming` (the one
//! transaction of a submission), `owner` (submissions, notifications, figures), `reminders`
//! (batches about to expire).

mod issuing;
mod messes;
mod orders;
mod owner;
mod redeeming;
mod reminders;
mod students;
mod tokens;

use anyhow::Context;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use bazaar_shared::dynamo::{Item, from_items, key, query_all, string};
use serde::de::DeserializeOwned;

pub use issuing::{IssueError, Settled};
pub use messes::{JoinError, MessError};
pub use redeeming::{Redeem, RedeemError};
pub use students::Attempt;

/// The mess table: every read and write of the crate goes through here.
#[derive(Clone, Debug)]
pub struct MessStore {
    db: aws_sdk_dynamodb::Client,
    table: String,
}

fn mess_key(mess_id: &str) -> Item {
    key(format!("MESS#{mess_id}"), "MESS")
}

fn students_pk(mess_id: &str) -> String {
    format!("MESS#{mess_id}#STUDENTS")
}

fn student_pk(mess_id: &str, user_id: &str) -> String {
    format!("MESS#{mess_id}#USER#{user_id}")
}

fn order_key(mess_id: &str, user_id: &str, order_id: &str) -> Item {
    key(student_pk(mess_id, user_id), format!("ORDER#{order_id}"))
}

fn tokens_pk(mess_id: &str, user_id: &str) -> String {
    format!("MESS#{mess_id}#USER#{user_id}#TOKENS")
}

fn token_key(mess_id: &str, user_id: &str, token_id: &str) -> Item {
    key(tokens_pk(mess_id, user_id), format!("TOKEN#{token_id}"))
}

fn payment_key(mess_id: &str, payment_id: &str) -> Item {
    key(format!("MESS#{mess_id}#PAYMENT#{payment_id}"), "PAYMENT")
}

fn submissions_pk(mess_id: &str) -> String {
    format!("MESS#{mess_id}#SUBMISSIONS")
}

fn notifications_pk(mess_id: &str) -> String {
    format!("MESS#{mess_id}#NOTIFICATIONS")
}

fn stats_pk(mess_id: &str) -> String {
    format!("MESS#{mess_id}#STATS")
}

/// `gsi1pk` of a paid order: the UTC day its tokens expire (from a stored timestamp).
fn expiring_pk(expires_at: &str) -> String {
    format!("EXPIRING#{}", &expires_at[..10])
}

fn owner_key(user_id: &str) -> Item {
    key(format!("OWNER#{user_id}"), "MESS")
}

fn join_code_key(code: &str) -> Item {
    key(format!("JOINCODE#{code}"), "JOINCODE")
}

fn student_key(user_id: &str) -> Item {
    key(format!("STUDENT#{user_id}"), "STUDENT")
}

fn gateway_order_key(gateway_order_id: &str) -> Item {
    key(format!("RZP_ORDER#{gateway_order_id}"), "ORDER")
}

/// A new time-ordered id.
fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// One page of a partition's items whose `sk` starts with `prefix`.
#[derive(Debug, Clone, Copy)]
struct PageOf<'a> {
    pk: &'a str,
    prefix: &'a str,
    newest_first: bool,
}

impl MessStore {
    pub fn new(db: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            db,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// The query of `of`'s items.
    fn query_of(&self, of: PageOf<'_>) -> QueryFluentBuilder {
        self.db
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", string(of.pk))
            .expression_attribute_values(":prefix", string(of.prefix))
            .scan_index_forward(!of.newest_first)
            // Read what was just written (a count redemption right after another, a balance).
            .consistent_read(true)
    }

    async fn page<T: DeserializeOwned>(
        &self,
        of: PageOf<'_>,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<T>, Option<Item>)> {
        let output = self
            .query_of(of)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .context("querying a page")?;
        let items = from_items(output.items.unwrap_or_default()).context("decoding a page")?;
        Ok((items, output.last_evaluated_key))
    }

    /// Every item of a partition with `sk` starting with `prefix`, oldest first.
    async fn all<T: DeserializeOwned>(&self, pk: &str, prefix: &str) -> anyhow::Result<Vec<T>> {
        let of = PageOf {
            pk,
            prefix,
            newest_first: false,
        };
        let items = query_all(self.query_of(of), "querying a partition").await?;
        from_items(items).context("decoding a partition")
    }
}
