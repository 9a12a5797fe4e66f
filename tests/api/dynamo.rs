//! The platform's DynamoDB and webhook helpers against DynamoDB Local: lost races are retried,
//! not answered (races are staged by [`ConflictProxy`]: DynamoDB Local never loses one), and a
//! provider's event is handled once however often it is delivered.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use bazaar_shared::dynamo::{TransactError, get_item, key, number, transact};
use bazaar_shared::idempotency::IdempotencyStore;
use bazaar_shared::webhook::{Delivery, once};
use futures_util::future::join_all;
use serde::Deserialize;

use bazaar_shared::AwsClients;

use crate::conflicts::ConflictProxy;
use crate::support::{dynamodb_local, spawn_app};

const WRITERS: usize = 8;

fn increment(table: &str) -> TransactWriteItem {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key("COUNTER", "C")))
        .update_expression("ADD hits :one")
        .expression_attribute_values(":one", number(1))
        .build()
        .unwrap();
    TransactWriteItem::builder().update(update).build()
}

#[derive(Deserialize)]
struct Counter {
    hits: usize,
}

async fn hits(db: &aws_sdk_dynamodb::Client, table: &str) -> usize {
    get_item::<Counter>(db, table, key("COUNTER", "C"), "counter")
        .await
        .unwrap()
        .map_or(0, |c| c.hits)
}

/// A DynamoDB client whose transactions go through a conflict injector.
async fn contended(app: &crate::support::TestApp) -> (ConflictProxy, aws_sdk_dynamodb::Client) {
    let proxy = ConflictProxy::start(&dynamodb_local()).await;
    let aws = AwsClients::for_endpoints(&app.stack.shared.moto_url, &proxy.url, "us-east-1");
    (proxy, aws.dynamodb)
}

#[tokio::test]
async fn a_transaction_that_lost_races_is_retried_and_commits_once() {
    let app = spawn_app().await;
    let (proxy, db) = contended(&app).await;
    let table = app.name_of("TicketsTable");

    proxy.inject(3);
    transact(&db, vec![increment(&table)], "hit").await.unwrap();

    assert_eq!(proxy.transactions(), 4, "three lost races, then the commit");
    assert_eq!(hits(&db, &table).await, 1);
}

#[tokio::test]
async fn a_transaction_that_keeps_losing_races_is_reported_as_contended_and_writes_nothing() {
    let app = spawn_app().await;
    let (proxy, db) = contended(&app).await;
    let table = app.name_of("TicketsTable");

    proxy.inject(1_000);
    let error = transact(&db, vec![increment(&table)], "hit")
        .await
        .unwrap_err();

    assert!(error.is_contended(), "{error:?}");
    assert_eq!(proxy.transactions(), 10);
    assert_eq!(hits(&db, &table).await, 0);
}

#[tokio::test]
async fn transactions_racing_on_one_item_all_commit_each_once() {
    let app = spawn_app().await;
    let (proxy, db) = contended(&app).await;
    let table = app.name_of("TicketsTable");

    // The first WRITERS transactions to arrive, whichever they are, lose a race.
    proxy.inject(WRITERS);
    let results =
        join_all((0..WRITERS).map(|_| transact(&db, vec![increment(&table)], "hit"))).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(proxy.transactions(), 2 * WRITERS, "each retried once");
    assert_eq!(hits(&db, &table).await, WRITERS);
}

#[tokio::test]
async fn a_failed_condition_is_reported_per_action_with_the_old_item() {
    let app = spawn_app().await;
    let db = &app.stack.aws.dynamodb;
    let table = app.name_of("TicketsTable");
    transact(db, vec![increment(&table)], "hit").await.unwrap();
    let guarded = Update::builder()
        .table_name(&table)
        .set_key(Some(key("COUNTER", "C")))
        .update_expression("ADD hits :one")
        .condition_expression("hits > :limit")
        .expression_attribute_values(":one", number(1))
        .expression_attribute_values(":limit", number(5))
        .return_values_on_condition_check_failure(
            aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
        )
        .build()
        .unwrap();
    let items = vec![
        increment(&app.name_of("BondsTable")),
        TransactWriteItem::builder().update(guarded).build(),
    ];
    let error = transact(db, items, "guarded hit").await.unwrap_err();
    assert!(matches!(error, TransactError::Cancelled(_)));
    assert!(!error.failed_at(0) && error.failed_at(1));
    assert!(!error.is_contended());
    let old = error.reason(1).and_then(|r| r.item.clone()).unwrap();
    assert_eq!(old["hits"], number(1));
}

#[tokio::test]
async fn a_webhook_event_delivered_many_times_at_once_is_handled_once() {
    let app = spawn_app().await;
    let replays = IdempotencyStore::new(
        app.stack.aws.dynamodb.clone(),
        app.name_of("IdempotencyTable"),
    );
    let effects = Arc::new(AtomicUsize::new(0));
    let deliveries = (0..WRITERS).map(|_| {
        let effects = effects.clone();
        let replays = replays.clone();
        async move {
            once(&replays, "stripe", "evt_1", || async move {
                effects.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(100)).await;
                Ok::<_, anyhow::Error>(())
            })
            .await
            .unwrap()
        }
    });
    let outcomes = join_all(deliveries).await;
    assert_eq!(effects.load(Ordering::SeqCst), 1);
    let handled = outcomes.iter().filter(|d| **d == Delivery::Handled).count();
    assert_eq!(handled, 1, "{outcomes:?}");

    let again = once(&replays, "stripe", "evt_1", || async {
        panic!("ran twice");
        #[allow(unreachable_code)]
        Ok::<_, anyhow::Error>(())
    })
    .await;
    assert_eq!(again.unwrap(), Delivery::Duplicate);
}

#[tokio::test]
async fn a_webhook_effect_that_failed_runs_again_on_the_next_delivery() {
    let app = spawn_app().await;
    let replays = IdempotencyStore::new(
        app.stack.aws.dynamodb.clone(),
        app.name_of("IdempotencyTable"),
    );
    let failed = once(&replays, "razorpay", "evt_9", || async {
        Err(anyhow::anyhow!("DynamoDB was unreachable"))
    })
    .await;
    assert!(failed.is_err());
    let retried = once(&replays, "razorpay", "evt_9", || async {
        Ok::<_, anyhow::Error>(())
    })
    .await;
    assert_eq!(retried.unwrap(), Delivery::Handled);
}
