//! The functions the local stack can run, by the binary name `template.yaml` gives them.
//!
//! Each entry is the `build` its binary's `main` hands to the Lambda runtime, so local and
//! Lambda run the same code from the same variables. Adding a binary means adding its row.

use anyhow::anyhow;
use bazaar_shared::function::{Build, Function, Init};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

/// A binary's OpenAPI description (HTTP binaries only).
type Document = fn() -> OpenApi;

/// Every binary of `template.yaml`: its name, its `build`, and its OpenAPI description.
const FUNCTIONS: &[(&str, Build, Option<Document>)] = &[
    (
        "system",
        bazaar_system::system::build,
        Some(bazaar_system::system::openapi),
    ),
    ("outbox-relay", bazaar_system::outbox_relay::build, None),
    (
        "auth",
        bazaar_identity::auth::build,
        Some(bazaar_identity::auth::openapi),
    ),
    (
        "users",
        bazaar_identity::users::build,
        Some(bazaar_identity::users::openapi),
    ),
    (
        "events",
        bazaar_tickets::events::build,
        Some(bazaar_tickets::events::openapi),
    ),
    (
        "bookings",
        bazaar_tickets::bookings::build,
        Some(bazaar_tickets::bookings::openapi),
    ),
    ("ticket-jobs", bazaar_tickets::ticket_jobs::build, None),
    (
        "ticket-reminders",
        bazaar_tickets::ticket_reminders::build,
        None,
    ),
    ("mailer", bazaar_mailer::mailer::build, None),
    (
        "bonds",
        bazaar_bonds::bonds::build,
        Some(bazaar_bonds::bonds::openapi),
    ),
    (
        "draws",
        bazaar_bonds::draws::build,
        Some(bazaar_bonds::draws::openapi),
    ),
    (
        "brokers",
        bazaar_bonds::brokers::build,
        Some(bazaar_bonds::brokers::openapi),
    ),
    ("draws-worker", bazaar_bonds::draws_worker::build, None),
    ("bond-matcher", bazaar_bonds::bond_matcher::build, None),
    (
        "catalog",
        bazaar_shop::catalog::build,
        Some(bazaar_shop::catalog::openapi),
    ),
    (
        "orders",
        bazaar_shop::orders::build,
        Some(bazaar_shop::orders::openapi),
    ),
    ("shop-low-stock", bazaar_shop::shop_low_stock::build, None),
    ("shop-reminders", bazaar_shop::shop_reminders::build, None),
    (
        "messes",
        bazaar_mess::messes::build,
        Some(bazaar_mess::messes::openapi),
    ),
    (
        "mess-tokens",
        bazaar_mess::mess_tokens::build,
        Some(bazaar_mess::mess_tokens::openapi),
    ),
    (
        "mess-expiry-reminders",
        bazaar_mess::mess_expiry_reminders::build,
        None,
    ),
    (
        "nano-wallet",
        bazaar_nano::nano_wallet::build,
        Some(bazaar_nano::nano_wallet::openapi),
    ),
    (
        "nano-tasks",
        bazaar_nano::nano_tasks::build,
        Some(bazaar_nano::nano_tasks::openapi),
    ),
    (
        "nano-admin",
        bazaar_nano::nano_admin::build,
        Some(bazaar_nano::nano_admin::openapi),
    ),
];

/// Builds the function of `binary` as its `main` would on Lambda.
pub fn build(binary: &str, init: &Init) -> anyhow::Result<Function> {
    let (_, build, _) = FUNCTIONS
        .iter()
        .find(|(name, _, _)| *name == binary)
        .ok_or_else(|| {
            anyhow!(
                "template.yaml names the binary {binary:?}, which the local stack does not know: \
                 add it to FUNCTIONS in local/src/registry.rs"
            )
        })?;
    Ok(build(init)?)
}

/// The OpenAPI document of the whole HTTP API: every HTTP binary's description merged.
pub fn openapi() -> OpenApi {
    let info = InfoBuilder::new()
        .title("Bazaar API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "One serverless backend for five marketplaces. Errors are RFC 9457 \
             application/problem+json.",
        ))
        .build();
    let mut doc = OpenApiBuilder::new().info(info).build();
    for document in FUNCTIONS.iter().filter_map(|(_, _, document)| *document) {
        doc.merge(document());
    }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::template::{FUNCTION, Template};

    #[test]
    fn every_binary_of_the_template_has_exactly_one_row() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
        let template = Template::load(&path).unwrap();
        let binaries: BTreeSet<&str> = template
            .ids_of(FUNCTION)
            .map(|id| {
                template.resources[id].metadata["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        let rows: BTreeSet<&str> = FUNCTIONS.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(rows.len(), FUNCTIONS.len(), "a binary is listed twice");
        let missing: Vec<_> = binaries.difference(&rows).collect();
        let unused: Vec<_> = rows.difference(&binaries).collect();
        assert!(
            missing.is_empty() && unused.is_empty(),
            "binaries of template.yaml without a row: {missing:?}; rows the template does not use: {unused:?}"
        );
    }
}
