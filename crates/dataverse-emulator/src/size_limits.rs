//! The two size settings of uploads, read as Dataverse 6.11 reads them:
//! `:MaxFileUploadSizeInBytes` (`SettingsServiceBean.getValueForCompoundKeyAsLong`, per
//! store) and `:TabularIngestSizeLimit` (`SystemConfig.getTabularIngestSizeLimits`, per
//! ingest format), with the message of an upload over the first
//! (`file.addreplace.error.file_exceeds_limit`, sizes as `FileSizeChecker.bytesToHumanReadable`).

use rusqlite::Connection;
use serde_json::Value;

use crate::Error;
use crate::store::Store;

/// The setting limiting the size of an uploaded file.
pub(crate) const MAX_UPLOAD_SETTING: &str = ":MaxFileUploadSizeInBytes";
/// The setting limiting the size of a file that is ingested.
pub(crate) const INGEST_SETTING: &str = ":TabularIngestSizeLimit";
/// The format name of the CSV/TSV reader (`CSVFileReaderSpi.formatNames`).
pub(crate) const CSV_FORMAT: &str = "CSV";

/// `getValueForCompoundKeyAsLong(MaxFileUploadSizeInBytes, store)`: a number applies to
/// every store; a JSON object gives the store's value or its `default` (as strings: a
/// number there, like any other unreadable value, means no limit).
pub(crate) fn max_upload_for_store(value: Option<&str>, store: &str) -> Option<i64> {
    let value = value?;
    if let Ok(n) = value.parse::<i64>() {
        return Some(n);
    }
    let Ok(Value::Object(o)) = serde_json::from_str::<Value>(value) else {
        return None;
    };
    let v = o.get(store).or_else(|| o.get("default"))?;
    v.as_str()?.parse::<i64>().ok()
}

/// The upload limit of store `store` from the settings (`None`: unlimited).
pub(crate) fn max_upload(conn: &Connection, store: &str) -> Result<Option<i64>, Error> {
    Ok(max_upload_for_store(
        Store::setting(conn, MAX_UPLOAD_SETTING)?.as_deref(),
        store,
    ))
}

/// Whether `size` is over `limit` (`fileSize > maxSize`).
pub(crate) fn exceeds(size: u64, limit: Option<i64>) -> bool {
    limit.is_some_and(|l| i128::from(size) > i128::from(l))
}

/// `FileSizeChecker.bytesToHumanReadable`: `512 B`, `2.0 KB`, `1.5 MB`.
pub(crate) fn human_bytes(v: i64) -> String {
    if v < 1024 {
        return format!("{v} B");
    }
    let power = (63 - v.leading_zeros() as usize) / 10;
    let unit = " KMGTPE".chars().nth(power).unwrap_or('E');
    format!("{:.1} {unit}B", v as f64 / (1u64 << (power * 10)) as f64)
}

/// The message of a native upload over the limit, as `AddReplaceFileHelper` answers it
/// (`ingest_create_file_err` followed by `file_exceeds_limit`).
pub(crate) fn too_large_message(size: u64, limit: i64) -> String {
    format!(
        "There was an error when trying to add the new file. This file size ({}) exceeds the size limit of {}.",
        human_bytes(i64::try_from(size).unwrap_or(i64::MAX)),
        human_bytes(limit)
    )
}

/// `SystemConfig.getTabularIngestSizeLimit(format)`: -1 unlimited, 0 ingest off, else
/// bytes. A number applies to every format; a JSON object holds per-format limits (names
/// compared in lower case) and an optional `default`, as numbers or strings; anything
/// unreadable turns all ingest off, as in Java.
pub(crate) fn ingest_limit_for_format(value: Option<&str>, format: &str) -> i64 {
    let Some(value) = value else {
        return -1;
    };
    if !value.trim().starts_with('{') {
        return value.parse::<i64>().unwrap_or(0);
    }
    let Ok(Value::Object(o)) = serde_json::from_str::<Value>(value) else {
        return 0;
    };
    let mut default = -1;
    let mut own = None;
    for (name, v) in &o {
        let n = match v {
            Value::String(s) => s.parse::<i64>().ok(),
            // `JsonNumber.longValueExact`: a whole number in range (`50.0` is 50).
            Value::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                    .map(|f| f as i64)
            }),
            _ => None,
        };
        let Some(n) = n else {
            return 0;
        };
        let name = name.to_lowercase();
        if name == "default" {
            default = n;
        }
        if name == format.to_lowercase() {
            own = Some(n);
        }
    }
    own.unwrap_or(default)
}

/// Whether a file of `size` bytes in format `format` is ingested
/// (`IngestServiceBean.startIngestJobs`: unlimited, or strictly under the limit).
pub(crate) fn ingest_allowed(conn: &Connection, format: &str, size: u64) -> Result<bool, Error> {
    let limit = ingest_limit_for_format(Store::setting(conn, INGEST_SETTING)?.as_deref(), format);
    Ok(limit == -1 || i64::try_from(size).is_ok_and(|s| s < limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_limits_are_read_per_store_as_java_reads_them() {
        assert_eq!(max_upload_for_store(None, "file"), None);
        assert_eq!(max_upload_for_store(Some("1000"), "s3"), Some(1000));
        let per_store = r#"{"default":"2147483648","s3":"8000000000"}"#;
        assert_eq!(
            max_upload_for_store(Some(per_store), "s3"),
            Some(8_000_000_000)
        );
        assert_eq!(
            max_upload_for_store(Some(per_store), "file"),
            Some(2_147_483_648)
        );
        // Without a default, a store not named is unlimited.
        assert_eq!(max_upload_for_store(Some(r#"{"s3":"10"}"#), "file"), None);
        // `getString` on a number fails, and any failure means no limit.
        assert_eq!(
            max_upload_for_store(Some(r#"{"default":10}"#), "file"),
            None
        );
        assert_eq!(max_upload_for_store(Some("ten"), "file"), None);
        assert_eq!(max_upload_for_store(Some(" 10"), "file"), None);
        assert!(exceeds(11, Some(10)) && !exceeds(10, Some(10)) && !exceeds(u64::MAX, None));
        assert!(exceeds(0, Some(-1)));
    }

    #[test]
    fn sizes_read_as_file_size_checker_prints_them() {
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(2048), "2.0 KB");
        assert_eq!(human_bytes(1536 * 1024), "1.5 MB");
        assert_eq!(human_bytes(5 * 1024 * 1024 * 1024), "5.0 GB");
        assert_eq!(
            too_large_message(2048, 1000),
            "There was an error when trying to add the new file. This file size (2.0 KB) exceeds the size limit of 1000 B."
        );
    }

    #[test]
    fn ingest_limits_follow_system_config() {
        let f = |v: Option<&str>| ingest_limit_for_format(v, CSV_FORMAT);
        assert_eq!(f(None), -1);
        assert_eq!(f(Some("123456")), 123_456);
        assert_eq!(f(Some("-1")), -1);
        assert_eq!(f(Some("abc")), 0);
        assert_eq!(f(Some(r#"{"csv": 50}"#)), 50);
        assert_eq!(f(Some(r#"{"CSV": "123457"}"#)), 123_457);
        assert_eq!(f(Some(r#"{"default": 50.0}"#)), 50);
        assert_eq!(f(Some(r#"{"csv": 123458.0}"#)), 123_458);
        assert_eq!(f(Some(r#"{"default": 0, "csv": 123456}"#)), 123_456);
        assert_eq!(f(Some(r#"{"default": 7}"#)), 7);
        assert_eq!(f(Some(r#"{"rdata": 7}"#)), -1);
        // Unreadable: everything off.
        assert_eq!(f(Some(r#"{"csv": 1.5}"#)), 0);
        assert_eq!(f(Some(r#"{"csv": true}"#)), 0);
        assert_eq!(f(Some(r#"{"csv": "#)), 0);
    }
}
