//! Matching: a list against the registry (worker), a bond against stored lists (at once when
//! added, and the scheduled matcher); each win recorded once, each winner mailed once.

use std::collections::{BTreeMap, BTreeSet};

use bazaar_bonds::draws_worker::DrawJob;
use bazaar_shared::jobs::{Job, JobQueue};
use futures_util::StreamExt;

use super::{add_bonds, bonds_store, list_text, processed, winning_numbers, wins_of};
use crate::support::{TestUser, spawn_app};

const OWNERS: usize = 50;
const BONDS_PER_OWNER: usize = 200;

#[tokio::test]
async fn a_list_of_1604_numbers_against_10000_bonds_records_exactly_the_37_wins_and_mails_each_winner_once()
 {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let owners = app.quick_users("member", OWNERS).await;
    // 1 first, 3 second, 1,600 third prizes.
    let winning = winning_numbers(100_000, 1604);
    // 37 winning bonds (the first prize, two second prizes, 34 thirds) spread over 15 owners
    // round-robin, so some owners hold three winners; every other bond is a loser.
    let winners: Vec<String> = [0, 1, 2]
        .iter()
        .map(|&i| winning[i].clone())
        .chain((0..34).map(|i| winning[10 + i * 45].clone()))
        .collect();
    let mut holdings: Vec<Vec<String>> = vec![Vec::new(); OWNERS];
    for (i, number) in winners.iter().enumerate() {
        holdings[i % 15].push(number.clone());
    }
    let mut losers = (0..).map(|i| format!("{:06}", 600_000 + i));
    for holding in &mut holdings {
        while holding.len() < BONDS_PER_OWNER {
            holding.push(losers.next().unwrap());
        }
    }
    let requests: Vec<(&TestUser, &[String])> = owners
        .iter()
        .zip(&holdings)
        .flat_map(|(owner, numbers)| numbers.chunks(100).map(move |chunk| (owner, chunk)))
        .collect();
    futures_util::stream::iter(requests)
        .map(|(owner, chunk)| add_bonds(&app, owner, 750, chunk))
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;

    let draw = processed(&app, &admin, &list_text(750, "15/01/2026", &winning)).await;
    assert_eq!(draw["status"], "done", "{draw}");
    assert_eq!(
        (draw["numbers"].as_u64(), draw["wins"].as_u64()),
        (Some(1604), Some(37))
    );
    let draw_id = draw["id"].as_str().unwrap().to_owned();

    let mut expected: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (i, number) in winners.iter().enumerate() {
        expected.entry(i % 15).or_default().insert(number.clone());
    }
    for (i, owner) in owners.iter().enumerate() {
        let got: BTreeSet<String> = wins_of(&app, owner)
            .await
            .iter()
            .map(|w| w["number"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            got,
            expected.get(&i).cloned().unwrap_or_default(),
            "owner {i}"
        );
    }
    let first = wins_of(&app, &owners[0])
        .await
        .into_iter()
        .find(|w| w["number"] == winning[0])
        .unwrap();
    assert_eq!(
        (first["tier"].as_str(), first["amount"].as_u64()),
        (Some("first"), Some(1_500_000))
    );
    for owner in &owners[..15] {
        let mail = app.wait_for_mail(&owner.email, 1).await;
        assert_eq!(mail.len(), 1, "{}", owner.email);
    }
    let mail = app.mail_to(&owners[0].email).await;
    assert!(
        mail[0].body.contains(&winning[0]),
        "one mail lists all of an owner's wins"
    );

    // The same job again, twice: as a plain redelivery (the draw is done), and as if the worker
    // had died just before its last step (the draw put back to pending, so every step runs
    // again). Nothing changes either way.
    let queue = JobQueue::new(app.stack.aws.sqs.clone(), app.queue_url("DrawQueue"));
    let job = Job::with_id(
        format!("draw:{draw_id}"),
        DrawJob {
            draw_id: draw_id.clone(),
        },
    );
    for crashed in [false, true] {
        if crashed {
            reopen(&app, &draw_id).await;
        }
        queue.send(&job).await.unwrap();
        app.wait_until_drained("DrawQueue").await;
        let again = super::wait_for_draw(&app, &draw_id).await;
        assert_eq!(
            (again["status"].as_str(), again["wins"].as_u64()),
            (Some("done"), Some(37)),
            "crashed: {crashed}"
        );
        app.wait_until_drained("MailQueue").await;
        assert_eq!(
            bonds_store(&app).draw_wins(&draw_id).await.unwrap().len(),
            37
        );
        for owner in &owners[..15] {
            assert_eq!(app.mail_to(&owner.email).await.len(), 1);
        }
        for owner in &owners[15..] {
            assert_eq!(app.mail_to(&owner.email).await.len(), 0);
        }
    }
}

/// Puts a done draw back to pending, as a worker that died before its last step leaves it.
async fn reopen(app: &crate::support::TestApp, draw_id: &str) {
    use aws_sdk_dynamodb::types::AttributeValue::S;
    app.stack
        .aws
        .dynamodb
        .update_item()
        .table_name(app.name_of("BondsTable"))
        .key("pk", S(format!("DRAW#{draw_id}")))
        .key("sk", S("DRAW".into()))
        .update_expression("SET #status = :pending")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":pending", S("pending".into()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_bond_added_after_its_draw_reports_the_past_win_at_once_and_mails_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let user = app.signed_in_user("member").await;
    let winning = winning_numbers(700_000, 20);
    let draw = processed(&app, &admin, &list_text(1500, "01/02/2026", &winning)).await;
    assert_eq!(draw["wins"], 0);

    let added = add_bonds(&app, &user, 1500, &[winning[1].clone(), "999999".into()]).await;
    let past = added["past_wins"].as_array().unwrap();
    assert_eq!(past.len(), 1);
    assert_eq!(
        (past[0]["number"].as_str(), past[0]["tier"].as_str()),
        (Some(winning[1].as_str()), Some("second"))
    );
    assert_eq!(past[0]["draw_id"], draw["id"]);
    assert_eq!(
        app.wait_for_mail(&user.email, 2).await.len(),
        2,
        "code + win"
    );
    assert_eq!(wins_of(&app, &user).await.len(), 1);
}

#[tokio::test]
async fn the_scheduled_matcher_finds_a_bond_the_add_check_never_saw_and_records_it_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let user = app.signed_in_user("member").await;
    let winning = winning_numbers(800_000, 20);
    let draw = processed(&app, &admin, &list_text(200, "01/04/2026", &winning)).await;
    assert_eq!(draw["status"], "done");
    // Written straight to the table, as a bond added while its list was being processed
    // would be: no check at addition has seen it.
    let bond = bazaar_bonds::model::BondRecord::new(
        &user.user_id,
        200,
        &winning[7],
        time::OffsetDateTime::now_utc(),
    );
    let stored = bonds_store(&app).add_bonds(&[bond]).await.unwrap();
    assert_eq!(stored, [true]);
    assert!(wins_of(&app, &user).await.is_empty());

    let report = app.stack.fire("MatchNewBondsFunction").await.unwrap();
    assert_eq!(report[0]["wins_recorded"], 1, "{report:?}");
    let wins = wins_of(&app, &user).await;
    assert_eq!(
        (wins.len(), wins[0]["number"].as_str()),
        (1, Some(winning[7].as_str()))
    );
    assert_eq!(
        app.wait_for_mail(&user.email, 2).await.len(),
        2,
        "code + win"
    );

    let again = app.stack.fire("MatchNewBondsFunction").await.unwrap();
    assert_eq!(
        (
            again[0]["wins_found"].as_u64(),
            again[0]["wins_recorded"].as_u64()
        ),
        (Some(1), Some(0)),
        "{again:?}"
    );
    app.wait_until_drained("MailQueue").await;
    assert_eq!(app.mail_to(&user.email).await.len(), 2);
    assert_eq!(wins_of(&app, &user).await.len(), 1);
}
