//! Each binary's `build`: the variables it needs (a missing one fails at init, naming it) and
//! the kind of function it is. The SDK clients here point nowhere.

use bazaar_shared::function::{Build, Handler};
use bazaar_shared::{ConfigError, Init};

/// The public half of a throw-away Ed25519 key pair (token checks need a valid key to start).
const TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAgsXlxtWhs9hcfe2sFyX+UIVFRn0IQxJFM4t3dUt4VmM=
-----END PUBLIC KEY-----
";

const ALL: &[(&str, &str)] = &[
    ("MESS_TABLE", "mess"),
    ("IDENTITY_TABLE", "identity"),
    ("IDEMPOTENCY_TABLE", "idempotency"),
    ("MAIL_QUEUE_URL", "http://127.0.0.1:1/mail"),
    ("OUTBOX_TABLE", "outbox"),
    ("JWT_PUBLIC_KEY", TEST_PUBLIC_KEY),
    ("PAGINATION_KEY", "a-test-key-of-32-bytes-or-more!!"),
    ("RAZORPAY_BASE_URL", "http://127.0.0.1:1"),
    ("RAZORPAY_KEY_ID", "rzp_test_key"),
    ("RAZORPAY_KEY_SECRET", "a-key-secret"),
    ("RAZORPAY_WEBHOOK_SECRET", "a-webhook-secret"),
];

fn init(without: &str) -> Init {
    Init::offline(ALL.iter().copied().filter(|(name, _)| *name != without))
}

fn missing(build: Build, name: &str) -> String {
    match build(&init(name)) {
        Err(ConfigError::Missing(missing)) => missing,
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("built without {name}"),
    }
}

#[test]
fn each_binary_names_the_variable_it_misses() {
    let cases: [(Build, &str); 7] = [
        (crate::messes::build, "MESS_TABLE"),
        (crate::messes::build, "PAGINATION_KEY"),
        (crate::mess_tokens::build, "RAZORPAY_BASE_URL"),
        (crate::mess_tokens::build, "RAZORPAY_WEBHOOK_SECRET"),
        (crate::mess_tokens::build, "MAIL_QUEUE_URL"),
        (crate::mess_expiry_reminders::build, "MAIL_QUEUE_URL"),
        (crate::mess_expiry_reminders::build, "IDENTITY_TABLE"),
    ];
    for (build, name) in cases {
        assert_eq!(missing(build, name), name);
    }
}

#[test]
fn the_http_binaries_serve_and_the_reminders_are_scheduled() {
    let kind = |build: Build| match build(&init("")).unwrap().handler {
        Handler::Http(_) => "http",
        Handler::Queue(_) => "queue",
        Handler::Scheduled(_) => "scheduled",
    };
    assert_eq!(kind(crate::messes::build), "http");
    assert_eq!(kind(crate::mess_tokens::build), "http");
    assert_eq!(kind(crate::mess_expiry_reminders::build), "scheduled");
}
