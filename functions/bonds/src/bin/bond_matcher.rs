use bazaar_bonds::BondMatcher;
use bazaar_shared::{AwsClients, Env, telemetry};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let matcher = BondMatcher::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(matcher.table()).await;
    let matcher = &matcher;
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            matcher.run(event.payload).await.map_err(Error::from)
        },
    ))
    .await
}
