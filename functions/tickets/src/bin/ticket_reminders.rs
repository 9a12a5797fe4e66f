use bazaar_shared::{AwsClients, Env, telemetry};
use bazaar_tickets::reminders::Reminders;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let reminders = Reminders::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(reminders.table()).await;
    let reminders = &reminders;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            reminders.run(event.payload).await.map_err(Error::from)
        },
    ))
    .await
}
