//! A data file's citation in the three download formats of `DataCitation`
//! (`toEndNoteString`, `toRISString`, `toBibtexString`). Files here have no PIDs of their own, so, as in Dataverse for such
//! files, the citation is the dataset's with the file named beside it (`C1` in RIS).

use super::ExportContext;
use super::xml::XmlWriter;

/// `V1` (the major number only, also for 1.2), or `DRAFT VERSION`
/// (`DataCitation.getVersionFrom`).
fn version(ctx: &ExportContext) -> String {
    super::citation::version_label(&ctx.version)
}

fn authors(ctx: &ExportContext) -> Vec<String> {
    ctx.citation
        .authors
        .iter()
        .map(|a| a.name.clone())
        .collect()
}

/// `(protocol, authority, identifier)` of the dataset PID.
fn pid_parts(ctx: &ExportContext) -> (String, String, String) {
    let d = &ctx.dataset;
    (
        d.protocol.clone(),
        d.authority.clone(),
        d.identifier.clone(),
    )
}

/// `writeAsBibtexCitation` (a dataset citation: `@data{identifier_year, ...}`).
pub(crate) fn bibtex(ctx: &ExportContext) -> String {
    let (protocol, authority, identifier) = pid_parts(ctx);
    let year = ctx.year();
    let mut out = format!("@data{{{identifier}_{year},\r\n");
    out.push_str(&format!("author = {{{}}},\r\n", authors(ctx).join(" and ")));
    out.push_str(&format!("publisher = {{{}}},\r\n", ctx.publisher));
    let title = ctx
        .citation
        .title
        .replacen('"', "``", 1)
        .replacen('"', "''", 1);
    out.push_str(&format!("title = {{{{{title}}}}},\r\n"));
    out.push_str(&format!("year = {{{year}}},\r\n"));
    out.push_str(&format!("version = {{{}}},\r\n", version(ctx)));
    if protocol == "doi" {
        out.push_str(&format!("doi = {{{authority}/{identifier}}},\r\n"));
    }
    out.push_str(&format!("url = {{{}}}\r\n}}\r\n", ctx.pid_url()));
    out
}

/// `writeAsRISCitation`, with the file's name as `C1`.
pub(crate) fn ris(ctx: &ExportContext, file_title: &str) -> String {
    let mut out = format!("Provider: {}\r\n", ctx.publisher);
    out.push_str("Content: text/plain; charset=\"utf-8\"\r\n");
    out.push_str("TY  - DATA\r\n");
    out.push_str(&format!("T1  - {}\r\n", ctx.citation.title));
    for a in authors(ctx) {
        out.push_str(&format!("AU  - {a}\r\n"));
    }
    out.push_str(&format!("DO  - {}\r\n", ctx.pid()));
    out.push_str(&format!("ET  - {}\r\n", version(ctx)));
    for k in &ctx.citation.keywords {
        out.push_str(&format!("KW  - {k}\r\n"));
    }
    for l in &ctx.citation.languages {
        out.push_str(&format!("LA  - {l}\r\n"));
    }
    out.push_str(&format!("PY  - {}\r\n", ctx.year()));
    out.push_str(&format!("SE  - {}\r\n", ctx.citation_date()));
    out.push_str(&format!("UR  - {}\r\n", ctx.pid_url()));
    out.push_str(&format!("PB  - {}\r\n", ctx.publisher));
    out.push_str(&format!("C1  - {file_title}\r\n"));
    out.push_str("ER  - \r\n");
    out
}

/// `createEndNoteXML`: one `record` of type Dataset (59).
pub(crate) fn endnote(ctx: &ExportContext) -> String {
    let (protocol, authority, identifier) = pid_parts(ctx);
    let mut x = XmlWriter::new();
    x.open("xml", &[]).open("records", &[]).open("record", &[]);
    x.leaf("ref-type", &[("name", "Dataset")], "59");
    x.open("contributors", &[]);
    let names = authors(ctx);
    if !names.is_empty() {
        x.open("authors", &[]);
        for a in &names {
            x.leaf("author", &[], a);
        }
        x.close();
    }
    x.close();
    x.open("titles", &[])
        .leaf("title", &[], &ctx.citation.title)
        .close();
    x.leaf("section", &[], &ctx.citation_date());
    x.leaf(
        "abstract",
        &[],
        ctx.citation
            .descriptions
            .first()
            .map(String::as_str)
            .unwrap_or(""),
    );
    x.open("dates", &[]).leaf("year", &[], &ctx.year()).close();
    x.leaf("edition", &[], &version(ctx));
    if !ctx.citation.keywords.is_empty() {
        x.open("keywords", &[]);
        for k in &ctx.citation.keywords {
            x.leaf("keyword", &[], k);
        }
        x.close();
    }
    x.leaf("publisher", &[], &ctx.publisher);
    x.open("urls", &[])
        .open("related-urls", &[])
        .leaf("url", &[], &ctx.pid_url())
        .close()
        .close();
    if protocol == "doi" {
        x.leaf(
            "electronic-resource-num",
            &[],
            &format!("{protocol}/{authority}/{identifier}"),
        );
    }
    x.finish()
}
