//! File PIDs by the admin API (`Admin.java`): register one file's PID, or those of every
//! published file in collections that register file PIDs. `/api/admin` is usually open
//! only to the server itself (and, on the embedded server, to a superuser's key).

use crate::client::{NativeApi, Request};
use crate::error::Result;
use crate::ids::IntoPersistentOrId;

impl NativeApi {
    /// Register a PID for one file (when its collection registers file PIDs; a file that
    /// has one keeps it). Returns the server's message.
    ///
    /// Endpoint: `GET /api/admin/{id}/registerDataFile`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// println!("{}", api.register_datafile_pid(42).await?);
    /// # Ok(()) }
    /// ```
    pub async fn register_datafile_pid(&self, file: impl IntoPersistentOrId) -> Result<String> {
        let id = file.into_persistent_or_id()?;
        self.execute_message(Request::get("admin").id(&id).seg("registerDataFile"))
            .await
    }

    /// Register PIDs for every published file without one, in collections that register
    /// file PIDs. Returns the server's message (how many were registered).
    ///
    /// Endpoint: `GET /api/admin/registerDataFileAll`
    pub async fn register_all_datafile_pids(&self) -> Result<String> {
        self.execute_message(Request::get("admin").seg("registerDataFileAll"))
            .await
    }
}
