//! The first admin: creates an admin account, or promotes an existing active one. Used by
//! `bazaar-local admin` against the local stack or a deployed stack alike.

use anyhow::{Context, bail};
use bazaar_shared::auth::Role;

use crate::password::{NewPassword, Passwords};
use crate::store::{NewAccount, RegisterError, Status, Store};
use crate::tokens::random_secret;

#[derive(Debug)]
pub struct Bootstrapped {
    pub user_id: String,
    /// Set when the account was created with a generated password.
    pub generated_password: Option<String>,
    pub created: bool,
}

pub async fn ensure_admin(
    store: &Store,
    email: &str,
    password: Option<String>,
) -> anyhow::Result<Bootstrapped> {
    let email = crate::fields::Email::parse("email", email)
        .map_err(|e| anyhow::anyhow!("email {}", e.message))?;
    if let Some(user) = store.user_by_email(email.as_str()).await? {
        if user.status != Status::Active {
            bail!(
                "{} exists but is not active (verify or enable it first)",
                email.as_str()
            );
        }
        if !user.roles.contains(&Role::Admin) {
            store.grant_role("bootstrap", &user, Role::Admin).await?;
        }
        return Ok(Bootstrapped {
            user_id: user.user_id,
            generated_password: None,
            created: false,
        });
    }
    let generated = password.is_none().then(random_secret);
    let password = NewPassword::parse(
        "password",
        password.or_else(|| generated.clone()).unwrap_or_default(),
    )
    .map_err(|e| anyhow::anyhow!("password {}", e.message))?;
    let user_id = uuid::Uuid::new_v4().simple().to_string();
    let account = NewAccount {
        user_id: user_id.clone(),
        email: email.as_str().to_owned(),
        display_name: "Administrator".into(),
        roles: vec![Role::Admin, Role::Member],
        password_hash: Passwords::new()?.hash(&password).await?,
        status: Status::Active,
    };
    match store.register(&account, None).await {
        Ok(()) => {
            store.record("bootstrap", "create_admin", &user_id).await?;
            Ok(Bootstrapped {
                user_id,
                generated_password: generated,
                created: true,
            })
        }
        Err(RegisterError::EmailTaken) => {
            bail!("{} was registered meanwhile; run again", email.as_str())
        }
        Err(RegisterError::Other(e)) => Err(e).context("creating the admin account"),
    }
}
