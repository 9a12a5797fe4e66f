use bazaar_shared::{Env, telemetry};
use bazaar_system::{SystemState, router};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let state = SystemState::from_env(&Env::from_process())?;
    lambda_http::run(router(state)).await
}
