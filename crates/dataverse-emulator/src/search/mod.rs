//! The Search API's index: Dataverse's Solr replaced by SQLite FTS5 in the store's own
//! database.
//!
//! - [`fields`]: the schema's field names and kinds, facet names, word splitting;
//! - [`query`]: the Solr/Lucene query subset, parsed (and refused where unsupported);
//! - [`document`]: the documents of collections, dataset versions and files;
//! - [`index`]: keeping documents current (triggers record stale objects, [`refresh`]
//!   rebuilds them before a search);
//! - [`execute`]: running a search (permissions, sort, paging, facets, cards).
//!
//! The HTTP side (`GET /api/search`: parameters, defaults, messages, the response) is
//! `routes/search.rs`.

pub(crate) mod document;
pub(crate) mod execute;
pub(crate) mod fields;
pub(crate) mod index;
pub(crate) mod query;

pub(crate) use index::refresh;

use crate::Emulator;
use crate::Error;

/// Bring the index up to date when some documents are stale (a cheap check on a reader
/// first, the rebuild on the writer).
pub(crate) async fn ensure_current(em: &Emulator) -> Result<(), Error> {
    let stale = em.store().read(|c| index::is_stale(c)).await?;
    if stale {
        let em2 = em.clone();
        em.store()
            .call(move |c| refresh(c, em2.blocks()).map(|_| ()))
            .await?;
    }
    Ok(())
}
