#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    bazaar_shared::function::run(bazaar_shop::shop_reminders::build).await
}
