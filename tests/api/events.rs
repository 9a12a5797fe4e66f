//! Every sample event in `events/<binary>/` goes through that binary's real handler, as
//! `sam local invoke` or Lambda would deliver it.

use std::collections::BTreeSet;

use aws_lambda_events::sqs::SqsEvent;
use bazaar_local::registry::build;
use bazaar_shared::Env;
use bazaar_shared::function::{Handler, Init};
use tower::ServiceExt;

use crate::support::{repo, spawn_app};

fn expected_status(file: &std::path::Path) -> Option<u16> {
    let stem = file.file_stem()?.to_str()?;
    stem.rsplit_once('-').and_then(|(_, s)| s.parse().ok())
}

#[tokio::test]
async fn every_sample_event_goes_through_its_function() {
    let app = spawn_app().await;
    let functions = &app.stack.shared.functions;
    let binaries: BTreeSet<String> = functions.iter().map(|f| f.binary.clone()).collect();
    let folders: BTreeSet<String> = std::fs::read_dir(repo().join("events"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        folders, binaries,
        "events/ must have one folder per function binary"
    );

    let mut pushed = 0;
    for spec in functions {
        let folder = repo().join("events").join(&spec.binary);
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.retain(|p| p.extension().is_some_and(|x| x == "json"));
        assert!(!files.is_empty(), "{} has no sample event", spec.binary);
        for file in files {
            let json = std::fs::read_to_string(&file).unwrap();
            let name = file.display().to_string();
            let init = Init {
                env: Env::from_map(spec.env.clone()),
                aws: app.stack.aws.clone(),
                clock: app.stack.clock.clone(),
            };
            match build(&spec.binary, &init).unwrap().handler {
                Handler::Http(router) => {
                    let request = lambda_http::request::from_str(&json)
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    let response = router.oneshot(request).await.unwrap();
                    // `name-401.json` expects 401; any other sample expects success.
                    match expected_status(&file) {
                        Some(status) => assert_eq!(response.status().as_u16(), status, "{name}"),
                        None => assert!(
                            response.status().is_success(),
                            "{name}: {}",
                            response.status()
                        ),
                    }
                }
                Handler::Queue(handler) => {
                    let event: SqsEvent =
                        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
                    // Mail jobs name their recipient, who must get the mail; other jobs (a
                    // fan-out to an event's bookers, a draw to process) only need to succeed.
                    let recipients: Vec<String> = event
                        .records
                        .iter()
                        .filter_map(|r| {
                            serde_json::from_str::<serde_json::Value>(r.body.as_deref().unwrap())
                                .unwrap()["payload"]["to"]
                                .as_str()
                                .map(str::to_owned)
                        })
                        .collect();
                    let before: usize =
                        futures_util::future::join_all(recipients.iter().map(|r| app.mail_to(r)))
                            .await
                            .iter()
                            .map(Vec::len)
                            .sum();
                    let response = handler(event).await;
                    assert!(
                        response.batch_item_failures.is_empty(),
                        "{name}: {:?}",
                        response.batch_item_failures
                    );
                    let after: usize =
                        futures_util::future::join_all(recipients.iter().map(|r| app.mail_to(r)))
                            .await
                            .iter()
                            .map(Vec::len)
                            .sum();
                    assert_eq!(
                        after,
                        before + recipients.len(),
                        "{name}: every record must be sent"
                    );
                }
                Handler::Scheduled(handler) => {
                    let input: serde_json::Value = serde_json::from_str(&json).unwrap();
                    handler(input)
                        .await
                        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
                }
            }
            pushed += 1;
        }
    }
    assert!(pushed >= binaries.len());
}
