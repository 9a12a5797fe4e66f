use bazaar_bonds::{BondsState, bonds_router};
use bazaar_shared::{AwsClients, Env, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let state = BondsState::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(state.table()).await;
    lambda_http::run(bonds_router(state)).await
}
