//! Task images in the uploads bucket (`bazaar_shared::pictures`): stored under
//! `nano/tasks/<id>/`, shown through 5-minute links.

use bazaar_shared::ApiError;
use bazaar_shared::pictures::Pictures;

pub use bazaar_shared::pictures::PICTURE_MAX_BYTES as IMAGE_MAX_BYTES;

/// The bucket of task images.
#[derive(Clone, Debug)]
pub struct TaskImages(Pictures);

impl TaskImages {
    pub fn new(s3: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self(Pictures::new(s3, bucket))
    }

    /// Stores an image of `task_id` and returns its key; 415 unless JPEG, PNG or WebP.
    pub async fn put(&self, task_id: &str, bytes: axum::body::Bytes) -> Result<String, ApiError> {
        self.0.put(&format!("nano/tasks/{task_id}"), bytes).await
    }

    /// Deletes a replaced image (a failure is logged).
    pub async fn discard(&self, key: &str) {
        self.0.discard(key).await
    }

    /// A 5-minute link to the image at `key`.
    pub async fn link(&self, key: &str) -> anyhow::Result<String> {
        self.0.link(key).await
    }
}
