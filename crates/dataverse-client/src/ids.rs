//! Identifiers of collections, datasets and files, and dataset version selectors.
//!
//! Everything here is validated locally, so a malformed identifier fails with
//! [`Error::InvalidArgument`] before any request is sent.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// A collection (dataverse) identifier: an alias, a numeric database id, or `:root`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CollectionId {
    /// The installation's root collection (`:root`).
    Root,
    /// A numeric database id.
    Id(u64),
    /// An alias (`[A-Za-z0-9_-]`, at most 60 characters, not all digits); Dataverse
    /// matches aliases case-insensitively.
    Alias(String),
}

impl CollectionId {
    /// Parse `":root"`, a number, or an alias.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        if s == ":root" {
            return Ok(CollectionId::Root);
        }
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return s.parse().map(CollectionId::Id).map_err(|_| {
                Error::InvalidArgument(format!("collection id '{s}' is out of range"))
            });
        }
        validate_alias(s)?;
        Ok(CollectionId::Alias(s.to_string()))
    }

    /// The path segment that names this collection in `/api/dataverses/{id}`.
    pub fn segment(&self) -> String {
        match self {
            CollectionId::Root => ":root".to_string(),
            CollectionId::Id(n) => n.to_string(),
            CollectionId::Alias(a) => a.clone(),
        }
    }
}

/// Check an alias the way Dataverse does: 1 to 60 of `[A-Za-z0-9_-]`, not all digits.
pub fn validate_alias(s: &str) -> Result<()> {
    if s.is_empty() {
        return Err(Error::InvalidArgument("collection alias is empty".into()));
    }
    if s.chars().count() > 60 {
        return Err(Error::InvalidArgument(format!(
            "collection alias '{s}' is longer than 60 characters"
        )));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(Error::InvalidArgument(format!(
            "collection alias '{s}' contains '{c}'; only letters, digits, '_' and '-' are allowed"
        )));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidArgument(format!(
            "collection alias '{s}' must not be all digits"
        )));
    }
    Ok(())
}

impl fmt::Display for CollectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segment())
    }
}

impl FromStr for CollectionId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Anything that names a collection: `&str`/`String` (parsed), a number, or a [`CollectionId`].
pub trait IntoCollectionId {
    /// Convert, validating strings.
    fn into_collection_id(self) -> Result<CollectionId>;
}
impl IntoCollectionId for CollectionId {
    fn into_collection_id(self) -> Result<CollectionId> {
        Ok(self)
    }
}
impl IntoCollectionId for &CollectionId {
    fn into_collection_id(self) -> Result<CollectionId> {
        Ok(self.clone())
    }
}
impl IntoCollectionId for &str {
    fn into_collection_id(self) -> Result<CollectionId> {
        CollectionId::parse(self)
    }
}
impl IntoCollectionId for String {
    fn into_collection_id(self) -> Result<CollectionId> {
        CollectionId::parse(&self)
    }
}
impl IntoCollectionId for &String {
    fn into_collection_id(self) -> Result<CollectionId> {
        CollectionId::parse(self)
    }
}
impl IntoCollectionId for u64 {
    fn into_collection_id(self) -> Result<CollectionId> {
        Ok(CollectionId::Id(self))
    }
}

/// A persistent identifier in its canonical `protocol:authority/identifier` form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pid(String);

impl Pid {
    /// Parse a PID: `doi:10.5072/FK2/ABCDEF`, `hdl:1902.1/12345`, `perma:...`; the resolver
    /// URLs `https://doi.org/...` and `https://hdl.handle.net/...` are accepted too and
    /// turned into the `doi:`/`hdl:` form. The protocol is case-insensitive.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        let invalid = |why: &str| {
            Error::InvalidArgument(format!(
                "'{s}' is not a persistent identifier ({why}); expected doi:10.xxxx/..., hdl:prefix/suffix or perma:..."
            ))
        };
        let (protocol, rest) = if let Some(rest) = strip_prefix_ci(s, "https://doi.org/")
            .or_else(|| strip_prefix_ci(s, "http://doi.org/"))
            .or_else(|| strip_prefix_ci(s, "https://dx.doi.org/"))
        {
            ("doi", rest)
        } else if let Some(rest) = strip_prefix_ci(s, "https://hdl.handle.net/")
            .or_else(|| strip_prefix_ci(s, "http://hdl.handle.net/"))
        {
            ("hdl", rest)
        } else if let Some((p, rest)) = s.split_once(':') {
            match p.to_ascii_lowercase().as_str() {
                "doi" => ("doi", rest),
                "hdl" => ("hdl", rest),
                "perma" => ("perma", rest),
                _ => return Err(invalid("unknown protocol")),
            }
        } else {
            return Err(invalid("no protocol"));
        };
        if rest.is_empty() {
            return Err(invalid("nothing after the protocol"));
        }
        if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("contains whitespace"));
        }
        match protocol {
            "doi" => {
                let (prefix, suffix) = rest
                    .split_once('/')
                    .ok_or_else(|| invalid("no '/' after the DOI prefix"))?;
                let valid_prefix = prefix.strip_prefix("10.").is_some_and(|r| {
                    !r.is_empty() && r.chars().all(|c| c.is_ascii_digit() || c == '.')
                });
                if !valid_prefix {
                    return Err(invalid("a DOI prefix is 10. followed by digits"));
                }
                if suffix.is_empty() {
                    return Err(invalid("empty DOI suffix"));
                }
            }
            "hdl" => {
                let (prefix, suffix) = rest
                    .split_once('/')
                    .ok_or_else(|| invalid("no '/' in the handle"))?;
                if prefix.is_empty() || suffix.is_empty() {
                    return Err(invalid("a handle is prefix/suffix"));
                }
            }
            _ => {}
        }
        Ok(Pid(format!("{protocol}:{rest}")))
    }

    /// The canonical text, e.g. `doi:10.5072/FK2/ABCDEF`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A dataset or file identifier: a numeric database id or a persistent identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PersistentOrId {
    /// A numeric database id, rendered as `/{id}`.
    Id(u64),
    /// A PID, rendered as `/:persistentId?persistentId=<pid>`.
    Pid(Pid),
}

/// A dataset identifier.
pub type DatasetId = PersistentOrId;
/// A file identifier.
pub type FileId = PersistentOrId;

impl PersistentOrId {
    /// Parse a number or a PID.
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim();
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return t
                .parse()
                .map(PersistentOrId::Id)
                .map_err(|_| Error::InvalidArgument(format!("id '{t}' is out of range")));
        }
        Pid::parse(t).map(PersistentOrId::Pid)
    }

    /// The path segment (`42` or `:persistentId`). A `:persistentId` segment needs the
    /// [`query`](Self::query) parameter beside it; the library's requests add both at once.
    pub fn segment(&self) -> String {
        match self {
            PersistentOrId::Id(n) => n.to_string(),
            PersistentOrId::Pid(_) => ":persistentId".to_string(),
        }
    }

    /// The `persistentId` query parameter that goes with [`segment`](Self::segment), if any.
    pub fn query(&self) -> Option<(&'static str, String)> {
        match self {
            PersistentOrId::Id(_) => None,
            PersistentOrId::Pid(p) => Some(("persistentId", p.0.clone())),
        }
    }
}

impl fmt::Display for PersistentOrId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PersistentOrId::Id(n) => write!(f, "{n}"),
            PersistentOrId::Pid(p) => write!(f, "{p}"),
        }
    }
}

impl FromStr for PersistentOrId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

/// Anything that names a dataset or file: `&str`/`String` (parsed), a number, a [`Pid`].
pub trait IntoPersistentOrId {
    /// Convert, validating strings.
    fn into_persistent_or_id(self) -> Result<PersistentOrId>;
}
impl IntoPersistentOrId for PersistentOrId {
    fn into_persistent_or_id(self) -> Result<PersistentOrId> {
        Ok(self)
    }
}
impl IntoPersistentOrId for &PersistentOrId {
    fn into_persistent_or_id(self) -> Result<PersistentOrId> {
        Ok(self.clone())
    }
}
impl IntoPersistentOrId for Pid {
    fn into_persistent_or_id(self) -> Result<PersistentOrId> {
        Ok(PersistentOrId::Pid(self))
    }
}
impl IntoPersistentOrId for &str {
    fn into_persistent_or_id(self) -> Result<PersistentOrId> {
        PersistentOrId::parse(self)
    }
}
impl IntoPersistentOrId for String {
    fn into_persistent_or_id(self) -> Result<PersistentOrId> {
        PersistentOrId::parse(&self)
    }
}
impl IntoPersistentOrId for &String {
    fn into_persistent_or_id(self) -> Result<PersistentOrId> {
        PersistentOrId::parse(self)
    }
}
impl IntoPersistentOrId for u64 {
    fn into_persistent_or_id(self) -> Result<PersistentOrId> {
        Ok(PersistentOrId::Id(self))
    }
}

/// A dataset version selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Version {
    /// `:latest`: the draft if the caller may see it, else the latest published version.
    #[default]
    Latest,
    /// `:latest-published`.
    LatestPublished,
    /// `:draft`.
    Draft,
    /// `x.y` (`x` alone means `x.0`).
    Number {
        /// Major version.
        major: u32,
        /// Minor version.
        minor: u32,
    },
}

impl Version {
    /// Parse `:latest`, `:latest-published`, `:draft`, `x` or `x.y`.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        let invalid = || {
            Error::InvalidArgument(format!(
                "'{s}' is not a version; expected :latest, :latest-published, :draft, x or x.y"
            ))
        };
        match s {
            ":latest" => return Ok(Version::Latest),
            ":latest-published" => return Ok(Version::LatestPublished),
            ":draft" => return Ok(Version::Draft),
            _ => {}
        }
        let num = |p: &str| -> Result<u32> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            p.parse().map_err(|_| invalid())
        };
        match s.split_once('.') {
            None => Ok(Version::Number {
                major: num(s)?,
                minor: 0,
            }),
            Some((a, b)) => Ok(Version::Number {
                major: num(a)?,
                minor: num(b)?,
            }),
        }
    }

    /// The path segment, e.g. `:draft` or `1.2`.
    pub fn segment(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Latest => f.write_str(":latest"),
            Version::LatestPublished => f.write_str(":latest-published"),
            Version::Draft => f.write_str(":draft"),
            Version::Number { major, minor } => write!(f, "{major}.{minor}"),
        }
    }
}

impl FromStr for Version {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_ids() {
        assert_eq!(CollectionId::parse(":root").unwrap(), CollectionId::Root);
        assert_eq!(CollectionId::parse("42").unwrap(), CollectionId::Id(42));
        assert_eq!(
            CollectionId::parse("my-lab_2").unwrap(),
            CollectionId::Alias("my-lab_2".into())
        );
        assert!(matches!(
            CollectionId::parse("a b"),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            CollectionId::parse(""),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            CollectionId::parse(&"a".repeat(61)),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            CollectionId::parse("../x"),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            CollectionId::parse("99999999999999999999999"),
            Err(Error::InvalidArgument(_))
        ));
        // All digits is a number, never an alias (found by tests/proptest_ids.rs).
        assert!(matches!(
            validate_alias("123"),
            Err(Error::InvalidArgument(_))
        ));
        assert!(validate_alias("123a").is_ok());
    }

    #[test]
    fn pids() {
        assert_eq!(
            Pid::parse("doi:10.5072/FK2/ABC123").unwrap().as_str(),
            "doi:10.5072/FK2/ABC123"
        );
        assert_eq!(
            Pid::parse("DOI:10.5072/FK2/ABC123").unwrap().as_str(),
            "doi:10.5072/FK2/ABC123"
        );
        assert_eq!(
            Pid::parse("https://doi.org/10.5072/FK2/X")
                .unwrap()
                .as_str(),
            "doi:10.5072/FK2/X"
        );
        assert_eq!(
            Pid::parse("hdl:1902.1/12345").unwrap().as_str(),
            "hdl:1902.1/12345"
        );
        assert_eq!(
            Pid::parse("https://hdl.handle.net/1902.1/1")
                .unwrap()
                .as_str(),
            "hdl:1902.1/1"
        );
        assert_eq!(
            Pid::parse("perma:ABC/DEF").unwrap().as_str(),
            "perma:ABC/DEF"
        );
        for bad in [
            "doi:",
            "doi:10.5072",
            "doi:11.5/x",
            "doi:10./x",
            "doi:10.5072/",
            "hdl:x",
            "ark:/1/2",
            "foo",
            "doi:10.1/a b",
            "",
        ] {
            assert!(
                matches!(Pid::parse(bad), Err(Error::InvalidArgument(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn persistent_or_id_segments() {
        let id = PersistentOrId::parse("42").unwrap();
        assert_eq!(id.segment(), "42");
        assert_eq!(id.query(), None);
        let pid = PersistentOrId::parse("doi:10.5072/FK2/ABC").unwrap();
        assert_eq!(pid.segment(), ":persistentId");
        assert_eq!(
            pid.query(),
            Some(("persistentId", "doi:10.5072/FK2/ABC".to_string()))
        );
        assert!(PersistentOrId::parse("not-a-pid").is_err());
    }

    #[test]
    fn versions() {
        assert_eq!(Version::parse(":latest").unwrap(), Version::Latest);
        assert_eq!(
            Version::parse(":latest-published").unwrap(),
            Version::LatestPublished
        );
        assert_eq!(Version::parse(":draft").unwrap(), Version::Draft);
        assert_eq!(
            Version::parse("2").unwrap(),
            Version::Number { major: 2, minor: 0 }
        );
        assert_eq!(Version::parse("1.3").unwrap().segment(), "1.3");
        for bad in ["", "v1", "1.", ".1", "1.2.3", ":published", "-1", "1.x"] {
            assert!(Version::parse(bad).is_err(), "{bad}");
        }
    }
}
