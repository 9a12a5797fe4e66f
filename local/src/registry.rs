//! The functions the local stack can run, by the binary name `template.yaml` gives them.
//!
//! Each route group's library is built here exactly as its `main.rs` builds it on Lambda, from
//! the variables that its template entry resolves to. Adding a function means adding its arm.

use std::sync::Arc;

use anyhow::bail;
use aws_lambda_events::sqs::{SqsBatchResponse, SqsEvent};
use axum::Router;
use bazaar_shared::{AwsClients, Env};
use futures_util::future::BoxFuture;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// An SQS-triggered function.
pub type QueueHandler =
    Arc<dyn Fn(SqsEvent) -> BoxFuture<'static, anyhow::Result<SqsBatchResponse>> + Send + Sync>;

/// A scheduled function: takes the schedule's `Input`, returns what it reports.
pub type ScheduledHandler = Arc<
    dyn Fn(serde_json::Value) -> BoxFuture<'static, anyhow::Result<serde_json::Value>>
        + Send
        + Sync,
>;

pub enum LocalFunction {
    Http(Router),
    Queue(QueueHandler),
    Scheduled(ScheduledHandler),
}

pub fn build(binary: &str, env: &Env, aws: &AwsClients) -> anyhow::Result<LocalFunction> {
    Ok(match binary {
        "system" => LocalFunction::Http(bazaar_system::router(
            bazaar_system::SystemState::from_env(env)?,
        )),
        "auth" => LocalFunction::Http(bazaar_identity::auth_router(
            bazaar_identity::AuthState::from_env(env, aws)?,
        )),
        "users" => LocalFunction::Http(bazaar_identity::users_router(
            bazaar_identity::UsersState::from_env(env, aws)?,
        )),
        "events" => LocalFunction::Http(bazaar_tickets::events_router(
            bazaar_tickets::TicketsState::from_env(env, aws)?,
        )),
        "bookings" => LocalFunction::Http(bazaar_tickets::bookings_router(
            bazaar_tickets::TicketsState::from_env(env, aws)?,
        )),
        "ticket-jobs" => {
            let notifier = bazaar_tickets::Notifier::from_env(env, aws)?;
            LocalFunction::Queue(Arc::new(move |event| {
                let notifier = notifier.clone();
                Box::pin(async move { Ok(notifier.handle(event).await) })
            }))
        }
        "ticket-reminders" => {
            let reminders = bazaar_tickets::reminders::Reminders::from_env(env, aws)?;
            LocalFunction::Scheduled(Arc::new(move |input| {
                let reminders = reminders.clone();
                Box::pin(async move { reminders.run(input).await })
            }))
        }
        "mailer" => {
            let mailer = bazaar_mailer::Mailer::from_env(env, aws)?;
            LocalFunction::Queue(Arc::new(move |event| {
                let mailer = mailer.clone();
                Box::pin(async move { Ok(mailer.handle(event).await) })
            }))
        }
        "bonds" => LocalFunction::Http(bazaar_bonds::bonds_router(
            bazaar_bonds::BondsState::from_env(env, aws)?,
        )),
        "draws" => LocalFunction::Http(bazaar_bonds::draws_router(
            bazaar_bonds::BondsState::from_env(env, aws)?,
        )),
        "brokers" => LocalFunction::Http(bazaar_bonds::brokers_router(
            bazaar_bonds::BondsState::from_env(env, aws)?,
        )),
        "draws-worker" => {
            let worker = bazaar_bonds::DrawWorker::from_env(env, aws)?;
            LocalFunction::Queue(Arc::new(move |event| {
                let worker = worker.clone();
                Box::pin(async move { Ok(worker.handle(event).await) })
            }))
        }
        "bond-matcher" => {
            let matcher = bazaar_bonds::BondMatcher::from_env(env, aws)?;
            LocalFunction::Scheduled(Arc::new(move |input| {
                let matcher = matcher.clone();
                Box::pin(async move { matcher.run(input).await })
            }))
        }
        other => bail!(
            "template.yaml names the binary {other:?}, which the local stack does not know: \
             add it to local/src/registry.rs"
        ),
    })
}

/// The OpenAPI document of the whole HTTP API: every route group's description merged.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = utoipa::openapi::OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("Bazaar API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "One serverless backend for five marketplaces. Errors are RFC 9457 \
                     application/problem+json.",
                ))
                .build(),
        )
        .build();
    doc.merge(bazaar_system::ApiDoc::openapi());
    doc.merge(bazaar_identity::AuthApiDoc::openapi());
    doc.merge(bazaar_identity::ProfileApiDoc::openapi());
    doc.merge(bazaar_identity::AdminApiDoc::openapi());
    doc.merge(bazaar_tickets::OrganizerApiDoc::openapi());
    doc.merge(bazaar_tickets::BrowseApiDoc::openapi());
    doc.merge(bazaar_tickets::BookingApiDoc::openapi());
    doc.merge(bazaar_bonds::BondsApiDoc::openapi());
    doc.merge(bazaar_bonds::DrawsApiDoc::openapi());
    doc.merge(bazaar_bonds::BrokerRequestsApiDoc::openapi());
    doc.merge(bazaar_bonds::BrokerAdminApiDoc::openapi());
    doc.merge(bazaar_bonds::StoresApiDoc::openapi());
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    doc
}
