#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    bazaar_shared::function::run(bazaar_system::outbox_relay::build).await
}
