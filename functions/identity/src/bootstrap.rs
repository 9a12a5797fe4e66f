//! The first admin: creates an admin account, or promotes an existing active one. Used by
//! `bazaar-local admin` against the local stack or a deployed stack alike.

use anyhow::{Context, bail};
use bazaar_shared::auth::Role;
use time::OffsetDateTime;

use crate::password::{NewPassword, Passwords};
use crate::store::{NewAccount, RegisterError, Status, Store, UserRecord};
use crate::tokens::random_secret;

/// What [`ensure_admin`] did.
#[derive(Debug)]
pub struct Bootstrapped {
    pub user_id: String,
    /// Set when the account was created with a generated password.
    pub generated_password: Option<String>,
    pub created: bool,
}

/// Makes `email` an admin as of `now`: promotes its active account, or creates one with
/// `password` (or a generated one, returned).
pub async fn ensure_admin(
    store: &Store,
    email: &str,
    password: Option<String>,
    now: OffsetDateTime,
) -> anyhow::Result<Bootstrapped> {
    let email = crate::fields::Email::parse(email).map_err(|e| anyhow::anyhow!("email {e}"))?;
    match store.user_by_email(email.as_str(), now).await? {
        Some(user) => promote(store, user, now).await,
        None => create(store, email.as_str(), password, now).await,
    }
}

/// [`ensure_admin`], and afterwards the account's password is `password` whether the account
/// was made now or already existed: the local run command prints a credential that works on
/// every start, even against stand-ins kept from an earlier run.
pub async fn ensure_admin_with_password(
    store: &Store,
    email: &str,
    password: String,
    now: OffsetDateTime,
) -> anyhow::Result<Bootstrapped> {
    let done = ensure_admin(store, email, Some(password.clone()), now).await?;
    if !done.created {
        let password = NewPassword::parse(password).map_err(|e| anyhow::anyhow!("password {e}"))?;
        let hash = Passwords::new().hash(&password).await?;
        store
            .set_password(&done.user_id, &hash, now)
            .await
            .context("setting the admin's password")?;
    }
    Ok(done)
}

async fn promote(
    store: &Store,
    user: UserRecord,
    now: OffsetDateTime,
) -> anyhow::Result<Bootstrapped> {
    if user.status != Status::Active {
        bail!(
            "{} exists but is not active (verify or enable it first)",
            user.email
        );
    }
    if !user.roles.contains(&Role::Admin) {
        store
            .grant_role("bootstrap", &user, Role::Admin, now)
            .await
            .context("granting the admin role")?;
    }
    Ok(Bootstrapped {
        user_id: user.user_id,
        generated_password: None,
        created: false,
    })
}

async fn create(
    store: &Store,
    email: &str,
    password: Option<String>,
    now: OffsetDateTime,
) -> anyhow::Result<Bootstrapped> {
    let generated = password.is_none().then(random_secret);
    let password = NewPassword::parse(password.or_else(|| generated.clone()).unwrap_or_default())
        .map_err(|e| anyhow::anyhow!("password {e}"))?;
    let user_id = uuid::Uuid::new_v4().simple().to_string();
    let account = NewAccount {
        user_id: user_id.clone(),
        email: email.to_owned(),
        display_name: "Administrator".into(),
        roles: vec![Role::Admin, Role::Member],
        password_hash: Passwords::new().hash(&password).await?,
        status: Status::Active,
    };
    match store.register(&account, None, now).await {
        Ok(()) => {}
        Err(RegisterError::EmailTaken | RegisterError::Busy) => {
            bail!("{email} was registered meanwhile; run again")
        }
        Err(RegisterError::Other(e)) => return Err(e).context("creating the admin account"),
    }
    store
        .record("bootstrap", "create_admin", &user_id, now)
        .await
        .context("auditing the admin's creation")?;
    Ok(Bootstrapped {
        user_id,
        generated_password: generated,
        created: true,
    })
}
