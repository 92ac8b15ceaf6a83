//! `/api/licenses`: the licenses an installation offers.

use crate::client::{NativeApi, Request};
use crate::error::{ApiError, Error, Result};
use crate::models::licenses::{License, LicenseRef};

impl NativeApi {
    /// Every license of the installation, inactive ones included.
    ///
    /// Endpoint: `GET /api/licenses`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// for license in api.get_available_licenses().await? {
    ///     println!("{}: {:?}", license.name, license.uri);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_available_licenses(&self) -> Result<Vec<License>> {
        self.execute(Request::get("licenses")).await
    }

    /// One license, by database id or by name.
    ///
    /// A number is fetched directly. A name is matched, case-insensitively, against the
    /// list: first an exact name, then an exact rights identifier (`CC-BY-4.0`), then a
    /// unique name prefix (`"CC BY"` finds `CC BY 4.0`). No match is [`Error::NotFound`];
    /// an ambiguous prefix is [`Error::InvalidArgument`] naming the candidates.
    ///
    /// Endpoint: `GET /api/licenses/{id}` (names: `GET /api/licenses`)
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let cc_by = api.get_license("CC BY").await?;
    /// println!("{} {:?}", cc_by.name, cc_by.uri);
    /// let first = api.get_license(1).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_license(&self, license: impl Into<LicenseRef>) -> Result<License> {
        match license.into() {
            LicenseRef::Id(id) => self.execute(Request::get("licenses").seg(id)).await,
            LicenseRef::Name(name) => {
                if name.is_empty() {
                    return Err(Error::InvalidArgument("license name is empty".into()));
                }
                let all = self.get_available_licenses().await?;
                pick_license(all, &name).map_err(|e| match e {
                    Pick::None(names) => {
                        let list = Request::get("licenses");
                        Error::NotFound(ApiError {
                            status: 404,
                            message: format!(
                                "no license named '{name}' (available: {})",
                                names.join(", ")
                            ),
                            method: list.method.to_string(),
                            url: self.url_for(&list).to_string(),
                            token_sent: self.has_token(),
                        })
                    }
                    Pick::Ambiguous(names) => Error::InvalidArgument(format!(
                        "license '{name}' is ambiguous: {}",
                        names.join(", ")
                    )),
                })
            }
        }
    }
}

enum Pick {
    None(Vec<String>),
    Ambiguous(Vec<String>),
}

fn pick_license(all: Vec<License>, name: &str) -> Result<License, Pick> {
    let lower = name.to_lowercase();
    if let Some(l) = all.iter().find(|l| l.name.to_lowercase() == lower) {
        return Ok(l.clone());
    }
    if let Some(l) = all.iter().find(|l| {
        l.rights_identifier
            .as_deref()
            .is_some_and(|r| r.to_lowercase() == lower)
    }) {
        return Ok(l.clone());
    }
    let prefixed: Vec<&License> = all
        .iter()
        .filter(|l| l.name.to_lowercase().starts_with(&lower))
        .collect();
    match prefixed.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Pick::None(all.iter().map(|l| l.name.clone()).collect())),
        many => Err(Pick::Ambiguous(
            many.iter().map(|l| l.name.clone()).collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lic(name: &str, rights: &str) -> License {
        serde_json::from_value(serde_json::json!({"name": name, "rightsIdentifier": rights}))
            .unwrap()
    }

    #[test]
    fn picking_by_name() {
        let all = vec![
            lic("CC0 1.0", "CC0-1.0"),
            lic("CC BY 4.0", "CC-BY-4.0"),
            lic("CC BY-SA 4.0", "CC-BY-SA-4.0"),
        ];
        assert_eq!(
            pick_license(all.clone(), "cc0 1.0").ok().unwrap().name,
            "CC0 1.0"
        );
        assert_eq!(
            pick_license(all.clone(), "CC-BY-4.0").ok().unwrap().name,
            "CC BY 4.0"
        );
        assert_eq!(
            pick_license(all.clone(), "CC BY-").ok().unwrap().name,
            "CC BY-SA 4.0"
        );
        assert!(
            matches!(pick_license(all.clone(), "CC BY"), Err(Pick::Ambiguous(v)) if v.len() == 2)
        );
        assert!(matches!(pick_license(all, "MIT"), Err(Pick::None(v)) if v.len() == 3));
    }
}
