//! The models against Dataverse's own data: every relevant real fixture decodes, and
//! what the embedded server sends has the same shape as the real thing.

use std::collections::{BTreeMap, BTreeSet};

use dataverse_client::models::info::Exporter;
use dataverse_client::models::licenses::License;
use dataverse_client::models::metadatablocks::{FieldType, MetadataBlock};
use dataverse_client::models::users::AuthenticatedUser;
use dataverse_tests::{TestServer, fixture_json, fixtures_dir};
use serde_json::Value;

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_license_fixture_decodes_and_round_trips() {
    let dir = fixtures_dir().join("licenses");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let raw: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let license: License = serde_json::from_value(raw.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            license.extra.is_empty(),
            "{}: unknown keys {:?}",
            path.display(),
            license.extra.keys()
        );
        assert!(
            license.uri.is_some() && license.active.is_some(),
            "{}",
            path.display()
        );
        assert_eq!(
            serde_json::to_value(&license).unwrap(),
            raw,
            "{} does not round-trip",
            path.display()
        );
        seen += 1;
    }
    assert_eq!(seen, 15);
}

#[test]
fn export_formats_fixture_decodes_and_round_trips() {
    let raw = fixture_json("responses/info-exportFormats.json");
    let data = raw["data"].clone();
    let formats: BTreeMap<String, Exporter> = serde_json::from_value(data.clone()).unwrap();
    assert!(formats.len() >= 10);
    for (name, e) in &formats {
        assert!(e.display_name.is_some() && e.media_type.is_some(), "{name}");
        assert!(e.extra.is_empty(), "{name}: {:?}", e.extra.keys());
    }
    assert_eq!(
        formats["ddi"].xml_namespace.as_deref(),
        Some("ddi:codebook:2_5")
    );
    assert_eq!(serde_json::to_value(&formats).unwrap(), data);
}

#[tokio::test]
async fn server_export_formats_equal_the_real_response() {
    let server = TestServer::start().await;
    let ours = server.anonymous().get_export_formats().await.unwrap();
    let real: BTreeMap<String, Exporter> =
        serde_json::from_value(fixture_json("responses/info-exportFormats.json")["data"].clone())
            .unwrap();
    assert_eq!(ours, real);
    server.stop().await;
}

#[tokio::test]
async fn server_licenses_have_the_real_shape() {
    let server = TestServer::start().await;
    let ours = server.anonymous().get_available_licenses().await.unwrap();
    let files = [
        "licenses/licenseCC0-1.0.json",
        "licenses/licenseCC-BY-4.0.json",
    ];
    assert_eq!(ours.len(), files.len());
    for (i, (license, file)) in ours.iter().zip(files).enumerate() {
        let real = fixture_json(file);
        let ours_json = serde_json::to_value(license).unwrap();
        // Every key and value of the definition is served; the server adds id and isDefault (WIRE §4.11).
        for (k, v) in real.as_object().unwrap() {
            assert_eq!(&ours_json[k], v, "{file}: {k}");
        }
        let mut expected_keys = keys(&real);
        expected_keys.extend(["id".to_string(), "isDefault".to_string()]);
        assert_eq!(keys(&ours_json), expected_keys, "{file}");
        assert_eq!(license.id, Some(i as u64 + 1));
        assert_eq!(license.is_default, Some(i == 0));
        assert!(license.extra.is_empty());
    }
    server.stop().await;
}

/// Count the `#datasetField` rows and controlled vocabulary values of a TSV, independently
/// of the emulator's parser.
fn tsv_counts(file: &str) -> (String, usize, BTreeMap<String, usize>) {
    let text = std::fs::read_to_string(fixtures_dir().join("metadatablocks").join(file)).unwrap();
    let mut section = "";
    let mut block = String::new();
    let mut fields = 0;
    let mut cv: BTreeMap<String, usize> = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if let Some(s) = cols.first().filter(|c| c.starts_with('#')) {
            section = s;
            continue;
        }
        if cols.len() < 3 || cols[1].trim().is_empty() {
            continue;
        }
        match section {
            "#metadataBlock" => block = cols[1].trim().to_string(),
            "#datasetField" => fields += 1,
            "#controlledVocabulary" => *cv.entry(cols[1].trim().to_string()).or_default() += 1,
            _ => {}
        }
    }
    (block, fields, cv)
}

fn all_fields(block: &MetadataBlock) -> Vec<&FieldType> {
    fn walk<'a>(f: &'a FieldType, out: &mut Vec<&'a FieldType>) {
        out.push(f);
        for c in f.child_fields.iter().flat_map(|c| c.values()) {
            walk(c, out);
        }
    }
    let mut out = Vec::new();
    for f in block.fields.values() {
        walk(f, &mut out);
    }
    out
}

#[tokio::test]
async fn server_blocks_match_the_real_tsvs() {
    let server = TestServer::start().await;
    let api = server.anonymous();
    let full = api
        .get_metadatablocks(true)
        .await
        .unwrap()
        .into_full()
        .unwrap();
    let files = [
        "citation.tsv",
        "geospatial.tsv",
        "social_science.tsv",
        "astrophysics.tsv",
        "biomedical.tsv",
        "journals.tsv",
        "3d_objects.tsv",
    ];
    assert_eq!(full.len(), files.len());
    for (file, (name, block)) in files.iter().zip(&full) {
        let (tsv_name, tsv_fields, tsv_cv) = tsv_counts(file);
        assert_eq!(&tsv_name, name, "{file}");
        let fields = all_fields(block);
        assert_eq!(
            fields.len(),
            tsv_fields,
            "{file}: every #datasetField row is served"
        );
        for f in &fields {
            assert!(
                f.extra.is_empty(),
                "{name}.{}: unknown keys {:?}",
                f.name,
                f.extra.keys()
            );
            assert!(
                f.type_class.is_some() && f.multiple.is_some() && f.field_type.is_some(),
                "{name}.{}",
                f.name
            );
            let served = f.controlled_vocabulary_values.as_ref().map_or(0, Vec::len);
            assert_eq!(
                served,
                tsv_cv.get(&f.name).copied().unwrap_or(0),
                "{name}.{} vocabulary",
                f.name
            );
        }
        assert!(block.extra.is_empty(), "{name}: {:?}", block.extra.keys());
    }
    let citation = &full["citation"];
    assert_eq!(citation.fields["title"].is_required, Some(true));
    assert!(
        citation.fields["author"]
            .child_fields
            .as_ref()
            .unwrap()
            .contains_key("authorName")
    );
    // socialscience has single-valued compounds (WIRE §6).
    assert_eq!(
        full["socialscience"].fields["targetSampleSize"].multiple,
        Some(false)
    );
    server.stop().await;
}

#[tokio::test]
async fn server_user_has_the_real_shape() {
    let server = TestServer::start().await;
    let me: AuthenticatedUser = server.admin().get_user().await.unwrap();
    assert!(me.extra.is_empty(), "{:?}", me.extra.keys());
    let admin = fixture_json("requests/builtin-user-create-dataverseAdmin.json");
    assert_eq!(me.identifier.as_deref(), Some("@dataverseAdmin"));
    assert_eq!(me.first_name.as_deref(), admin["firstName"].as_str());
    assert_eq!(me.last_name.as_deref(), admin["lastName"].as_str());
    assert_eq!(me.email.as_deref(), admin["email"].as_str());
    assert_eq!(me.affiliation.as_deref(), admin["affiliation"].as_str());
    assert_eq!(me.superuser, Some(true));
    assert_eq!(me.authentication_provider_id.as_deref(), Some("builtin"));
    let created = me.created_time.unwrap();
    assert!(created.len() == 20 && created.ends_with('Z'), "{created}");
    server.stop().await;
}

#[test]
fn dataset_exports_decode_and_round_trip() {
    use dataverse_client::models::datasets::Dataset;
    for file in [
        "responses/export-dataverse_json-draft.json",
        "responses/export-dataverse_json-published-max.json",
        "responses/export-dataverse_json-published-with-files.json",
    ] {
        let raw = fixture_json(file);
        let ds: Dataset =
            serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
        let version = ds.dataset_version.as_ref().unwrap();
        assert!(version.title().is_some_and(|t| !t.is_empty()), "{file}");
        assert!(ds.persistent_id().unwrap().starts_with("doi:"), "{file}");
        assert_eq!(
            serde_json::to_value(&ds).unwrap(),
            raw,
            "{file} does not round-trip"
        );
    }
    let published: Dataset = serde_json::from_value(fixture_json(
        "responses/export-dataverse_json-published-with-files.json",
    ))
    .unwrap();
    let v = published.dataset_version.unwrap();
    assert_eq!(v.version_label(), "1.0");
    assert_eq!(v.title(), Some("Cars"));
    let draft: Dataset =
        serde_json::from_value(fixture_json("responses/export-dataverse_json-draft.json")).unwrap();
    assert_eq!(draft.dataset_version.unwrap().version_number, None);
}

#[test]
fn create_bodies_metadata_blocks_decode_and_round_trip() {
    use dataverse_client::models::datasets::MetadataBlockValues;
    for file in [
        "requests/dataset-create-finch1.json",
        "requests/dataset-create-finch2.json",
        "requests/dataset-create-all-default-fields.json",
        "requests/dataset-create-with-datasetType-software.json",
    ] {
        let raw = fixture_json(file);
        let blocks = raw["datasetVersion"]["metadataBlocks"].clone();
        let decoded: indexmap::IndexMap<String, MetadataBlockValues> =
            serde_json::from_value(blocks.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(decoded.contains_key("citation"), "{file}");
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            blocks,
            "{file} does not round-trip"
        );
    }
}

#[test]
fn every_real_create_body_round_trips_through_the_model() {
    use dataverse_client::models::metadata::DatasetCreateBody;
    for file in [
        "requests/dataset-create-finch1.json",
        "requests/dataset-create-finch2.json",
        "requests/dataset-create-all-default-fields.json",
        "requests/dataset-create-with-datasetType-software.json",
        "requests/dataset-create-finch1-nolicense.json",
        "requests/dataset-create-finch1-fr-metadataLanguage.json",
        "requests/dataset-create-superuser-with-files.json",
        "requests/dataset-import-with-files.json",
        "requests/dataset-create-INVALID-empty.json",
        "requests/dataset-create-INVALID-missing-required.json",
    ] {
        let raw = fixture_json(file);
        let body: DatasetCreateBody =
            serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            raw,
            "{file} does not round-trip"
        );
    }
    let software: DatasetCreateBody = serde_json::from_value(fixture_json(
        "requests/dataset-create-with-datasetType-software.json",
    ))
    .unwrap();
    assert_eq!(software.dataset_type.as_deref(), Some("software"));
}

#[test]
fn every_real_edit_body_decodes() {
    use dataverse_client::models::metadata::EditMetadataBody;
    for file in [
        "requests/dataset-editMetadata-add.json",
        "requests/dataset-editMetadata-replace-sample.json",
        "requests/dataset-editMetadata-single-compound.json",
        "requests/dataset-editMetadata-single-cvoc.json",
        "requests/dataset-editMetadata-single-field.json",
        "requests/dataset-editMetadata-subject.json",
        "requests/dataset-deleteMetadata-authors.json",
    ] {
        let body: EditMetadataBody =
            serde_json::from_value(fixture_json(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!body.fields.is_empty(), "{file}");
    }
}

#[tokio::test]
async fn preflight_accepts_the_valid_fixtures_and_finds_every_problem_in_the_invalid_ones() {
    use dataverse_client::models::datasets::DatasetField;
    use dataverse_client::models::metadata::DatasetCreateBody;
    let server = TestServer::start().await;
    let api = server.anonymous();
    for file in [
        "requests/dataset-create-finch1.json",
        "requests/dataset-create-finch2.json",
        "requests/dataset-create-all-default-fields.json",
        "requests/dataset-create-with-datasetType-software.json",
    ] {
        let body: DatasetCreateBody = serde_json::from_value(fixture_json(file)).unwrap();
        let problems = api.preflight_dataset(&body).await.unwrap();
        assert!(problems.is_empty(), "{file}: {problems:?}");
    }
    let missing: DatasetCreateBody = serde_json::from_value(fixture_json(
        "requests/dataset-create-INVALID-missing-required.json",
    ))
    .unwrap();
    let problems = api.preflight_dataset(&missing).await.unwrap();
    let paths: BTreeSet<String> = problems.iter().map(|p| p.path.clone()).collect();
    for required in [
        "citation.author",
        "citation.datasetContact",
        "citation.dsDescription",
        "citation.subject",
    ] {
        assert!(
            paths.contains(required),
            "{required} missing from {paths:?}"
        );
    }
    let empty: DatasetCreateBody =
        serde_json::from_value(fixture_json("requests/dataset-create-INVALID-empty.json")).unwrap();
    assert!(
        api.preflight_dataset(&empty)
            .await
            .unwrap()
            .iter()
            .any(|p| p.path == "citation.title")
    );

    // Each kind of mistake, all reported at once.
    let mut body: DatasetCreateBody =
        serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap();
    body.set_field("citation", DatasetField::primitive("titel", "typo"));
    body.set_field(
        "citation",
        DatasetField::vocabulary_multiple("subject", ["Chemistry", "chemistry", "Alchemy"]),
    );
    body.set_field(
        "citation",
        DatasetField::primitive_multiple("productionDate", ["2020"]),
    );
    body.set_field(
        "citation",
        DatasetField::primitive("distributionDate", "2020-02-30"),
    );
    body.set_field("nosuchblock", DatasetField::primitive("x", "y"));
    let problems = api.preflight_dataset(&body).await.unwrap();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(
        has("citation.titel: is not a field of block 'citation'"),
        "{text:?}"
    );
    assert!(
        has("'chemistry' is not in the controlled vocabulary (did you mean 'Chemistry'?)"),
        "{text:?}"
    );
    assert!(
        has("'Alchemy' is not in the controlled vocabulary"),
        "{text:?}"
    );
    assert!(
        has("citation.productionDate: `multiple` is true but the field is single"),
        "{text:?}"
    );
    assert!(has("'2020-02-30' is not a date"), "{text:?}");
    assert!(has("nosuchblock.x: there is no metadata block"), "{text:?}");
    assert_eq!(problems.len(), 7, "{text:?}");
    server.stop().await;
}
