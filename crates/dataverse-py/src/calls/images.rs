//! Thumbnails, a dataset's logo and a tabular file's DDI codebook.

use dataverse_client::Error;
use dataverse_client::api::access::DatafileDdiOptions;
use serde_json::json;

use super::access::BytesFut;
use super::{Call, Fut, Json, ok};

/// `get_datafile_ddi` (the codebook's XML as a string); `None` for other names.
pub fn dispatch<'a>(name: &str, c: &'a Call) -> Option<Fut<'a>> {
    Some(match name {
        "get_datafile_ddi" => Box::pin(ddi(c)),
        _ => return None,
    })
}

/// The image methods answering bytes; `None` when `name` is not one.
pub fn in_memory<'a>(name: &str, c: &'a Call) -> Option<BytesFut<'a>> {
    Some(match name {
        "get_datafile_thumbnail" => Box::pin(async move {
            let size = match c.args.opt_u64("size")? {
                None => None,
                Some(n) => Some(u32::try_from(n).map_err(|_| {
                    Error::InvalidArgument(format!("a thumbnail size of {n} pixels is too large"))
                })?),
            };
            c.api
                .get_datafile_thumbnail(c.args.str("identifier")?, size)
                .await
        }),
        "get_dataset_thumbnail" => {
            Box::pin(async move { c.api.get_dataset_thumbnail(c.args.str("identifier")?).await })
        }
        "get_dataset_logo" => {
            Box::pin(async move { c.api.get_dataset_logo(c.args.str("identifier")?).await })
        }
        _ => return None,
    })
}

async fn ddi(c: &Call) -> Result<Json, Error> {
    let mut options = DatafileDdiOptions::new()
        .exclude(c.args.strs("exclude")?)
        .include(c.args.strs("include")?);
    if let Some(fm) = c.args.opt_u64("file_metadata_id")? {
        options = options.file_metadata_id(fm);
    }
    let xml = c
        .api
        .get_datafile_ddi(c.args.str("identifier")?, &options)
        .await?;
    ok(json!(xml))
}
