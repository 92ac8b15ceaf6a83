//! Dataverse's own citation of a dataset version or of a file in it (`DataCitation`, the
//! `Internal` format): `Authors, YEAR, "Title", <url>, Publisher, V1` — parts that are
//! empty left out, drafts `DRAFT VERSION`, deaccessioned versions
//! `V1, DEACCESSIONED VERSION`, a file's citation ending `; name [fileName]`.
//!
//! Read from `DataCitation.formatInternalCitation`, `getDateFrom` and `getVersionFrom`.
//! Harvested datasets, version UNFs and collection-chosen citation fields do not exist here.

use serde_json::Value;

use super::html4;
use crate::model::VersionState;
use crate::store::datasets::{DatasetRow, VersionRow};
use crate::store::files::{DataFileRow, FileMetaRow};

/// The parts of a citation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataCitation {
    authors: Vec<String>,
    year: String,
    title: String,
    url: String,
    publisher: String,
    version: String,
    /// A file's name as cited (its original name when ingested).
    file_title: Option<String>,
    /// A file with a registered PID is cited directly (`DataCitation(fm, direct)`): its own
    /// PID, its name as the title and the dataset's title in `<em>`.
    direct: bool,
}

impl DataCitation {
    /// The citation of a dataset version; `publisher` is the installation's brand name.
    pub(crate) fn of_version(ds: &DatasetRow, v: &VersionRow, publisher: &str) -> DataCitation {
        let blocks: Value = serde_json::from_str(&v.metadata_blocks).unwrap_or(Value::Null);
        let cit = super::Citation::from_blocks(&blocks);
        // `getDateFrom`: the dataset's citation (first publication) date, else the
        // version's last update (drafts of datasets never published).
        let date = ds
            .publication_date
            .as_deref()
            .unwrap_or(v.last_update_time.as_str());
        DataCitation {
            authors: cit
                .authors
                .iter()
                .map(|a| a.name.trim().to_string())
                .collect(),
            year: date.get(..4).unwrap_or(date).to_string(),
            title: cit.title,
            url: ds.persistent_url(),
            publisher: publisher.to_string(),
            version: version_label(v),
            file_title: None,
            direct: false,
        }
    }

    /// The citation of a file in a version (`DataCitation(FileMetadata, direct)`): direct
    /// (the file's own PID) when the file has one, else the dataset's PID with the file
    /// named after it.
    pub(crate) fn of_file(
        ds: &DatasetRow,
        v: &VersionRow,
        publisher: &str,
        fm: &FileMetaRow,
        df: &DataFileRow,
    ) -> DataCitation {
        let mut c = DataCitation::of_version(ds, v, publisher);
        c.file_title = Some(label_for_original(fm, df));
        if let Some(pid) = df.pid.as_deref().filter(|p| !p.is_empty()) {
            c.direct = true;
            c.url = crate::store::file_pids::pid_url(pid);
        }
        c
    }

    /// The citation as HTML (`toString(true)`): every part escaped as `escapeHtml4` does,
    /// the PID's URL a link.
    pub(crate) fn html(&self) -> String {
        self.render(true)
    }

    /// The citation as plain text (`toString(false)`).
    pub(crate) fn text(&self) -> String {
        self.render(false)
    }

    fn render(&self, html: bool) -> String {
        let esc = |s: &str| if html { html4(s) } else { s.to_string() };
        let mut parts: Vec<String> = Vec::new();
        let authors = self.authors.join("; ");
        if !authors.is_empty() {
            parts.push(esc(&authors));
        }
        parts.push(self.year.clone());
        match self.file_title.as_deref().filter(|_| self.direct) {
            Some(file) => {
                parts.push(format!("\"{}\"", esc(file)));
                if !self.title.is_empty() {
                    parts.push(format!("<em>{}</em>", esc(&self.title)));
                }
            }
            None if !self.title.is_empty() => {
                parts.push(format!("\"{}\"", esc(&self.title)));
            }
            None => {}
        }
        parts.push(if html {
            format!(
                "<a href=\"{}\" target=\"_blank\">{}</a>",
                self.url,
                html4(&self.url)
            )
        } else {
            self.url.clone()
        });
        if !self.publisher.is_empty() {
            parts.push(esc(&self.publisher));
        }
        parts.push(self.version.clone());
        let mut out = parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(f) = self
            .file_title
            .as_deref()
            .filter(|f| !f.is_empty() && !self.direct)
        {
            out.push_str("; ");
            out.push_str(&esc(f));
            out.push_str(" [fileName]");
        }
        out
    }
}

/// `getVersionFrom`: `DRAFT VERSION`, `V2` (the major number only), or
/// `V2, DEACCESSIONED VERSION`.
pub(crate) fn version_label(v: &VersionRow) -> String {
    match (v.state, v.version_number) {
        (VersionState::Draft, _) => "DRAFT VERSION".to_string(),
        (VersionState::Deaccessioned, Some(major)) => {
            format!("V{major}, DEACCESSIONED VERSION")
        }
        (_, Some(major)) => format!("V{major}"),
        (_, None) => String::new(),
    }
}

/// `FileMetadata.getLabelForOriginal`: the label, with an ingested file's extension
/// replaced by its original format's (`DataFile.getDerivedOriginalFileName`).
fn label_for_original(fm: &FileMetaRow, df: &DataFileRow) -> String {
    if !df.tabular {
        return fm.label.clone();
    }
    let ext = original_extension(df.original_format.as_deref().unwrap_or(""));
    match fm.label.rfind('.') {
        Some(i) => format!("{}{ext}", &fm.label[..i]),
        None => format!("{}{ext}", fm.label),
    }
}

/// `FileUtil.generateOriginalExtension`.
fn original_extension(format: &str) -> &'static str {
    let f = format.to_ascii_lowercase();
    match f.as_str() {
        "application/x-spss-sav" => ".sav",
        "application/x-spss-por" => ".por",
        _ if f.starts_with("application/x-stata") => ".dta",
        "application/x-dvn-csvspss-zip" | "application/x-dvn-tabddi-zip" => ".zip",
        "application/x-rlang-transport" => ".RData",
        "text/csv" | "text/comma-separated-values" => ".csv",
        "text/tsv" | "text/tab-separated-values" => ".tsv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => ".xlsx",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> DataCitation {
        DataCitation {
            authors: vec!["Finch, Fiona".into(), "Crow, Carl".into()],
            year: "2026".into(),
            title: "Darwin's Finches & <Crows>".into(),
            url: "https://doi.org/10.5072/FK2/ABC".into(),
            publisher: "Root".into(),
            version: "V1".into(),
            file_title: None,
            direct: false,
        }
    }

    #[test]
    fn html_escapes_parts_and_links_the_pid() {
        assert_eq!(
            parts().html(),
            "Finch, Fiona; Crow, Carl, 2026, \"Darwin's Finches &amp; &lt;Crows&gt;\", \
             <a href=\"https://doi.org/10.5072/FK2/ABC\" target=\"_blank\">https://doi.org/10.5072/FK2/ABC</a>, Root, V1"
        );
        assert_eq!(
            parts().text(),
            "Finch, Fiona; Crow, Carl, 2026, \"Darwin's Finches & <Crows>\", https://doi.org/10.5072/FK2/ABC, Root, V1"
        );
    }

    #[test]
    fn empty_parts_are_left_out_and_files_named() {
        let mut c = parts();
        c.authors.clear();
        c.title.clear();
        c.file_title = Some("data.csv".into());
        assert_eq!(
            c.text(),
            "2026, https://doi.org/10.5072/FK2/ABC, Root, V1; data.csv [fileName]"
        );
    }

    #[test]
    fn original_extensions() {
        assert_eq!(original_extension("text/csv"), ".csv");
        assert_eq!(original_extension("application/x-stata-13"), ".dta");
        assert_eq!(original_extension("text/plain"), "");
    }
}
