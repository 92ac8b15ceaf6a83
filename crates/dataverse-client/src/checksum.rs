//! Streaming checksums of the kinds Dataverse reports for files (MD5, SHA-1, SHA-256,
//! SHA-512), computed while bytes go by, with lowercase hex output.
//!
//! ```
//! use dataverse_client::checksum::{ChecksumAlgorithm, Hasher};
//! let mut h = Hasher::new(ChecksumAlgorithm::Md5);
//! h.update(b"hello ");
//! h.update(b"world");
//! assert_eq!(h.finalize(), "5eb63bbbe01eeed093cb22bb8f5acdc3");
//! ```

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};

use md5::Digest;

/// A checksum algorithm Dataverse uses for files (`DataFile.checksum.type`).
///
/// The default is MD5, Dataverse's own default (`:FileFixityChecksumAlgorithm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChecksumAlgorithm {
    /// `MD5` (Dataverse's default; also reported as `DataFile.md5`).
    #[default]
    Md5,
    /// `SHA-1`.
    Sha1,
    /// `SHA-256`.
    Sha256,
    /// `SHA-512`.
    Sha512,
}

impl ChecksumAlgorithm {
    /// Every algorithm, in the order MD5, SHA-1, SHA-256, SHA-512.
    pub const ALL: [ChecksumAlgorithm; 4] = [
        ChecksumAlgorithm::Md5,
        ChecksumAlgorithm::Sha1,
        ChecksumAlgorithm::Sha256,
        ChecksumAlgorithm::Sha512,
    ];

    /// The wire name: `MD5`, `SHA-1`, `SHA-256` or `SHA-512`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ChecksumAlgorithm::Md5 => "MD5",
            ChecksumAlgorithm::Sha1 => "SHA-1",
            ChecksumAlgorithm::Sha256 => "SHA-256",
            ChecksumAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// Parse a wire name, case-insensitively and with or without the dash
    /// (`MD5`, `SHA-1`, `sha1`, `SHA256`, ...). `None` for an algorithm this library cannot compute.
    pub fn parse(name: &str) -> Option<Self> {
        let n: String = name
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match n.as_str() {
            "MD5" => Some(ChecksumAlgorithm::Md5),
            "SHA1" => Some(ChecksumAlgorithm::Sha1),
            "SHA256" => Some(ChecksumAlgorithm::Sha256),
            "SHA512" => Some(ChecksumAlgorithm::Sha512),
            _ => None,
        }
    }

    /// Length of the hex digest.
    pub fn hex_len(&self) -> usize {
        match self {
            ChecksumAlgorithm::Md5 => 32,
            ChecksumAlgorithm::Sha1 => 40,
            ChecksumAlgorithm::Sha256 => 64,
            ChecksumAlgorithm::Sha512 => 128,
        }
    }
}

/// A [`ChecksumAlgorithm`] shared between tasks, read and replaced without a lock.
#[derive(Debug)]
pub(crate) struct AtomicAlgorithm(AtomicU8);

impl AtomicAlgorithm {
    pub(crate) fn new(algorithm: ChecksumAlgorithm) -> Self {
        AtomicAlgorithm(AtomicU8::new(Self::encode(algorithm)))
    }

    /// The algorithm last stored.
    pub(crate) fn load(&self) -> ChecksumAlgorithm {
        Self::decode(self.0.load(Ordering::Relaxed))
    }

    /// Replace the algorithm.
    pub(crate) fn store(&self, algorithm: ChecksumAlgorithm) {
        self.0.store(Self::encode(algorithm), Ordering::Relaxed);
    }

    /// The algorithm's position in [`ChecksumAlgorithm::ALL`].
    fn encode(algorithm: ChecksumAlgorithm) -> u8 {
        match algorithm {
            ChecksumAlgorithm::Md5 => 0,
            ChecksumAlgorithm::Sha1 => 1,
            ChecksumAlgorithm::Sha256 => 2,
            ChecksumAlgorithm::Sha512 => 3,
        }
    }

    /// The inverse of [`encode`](Self::encode) (only ever given what it produced).
    fn decode(n: u8) -> ChecksumAlgorithm {
        ChecksumAlgorithm::ALL
            .get(usize::from(n))
            .copied()
            .unwrap_or_default()
    }
}

impl std::fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ChecksumAlgorithm {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Self::parse(s).ok_or_else(|| {
            crate::Error::InvalidArgument(format!(
                "unknown checksum algorithm '{s}'; expected MD5, SHA-1, SHA-256 or SHA-512"
            ))
        })
    }
}

#[derive(Clone)]
enum State {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

/// A running checksum: feed it bytes with [`update`](Self::update), read the hex digest
/// with [`finalize`](Self::finalize). Also counts the bytes it saw.
#[derive(Clone)]
pub struct Hasher {
    state: State,
    algorithm: ChecksumAlgorithm,
    bytes: u64,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("algorithm", &self.algorithm)
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Hasher {
    /// A hasher of `algorithm` that has seen nothing yet.
    pub fn new(algorithm: ChecksumAlgorithm) -> Self {
        let state = match algorithm {
            ChecksumAlgorithm::Md5 => State::Md5(md5::Md5::new()),
            ChecksumAlgorithm::Sha1 => State::Sha1(sha1::Sha1::new()),
            ChecksumAlgorithm::Sha256 => State::Sha256(sha2::Sha256::new()),
            ChecksumAlgorithm::Sha512 => State::Sha512(sha2::Sha512::new()),
        };
        Hasher {
            state,
            algorithm,
            bytes: 0,
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    /// How many bytes were hashed so far.
    pub fn bytes_hashed(&self) -> u64 {
        self.bytes
    }

    /// Hash more bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.bytes += data.len() as u64;
        match &mut self.state {
            State::Md5(h) => h.update(data),
            State::Sha1(h) => h.update(data),
            State::Sha256(h) => h.update(data),
            State::Sha512(h) => h.update(data),
        }
    }

    /// The lowercase hex digest of everything hashed.
    pub fn finalize(self) -> String {
        match self.state {
            State::Md5(h) => hex::encode(h.finalize()),
            State::Sha1(h) => hex::encode(h.finalize()),
            State::Sha256(h) => hex::encode(h.finalize()),
            State::Sha512(h) => hex::encode(h.finalize()),
        }
    }
}

/// Whether two hex digests are the same (case-insensitive, surrounding spaces ignored).
pub fn digests_match(expected: &str, actual: &str) -> bool {
    expected.trim().eq_ignore_ascii_case(actual.trim())
}

/// Feed the first `limit` bytes of `path` (all of it for `None`) into `hasher`, reading in
/// 1 MiB chunks on a blocking thread. Returns how many bytes were read (fewer than `limit` if
/// the file is shorter).
pub async fn hash_file_into(
    hasher: &mut Hasher,
    path: &Path,
    limit: Option<u64>,
) -> std::io::Result<u64> {
    let path = path.to_path_buf();
    let mut h = hasher.clone();
    let (h, done) = tokio::task::spawn_blocking(move || {
        let done = hash_prefix(&path, &mut h, limit)?;
        Ok::<_, std::io::Error>((h, done))
    })
    .await
    .map_err(|e| std::io::Error::other(format!("the checksum thread failed: {e}")))??;
    *hasher = h;
    Ok(done)
}

/// The blocking loop of [`hash_file_into`].
fn hash_prefix(path: &Path, hasher: &mut Hasher, limit: Option<u64>) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1024 * 1024];
    let mut done: u64 = 0;
    loop {
        let want = match limit {
            Some(l) if l <= done => break,
            Some(l) => ((l - done).min(buf.len() as u64)) as usize,
            None => buf.len(),
        };
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        done += n as u64;
    }
    Ok(done)
}

/// The hex digest of a whole file, read in chunks on a blocking thread (never whole into
/// memory).
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use dataverse_client::checksum::{ChecksumAlgorithm, hash_file};
/// let md5 = hash_file(std::path::Path::new("data.csv"), ChecksumAlgorithm::Md5).await?;
/// # Ok(()) }
/// ```
pub async fn hash_file(path: &Path, algorithm: ChecksumAlgorithm) -> std::io::Result<String> {
    let mut h = Hasher::new(algorithm);
    hash_file_into(&mut h, path, None).await?;
    Ok(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(alg: ChecksumAlgorithm, data: &[u8]) -> String {
        let mut h = Hasher::new(alg);
        // Split the input to check that streaming equals one-shot hashing.
        let (a, b) = data.split_at(data.len() / 2);
        h.update(a);
        h.update(b);
        assert_eq!(h.bytes_hashed(), data.len() as u64);
        h.finalize()
    }

    #[test]
    fn known_vectors() {
        let abc = b"abc";
        assert_eq!(
            digest(ChecksumAlgorithm::Md5, abc),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            digest(ChecksumAlgorithm::Sha1, abc),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            digest(ChecksumAlgorithm::Sha256, abc),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            digest(ChecksumAlgorithm::Sha512, abc),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        for alg in ChecksumAlgorithm::ALL {
            assert_eq!(digest(alg, b"").len(), alg.hex_len());
            assert_eq!(ChecksumAlgorithm::parse(alg.as_str()), Some(alg));
        }
    }

    #[test]
    fn names() {
        assert_eq!(
            ChecksumAlgorithm::parse("sha1"),
            Some(ChecksumAlgorithm::Sha1)
        );
        assert_eq!(
            ChecksumAlgorithm::parse(" SHA256 "),
            Some(ChecksumAlgorithm::Sha256)
        );
        assert_eq!(
            ChecksumAlgorithm::parse("md5"),
            Some(ChecksumAlgorithm::Md5)
        );
        assert_eq!(ChecksumAlgorithm::parse("UNF"), None);
        assert!("crc32".parse::<ChecksumAlgorithm>().is_err());
        assert!(digests_match("ABCdef", " abcDEF"));
        assert!(!digests_match("abc", "abd"));
    }

    #[test]
    fn shared_algorithm() {
        assert_eq!(ChecksumAlgorithm::default(), ChecksumAlgorithm::Md5);
        let shared = AtomicAlgorithm::new(ChecksumAlgorithm::default());
        assert_eq!(shared.load(), ChecksumAlgorithm::Md5);
        for alg in ChecksumAlgorithm::ALL {
            shared.store(alg);
            assert_eq!(shared.load(), alg);
            assert_eq!(AtomicAlgorithm::decode(AtomicAlgorithm::encode(alg)), alg);
        }
    }

    #[tokio::test]
    async fn files_hash_in_chunks() {
        let dir = std::env::temp_dir().join(format!("dv-checksum-{}", std::process::id()));
        tokio::fs::create_dir_all(&dir).await.unwrap();
        let path = dir.join("f.bin");
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        tokio::fs::write(&path, &data).await.unwrap();
        assert_eq!(
            hash_file(&path, ChecksumAlgorithm::Sha256).await.unwrap(),
            digest(ChecksumAlgorithm::Sha256, &data)
        );
        let mut h = Hasher::new(ChecksumAlgorithm::Md5);
        assert_eq!(
            hash_file_into(&mut h, &path, Some(300_000)).await.unwrap(),
            300_000
        );
        assert_eq!(
            h.finalize(),
            digest(ChecksumAlgorithm::Md5, &data[..300_000])
        );
        let _ = tokio::fs::remove_dir_all(&dir).await;
    }
}
