use std::path::Path;

use super::*;
use crate::template::{QUEUE, Resolver, Template};

/// What each marketplace owns: its functions, tables and queues must go with it.
const OWNED: &[(&str, &[&str])] = &[
    (
        "bonds",
        &[
            "BondsFunction",
            "DrawsFunction",
            "BrokersFunction",
            "DrawsWorkerFunction",
            "MatchNewBondsFunction",
            "BondsTable",
            "DrawQueue",
            "DrawDeadLetterQueue",
        ],
    ),
    (
        "tickets",
        &[
            "EventsFunction",
            "BookingsFunction",
            "TicketJobsFunction",
            "TicketRemindersFunction",
            "TicketsTable",
            "TicketJobsQueue",
            "TicketJobsDeadLetterQueue",
        ],
    ),
    (
        "shop",
        &[
            "CatalogFunction",
            "OrdersFunction",
            "ShopLowStockFunction",
            "ShopRemindersFunction",
            "ShopTable",
        ],
    ),
    (
        "mess",
        &[
            "MessesFunction",
            "MessTokensFunction",
            "MessExpiryRemindersFunction",
            "MessTable",
        ],
    ),
    (
        "nano",
        &[
            "NanoWalletFunction",
            "NanoTasksFunction",
            "NanoAdminFunction",
            "NanoTable",
        ],
    ),
];

/// Identity, the mailer and the system function are always deployed.
const ALWAYS: &[&str] = &[
    "Api",
    "SystemFunction",
    "AuthFunction",
    "UsersFunction",
    "MailerFunction",
    "IdentityTable",
    "IdempotencyTable",
    "MailQueue",
    "MailDeadLetterQueue",
    "UploadsBucket",
];

fn template() -> Template {
    Template::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml")).unwrap()
}

/// The template as deployed with `enabled`, after checking that every resource left in it
/// resolves: nothing that stays refers to something that went.
fn deployed(template: &Template, enabled: &[&str]) -> Template {
    let enabled: Vec<String> = enabled.iter().map(|m| (*m).to_owned()).collect();
    let mut resolver =
        Resolver::new(template, &parameters(&enabled).unwrap(), "us-east-1", "1").unwrap();
    let active = template.active(&resolver);
    let queues: Vec<String> = active.ids_of(QUEUE).map(str::to_owned).collect();
    for id in queues {
        resolver.set_queue_url(&id, format!("http://q/1/{id}"));
    }
    resolver.set_secret(
        "bazaar/dev/keys",
        serde_json::json!({"jwt_private_key": "k",
        "jwt_public_key": "k", "pagination_key": "k"}),
    );
    resolver.set_secret(
        "bazaar/dev/payments",
        serde_json::json!({"razorpay_key_id": "k",
        "razorpay_key_secret": "k", "razorpay_webhook_secret": "k", "stripe_secret_key": "k",
        "stripe_webhook_secret": "k"}),
    );
    resolver.resolve(&active.globals.function).unwrap();
    for (id, resource) in &active.resources {
        for part in [&resource.properties, &resource.metadata] {
            if let Err(e) = resolver.resolve(part) {
                panic!("with {enabled:?}, {id} does not resolve: {e:#}");
            }
        }
    }
    active
}

#[test]
fn every_marketplace_is_deployed_by_default() {
    let template = template();
    let resolver = Resolver::new(&template, &HashMap::new(), "us-east-1", "1").unwrap();
    let active = template.active(&resolver);
    for (_, owned) in OWNED {
        for id in owned.iter().chain(ALWAYS) {
            assert!(active.resources.contains_key(*id), "{id} is missing");
        }
    }
}

#[test]
fn a_marketplace_switched_off_takes_its_functions_tables_and_queues_with_it() {
    let template = template();
    for (off, owned) in OWNED {
        let others: Vec<&str> = MODULES
            .iter()
            .map(|(m, _)| *m)
            .filter(|m| m != off)
            .collect();
        let active = deployed(&template, &others);
        for id in *owned {
            assert!(
                !active.resources.contains_key(*id),
                "{off} off: {id} is still there"
            );
        }
        for (module, kept) in OWNED.iter().filter(|(m, _)| m != off) {
            for id in kept.iter().chain(ALWAYS) {
                assert!(
                    active.resources.contains_key(*id),
                    "{off} off: {module}'s {id} went"
                );
            }
        }
    }
}

#[test]
fn with_every_marketplace_off_only_the_platform_is_left_and_it_resolves() {
    let template = template();
    let active = deployed(&template, &[]);
    for id in ALWAYS {
        assert!(active.resources.contains_key(*id), "{id} went");
    }
    for (_, owned) in OWNED {
        for id in *owned {
            assert!(!active.resources.contains_key(*id), "{id} is still there");
        }
    }
}

#[test]
fn unknown_marketplaces_are_refused() {
    assert!(parameters(&["tickets".to_owned(), "casino".to_owned()]).is_err());
    let only = parameters(&["tickets".to_owned()]).unwrap();
    assert_eq!(only["TicketsModule"], "enabled");
    assert_eq!(only["BondsModule"], "disabled");
    assert_eq!(only.len(), MODULES.len());
}
