//! Pictures people upload (profile pictures, product and task images) in the uploads bucket:
//! judged by their bytes (JPEG, PNG or WebP, whatever the request claims), at most
//! [`PICTURE_MAX_BYTES`], stored under a fresh key, shown through short-lived links.

use std::time::Duration;

use anyhow::Context;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use axum::body::Bytes;

use crate::ApiError;

/// The largest picture a route takes (set it as the route's `DefaultBodyLimit`).
pub const PICTURE_MAX_BYTES: usize = 2 * 1024 * 1024;
/// How long a picture link stays valid.
const LINK_LIFETIME: Duration = Duration::from_secs(300);

/// The media type and file extension of `bytes`, by their signature.
pub fn picture_kind(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
}

/// Pictures in one bucket.
#[derive(Clone, Debug)]
pub struct Pictures {
    s3: aws_sdk_s3::Client,
    bucket: String,
}

impl Pictures {
    pub fn new(s3: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            s3,
            bucket: bucket.into(),
        }
    }

    /// Stores a picture under `<prefix>/<time-ordered id>.<ext>` and returns its key; 415
    /// unless it is a JPEG, PNG or WebP.
    pub async fn put(&self, prefix: &str, bytes: Bytes) -> Result<String, ApiError> {
        let (content_type, extension) = picture_kind(&bytes).ok_or_else(|| {
            ApiError::UnsupportedMediaType("Send a JPEG, PNG or WebP image.".into())
        })?;
        let key = format!("{prefix}/{}.{extension}", uuid::Uuid::now_v7().simple());
        self.s3
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .context("storing a picture")?;
        Ok(key)
    }

    /// Deletes a replaced picture; a failure only leaves an orphan behind, so it is logged.
    pub async fn discard(&self, key: &str) {
        let deleted = self
            .s3
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await;
        if let Err(error) = deleted {
            tracing::warn!(%error, key, "replaced picture not deleted");
        }
    }

    /// A five-minute link to the picture at `key`.
    pub async fn link(&self, key: &str) -> anyhow::Result<String> {
        let config = PresigningConfig::expires_in(LINK_LIFETIME).context("presigning")?;
        let request = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .context("presigning a picture link")?;
        Ok(request.uri().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::picture_kind;

    #[test]
    fn pictures_are_judged_by_their_bytes() {
        let kind = |bytes: &[u8]| picture_kind(bytes).map(|(media, _)| media);
        assert_eq!(kind(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(kind(b"RIFF\x10\x00\x00\x00WEBPVP8 "), Some("image/webp"));
        assert_eq!(kind(b"GIF89a......"), None);
        assert_eq!(kind(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(kind(b""), None);
    }
}
