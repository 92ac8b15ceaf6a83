//! File checksums as Dataverse computes them on upload: the algorithm comes from the
//! `:FileFixityChecksumAlgorithm` database setting (`MD5`, the default, `SHA-1`, `SHA-256`
//! or `SHA-512`; `PUT /api/admin/settings/:FileFixityChecksumAlgorithm`). Files keep the
//! algorithm they were stored with when the setting changes later.

use md5::Digest;

/// The setting that chooses the algorithm of new files.
pub(crate) const SETTING: &str = ":FileFixityChecksumAlgorithm";

/// A checksum algorithm of `DataFile.ChecksumType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    /// The wire and database name (`checksum.type`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha1 => "SHA-1",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha512 => "SHA-512",
        }
    }

    /// The algorithm a setting value names (exactly, as Dataverse's `fromString`); `None`
    /// for anything else.
    pub(crate) fn parse(value: &str) -> Option<Algorithm> {
        [
            Algorithm::Md5,
            Algorithm::Sha1,
            Algorithm::Sha256,
            Algorithm::Sha512,
        ]
        .into_iter()
        .find(|a| a.as_str() == value.trim())
    }

    /// The algorithm for new files under the setting's value: MD5 when unset. An unknown
    /// value also falls back to MD5, with a warning (Dataverse fails the upload instead).
    pub(crate) fn from_setting(value: Option<&str>) -> Algorithm {
        match value {
            None => Algorithm::Md5,
            Some(v) => Algorithm::parse(v).unwrap_or_else(|| {
                tracing::warn!(
                    setting = SETTING,
                    value = v,
                    "unknown checksum algorithm; using MD5 (valid: MD5, SHA-1, SHA-256, SHA-512)"
                );
                Algorithm::Md5
            }),
        }
    }
}

/// A running checksum of one of the algorithms.
pub(crate) enum Hasher {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(crate) fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Md5 => Hasher::Md5(md5::Md5::new()),
            Algorithm::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    /// The lowercase hex digest.
    pub(crate) fn finalize(self) -> String {
        match self {
            Hasher::Md5(h) => hex::encode(h.finalize()),
            Hasher::Sha1(h) => hex::encode(h.finalize()),
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(a: Algorithm, data: &[u8]) -> String {
        let mut h = Hasher::new(a);
        h.update(data);
        h.finalize()
    }

    #[test]
    fn known_digests() {
        assert_eq!(
            digest(Algorithm::Md5, b"abc"),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            digest(Algorithm::Sha1, b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            digest(Algorithm::Sha256, b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(digest(Algorithm::Sha512, b"abc").starts_with("ddaf35a193617aba"));
    }

    #[test]
    fn settings_name_algorithms() {
        assert_eq!(Algorithm::from_setting(None), Algorithm::Md5);
        assert_eq!(Algorithm::from_setting(Some("SHA-1")), Algorithm::Sha1);
        assert_eq!(Algorithm::from_setting(Some("SHA-256")), Algorithm::Sha256);
        assert_eq!(Algorithm::from_setting(Some("SHA-512")), Algorithm::Sha512);
        assert_eq!(Algorithm::from_setting(Some("sha1")), Algorithm::Md5);
        for a in [
            Algorithm::Md5,
            Algorithm::Sha1,
            Algorithm::Sha256,
            Algorithm::Sha512,
        ] {
            assert_eq!(Algorithm::parse(a.as_str()), Some(a));
        }
    }
}
