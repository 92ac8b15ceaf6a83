//! `dcterms`: qualified Dublin Core (`DublinCoreExportUtil`, DCTERMS flavour).

use super::ExportContext;
use super::oai_dc::{XSI, write_elements};
use super::xml::XmlWriter;

/// Render the export.
pub(crate) fn render(ctx: &ExportContext) -> String {
    let mut w = XmlWriter::new();
    w.open(
        "metadata",
        &[
            ("xmlns", "http://dublincore.org/documents/dcmi-terms/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:xsi", XSI),
            (
                "xsi:schemaLocation",
                "http://purl.org/dc/terms/ http://dublincore.org/schemas/xmls/qdc/dcterms.xsd",
            ),
        ],
    );
    write_elements(&mut w, ctx, "dcterms", true);
    w.finish()
}
