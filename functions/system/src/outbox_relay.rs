//! The `outbox-relay` binary: every minute, sends the jobs that were parked in the outbox
//! because SQS could not take them (`bazaar_shared::jobs::Outbox`) and deletes each one SQS
//! has taken. A job whose queue still cannot take it stays parked for the next run.

use bazaar_shared::jobs::Outbox;
use bazaar_shared::{AwsClients, ConfigError, Function, Init};

/// The queues a parked job may be relayed to, by their variables; the two of marketplaces that
/// can be switched off are optional.
const QUEUES: [(&str, bool); 3] = [
    ("MAIL_QUEUE_URL", true),
    ("TICKET_JOBS_QUEUE_URL", false),
    ("DRAW_QUEUE_URL", false),
];

/// The `outbox-relay` function (`OUTBOX_TABLE` and the queues of [`QUEUES`]).
pub fn build(init: &Init) -> Result<Function, ConfigError> {
    let table = init.env.required("OUTBOX_TABLE")?;
    let mut queues = Vec::new();
    for (name, required) in QUEUES {
        match required {
            true => queues.push(init.env.required(name)?),
            false => queues.extend(init.env.optional(name)),
        }
    }
    let relay = Relay {
        outbox: Outbox::new(init.aws.dynamodb.clone(), &table),
        aws: init.aws.clone(),
        queues,
    };
    Ok(Function::scheduled(relay, |relay, _input| async move {
        let relayed = relay.outbox.relay(&relay.aws.sqs, &relay.queues).await?;
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
    queues: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relay_needs_its_table_and_the_mail_queue_and_takes_the_others_when_deployed() {
        let vars = [
            ("OUTBOX_TABLE", "outbox"),
            ("MAIL_QUEUE_URL", "http://q/mail"),
        ];
        let missing = |name: &str| {
            let init = Init::offline(vars.iter().copied().filter(|(n, _)| *n != name));
            build(&init).err()
        };
        assert_eq!(
            missing("OUTBOX_TABLE"),
            Some(ConfigError::Missing("OUTBOX_TABLE".into()))
        );
        assert_eq!(
            missing("MAIL_QUEUE_URL"),
            Some(ConfigError::Missing("MAIL_QUEUE_URL".into()))
        );
        assert!(build(&Init::offline(vars.iter().copied())).is_ok());
    }
}
