//! AWS SDK clients, built once per cold start and shared by every request.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

/// Bounds on every SDK call, so an unreachable or stalled service fails the request well within
/// the function's timeout (10 s by default) instead of hanging it: the failure is answered 503
/// (`error::is_outage`). The SDK's standard retries (three attempts) run inside these bounds.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(4))
        .operation_timeout(Duration::from_secs(8))
        .build()
}

/// The SDK clients a function may use. Cloning is cheap (the clients are `Arc`s inside).
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub ses: aws_sdk_sesv2::Client,
}

impl AwsClients {
    /// Loads the shared SDK configuration from the environment, as on Lambda.
    ///
    /// `AWS_ENDPOINT_URL` and the per-service `AWS_ENDPOINT_URL_DYNAMODB` are honoured by
    /// `aws-config` itself; S3 switches to path-style addressing whenever an endpoint override is
    /// set, because local stand-ins do not serve virtual-hosted bucket names.
    pub async fn from_env() -> Self {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .timeout_config(timeouts())
            .load()
            .await;
        let path_style =
            config.endpoint_url().is_some() || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some();
        Self::from_config(&config, path_style)
    }

    /// Clients for explicit endpoints: moto for S3, SQS and SES, DynamoDB Local for DynamoDB.
    /// Used by the local stack and the tests, with static dummy credentials.
    pub fn for_endpoints(aws_endpoint: &str, dynamodb_endpoint: &str, region: &str) -> Self {
        let credentials =
            aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "bazaar-local");
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
                credentials,
            ))
            .endpoint_url(aws_endpoint)
            .timeout_config(timeouts())
            .build();
        let mut clients = Self::from_config(&config, true);
        clients.dynamodb = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&config)
                .endpoint_url(dynamodb_endpoint)
                .build(),
        );
        clients
    }

    fn from_config(config: &SdkConfig, s3_path_style: bool) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(config)
            .force_path_style(s3_path_style)
            .build();
        Self {
            dynamodb: aws_sdk_dynamodb::Client::new(config),
            s3: aws_sdk_s3::Client::from_conf(s3),
            sqs: aws_sdk_sqs::Client::new(config),
            ses: aws_sdk_sesv2::Client::new(config),
        }
    }

    /// Opens the connection to DynamoDB during init, so that the TLS handshake (hundreds of ms
    /// on a cold start) is paid in the boosted init phase and not on a user's first request.
    /// Any answer, even an error, has done the job; the call is bounded so init never hangs.
    pub async fn warm_up(&self, table: &str) {
        let call = self.dynamodb.describe_table().table_name(table).send();
        if tokio::time::timeout(Duration::from_secs(2), call)
            .await
            .is_err()
        {
            tracing::warn!(table, "DynamoDB warm-up timed out");
        }
    }
}
