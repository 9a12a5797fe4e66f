//! Reading a student's tokens. Expired tokens stay `unredeemed` in the table (the TTL is
//! lazy), so every read filters them by `expires_ts` in code.

use bazaar_shared::dynamo::{Item, get_item};
use time::OffsetDateTime;

use super::{MessStore, PageOf, student_pk, token_key, tokens_pk};
use crate::model::{SubmissionRecord, TokenRecord};

impl MessStore {
    pub async fn token(
        &self,
        mess_id: &str,
        user_id: &str,
        token_id: &str,
    ) -> anyhow::Result<Option<TokenRecord>> {
        let key = token_key(mess_id, user_id, token_id);
        get_item(&self.db, &self.table, key, "reading a token").await
    }

    /// Every spendable token of the student (unredeemed, unexpired), soonest expiry first.
    pub async fn spendable(
        &self,
        mess_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<Vec<TokenRecord>> {
        let tokens: Vec<TokenRecord> = self.all(&tokens_pk(mess_id, user_id), "TOKEN#").await?;
        Ok(tokens.into_iter().filter(|t| t.spendable(now)).collect())
    }

    /// A page of the student's tokens, newest first (every status).
    pub async fn tokens(
        &self,
        mess_id: &str,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<TokenRecord>, Option<Item>)> {
        let pk = tokens_pk(mess_id, user_id);
        let of = PageOf {
            pk: &pk,
            prefix: "TOKEN#",
            newest_first: true,
        };
        self.page(of, limit, start).await
    }

    /// A page of the student's submissions, newest first.
    pub async fn submissions_of(
        &self,
        mess_id: &str,
        user_id: &str,
        limit: i32,
        start: Option<Item>,
    ) -> anyhow::Result<(Vec<SubmissionRecord>, Option<Item>)> {
        let pk = student_pk(mess_id, user_id);
        let of = PageOf {
            pk: &pk,
            prefix: "SUBMISSION#",
            newest_first: true,
        };
        self.page(of, limit, start).await
    }
}
