//! Authentication for every route group: access-token verification with the identity
//! service's public key, revocation checks, the [`Caller`] extractor and role guards.
//!
//! Only the identity functions hold the private key; every other function verifies with the
//! public key. The algorithm is pinned to EdDSA, and `iss`, `aud`, `exp`, `nbf` and the token
//! type are all checked, so a refresh token, an `alg: none` token, an HS256 token made from
//! the public key or a token from another issuer are all refused.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::{ConfigError, Env};
use crate::error::ApiError;
use crate::identity::IdentityClient;

/// Who issues access tokens, and for whom.
pub const ISSUER: &str = "bazaar-identity";
pub const AUDIENCE: &str = "bazaar-api";
/// The `typ` claim of access tokens (refresh tokens are opaque and never JWTs).
pub const ACCESS_TOKEN_TYPE: &str = "access";

/// A role an account can hold. Accounts may hold several.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Prize-bond owner (the plain, default role).
    Member,
    Customer,
    Organizer,
    Student,
    Buyer,
    Worker,
    Broker,
    MessOwner,
    /// Shop staff: the catalogue, every order's lifecycle, low-stock alerts.
    ShopStaff,
    Admin,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Member,
        Role::Customer,
        Role::Organizer,
        Role::Student,
        Role::Buyer,
        Role::Worker,
        Role::Broker,
        Role::MessOwner,
        Role::ShopStaff,
        Role::Admin,
    ];

    /// Roles a person may choose at sign-up; the rest are granted by an admin.
    pub fn is_self_service(self) -> bool {
        !matches!(
            self,
            Role::Admin | Role::Broker | Role::MessOwner | Role::ShopStaff
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Customer => "customer",
            Role::Organizer => "organizer",
            Role::Student => "student",
            Role::Buyer => "buyer",
            Role::Worker => "worker",
            Role::Broker => "broker",
            Role::MessOwner => "mess_owner",
            Role::ShopStaff => "shop_staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The token id, for the logout denylist.
    pub jti: String,
    pub typ: String,
    /// The session (refresh-token family) this token belongs to.
    pub sid: String,
    pub roles: Vec<Role>,
    /// The account's e-mail address (addresses never change), so a route that mails its caller
    /// needs no read for it. Absent in tokens issued before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The authenticated caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub roles: Vec<Role>,
    pub session_id: String,
    pub token_id: String,
    pub expires_at: i64,
    /// From the token; see [`IdentityClient::email_of_caller`] for the address itself.
    pub email: Option<String>,
}

impl Caller {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Verifies access tokens; built once per cold start.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
    identity: IdentityClient,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("identity", &self.identity)
            .finish_non_exhaustive()
    }
}

impl TokenVerifier {
    /// `JWT_PUBLIC_KEY` (Ed25519, PEM) and `IDENTITY_TABLE` (where sessions live).
    pub fn from_env(env: &Env, dynamodb: aws_sdk_dynamodb::Client) -> Result<Self, ConfigError> {
        let pem = env.required("JWT_PUBLIC_KEY")?;
        let key = DecodingKey::from_ed_pem(pem.as_bytes()).map_err(|e| ConfigError::Invalid {
            name: "JWT_PUBLIC_KEY".into(),
            reason: e.to_string(),
        })?;
        let identity = IdentityClient::new(dynamodb, env.required("IDENTITY_TABLE")?);
        Ok(Self::new(key, identity))
    }

    pub fn new(key: DecodingKey, identity: IdentityClient) -> Self {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self {
            key,
            validation,
            identity,
        }
    }

    /// Checks signature, algorithm and claims (no I/O).
    pub fn decode(&self, token: &str) -> Result<AccessClaims, ApiError> {
        let claims = jsonwebtoken::decode::<AccessClaims>(token, &self.key, &self.validation)
            .map_err(|_| unauthorized("The access token is invalid or has expired."))?
            .claims;
        if claims.typ != ACCESS_TOKEN_TYPE {
            return Err(unauthorized("This is not an access token."));
        }
        Ok(claims)
    }

    /// Decodes the token and checks, in one read, that its session is still live: a logged-out
    /// token is refused at once, not when it expires.
    pub async fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let claims = self.decode(token)?;
        let now = time::OffsetDateTime::now_utc();
        if !self
            .identity
            .session_live(&claims.sub, &claims.sid, now)
            .await?
        {
            return Err(unauthorized("This session has ended; sign in again."));
        }
        Ok(Caller {
            user_id: claims.sub,
            roles: claims.roles,
            session_id: claims.sid,
            token_id: claims.jti,
            expires_at: claims.exp,
            email: claims.email,
        })
    }
}

fn unauthorized(detail: &str) -> ApiError {
    ApiError::Unauthorized(detail.to_owned())
}

/// The bearer token of a request, if any.
fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    Arc<TokenVerifier>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let token = bearer_token(parts)
            .ok_or_else(|| unauthorized("Sign in: send Authorization: Bearer <access token>."))?;
        let caller = Arc::<TokenVerifier>::from_ref(state).verify(token).await?;
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// A set of roles that may use a route (any one of them suffices).
pub trait RoleGuard: Send + Sync + 'static {
    const ROLES: &'static [Role];
}

/// A caller holding one of `G::ROLES`: 401 without a valid token, 403 without the role.
///
/// ```ignore
/// async fn list_users(Authorized(caller, ..): Authorized<AdminOnly>) -> ... { ... }
/// ```
#[derive(Debug, Clone)]
pub struct Authorized<G: RoleGuard>(pub Caller, pub PhantomData<G>);

impl<G: RoleGuard> Authorized<G> {
    pub fn caller(&self) -> &Caller {
        &self.0
    }
}

impl<S, G> FromRequestParts<S> for Authorized<G>
where
    S: Send + Sync,
    G: RoleGuard,
    Arc<TokenVerifier>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if G::ROLES.iter().any(|role| caller.has(*role)) {
            Ok(Self(caller, PhantomData))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Admins only.
#[derive(Debug, Clone)]
pub struct AdminOnly;
impl RoleGuard for AdminOnly {
    const ROLES: &'static [Role] = &[Role::Admin];
}
