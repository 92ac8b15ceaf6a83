//! `oai_dc`: simple Dublin Core in the OAI-PMH `oai_dc:dc` container
//! (`DublinCoreExportUtil`, DC flavour).

use super::ExportContext;
use super::xml::XmlWriter;

/// `xsi` namespace.
pub(crate) const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Write the Dublin Core elements shared by `oai_dc` and `dcterms` with element prefix
/// `p`; `qualified` adds the dcterms-only refinements (issued, modified, dateSubmitted,
/// license).
pub(crate) fn write_elements(w: &mut XmlWriter, ctx: &ExportContext, p: &str, qualified: bool) {
    let c = &ctx.citation;
    let el = |name: &str| format!("{p}:{name}");
    w.leaf(&el("title"), &[], &c.title);
    w.leaf(&el("identifier"), &[], &ctx.pid_url());
    for a in &c.authors {
        w.leaf(&el("creator"), &[], &a.name);
    }
    w.leaf(&el("publisher"), &[], &ctx.publisher);
    if qualified {
        if let Some(d) = ctx.publication_date() {
            w.leaf(&el("issued"), &[], &d);
        }
        w.leaf(&el("modified"), &[], &ctx.modified_date());
    } else {
        w.leaf(&el("date"), &[], &ctx.citation_date());
    }
    for d in &c.descriptions {
        w.leaf(&el("description"), &[], d);
    }
    for s in c.subjects_and_keywords() {
        w.leaf(&el("subject"), &[], &s);
    }
    for l in &c.languages {
        w.leaf(&el("language"), &[], l);
    }
    for contact in &c.contacts {
        if let Some(n) = &contact.name {
            w.leaf(&el("contributor"), &[], n);
        }
    }
    if qualified && let Some(d) = &c.date_of_deposit {
        w.leaf(&el("dateSubmitted"), &[], d);
    }
    w.leaf(&el("type"), &[], "Dataset");
    if let Some(l) = &ctx.license {
        if qualified {
            w.leaf(&el("license"), &[], &l.uri);
        }
        w.leaf(&el("rights"), &[], &l.name);
    }
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext) -> String {
    let mut w = XmlWriter::new();
    w.open(
        "oai_dc:dc",
        &[
            ("xmlns:xsi", XSI),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
            (
                "xsi:schemaLocation",
                "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
            ),
        ],
    );
    write_elements(&mut w, ctx, "dc", false);
    w.finish()
}
