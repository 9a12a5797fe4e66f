use bazaar_shared::{AwsClients, Env, telemetry};
use bazaar_tickets::{TicketsState, bookings_router};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    telemetry::init();
    let aws = AwsClients::from_env().await;
    let state = TicketsState::from_env(&Env::from_process(), &aws)?;
    aws.warm_up(state.table()).await;
    lambda_http::run(bookings_router(state)).await
}
