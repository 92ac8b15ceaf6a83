//! `datafiles_table`: the client's polars frame as an Arrow IPC stream, which pyarrow,
//! pandas (through pyarrow) and polars read without a Python loop over rows.

use dataverse_client::{Error, NativeApi};
use polars::prelude::{IpcStreamWriter, SerWriter};

use crate::errors::invalid;

/// The frame of `identifier`'s files as Arrow IPC stream bytes.
pub async fn datafiles_ipc(
    api: &NativeApi,
    identifier: String,
    filters: Vec<String>,
) -> Result<Vec<u8>, Error> {
    let filters: Vec<&str> = filters.iter().map(String::as_str).collect();
    let mut frame = api.datafiles_table(identifier, &filters).await?;
    let mut bytes = Vec::new();
    IpcStreamWriter::new(&mut bytes)
        .finish(&mut frame)
        .map_err(|e| invalid(format!("cannot write the table as Arrow: {e}")))?;
    Ok(bytes)
}
