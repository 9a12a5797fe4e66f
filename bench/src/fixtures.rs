//! What the hot routes need in the stage: signed-in users (made as `tests/api/support.rs`'s
//! `quick_users` makes them: through the identity store, with a session and an access token
//! signed with the stage's key) and data created through the local stack's own API, money
//! included: tokens and coins are bought at the dev server's payment stand-ins, as
//! `tests/api/mess` and `tests/api/nano` buy them.

use anyhow::{Context, bail};
use bazaar_bonds::model::{DrawRecord, NumberRecord, Tier};
use bazaar_identity::store::{NewAccount, Status, Store};
use bazaar_identity::tokens::TokenIssuer;
use bazaar_local::LocalStack;
use bazaar_local::gateways::RAZORPAY_PATH;
use bazaar_shared::auth::Role;
use bazaar_shared::secret_hash::SecretHasher;
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub access: String,
}

/// The PIN of every student of [`Stage::students_with_tokens`].
pub const PIN: &str = "482913";

/// Each task of [`Stage::pending_submissions`] wants this many workers and takes half as many
/// submissions, so that no approval of the bench fills one (the filled task's notice is a
/// once-per-task path, not the route's).
const TASK_SLOTS: usize = 1000;

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
                anyhow::Ok(User {
                    id: user_id,
                    access,
                })
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
        let request = self.http.request(method, url).bearer_auth(&user.access);
        answer(path, request.json(&body)).await
    }

    /// What a payer does at a payment stand-in (no caller of ours): a POST to `url`.
    async fn pay(&self, url: &str) -> anyhow::Result<Value> {
        answer(url, self.http.post(url).json(&json!({}))).await
    }

    /// `count` students of one new mess, each with [`PIN`] set and `tokens` spendable tokens,
    /// bought as a student buys them: an order, paid at the Razorpay stand-in, whose signed
    /// result the verification checks before it issues the tokens.
    pub async fn students_with_tokens(
        &self,
        count: usize,
        tokens: u32,
    ) -> anyhow::Result<Vec<User>> {
        let owner = self.users("mess_owner", 1).await?.remove(0);
        let body = json!({"name": "Bench Mess", "address": "Hall 1", "price_minor": 5000,
            "currency": "INR"});
        let mess = self.call("POST", "/mess/messes", &owner, body).await?;
        let code = mess["join_code"].as_str().context("a join code")?;
        let ready = |student: User| async move {
            self.call("POST", "/mess/join", &student, json!({"code": code}))
                .await?;
            self.call("PUT", "/mess/me/pin", &student, json!({"pin": PIN}))
                .await?;
            let body = json!({"tokens": tokens});
            let order = self.call("POST", "/mess/orders", &student, body).await?;
            let gateway = order["razorpay_order_id"]
                .as_str()
                .context("a gateway order")?;
            let url = format!("{}{RAZORPAY_PATH}/_pay/{gateway}", self.stack.base_url);
            let paid = self.pay(&url).await?;
            let id = order["id"].as_str().context("an order id")?;
            let path = format!("/mess/orders/{id}/verify");
            self.call("POST", &path, &student, paid).await?;
            anyhow::Ok(student)
        };
        // A few at a time: every join and payment changes the mess's counters, and the
        // transactions' retries absorb that many racing for them.
        let students = self.users("student", count).await?;
        stream::iter(students)
            .map(ready)
            .buffer_unordered(4)
            .try_collect()
            .await
    }

    /// A buyer and `count` pending submissions to their tasks, each from another worker:
    /// answers the buyer and each submission's task and worker ids. The escrow's coins are
    /// bought as a buyer buys them: Checkout Sessions paid at the Stripe stand-in, whose
    /// signed webhook credits them.
    pub async fn pending_submissions(
        &self,
        count: usize,
    ) -> anyhow::Result<(User, Vec<(String, String)>)> {
        const COINS: u64 = 5;
        let buyer = self.users("buyer", 1).await?.remove(0);
        let per_task = TASK_SLOTS / 2;
        let tasks = count.div_ceil(per_task);
        let (needed, mut bought) = ((tasks * TASK_SLOTS) as u64 * COINS, 0);
        while bought < needed {
            let body = json!({"package": "large"});
            let checkout = self.call("POST", "/nano/checkout", &buyer, body).await?;
            let url = checkout["url"].as_str().context("a checkout url")?;
            let paid = self.pay(&format!("{url}/pay")).await?;
            if paid["webhook_status"] != 200 {
                bail!("the Stripe stand-in's webhook was not taken: {paid}");
            }
            bought += checkout["coins"].as_u64().context("a package's coins")?;
        }
        let due = self.stack.clock.now() + std::time::Duration::from_secs(7 * 24 * 3600);
        let due = due.format(&time::format_description::well_known::Rfc3339)?;
        let mut task_ids = Vec::new();
        for i in 0..tasks {
            let body = json!({
                "title": format!("Bench task {i}"), "detail": "Benchmarks",
                "instructions": "Paste a line.", "required_workers": TASK_SLOTS,
                "coins_per_worker": COINS, "complete_by": due
            });
            let task = self.call("POST", "/nano/tasks", &buyer, body).await?;
            task_ids.push(task["task_id"].as_str().context("a task id")?.to_owned());
        }
        let workers = self.users("worker", count).await?;
        let submit = |(i, worker): (usize, User)| {
            let task = task_ids[i / per_task].clone();
            async move {
                let path = format!("/nano/tasks/{task}/submissions");
                let body = json!({"proof": "Done."});
                self.call("POST", &path, &worker, body).await?;
                anyhow::Ok((task, worker.id))
            }
        };
        // A few at a time: every submission takes a slot of its task (retried races).
        let submitted = stream::iter(workers.into_iter().enumerate())
            .map(submit)
            .buffered(4)
            .try_collect()
            .await?;
        Ok((buyer, submitted))
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

/// The JSON body of a 2xx answer to `request`, else an error naming `what` was asked.
async fn answer(what: &str, request: reqwest::RequestBuilder) -> anyhow::Result<Value> {
    let response = request.send().await?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        bail!("{what}: {status} {body}");
    }
    Ok(body)
}
