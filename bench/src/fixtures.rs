//! What the hot routes need in the stage: signed-in users (made as `tests/api/support.rs`'s
//! `quick_users` makes them: through the identity store, with a session and an access token
//! signed with the stage's key) and data created through the local stack's own API.

use anyhow::{Context, bail};
use bazaar_bonds::model::{DrawRecord, NumberRecord, Tier};
use bazaar_identity::store::{NewAccount, Status, Store};
use bazaar_identity::tokens::TokenIssuer;
use bazaar_local::LocalStack;
use bazaar_shared::auth::Role;
use bazaar_shared::secret_hash::SecretHasher;
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct User {
    pub access: String,
}

/// The stage and an HTTP client to its dev server.
pub struct Stage<'a> {
    pub stack: &'a LocalStack,
    pub stage: String,
    http: reqwest::Client,
}

impl<'a> Stage<'a> {
    pub fn new(stack: &'a LocalStack, stage: &str) -> Self {
        Self {
            stack,
            stage: stage.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// `count` active accounts holding `role`, each signed in.
    pub async fn users(&self, role: &str, count: usize) -> anyhow::Result<Vec<User>> {
        let role = Role::parse(role).context("a known role")?;
        let keys = self
            .stack
            .resolver
            .secret(&format!("bazaar/{}/keys", self.stage))
            .context("the stage's keys")?;
        let pem = keys["jwt_private_key"]
            .as_str()
            .context("jwt_private_key")?;
        let env =
            bazaar_shared::Env::from_map([("JWT_PRIVATE_KEY".to_owned(), pem.to_owned())].into());
        let issuer = TokenIssuer::from_env(&env)?;
        let table = self.stack.resolver.name_of("IdentityTable")?.to_owned();
        let store = Store::new(self.stack.aws.dynamodb.clone(), table);
        let now = self.stack.clock.now();
        let make = |_| {
            let (store, issuer) = (store.clone(), issuer.clone());
            async move {
                let user_id = uuid::Uuid::new_v4().simple().to_string();
                let email = format!("bench-{user_id}@example.com");
                let account = NewAccount {
                    user_id: user_id.clone(),
                    email: email.clone(),
                    display_name: "Bench User".into(),
                    roles: vec![role],
                    password_hash: "unusable".into(),
                    status: Status::Active,
                };
                store.register(&account, None, now).await?;
                let session = uuid::Uuid::new_v4().simple().to_string();
                store
                    .create_session(&user_id, &session, "unusable", now)
                    .await?;
                let access = issuer.access_token(&user_id, &email, &[role], &session, now)?;
                anyhow::Ok(User { access })
            }
        };
        let made: Vec<anyhow::Result<User>> = stream::iter((0..count).map(make))
            .buffer_unordered(16)
            .collect()
            .await;
        made.into_iter().collect()
    }

    /// An active customer account whose password is `password` (hashed as sign-up hashes it);
    /// answers its address.
    pub async fn account_with_password(&self, password: &str) -> anyhow::Result<String> {
        let table = self.stack.resolver.name_of("IdentityTable")?.to_owned();
        let store = Store::new(self.stack.aws.dynamodb.clone(), table);
        let user_id = uuid::Uuid::new_v4().simple().to_string();
        let email = format!("bench-{user_id}@example.com");
        let account = NewAccount {
            user_id,
            email: email.clone(),
            display_name: "Bench Signer".into(),
            roles: vec![Role::Customer],
            password_hash: SecretHasher::new().hash(password).await?,
            status: Status::Active,
        };
        store
            .register(&account, None, self.stack.clock.now())
            .await?;
        Ok(email)
    }

    /// A request to the dev server as `user`; answers the JSON body of a 2xx.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        user: &User,
        body: Value,
    ) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.stack.base_url);
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let response = self
            .http
            .request(method, url)
            .bearer_auth(&user.access)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        if !status.is_success() {
            bail!("{path}: {status} {body}");
        }
        Ok(body)
    }

    /// A processed draw of Rs. 750 whose winning numbers are `100000, 100037, …` (23 of them),
    /// written through the bonds store as the draws worker leaves one (the bench's stack polls
    /// no queues: its functions are measured alone); answers its id.
    pub async fn draw(&self) -> anyhow::Result<String> {
        let table = self.stack.resolver.name_of("BondsTable")?.to_owned();
        let store = bazaar_bonds::store::Store::new(self.stack.aws.dynamodb.clone(), table);
        let id = uuid::Uuid::new_v4().simple().to_string();
        let (now, date) = (self.stack.clock.now(), "2026-01-15");
        let pending = DrawRecord::pending(&id, &format!("draws/{id}.txt"), &id, "bench", now);
        store.create_draw(&pending).await?;
        let numbers: Vec<NumberRecord> = (0..23)
            .map(|i| NumberRecord {
                draw_id: id.clone(),
                denomination: 750,
                number: format!("{:06}", 100_000 + i * 37),
                tier: Tier::Third,
                amount: 9_300,
                date: date.into(),
            })
            .collect();
        store.put_numbers(&numbers).await?;
        store.finish_draw(&id, 750, date, (23, 0), now).await?;
        Ok(id)
    }

    /// A product in stock for every order of the bench; answers its id.
    pub async fn product(&self, staff: &User, sku: &str) -> anyhow::Result<String> {
        let body = json!({
            "name": format!("Bench cup {sku}"), "description": "Benchmarks", "sku": sku,
            "price_minor": 1200, "currency": "EUR", "stock": 1_000_000,
            "low_stock_threshold": 0, "category": "kitchen"
        });
        let made = self.call("POST", "/shop/products", staff, body).await?;
        Ok(made["id"].as_str().context("a product id")?.to_owned())
    }

    /// A published event starting in two days, with room for every booking of the bench.
    pub async fn event(&self, organizer: &User, title: &str) -> anyhow::Result<String> {
        let starts = self.stack.clock.now() + std::time::Duration::from_secs(48 * 3600);
        let starts = starts.format(&time::format_description::well_known::Rfc3339)?;
        let body = json!({
            "title": title, "description": "Benchmarks", "venue": "Hall 1",
            "starts_at": starts, "capacity": 100_000, "price_minor": 1500,
            "currency": "EUR", "published": true
        });
        let made = self.call("POST", "/events", organizer, body).await?;
        Ok(made["id"].as_str().context("an event id")?.to_owned())
    }
}
