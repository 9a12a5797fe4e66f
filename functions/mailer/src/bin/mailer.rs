use aws_lambda_events::sqs::SqsEvent;
use bazaar_mailer::Mailer;
use bazaar_shared::{AwsClients, Env, telemetry};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let mailer = Mailer::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(mailer.table()).await;
    let mailer = &mailer;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(mailer.handle(event.payload).await)
    }))
    .await
}
