//! The benchmarks' baseline: what every Bazaar function pays before its own code, and nothing
//! more. `lambda_http` + aws-config + the four SDK clients (built as `bazaar_shared::aws` builds
//! them), answering 200 to any request. Not in `template.yaml`: it is never deployed.
//!
//! `BASELINE_WARM_UP=<table>` makes one `DescribeTable` during init, as a function's
//! `.warming(table)` does. A request whose body is a JSON array of recorded DynamoDB calls
//! (`[{"target": "DynamoDB_20120810.GetItem", "body": {...}}]`, what the bench's counting proxy
//! saw a function make, and the SQS `SendMessage` calls beside them) makes the same calls, bare,
//! before answering (`replay`).

mod replay;

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use lambda_http::{Body, Error, Request, Response, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(4))
                .operation_timeout(Duration::from_secs(8))
                .build(),
        )
        .load()
        .await;
    let clients = Clients::new(&config);
    if let Ok(table) = std::env::var("BASELINE_WARM_UP") {
        let call = clients.dynamodb.describe_table().table_name(table).send();
        let _ = tokio::time::timeout(Duration::from_secs(2), call).await;
    }
    let (dynamodb, sqs) = (clients.dynamodb.clone(), clients.sqs.clone());
    lambda_http::run(service_fn(move |request: Request| {
        let (dynamodb, sqs) = (dynamodb.clone(), sqs.clone());
        async move {
            let calls = replay::calls(request.body());
            let made = replay::make(&dynamodb, &sqs, &calls).await;
            Response::builder()
                .status(200)
                .header("x-bench-calls", made.to_string())
                .body(Body::Empty)
                .map_err(Error::from)
        }
    }))
    .await
}

/// The same four clients every function holds.
struct Clients {
    dynamodb: aws_sdk_dynamodb::Client,
    _s3: aws_sdk_s3::Client,
    sqs: aws_sdk_sqs::Client,
    _ses: aws_sdk_sesv2::Client,
}

impl Clients {
    fn new(config: &SdkConfig) -> Self {
        let path_style = config.endpoint_url().is_some();
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(path_style)
            .build();
        Self {
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            _s3: aws_sdk_s3::Client::from_conf(s3),
            sqs: aws_sdk_sqs::Client::new(config),
            _ses: aws_sdk_sesv2::Client::new(config),
        }
    }
}
