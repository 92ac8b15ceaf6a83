//! Images: a file's thumbnail, a dataset's thumbnail and logo.

use bytes::Bytes;

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::ids::{IntoPersistentOrId, PersistentOrId};

impl NativeApi {
    /// The PNG thumbnail of an image file, `size` pixels on its longest side (Dataverse's
    /// default, 64, when `None`). Not counted as a download.
    ///
    /// Errors: [`Error::NotFound`] for an unknown file, a file that cannot have a
    /// thumbnail (not an image), or one the server could not make; [`Error::Forbidden`]
    /// for a restricted file the caller may not download; [`Error::InvalidArgument`] for a
    /// size of zero (Dataverse would answer the whole file).
    ///
    /// Endpoint: `GET /api/access/datafile/{id}?imageThumb=true|N`
    pub async fn get_datafile_thumbnail(
        &self,
        file: impl IntoPersistentOrId,
        size: Option<u32>,
    ) -> Result<Bytes> {
        let value = match size {
            Some(0) => {
                return Err(Error::InvalidArgument(
                    "a thumbnail size must be at least 1 pixel".into(),
                ));
            }
            Some(n) => n.to_string(),
            None => "true".to_string(),
        };
        let options = super::DataAccessOptions::new().image_thumb(value);
        self.get_datafile(file, &options).await
    }

    /// A dataset's thumbnail (PNG, 48 pixels on its longest side): on the embedded server
    /// and on installations where no logo was uploaded and no file chosen, that of the
    /// first image of its published version (by name) that is not restricted.
    ///
    /// Errors: [`Error::NotFound`] when the dataset has none, is unknown, or the caller may
    /// not see it (Dataverse answers all of these `Thumbnail not available`).
    ///
    /// Endpoint: `GET /api/datasets/{id}/thumbnail`
    pub async fn get_dataset_thumbnail(&self, dataset: impl IntoPersistentOrId) -> Result<Bytes> {
        let id = dataset.into_persistent_or_id()?;
        self.bytes_of(dataset_image(&id, "thumbnail")).await
    }

    /// A dataset's logo (PNG): its uploaded logo, else the 140-pixel thumbnail of the file
    /// that stands for it (see [`get_dataset_thumbnail`](Self::get_dataset_thumbnail)).
    ///
    /// Errors: [`Error::NotFound`] as for the thumbnail (`Logo not available`).
    ///
    /// Endpoint: `GET /api/datasets/{id}/logo`
    pub async fn get_dataset_logo(&self, dataset: impl IntoPersistentOrId) -> Result<Bytes> {
        let id = dataset.into_persistent_or_id()?;
        self.bytes_of(dataset_image(&id, "logo")).await
    }
}

/// `GET /api/datasets/{id}/{thumbnail|logo}`.
fn dataset_image(id: &PersistentOrId, what: &str) -> Request {
    Request::get("datasets").id(id).seg(what).transfer()
}
