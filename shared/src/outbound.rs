//! Outside HTTP services we do not run (payment gateways): one client per service, built once
//! at init, with a base URL from config (so tests and the local stand-ins can take its place),
//! timeouts, and retries of answers that say "try again" (5xx, 429, a dropped connection).
//!
//! A domain puts each service behind a small trait of its own (`PaymentGateway`), implemented
//! by a struct holding an [`HttpService`]; tests run that real implementation against a
//! wiremock server playing the provider. See `functions/README.md`, "Outside services".

use std::time::Duration;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;

/// Tries of one request in all, when it may be retried.
const ATTEMPTS: u32 = 3;

/// Why a call to an outside service failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The service answered, and refused (a 4xx other than 429): retrying will not help.
    #[error("{service} refused the request with {status}")]
    Refused {
        service: &'static str,
        status: StatusCode,
        body: String,
    },
    /// No usable answer after every try (5xx, 429, timeouts, connection errors).
    #[error("{service} is unavailable: {reason}")]
    Unavailable {
        service: &'static str,
        reason: String,
    },
    /// The answer was not what the service documents.
    #[error("{service} answered something unreadable: {reason}")]
    Unreadable {
        service: &'static str,
        reason: String,
    },
}

/// May a failed request be sent again? Only when repeating it cannot do the thing twice: reads,
/// and writes the service de-duplicates (an idempotency key, or an id of ours it refuses twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    Safe,
    Never,
}

/// One outside HTTP service.
#[derive(Clone, Debug)]
pub struct HttpService {
    name: &'static str,
    base_url: String,
    client: reqwest::Client,
}

impl HttpService {
    /// A client for `base_url` (no trailing slash needed) that gives up on a try after
    /// `timeout`. `name` appears in logs and errors, never in answers to our clients.
    pub fn new(name: &'static str, base_url: &str, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(timeout.min(Duration::from_secs(3)))
            .timeout(timeout)
            .user_agent(concat!("bazaar/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            name,
            base_url: base_url.trim_end_matches('/').to_owned(),
            client,
        })
    }

    /// A request to `path` (starting with `/`), for [`HttpService::send`] to finish.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base_url))
    }

    /// Sends `request` and decodes a 2xx JSON answer, retrying with backoff when `retry`
    /// allows and the answer says "try again".
    #[tracing::instrument(skip(self, request), fields(service = self.name))]
    pub async fn send<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        retry: Retry,
    ) -> Result<T, OutboundError> {
        let attempts = if retry == Retry::Safe { ATTEMPTS } else { 1 };
        let mut last = String::new();
        for attempt in 1..=attempts {
            if attempt > 1 {
                tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
            }
            let Some(this_try) = request.try_clone() else {
                return Err(self.unavailable("the request body cannot be sent twice"));
            };
            match this_try.send().await {
                Ok(answer) if answer.status().is_success() => {
                    return answer.json().await.map_err(|e| OutboundError::Unreadable {
                        service: self.name,
                        reason: e.to_string(),
                    });
                }
                Ok(answer) if retryable(answer.status()) => {
                    last = format!("answered {}", answer.status());
                }
                Ok(answer) => {
                    let status = answer.status();
                    let body = answer.text().await.unwrap_or_default();
                    return Err(OutboundError::Refused {
                        service: self.name,
                        status,
                        body: body.chars().take(2_000).collect(),
                    });
                }
                Err(error) => last = error.to_string(),
            }
            tracing::warn!(attempt, reason = last, "outside service failed");
        }
        Err(self.unavailable(&last))
    }

    fn unavailable(&self, reason: &str) -> OutboundError {
        OutboundError::Unavailable {
            service: self.name,
            reason: reason.to_owned(),
        }
    }
}

/// How a failed outside call is answered to our caller: the provider's words stay in the logs.
impl From<OutboundError> for crate::ApiError {
    fn from(error: OutboundError) -> Self {
        tracing::error!(error = %error, "outside service failed");
        match error {
            OutboundError::Unavailable { .. } => crate::ApiError::Unavailable {
                problem: "gateway-unavailable",
                detail: "The payment provider is not answering; nothing was charged here. \
                         Try again shortly."
                    .into(),
                retry_after_secs: 30,
            },
            OutboundError::Refused { .. } | OutboundError::Unreadable { .. } => {
                crate::ApiError::BadGateway {
                    problem: "gateway-error",
                    detail: "The payment provider did not answer as expected; nothing was \
                             charged here."
                        .into(),
                }
            }
        }
    }
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

#[cfg(test)]
#[path = "outbound_tests.rs"]
mod tests;
