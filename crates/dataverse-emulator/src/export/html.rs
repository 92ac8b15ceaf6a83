//! `html`: a small (X)HTML rendering of the DDI codebook (Dataverse serves the DDI through
//! an XSLT; this keeps the same sections: document and study description).

use super::ExportContext;
use super::xml::XmlWriter;

fn row(w: &mut XmlWriter, label: &str, value: &str) {
    w.open("tr", &[]);
    w.leaf("th", &[], label);
    w.leaf("td", &[], value);
    w.close();
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext) -> String {
    let c = &ctx.citation;
    let mut w = XmlWriter::fragment();
    w.raw("<!DOCTYPE html>");
    w.open("html", &[("xmlns", "http://www.w3.org/1999/xhtml")]);
    w.open("head", &[]);
    w.empty("meta", &[("charset", "UTF-8")]);
    w.leaf("title", &[], &c.title);
    w.close();
    w.open("body", &[]);
    w.leaf("h1", &[], &c.title);

    w.leaf("h2", &[], "Document Description");
    w.open("table", &[("class", "docDscr")]);
    row(&mut w, "Citation", &ctx.citation_text());
    row(&mut w, "Title", &c.title);
    row(&mut w, "Identification Number", &ctx.pid());
    row(&mut w, "Distributor", &ctx.publisher);
    if let Some(d) = ctx.publication_date() {
        row(&mut w, "Date of Distribution", &d);
    }
    row(&mut w, "Version", &ctx.version_label());
    w.close();

    w.leaf("h2", &[], "Study Description");
    w.open("table", &[("class", "stdyDscr")]);
    row(&mut w, "Title", &c.title);
    if let Some(s) = &c.subtitle {
        row(&mut w, "Subtitle", s);
    }
    row(&mut w, "Identification Number", &ctx.pid());
    for a in &c.authors {
        let text = match &a.affiliation {
            Some(aff) => format!("{} ({aff})", a.name),
            None => a.name.clone(),
        };
        row(&mut w, "Authoring Entity", &text);
    }
    if let Some(d) = &c.depositor {
        row(&mut w, "Depositor", d);
    }
    if let Some(d) = &c.date_of_deposit {
        row(&mut w, "Date of Deposit", d);
    }
    for d in &c.descriptions {
        row(&mut w, "Abstract", d);
    }
    let subjects = c.subjects_and_keywords();
    if !subjects.is_empty() {
        row(&mut w, "Keywords", &subjects.join(", "));
    }
    if let Some(l) = &ctx.license {
        row(&mut w, "License", &l.name);
    }
    row(&mut w, "Persistent URL", &ctx.pid_url());
    w.finish()
}
