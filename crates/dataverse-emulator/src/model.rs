//! Closed sets of stored values, as Dataverse names them: version states
//! (`DatasetVersion.VersionState`), lock reasons (`DatasetLock.Reason`) and ingest states.
//! Each is stored in SQLite as its Dataverse spelling ([`as_str`](VersionState::as_str)).

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// A name that is not one of a closed set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownName(pub String);

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown name {:?}", self.0)
    }
}

impl std::error::Error for UnknownName {}

/// An enum stored as text: its names, both ways, plus the SQLite and `Display` glue.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            #[cfg(test)]
            pub(crate) const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The Dataverse spelling.
            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            /// Parse the Dataverse spelling (exact case, like a JAX-RS enum parameter).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(UnknownName(other.to_string())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e: UnknownName| FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

named_enum! {
    /// `DatasetVersion.VersionState`.
    VersionState {
        /// The one editable version.
        Draft => "DRAFT",
        /// A published version.
        Released => "RELEASED",
        /// A published version withdrawn from view.
        Deaccessioned => "DEACCESSIONED",
        /// A version kept for the record only.
        Archived => "ARCHIVED",
    }
}

named_enum! {
    /// `DatasetLock.Reason`, in declaration order.
    LockType {
        /// A tabular ingest runs.
        Ingest => "Ingest",
        /// A workflow runs.
        Workflow => "Workflow",
        /// Submitted for review.
        InReview => "InReview",
        /// A data-capture-module upload runs.
        DcmUpload => "DcmUpload",
        /// A Globus upload runs.
        GlobusUpload => "GlobusUpload",
        /// A publication is being finalized.
        FinalizePublication => "finalizePublication",
        /// An edit is in progress.
        EditInProgress => "EditInProgress",
        /// File validation during publication failed.
        FileValidationFailed => "FileValidationFailed",
    }
}

named_enum! {
    /// Where the tabular ingest of a file stands (`NULL` in the store when none was asked).
    IngestState {
        /// Queued or running.
        Pending => "pending",
        /// Tried and failed: the file stays as uploaded.
        Failed => "failed",
    }
}

/// The keys of a version's custom terms of use (printed only when it has no license), in
/// Dataverse's order.
pub(crate) const CUSTOM_TERMS_KEYS: [&str; 8] = [
    "termsOfUse",
    "confidentialityDeclaration",
    "specialPermissions",
    "restrictions",
    "citationRequirements",
    "depositorRequirements",
    "conditions",
    "disclaimer",
];

/// The keys of a version's terms of access, in Dataverse's order.
pub(crate) const ACCESS_TERMS_KEYS: [&str; 7] = [
    "termsOfAccess",
    "dataAccessPlace",
    "originalArchive",
    "availabilityStatus",
    "contactForAccess",
    "sizeOfCollection",
    "studyCompletion",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in VersionState::ALL {
            assert_eq!(v.as_str().parse::<VersionState>(), Ok(*v));
        }
        for l in LockType::ALL {
            assert_eq!(l.as_str().parse::<LockType>(), Ok(*l));
        }
        for i in IngestState::ALL {
            assert_eq!(i.as_str().parse::<IngestState>(), Ok(*i));
        }
        assert!("draft".parse::<VersionState>().is_err());
        assert!("ingest".parse::<LockType>().is_err());
    }
}
