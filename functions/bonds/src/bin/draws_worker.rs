use aws_lambda_events::sqs::SqsEvent;
use bazaar_bonds::DrawWorker;
use bazaar_shared::{AwsClients, Env, telemetry};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let worker = DrawWorker::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(worker.matching.store.table()).await;
    let worker = &worker;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
        Ok::<_, Error>(worker.handle(event.payload).await)
    }))
    .await
}
