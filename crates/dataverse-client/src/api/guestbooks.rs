//! Guestbooks (`/api/guestbooks`): defined on a collection, chosen by a dataset
//! (`/api/datasets/{id}/guestbook`), answered by downloaders; the recorded responses.
//! Downloads that carry an answer are in [`crate::api::access`]
//! ([`DataAccessOptions::guestbook_response`](crate::api::access::DataAccessOptions::guestbook_response)
//! and the `*_with_guestbook` methods).

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoCollectionId, IntoPersistentOrId};
use crate::models::guestbooks::{Guestbook, GuestbookAtRequest, GuestbookResponses};

fn body(gb: &Guestbook) -> Result<serde_json::Value> {
    if gb.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(Error::InvalidArgument("a guestbook needs a name".into()));
    }
    serde_json::to_value(gb)
        .map_err(|e| Error::InvalidArgument(format!("cannot encode the guestbook: {e}")))
}

impl NativeApi {
    /// A guestbook by id (anyone may read one).
    ///
    /// Endpoint: `GET /api/guestbooks/{id}`
    pub async fn get_guestbook(&self, id: u64) -> Result<Guestbook> {
        self.execute(Request::get("guestbooks").seg(id)).await
    }

    /// The guestbooks of a collection; with `include_inherited` also those of its owners
    /// (the root's first); with `include_stats` each with how many datasets of the
    /// collection use it and how many responses they got. Needs `EditDataverse`.
    ///
    /// Endpoint: `GET /api/guestbooks/{collection}/list?includeInherited=&includeStats=`
    pub async fn list_guestbooks(
        &self,
        collection: impl IntoCollectionId,
        include_inherited: bool,
        include_stats: bool,
    ) -> Result<Vec<Guestbook>> {
        let c = collection.into_collection_id()?;
        let req = Request::get("guestbooks")
            .seg(c.segment())
            .seg("list")
            .query("includeInherited", include_inherited)
            .query("includeStats", include_stats);
        self.execute(req).await
    }

    /// Create a guestbook (with its custom questions) on a collection. Needs
    /// `EditDataverse`. Not retried once sent.
    ///
    /// Endpoint: `POST /api/guestbooks/{collection}`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// use dataverse_client::models::guestbooks::{CustomQuestion, Guestbook};
    /// let mut gb = Guestbook::new("Downloaders");
    /// gb.email_required = true;
    /// let mut q = CustomQuestion::new("Why?", "text", 0);
    /// q.required = true;
    /// gb.custom_questions.push(q);
    /// let created = api.create_guestbook("root", &gb).await?;
    /// println!("{:?}", created.id);
    /// # Ok(()) }
    /// ```
    pub async fn create_guestbook(
        &self,
        collection: impl IntoCollectionId,
        guestbook: &Guestbook,
    ) -> Result<Guestbook> {
        let c = collection.into_collection_id()?;
        let req = Request::post("guestbooks")
            .seg(c.segment())
            .json(body(guestbook)?);
        self.execute(req).await
    }

    /// Replace a guestbook by `guestbook` (its questions too). Needs `EditDataverse` on
    /// its collection.
    ///
    /// Endpoint: `PUT /api/guestbooks/{id}`
    pub async fn update_guestbook(&self, id: u64, guestbook: &Guestbook) -> Result<Guestbook> {
        let req = Request::put("guestbooks").seg(id).json(body(guestbook)?);
        self.execute(req).await
    }

    /// Turn a collection's guestbook on or off. Returns the server's message
    /// (`Guestbook 3 enabled=false`).
    ///
    /// Endpoint: `PUT /api/guestbooks/{collection}/{id}/enabled` (body `true`/`false`)
    pub async fn enable_guestbook(
        &self,
        collection: impl IntoCollectionId,
        id: u64,
        enabled: bool,
    ) -> Result<String> {
        let c = collection.into_collection_id()?;
        let req = Request::put("guestbooks")
            .seg(c.segment())
            .seg(id)
            .seg("enabled")
            .text(enabled.to_string());
        self.execute_message(req).await
    }

    /// The responses recorded for a guestbook, newest first, a page of `limit` from
    /// `offset` (all when `limit` is `None`), with the guestbook and its counts. Needs
    /// `EditDataverse` on its collection.
    ///
    /// Endpoint: `GET /api/guestbooks/{id}/responses?limit=&offset=`
    pub async fn get_guestbook_responses(
        &self,
        id: u64,
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Result<GuestbookResponses> {
        let mut req = Request::get("guestbooks").seg(id).seg("responses");
        if let Some(l) = limit {
            req = req.query("limit", l);
        }
        if let Some(o) = offset {
            req = req.query("offset", o);
        }
        self.execute(req).await
    }

    /// The guestbook responses of the datasets a collection holds directly (not those of
    /// its sub-collections), newest first, as Dataverse's CSV text: a header line, then one
    /// line per response with its custom questions and answers at the end. With
    /// `guestbook_id`, only that guestbook's responses. Needs `EditDataverse`.
    ///
    /// Endpoint: `GET /api/dataverses/{id}/guestbookResponses?guestbookId=`
    pub async fn get_collection_guestbook_responses(
        &self,
        identifier: impl IntoCollectionId,
        guestbook_id: Option<u64>,
    ) -> Result<String> {
        let c = identifier.into_collection_id()?;
        let mut req = Request::get("dataverses")
            .seg(c.segment())
            .seg("guestbookResponses");
        if let Some(g) = guestbook_id {
            req = req.query("guestbookId", g);
        }
        self.execute_text(req).await
    }

    /// Make a dataset use a guestbook its collection (or an owner) offers, enabled.
    /// Needs `EditDataset`; Dataverse answers 400 `Failed to update dataset guestbook.`
    /// otherwise. Returns the server's message (`Guestbook 3 set`).
    ///
    /// Endpoint: `PUT /api/datasets/{id}/guestbook` (body: the guestbook id)
    pub async fn set_dataset_guestbook(
        &self,
        dataset: impl IntoPersistentOrId,
        guestbook: u64,
    ) -> Result<String> {
        let id = dataset.into_persistent_or_id()?;
        let req = Request::put("datasets")
            .id(&id)
            .seg("guestbook")
            .text(guestbook.to_string());
        self.execute_message(req).await
    }

    /// Stop a dataset using a guestbook. Returns the server's message
    /// (`Guestbook removed 3`, or `No Guestbook to remove.`).
    ///
    /// Endpoint: `DELETE /api/datasets/{id}/guestbook`
    pub async fn remove_dataset_guestbook(
        &self,
        dataset: impl IntoPersistentOrId,
    ) -> Result<String> {
        let id = dataset.into_persistent_or_id()?;
        self.execute_message(Request::delete("datasets").id(&id).seg("guestbook"))
            .await
    }

    /// When a dataset's guestbook is answered: at access request or at download, and
    /// whether that is the dataset's own choice or the installation's default. Anyone who
    /// can see the dataset may ask.
    ///
    /// Endpoint: `GET /api/datasets/{id}/guestbookEntryAtRequest`
    pub async fn get_guestbook_entry_at_request(
        &self,
        dataset: impl IntoPersistentOrId,
    ) -> Result<GuestbookAtRequest> {
        let id = dataset.into_persistent_or_id()?;
        self.execute(
            Request::get("datasets")
                .id(&id)
                .seg("guestbookEntryAtRequest"),
        )
        .await
    }

    /// Whether a dataset's guestbook is answered when access is requested rather than on
    /// download: `Some(choice)` sets it, `None` resets it to the installation's default.
    /// Superusers only, and setting needs the installation to allow it. Returns the
    /// server's message.
    ///
    /// Endpoint: `PUT`/`DELETE /api/datasets/{id}/guestbookEntryAtRequest`
    pub async fn set_guestbook_entry_at_request(
        &self,
        dataset: impl IntoPersistentOrId,
        choice: Option<bool>,
    ) -> Result<String> {
        let id = dataset.into_persistent_or_id()?;
        let req = match choice {
            Some(c) => Request::put("datasets")
                .id(&id)
                .seg("guestbookEntryAtRequest")
                .text(c.to_string()),
            None => Request::delete("datasets")
                .id(&id)
                .seg("guestbookEntryAtRequest"),
        };
        self.execute_message(req).await
    }
}
