//! Task images in the uploads bucket: judged by their bytes, at most 2 MB, stored under
//! `nano/tasks/<id>/<uuid>`, shown through 5-minute links.

use std::time::Duration;

use anyhow::Context;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use axum::body::Bytes;
use bazaar_shared::ApiError;

/// Images up to 2 MB; JPEG, PNG or WebP, judged by their bytes.
pub const IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;
/// How long an image link stays valid.
const IMAGE_LINK: Duration = Duration::from_secs(300);

/// The bucket of task images.
#[derive(Clone, Debug)]
pub struct TaskImages {
    s3: aws_sdk_s3::Client,
    bucket: String,
}

/// The media type of `bytes`, by its signature.
fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

impl TaskImages {
    pub fn new(s3: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            s3,
            bucket: bucket.into(),
        }
    }

    /// Stores an image of `task_id` and returns its key; 415 unless JPEG, PNG or WebP.
    pub async fn put(&self, task_id: &str, bytes: Bytes) -> Result<String, ApiError> {
        let content_type = image_kind(&bytes).ok_or_else(|| {
            ApiError::UnsupportedMediaType("Send a JPEG, PNG or WebP image.".into())
        })?;
        let key = format!("nano/tasks/{task_id}/{}", uuid::Uuid::now_v7().simple());
        self.s3
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .context("storing a task image")?;
        Ok(key)
    }

    /// Deletes a replaced image; a failure only leaves an orphan behind, so it is logged.
    pub async fn discard(&self, key: &str) {
        let deleted = self
            .s3
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        if let Err(error) = deleted {
            tracing::warn!(%error, key, "old task image not deleted");
        }
    }

    /// A 5-minute link to the image at `key`.
    pub async fn link(&self, key: &str) -> anyhow::Result<String> {
        let config = PresigningConfig::expires_in(IMAGE_LINK).context("presigning")?;
        let request = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .context("presigning an image link")?;
        Ok(request.uri().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::image_kind;

    #[test]
    fn images_are_judged_by_their_bytes() {
        assert_eq!(image_kind(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(
            image_kind(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(
            image_kind(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            None
        );
        assert_eq!(image_kind(b""), None);
    }
}
