//! `ddi` / `oai_ddi`: a DDI Codebook 2.5 `codeBook` (`DdiExportUtil`): document
//! description, and study description with citation, subjects, abstract and access terms.

use super::ExportContext;
use super::oai_dc::XSI;
use super::xml::XmlWriter;

/// DDI Codebook 2.5 namespace.
pub(crate) const DDI_NS: &str = "ddi:codebook:2_5";

/// `titlStmt` with title, subtitle and the `IDNo`.
fn titl_stmt(w: &mut XmlWriter, ctx: &ExportContext, full: bool) {
    w.open("titlStmt", &[]);
    w.leaf("titl", &[], &ctx.citation.title);
    if full && let Some(s) = &ctx.citation.subtitle {
        w.leaf("subTitl", &[], s);
    }
    w.leaf("IDNo", &[("agency", ctx.id_type())], &ctx.pid());
    w.close();
}

/// `verStmt` with the version number, state and date.
fn ver_stmt(w: &mut XmlWriter, ctx: &ExportContext) {
    let number = match ctx.version.version_number {
        Some(major) => format!("{major}.{}", ctx.version.minor_version_number.unwrap_or(0)),
        None => "DRAFT".to_string(),
    };
    let date = ctx
        .publication_date()
        .unwrap_or_else(|| ctx.modified_date());
    w.open("verStmt", &[("source", "archive")]);
    w.leaf(
        "version",
        &[("date", &date), ("type", ctx.version.state.as_str())],
        &number,
    );
    w.close();
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext) -> String {
    let c = &ctx.citation;
    let mut w = XmlWriter::new();
    w.open(
        "codeBook",
        &[
            ("xmlns", DDI_NS),
            ("xmlns:xsi", XSI),
            (
                "xsi:schemaLocation",
                "ddi:codebook:2_5 https://ddialliance.org/Specification/DDI-Codebook/2.5/XMLSchema/codebook.xsd",
            ),
            ("version", "2.5"),
        ],
    );
    // docDscr
    w.open("docDscr", &[]).open("citation", &[]);
    titl_stmt(&mut w, ctx, false);
    w.open("distStmt", &[]);
    w.leaf("distrbtr", &[("source", "archive")], &ctx.publisher);
    if let Some(d) = ctx.publication_date() {
        w.leaf("distDate", &[], &d);
    }
    w.close();
    ver_stmt(&mut w, ctx);
    w.leaf("biblCit", &[], &ctx.citation_text());
    w.close().close();

    // stdyDscr
    w.open("stdyDscr", &[]).open("citation", &[]);
    titl_stmt(&mut w, ctx, true);
    w.open("rspStmt", &[]);
    for a in &c.authors {
        match &a.affiliation {
            Some(aff) => w.leaf("AuthEnty", &[("affiliation", aff)], &a.name),
            None => w.leaf("AuthEnty", &[], &a.name),
        };
    }
    w.close();
    if let Some(d) = &c.production_date {
        w.open("prodStmt", &[]).leaf("prodDate", &[], d).close();
    }
    w.open("distStmt", &[]);
    w.leaf("distrbtr", &[("source", "archive")], &ctx.publisher);
    for contact in &c.contacts {
        let mut attrs: Vec<(&str, &str)> = Vec::new();
        if let Some(aff) = &contact.affiliation {
            attrs.push(("affiliation", aff));
        }
        if let Some(e) = &contact.email {
            attrs.push(("email", e));
        }
        w.leaf(
            "contact",
            &attrs,
            contact.name.as_deref().unwrap_or_default(),
        );
    }
    if let Some(d) = &c.depositor {
        w.leaf("depositr", &[], d);
    }
    if let Some(d) = &c.date_of_deposit {
        w.leaf("depDate", &[], d);
    }
    if let Some(d) = ctx.publication_date() {
        w.leaf("distDate", &[], &d);
    }
    w.close();
    ver_stmt(&mut w, ctx);
    w.empty("holdings", &[("URI", &ctx.pid_url())]);
    w.close(); // citation

    w.open("stdyInfo", &[]);
    w.open("subject", &[]);
    for s in &c.subjects {
        w.leaf("keyword", &[("xml:lang", "en")], s);
    }
    for k in &c.keywords {
        w.leaf("keyword", &[], k);
    }
    w.close();
    for d in &c.descriptions {
        w.leaf("abstract", &[], d);
    }
    w.close(); // stdyInfo

    w.open("dataAccs", &[]);
    w.empty("setAvail", &[]);
    w.open("useStmt", &[]);
    if let Some(l) = &ctx.license {
        w.leaf("conditions", &[], &format!("{} ({})", l.name, l.uri));
    }
    w.close();
    w.close(); // dataAccs
    w.finish()
}
