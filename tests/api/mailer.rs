//! The mailer, fed by the local stack's queue poller exactly as Lambda's SQS event source would.

use bazaar_shared::jobs::JobQueue;
use bazaar_shared::mail::{MailJob, MailMessage};

use crate::support::{TestApp, fresh_address, spawn_app};

fn notice(subject: &str, text: &str) -> MailMessage {
    MailMessage::Notice {
        subject: subject.to_owned(),
        text: text.to_owned(),
    }
}

fn mail_queue(app: &TestApp) -> JobQueue {
    JobQueue::new(app.stack.aws.sqs.clone(), app.queue_url("MailQueue"))
}

#[tokio::test]
async fn a_mail_job_put_on_the_queue_is_sent_through_ses() {
    let app = spawn_app().await;
    let to = fresh_address();
    let job = MailJob::job(
        uuid::Uuid::new_v4().to_string(),
        &to,
        notice("Welcome <friend>", "Hello & welcome."),
    );
    mail_queue(&app).send(&job).await.unwrap();

    let mail = app.wait_for_mail(&to, 1).await;
    assert_eq!(mail.len(), 1, "expected one mail to {to}");
    assert_eq!(mail[0].subject, "Welcome <friend>");
    assert_eq!(mail[0].source, "no-reply@bazaar.example.com");
    assert!(
        mail[0].body.contains("Hello &amp; welcome."),
        "{}",
        mail[0].body
    );
}

#[tokio::test]
async fn a_redelivered_or_re_enqueued_mail_job_is_sent_once() {
    let app = spawn_app().await;
    let to = fresh_address();
    let job = MailJob::job(format!("welcome:{to}"), &to, notice("Once", "Only once."));
    let queue = mail_queue(&app);
    queue
        .send_batch(&[job.clone(), job.clone(), job])
        .await
        .unwrap();

    app.wait_for_mail(&to, 1).await;
    app.wait_until_drained("MailQueue").await;
    assert_eq!(app.mail_to(&to).await.len(), 1);
}

#[tokio::test]
async fn a_poison_message_lands_in_the_dead_letter_queue_while_the_rest_of_its_batch_is_sent() {
    let app = spawn_app().await;
    let (first, second) = (fresh_address(), fresh_address());
    let good = |to: &str| {
        serde_json::to_string(&MailJob::job(
            uuid::Uuid::new_v4().to_string(),
            to,
            notice("Batch", "fine"),
        ))
        .unwrap()
    };
    let poison = format!("not a mail job {}", uuid::Uuid::new_v4());
    app.send_raw("MailQueue", &[good(&first), poison.clone(), good(&second)])
        .await;

    assert_eq!(app.wait_for_mail(&first, 1).await.len(), 1);
    assert_eq!(app.wait_for_mail(&second, 1).await.len(), 1);
    // The poison message is retried maxReceiveCount times, then moved by SQS to the DLQ.
    app.wait_for_dead_letter("MailDeadLetterQueue", &poison)
        .await;
    app.wait_until_drained("MailQueue").await;
    assert_eq!(
        app.mail_to(&first).await.len(),
        1,
        "a retry of the batch must not resend good mail"
    );
}

#[tokio::test]
async fn the_outbox_relay_sends_every_parked_job_past_its_first_page() {
    let app = spawn_app().await;
    let to = fresh_address();
    // The relay reads the outbox 100 jobs a page: 130 parked jobs take two pages.
    let jobs: Vec<(String, String)> = (0..130)
        .map(|n| {
            let job = MailJob::job(format!("parked:{n}:{to}"), &to, notice("Parked", "Late."));
            (n.to_string(), serde_json::to_string(&job).unwrap())
        })
        .collect();
    let outbox = bazaar_shared::jobs::Outbox::new(
        app.stack.aws.dynamodb.clone(),
        app.name_of("OutboxTable"),
    );
    outbox
        .park(
            &app.queue_url("MailQueue"),
            &jobs,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();

    let relayed = app.stack.fire("OutboxRelayFunction").await.unwrap();
    assert_eq!(relayed, vec![serde_json::json!({"sent": 130, "left": 0})]);
    let again = app.stack.fire("OutboxRelayFunction").await.unwrap();
    assert_eq!(again, vec![serde_json::json!({"sent": 0, "left": 0})]);
    assert_eq!(app.wait_for_mail(&to, 130).await.len(), 130);
}
