//! Access requests to restricted files: turning requests on for a dataset, asking for a
//! file, and the file manager's answers (grant, reject, revoke, list).

use serde_json::Value;

use crate::client::{NativeApi, Request};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::ids::IntoPersistentOrId;
use crate::models::access::FileAccessRequest;

impl NativeApi {
    /// Allow (`true`) or stop (`false`) requests for access to the restricted files of a
    /// dataset (set on its draft, created when needed; needs `EditDataset`). Returns the
    /// server's message (`Dataset <title> allows file access requests.`).
    ///
    /// An unknown dataset, or a caller who may not edit it, is a 400
    /// ([`Error::BadRequest`]) as Dataverse answers.
    ///
    /// Endpoint: `PUT /api/access/{id}/allowAccessRequest` (body `true`/`false`)
    pub async fn allow_access_request(
        &self,
        dataset: impl IntoPersistentOrId,
        allow: bool,
    ) -> Result<String> {
        let id = dataset.into_persistent_or_id()?;
        let req = Request::put("access")
            .id(&id)
            .seg("allowAccessRequest")
            .json(Value::Bool(allow));
        self.execute_message(req).await
    }

    /// Ask for access to a restricted file (signed-in users). Returns the server's message
    /// (`Access to File <name> requested.`).
    ///
    /// Dataverse refuses with 400 ([`Error::BadRequest`]), in this order: an unknown file,
    /// a dataset that takes no requests, a guest, a caller who may already download the
    /// file, a request of the caller still open.
    ///
    /// Endpoint: `PUT /api/access/datafile/{id}/requestAccess`
    pub async fn request_access(&self, file: impl IntoPersistentOrId) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::put("access")
            .seg("datafile")
            .id(&id)
            .seg("requestAccess");
        // A second request is refused ("already exists"): never re-sent blindly.
        req.idempotent = false;
        self.execute_message(req).await
    }

    /// The requests for access to a file (those still open; with `include_history` also
    /// the granted and rejected ones). Needs `ManageFilePermissions` on the file.
    ///
    /// No request at all is Dataverse's 404 ([`Error::NotFound`]: `There are no access
    /// requests for this file: <name>.`).
    ///
    /// Endpoint: `GET /api/access/datafile/{id}/listRequests?includeHistory=`
    pub async fn list_file_access_requests(
        &self,
        file: impl IntoPersistentOrId,
        include_history: bool,
    ) -> Result<Vec<FileAccessRequest>> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::get("access")
            .seg("datafile")
            .id(&id)
            .seg("listRequests");
        if include_history {
            req = req.query("includeHistory", true);
        }
        self.execute(req).await
    }

    /// Grant a user (`@name`) access to a restricted file: the built-in `fileDownloader`
    /// role on the file; an open request of theirs is marked granted. Returns the server's
    /// message (`Access to File <name> granted.`).
    ///
    /// Endpoint: `PUT /api/access/datafile/{id}/grantAccess/{identifier}`
    pub async fn grant_file_access(
        &self,
        file: impl IntoPersistentOrId,
        identifier: &str,
    ) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::put("access")
            .seg("datafile")
            .id(&id)
            .seg("grantAccess")
            .seg(identifier);
        // Granting twice is refused ("Role has already been granted."): not re-sent.
        req.idempotent = false;
        self.execute_message(req).await
    }

    /// Reject a user's request for access to a file. Returns the server's message
    /// (`Access to File <name> rejected.`).
    ///
    /// Endpoint: `PUT /api/access/datafile/{id}/rejectAccess/{identifier}`
    pub async fn reject_file_access_request(
        &self,
        file: impl IntoPersistentOrId,
        identifier: &str,
    ) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let req = Request::put("access")
            .seg("datafile")
            .id(&id)
            .seg("rejectAccess")
            .seg(identifier);
        self.execute_message(req).await
    }

    /// Take back a user's access to a file (their `fileDownloader` role on it). Returns
    /// the server's message (`File Downloader access has been revoked for user ...`).
    ///
    /// Endpoint: `DELETE /api/access/datafile/{id}/revokeAccess/{identifier}`
    pub async fn revoke_file_access(
        &self,
        file: impl IntoPersistentOrId,
        identifier: &str,
    ) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        let mut req = Request::delete("access")
            .seg("datafile")
            .id(&id)
            .seg("revokeAccess")
            .seg(identifier);
        // A second revoke is refused ("No File Downloader role found"): not re-sent.
        req.idempotent = false;
        self.execute_message(req).await
    }
}

#[cfg(test)]
mod tests {
    use crate::client::{NativeApi, Request};
    use crate::ids::PersistentOrId;

    #[test]
    fn paths() {
        let api = NativeApi::new("https://h").unwrap();
        let req = Request::put("access")
            .seg("datafile")
            .id(&PersistentOrId::Id(7))
            .seg("grantAccess")
            .seg("@jane doe");
        assert_eq!(
            api.url_for(&req).as_str(),
            "https://h/api/access/datafile/7/grantAccess/@jane%20doe"
        );
    }
}
