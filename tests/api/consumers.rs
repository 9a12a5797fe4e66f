//! Every queue consumer against a poison message and duplicate deliveries, through the local
//! stack's queue poller exactly as Lambda's SQS event source would feed it: the duplicates
//! have one side effect, the poison message ends in the queue's dead-letter queue, and the
//! rest of its batch goes on. (The mailer's own: `mailer.rs`.)

use bazaar_bonds::draws_worker::DrawJob;
use bazaar_shared::jobs::Job;
use bazaar_tickets::notices::NotifyBookers;
use serde_json::Value;

use crate::bonds::{add_bonds, list_text, processed, winning_numbers, wins_of};
use crate::support::{TestApp, spawn_app};

fn poison() -> String {
    format!("{{\"id\": \"not a job {}\"", uuid::Uuid::new_v4())
}

/// How many mails to `address` have `subject`.
async fn mails_with(app: &TestApp, address: &str, subject: &str) -> usize {
    let mail = app.mail_to(address).await;
    mail.iter().filter(|m| m.subject == subject).count()
}

#[tokio::test]
async fn ticket_jobs_delivered_twice_beside_a_poison_message_mail_each_booker_once() {
    let app = spawn_app().await;
    let organizer = app.quick_users("organizer", 1).await.remove(0);
    let event = app.published_event(&organizer, 10, 48).await;
    let bookers = app.quick_users("customer", 3).await;
    for booker in &bookers {
        assert_eq!(app.book(booker, &event, 1).await.status(), 201);
    }
    let subject = format!("Doors open early {}", uuid::Uuid::new_v4());
    let notice = NotifyBookers {
        event_id: event.clone(),
        notice_id: format!("test-notice:{event}"),
        subject: subject.clone(),
        text: "Come at six.".into(),
        after: None,
    };
    let job = serde_json::to_string(&notice.job()).unwrap();
    let poison = poison();

    app.send_raw(
        "TicketJobsQueue",
        &[job.clone(), poison.clone(), job.clone()],
    )
    .await;
    app.send_raw("TicketJobsQueue", &[job]).await;

    for booker in &bookers {
        assert_eq!(app.wait_for_mail(&booker.email, 2).await.len(), 2);
    }
    app.wait_for_dead_letter("TicketJobsDeadLetterQueue", &poison)
        .await;
    app.wait_until_drained("TicketJobsQueue").await;
    app.wait_until_drained("MailQueue").await;
    for booker in &bookers {
        assert_eq!(mails_with(&app, &booker.email, &subject).await, 1);
    }
}

#[tokio::test]
async fn a_draw_job_delivered_again_beside_a_poison_message_records_and_mails_wins_once() {
    let app = spawn_app().await;
    let admin = app.signed_in_admin().await;
    let holder = app.signed_in_user("member").await;
    let numbers = winning_numbers(300_000, 20);
    add_bonds(&app, &holder, 750, &numbers[..2]).await;
    let draw = processed(&app, &admin, &list_text(750, "15/02/2026", &numbers)).await;
    assert_eq!(draw["status"], "done", "{draw}");
    let draw_id = draw["id"].as_str().unwrap().to_owned();
    assert_eq!(wins_of(&app, &holder).await.len(), 2);
    app.wait_until_drained("MailQueue").await;
    let mails = app.mail_to(&holder.email).await.len();

    // The same job, as SQS may deliver it again, twice, in a batch with a poison message.
    let job = Job::with_id(
        format!("draw:{draw_id}"),
        DrawJob {
            draw_id: draw_id.clone(),
        },
    );
    let job = serde_json::to_string(&job).unwrap();
    let poison = poison();
    app.send_raw("DrawQueue", &[job.clone(), poison.clone(), job])
        .await;

    app.wait_for_dead_letter("DrawDeadLetterQueue", &poison)
        .await;
    app.wait_until_drained("DrawQueue").await;
    app.wait_until_drained("MailQueue").await;
    assert_eq!(wins_of(&app, &holder).await.len(), 2);
    assert_eq!(app.mail_to(&holder.email).await.len(), mails);
    let again: Value = app
        .get(&format!("/draws/{draw_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["status"], "done");
}
