//! Where file bytes live: the file store under the data directory (Dataverse's `file`
//! driver, the default) or an S3-compatible object store (the `s3` driver) with direct
//! upload, as `dataverse.files.<id>.*` configures them in Dataverse.
//!
//! With an S3 store configured, it is the installation's default storage driver (a
//! collection or dataset may be set to `file` or back; see `store::storage_drivers`), and
//! for datasets whose effective driver it is, `uploadurls` hands out presigned URLs (one PUT up to the minimum part size, else a multipart
//! upload), registration checks the object is there, and downloads stream the object
//! through the server or redirect to a presigned GET.

pub(crate) mod s3;
pub(crate) mod sigv4;

use std::time::Duration;

use serde_json::Value;

/// The default minimum part size of a Dataverse S3 store (`min-part-size` unset): 1 GiB.
pub const DEFAULT_MIN_PART_SIZE: u64 = 1024 * 1024 * 1024;
/// The smallest `min-part-size` Dataverse accepts (the S3 minimum): 5 MiB.
pub const SMALLEST_PART_SIZE: u64 = 5 * 1024 * 1024;
/// The id of the driver an S3 store is configured as.
pub const S3_DRIVER_ID: &str = "s3";
/// The id of the file driver (`dataverse.files.storage-driver-id` default).
pub const FILE_DRIVER_ID: &str = "file";
/// What a collection with no driver of its own reports (`DataAccess.UNDEFINED_STORAGE_DRIVER_IDENTIFIER`).
pub(crate) const UNDEFINED_DRIVER_ID: &str = "undefined";

/// An S3 store (`dataverse.files.s3.*`).
#[derive(Clone)]
pub struct S3Config {
    /// `bucket-name`.
    pub bucket: String,
    /// `custom-endpoint-url`: the S3 endpoint, path-style (`http://127.0.0.1:9000`).
    pub endpoint: String,
    /// `custom-endpoint-region` (default `us-east-1`).
    pub region: String,
    /// `access-key`.
    pub access_key_id: String,
    /// `secret-key`; never printed.
    pub secret_access_key: String,
    /// `label` reported by the storage-driver endpoints (default `S3`).
    pub label: String,
    /// `upload-redirect`: direct upload offered (default true).
    pub upload_redirect: bool,
    /// `download-redirect`: downloads answered with a 303 to a presigned GET (default
    /// false: the bytes are streamed through the server).
    pub download_redirect: bool,
    /// `min-part-size`: files up to this size get one PUT URL, larger ones a multipart
    /// upload in parts of this size (default 1 GiB; at least 5 MiB).
    pub min_part_size: u64,
    /// `url-expiration-minutes` (default 60).
    pub url_expiration: Duration,
    /// `disable-tagging` negated: uploads carry `x-amz-tagging: dv-state=temp` (default
    /// true).
    pub tagging: bool,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key_set", &!self.secret_access_key.is_empty())
            .field("label", &self.label)
            .field("upload_redirect", &self.upload_redirect)
            .field("download_redirect", &self.download_redirect)
            .field("min_part_size", &self.min_part_size)
            .field("url_expiration", &self.url_expiration)
            .field("tagging", &self.tagging)
            .finish()
    }
}

impl S3Config {
    /// Dataverse's defaults for a bucket on an endpoint with these credentials.
    pub fn new(
        bucket: impl Into<String>,
        endpoint: impl Into<String>,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
    ) -> S3Config {
        S3Config {
            bucket: bucket.into(),
            endpoint: endpoint.into(),
            region: "us-east-1".into(),
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            label: "S3".into(),
            upload_redirect: true,
            download_redirect: false,
            min_part_size: DEFAULT_MIN_PART_SIZE,
            url_expiration: Duration::from_secs(3600),
            tagging: true,
        }
    }

    /// The part size in force: `min_part_size`, raised to the S3 minimum as Dataverse does.
    pub(crate) fn part_size(&self) -> u64 {
        self.min_part_size.max(SMALLEST_PART_SIZE)
    }
}

/// One configured store (`dataverse.files.<id>.type` / `.label`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Driver {
    /// The store id (`file`, `s3`).
    pub id: &'static str,
    /// Its label, what the storage-driver settings are given.
    pub label: String,
}

/// The configured stores: `file` always, `s3` when an S3 store is configured.
pub(crate) fn drivers(s3: Option<&S3Config>) -> Vec<Driver> {
    let mut out = vec![Driver {
        id: FILE_DRIVER_ID,
        label: FILE_DRIVER_ID.into(),
    }];
    if let Some(c) = s3 {
        out.push(Driver {
            id: S3_DRIVER_ID,
            label: c.label.clone(),
        });
    }
    out
}

/// The installation's default store (`dataverse.files.storage-driver-id`): the S3 store
/// when one is configured, else `file`.
pub(crate) fn default_driver_id(s3: Option<&S3Config>) -> &'static str {
    if s3.is_some() {
        S3_DRIVER_ID
    } else {
        FILE_DRIVER_ID
    }
}

/// The label of store `id`, `None` for an id no store has.
pub(crate) fn label_of(s3: Option<&S3Config>, id: &str) -> Option<String> {
    drivers(s3)
        .into_iter()
        .find(|d| d.id == id)
        .map(|d| d.label)
}

/// Whether store `id` takes direct uploads (`StorageIO.isDirectUploadEnabled`).
pub(crate) fn direct_upload_enabled(s3: Option<&S3Config>, id: &str) -> bool {
    id == S3_DRIVER_ID && s3.is_some_and(|c| c.upload_redirect)
}

/// The storage driver JSON (`JsonPrinter.jsonStorageDriver`) of store `id`: an id no store
/// has (`undefined`, blank) prints its name and `false` flags only.
pub(crate) fn driver_json(s3: Option<&S3Config>, id: &str) -> Value {
    let mut v = serde_json::Map::new();
    v.insert("name".into(), id.into());
    match (id, s3) {
        (S3_DRIVER_ID, Some(c)) => {
            v.insert("type".into(), "s3".into());
            v.insert("label".into(), c.label.clone().into());
            v.insert("directUpload".into(), c.upload_redirect.into());
            v.insert("directDownload".into(), c.download_redirect.into());
        }
        (FILE_DRIVER_ID, _) => {
            v.insert("type".into(), "file".into());
            v.insert("label".into(), "file".into());
            v.insert("directUpload".into(), false.into());
            v.insert("directDownload".into(), false.into());
        }
        _ => {
            v.insert("directUpload".into(), false.into());
            v.insert("directDownload".into(), false.into());
        }
    }
    v.insert("uploadOutOfBand".into(), false.into());
    Value::Object(v)
}

/// A fresh storage name as Dataverse makes them (`FileUtil.generateStorageIdentifier`:
/// hex milliseconds, `-`, 12 hex digits).
pub(crate) fn new_storage_name() -> String {
    crate::store::files::new_storage_name()
}

/// The object key of a file of a dataset: `<authority>/<identifier>/<storage name>`, as
/// `S3AccessIO` keys files under the dataset's storage location.
pub(crate) fn object_key(authority: &str, identifier: &str, name: &str) -> String {
    format!("{authority}/{identifier}/{name}")
}

/// Split `s3://bucket:name` into bucket and name.
pub(crate) fn parse_storage_identifier(sid: &str) -> Option<(&str, &str)> {
    let rest = sid.strip_prefix("s3://")?;
    let (bucket, name) = rest.split_once(':')?;
    let valid = !bucket.is_empty()
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && !name.starts_with('.');
    valid.then_some((bucket, name))
}

/// The `blob` column of a file held in S3: its object key with an `s3:` prefix, so the
/// file store's sweep and recovery never take it for a path.
pub(crate) fn s3_blob(key: &str) -> String {
    format!("{S3_BLOB_PREFIX}{key}")
}

/// The prefix of [`s3_blob`].
pub(crate) const S3_BLOB_PREFIX: &str = "s3:";

/// The object key of an S3-held blob, `None` for a file-store blob.
pub(crate) fn s3_key_of_blob(blob: &str) -> Option<&str> {
    blob.strip_prefix(S3_BLOB_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_identifiers_parse_strictly() {
        assert_eq!(
            parse_storage_identifier("s3://bkt:18f0c-abcdef012345"),
            Some(("bkt", "18f0c-abcdef012345"))
        );
        assert_eq!(parse_storage_identifier("s3://bkt:../etc"), None);
        assert_eq!(parse_storage_identifier("s3://bkt:a/b"), None);
        assert_eq!(parse_storage_identifier("local://x"), None);
        assert_eq!(parse_storage_identifier("s3://:x"), None);
    }

    #[test]
    fn driver_json_follows_the_configured_stores() {
        let c = S3Config::new("b", "http://h", "a", "s");
        let file = driver_json(Some(&c), FILE_DRIVER_ID);
        assert_eq!(file["type"], "file");
        assert_eq!(file["directUpload"], false);
        let s3 = driver_json(Some(&c), S3_DRIVER_ID);
        assert_eq!(
            (&s3["label"], &s3["directUpload"]),
            (&"S3".into(), &true.into())
        );
        // Without an S3 store, `s3` is an id no store has: name and false flags only.
        let none = driver_json(None, S3_DRIVER_ID);
        assert!(none.get("type").is_none());
        assert_eq!(none["directUpload"], false);
        assert_eq!(default_driver_id(None), FILE_DRIVER_ID);
        assert_eq!(default_driver_id(Some(&c)), S3_DRIVER_ID);
        assert_eq!(label_of(Some(&c), S3_DRIVER_ID).as_deref(), Some("S3"));
        assert_eq!(label_of(None, S3_DRIVER_ID), None);
        assert_eq!(drivers(None).len(), 1);
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let c = S3Config::new("b", "http://h", "AKID", "very-secret");
        assert!(!format!("{c:?}").contains("very-secret"));
    }

    #[test]
    fn small_part_sizes_are_raised_to_the_s3_minimum() {
        let mut c = S3Config::new("b", "http://h", "a", "s");
        c.min_part_size = 1;
        assert_eq!(c.part_size(), SMALLEST_PART_SIZE);
    }
}
