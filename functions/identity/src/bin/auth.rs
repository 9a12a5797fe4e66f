use bazaar_identity::{AuthState, auth_router};
use bazaar_shared::{AwsClients, Env, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let state = AuthState::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(state.table()).await;
    lambda_http::run(auth_router(state)).await
}
