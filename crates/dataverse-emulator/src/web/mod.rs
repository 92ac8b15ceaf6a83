//! The web view: server-rendered HTML pages to browse, search, read and download what the
//! embedded Dataverse holds, at the paths real Dataverse uses (`/`, `/dataverse/{alias}`,
//! `/dataset.xhtml`, `/file.xhtml`, `/loginpage.xhtml`). The API stays under `/api`.
//!
//! The pages read through the store and check permissions with the same guards as the API
//! ([`crate::routes::common::guards`]), so a page shows what the API would show its viewer
//! ([`session::Viewer`]: the `X-Dataverse-key` header, the sign-in cookie, or a guest).
//! Templates are `maud` macros compiled into the binary; everything from metadata is escaped
//! except the HTML Dataverse itself allows ([`sanitize`]). One small stylesheet is embedded
//! ([`layout::stylesheet`]); no page needs JavaScript.

pub(crate) mod collection;
pub(crate) mod dataset;
pub(crate) mod error;
pub(crate) mod file;
pub(crate) mod layout;
pub(crate) mod sanitize;
pub(crate) mod session;
