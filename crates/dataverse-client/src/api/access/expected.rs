//! What the server says a download should produce: its checksum, size and name.

use crate::checksum::ChecksumAlgorithm;
use crate::models::files::FileMetadata;

/// What the server says about the bytes a download should produce.
#[derive(Debug, Clone, Default)]
pub(super) struct Expected {
    /// The checksum the bytes must have.
    pub checksum: Option<(ChecksumAlgorithm, String)>,
    /// The size they must have.
    pub size: Option<u64>,
    /// A name to fall back on when the server sends no usable `Content-Disposition`.
    pub name: Option<String>,
}

/// The name a listed file gets on disk: its label, or for the original of a tabular file
/// the name it was uploaded under.
pub(super) fn file_name(f: &FileMetadata, original: bool) -> Option<String> {
    if original
        && f.data_file.is_tabular()
        && let Some(n) = &f.data_file.original_file_name
    {
        return Some(n.clone());
    }
    Some(f.label.clone())
        .filter(|l| !l.is_empty())
        .or_else(|| f.data_file.filename.clone())
}

/// What the download of a file (in its ingested or original form) should be.
pub(super) fn expected_of(f: &FileMetadata, original: bool) -> Expected {
    let df = &f.data_file;
    let name = file_name(f, original);
    if df.is_tabular() && !original {
        // The ingested .tab form: Dataverse reports no checksum for it (the checksum is of
        // the original upload) and adds a header row on the fly, so its stored size is no
        // promise about the bytes sent either.
        return Expected {
            checksum: None,
            size: None,
            name,
        };
    }
    let checksum = df
        .verifiable_checksum()
        .map(|(alg, value)| (alg, value.trim().to_string()))
        .filter(|(_, v)| !v.is_empty());
    let size = if df.is_tabular() {
        df.original_file_size
    } else {
        // 0 is what the model holds when the server left the size out.
        Some(df.filesize).filter(|s| *s > 0)
    };
    Expected {
        checksum,
        size,
        name,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A listed file with a SHA-1 checksum, in folder `dir`.
    pub(in crate::api::access) fn info(dir: Option<&str>, label: &str) -> FileMetadata {
        serde_json::from_value(serde_json::json!({
            "label": label,
            "directoryLabel": dir,
            "dataFile": {"id": 7, "filename": label, "filesize": 3, "tabularData": false,
                         "checksum": {"type": "SHA-1", "value": "ABC"}}
        }))
        .unwrap()
    }

    #[test]
    fn expectations_follow_the_file_kind() {
        let plain = expected_of(&info(None, "a.csv"), false);
        assert_eq!(
            plain.checksum,
            Some((ChecksumAlgorithm::Sha1, "ABC".to_string()))
        );
        assert_eq!(plain.size, Some(3));
        let tab: FileMetadata = serde_json::from_value(serde_json::json!({
            "label": "t.tab",
            "dataFile": {"id": 8, "filename": "t.tab", "filesize": 50, "tabularData": true,
                         "originalFileSize": 40, "originalFileName": "t.csv",
                         "md5": "00ff"}
        }))
        .unwrap();
        let derived = expected_of(&tab, false);
        assert_eq!(derived.checksum, None);
        assert_eq!(derived.size, None);
        assert_eq!(derived.name.as_deref(), Some("t.tab"));
        let original = expected_of(&tab, true);
        assert_eq!(
            original.checksum,
            Some((ChecksumAlgorithm::Md5, "00ff".to_string()))
        );
        assert_eq!(original.size, Some(40));
        assert_eq!(original.name.as_deref(), Some("t.csv"));
    }
}
