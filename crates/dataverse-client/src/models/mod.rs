//! Serde models of what Dataverse sends and receives, one module per endpoint family.
//!
//! Conventions: `camelCase` on the wire; every field the server may omit is an `Option`
//! (omitted again when serialized); unknown fields are kept in `extra` so nothing the
//! server sent is lost when a model is printed back as JSON; string enums have an
//! `Other` arm for values a newer server may add.

pub mod access;
pub mod collection_setup;
pub mod collections;
pub mod common;
pub mod datasets;
pub mod direct_upload;
pub mod files;
pub mod guestbooks;
pub mod info;
pub mod jsonld;
pub mod licenses;
pub mod metadata;
pub mod metadatablocks;
pub mod metrics;
pub mod permissions;
pub mod roles;
pub mod search;
pub mod users;

/// Unknown fields of a model, kept as the server sent them.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// A string enum with known values and an `Other(String)` arm.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this library does not know yet.
            Other(String),
        }

        impl $name {
            /// The wire texts of the known values, in declaration order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The wire text.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok($name::from(s.as_ref()))
            }
        }
    };
}
pub(crate) use string_enum;
