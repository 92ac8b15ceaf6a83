//! What the handlers share, serving no route of its own: the one error type ([`error`]),
//! request extractors ([`extract`]), lookups and permission checks ([`guards`]), body
//! limits per route ([`limits`]), storing a new file ([`commit`]) and placing a native
//! upload's bytes in the dataset's store ([`native_store`]), reading an S3-held file's bytes
//! from a local copy ([`object_copy`]), the role-assignment steps collections and datasets
//! both take ([`assignments`]) and version lookup by selector ([`versions`]).

pub(crate) mod assignments;
pub(crate) mod commit;
pub(crate) mod error;
pub(crate) mod extract;
pub(crate) mod guards;
pub(crate) mod guestbook;
pub(crate) mod limits;
pub(crate) mod native_store;
pub(crate) mod object_copy;
pub(crate) mod versions;

pub(crate) use error::AppError;
