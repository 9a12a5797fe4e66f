use aws_lambda_events::sqs::SqsEvent;
use bazaar_shared::{AwsClients, Env, telemetry};
use bazaar_tickets::Notifier;
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let notifier = Notifier::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(notifier.table()).await;
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(notifier.handle(event.payload).await)
    }))
    .await
}
