//! `Datacite` / `oai_datacite`: a DataCite kernel-4 `resource` (`DataCiteExporter` /
//! `OpenAireExporter`): identifier, creators, titles, publisher, year, subjects, contacts,
//! dates, resource type, version, rights and descriptions.

use super::ExportContext;
use super::oai_dc::XSI;
use super::xml::XmlWriter;

/// DataCite kernel namespace.
pub(crate) const DATACITE_NS: &str = "http://datacite.org/schema/kernel-4";

/// Which schema version the document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// kernel 4.5 (`Datacite`).
    V45,
    /// kernel 4.1 (`oai_datacite`, OpenAIRE).
    V41,
}

impl Kernel {
    fn schema_location(self) -> &'static str {
        match self {
            Kernel::V45 => {
                "http://datacite.org/schema/kernel-4 http://schema.datacite.org/meta/kernel-4.5/metadata.xsd"
            }
            Kernel::V41 => {
                "http://datacite.org/schema/kernel-4 http://schema.datacite.org/meta/kernel-4.1/metadata.xsd"
            }
        }
    }
}

/// Render the export.
pub(crate) fn render(ctx: &ExportContext, kernel: Kernel) -> String {
    let c = &ctx.citation;
    let mut w = XmlWriter::new();
    w.open(
        "resource",
        &[
            ("xmlns:xsi", XSI),
            ("xmlns", DATACITE_NS),
            ("xsi:schemaLocation", kernel.schema_location()),
        ],
    );
    w.leaf(
        "identifier",
        &[("identifierType", ctx.id_type())],
        &ctx.bare_id(),
    );

    w.open("creators", &[]);
    for a in &c.authors {
        w.open("creator", &[]);
        match a.person_parts() {
            Some((given, family)) => {
                w.leaf("creatorName", &[("nameType", "Personal")], &a.name);
                w.leaf("givenName", &[], given);
                w.leaf("familyName", &[], family);
            }
            None => {
                w.leaf("creatorName", &[("nameType", "Organizational")], &a.name);
            }
        }
        if let (Some(scheme), Some(id)) = (&a.id_scheme, &a.id) {
            let scheme_uri = match scheme.as_str() {
                "ORCID" => "https://orcid.org/",
                "ISNI" => "http://isni.org/isni/",
                "ROR" => "https://ror.org/",
                _ => "",
            };
            if scheme_uri.is_empty() {
                w.leaf("nameIdentifier", &[("nameIdentifierScheme", scheme)], id);
            } else {
                w.leaf(
                    "nameIdentifier",
                    &[("schemeURI", scheme_uri), ("nameIdentifierScheme", scheme)],
                    id,
                );
            }
        }
        if let Some(aff) = &a.affiliation {
            w.leaf("affiliation", &[], aff);
        }
        w.close();
    }
    w.close();

    w.open("titles", &[]);
    w.leaf("title", &[], &c.title);
    if let Some(s) = &c.subtitle {
        w.leaf("title", &[("titleType", "Subtitle")], s);
    }
    w.close();
    w.leaf("publisher", &[], &ctx.publisher);
    w.leaf("publicationYear", &[], &ctx.year());

    let subjects = c.subjects_and_keywords();
    if !subjects.is_empty() {
        w.open("subjects", &[]);
        for s in &subjects {
            w.leaf("subject", &[], s);
        }
        w.close();
    }

    let contacts: Vec<&str> = c
        .contacts
        .iter()
        .filter_map(|x| x.name.as_deref())
        .collect();
    if !contacts.is_empty() {
        w.open("contributors", &[]);
        for n in contacts {
            w.open("contributor", &[("contributorType", "ContactPerson")]);
            w.leaf("contributorName", &[], n);
            w.close();
        }
        w.close();
    }

    w.open("dates", &[]);
    if let Some(d) = &c.date_of_deposit {
        w.leaf("date", &[("dateType", "Submitted")], d);
    }
    if let Some(d) = ctx.publication_date() {
        w.leaf("date", &[("dateType", "Available")], &d);
    }
    w.leaf("date", &[("dateType", "Updated")], &ctx.modified_date());
    w.close();

    if let Some(l) = c.languages.first() {
        w.leaf("language", &[], l);
    }
    w.empty("resourceType", &[("resourceTypeGeneral", "Dataset")]);
    w.leaf("version", &[], &ctx.version_label());

    w.open("rightsList", &[]);
    if kernel == Kernel::V41 {
        w.empty(
            "rights",
            &[("rightsURI", "info:eu-repo/semantics/openAccess")],
        );
    }
    if let Some(l) = &ctx.license {
        w.leaf("rights", &[("rightsURI", &l.uri)], &l.name);
    }
    w.close();

    if !c.descriptions.is_empty() {
        w.open("descriptions", &[]);
        for d in &c.descriptions {
            w.leaf("description", &[("descriptionType", "Abstract")], d);
        }
        w.close();
    }
    w.finish()
}
