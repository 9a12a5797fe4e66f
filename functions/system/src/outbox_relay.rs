//! The `outbox-relay` binary: every minute, sends the jobs that were parked in the outbox
//! because SQS could not take them (`bazaar_shared::jobs::Outbox`) and deletes each one SQS
//! has taken. A job whose queue still cannot take it stays parked for the next run.

use bazaar_shared::jobs::Outbox;
use bazaar_shared::{AwsClients, ConfigError, Function, Init};

/// The `outbox-relay` function (`OUTBOX_TABLE`).
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let table = init.env.required("OUTBOX_TABLE")?;
    let relay = Relay {
        outbox: Outbox::new(init.aws.dynamodb.clone(), &table),
        aws: init.aws.clone(),
    };
    Ok(Function::scheduled(relay, |relay, _input| async move {
        let relayed = relay.outbox.relay(&relay.aws.sqs).await?;
        if relayed.sent + relayed.left > 0 {
            tracing::info!(sent = relayed.sent, left = relayed.left, "outbox relayed");
        }
        Ok(serde_json::to_value(relayed)?)
    })
    .warming(&table))
}

#[derive(Clone)]
struct Relay {
    outbox: Outbox,
    aws: AwsClients,
}
