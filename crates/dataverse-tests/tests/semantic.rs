//! The semantic (JSON-LD) metadata API through the library against the embedded Dataverse:
//! the aggregation read as JSON-LD by a conforming processor (oxjsonld, through
//! `jsonld_triples`), versions and bulk reads, adding, replacing and deleting metadata given
//! as JSON-LD with Dataverse's refusals; and the small pyDataverse gaps (persistent URL,
//! `get_children`, the `*_dataverse` names).

mod common;

use dataverse_client::api::tree::{ChildType, ParentType, TreeNode};
use dataverse_client::models::jsonld::{Node, Object, jsonld_triples};
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi, Version};
use dataverse_tests::{TestServer, fixture_json};
use serde_json::{Value, json};

const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";
const KEYWORD: &str = "https://dataverse.org/schema/citation/keyword";
const KEYWORD_VALUE: &str = "https://dataverse.org/schema/citation/keywordValue";

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

async fn create(api: &NativeApi) -> String {
    api.create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .persistent_id
}

fn message(e: &Error) -> String {
    e.api_error()
        .map(|a| a.message.clone())
        .unwrap_or_else(|| e.to_string())
}

/// The literal objects of `predicate` on the dataset node of `doc`, parsed as JSON-LD.
fn literals(doc: &Value, subject: &str, predicate: &str) -> Vec<String> {
    jsonld_triples(doc)
        .unwrap()
        .into_iter()
        .filter(|t| t.subject == Node::Iri(subject.into()) && t.predicate == predicate)
        .filter_map(|t| match t.object {
            Object::Literal { value, .. } => Some(value),
            _ => None,
        })
        .collect()
}

/// The keyword values of a version, read from its JSON-LD.
fn keywords(doc: &Value) -> Vec<String> {
    let triples = jsonld_triples(doc).unwrap();
    let mut out: Vec<String> = triples
        .iter()
        .filter(|t| t.predicate == KEYWORD)
        .filter_map(|t| match &t.object {
            Object::Blank { value } => Some(value.clone()),
            _ => None,
        })
        .flat_map(|node| {
            triples
                .iter()
                .filter(move |t| {
                    t.subject == Node::Blank(node.clone()) && t.predicate == KEYWORD_VALUE
                })
                .filter_map(|t| match &t.object {
                    Object::Literal { value, .. } => Some(value.clone()),
                    _ => None,
                })
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn the_aggregation_is_json_ld_with_an_inline_context() {
    let server = TestServer::start().await;
    let api = server.admin();
    let pid = create(&api).await;
    let doc = api.get_dataset_jsonld(pid.as_str(), None).await.unwrap();
    // An inline context, no remote one: a processor needs no network.
    assert!(doc["@context"].is_object(), "{doc}");
    assert_eq!(doc["@context"]["schema"], "http://schema.org/");
    assert!(
        doc.get("ore:aggregates").is_none(),
        "the aggregation only: {doc}"
    );
    let url = api.get_dataset_persistent_url(pid.as_str()).await.unwrap();
    assert_eq!(url, pid.replacen("doi:", "https://doi.org/", 1));
    assert_eq!(doc["@id"], url.as_str());
    // Parsed as JSON-LD (expanded to RDF), not only as JSON.
    assert_eq!(literals(&doc, &url, DCTERMS_TITLE), ["Darwin's Finches"]);
    assert_eq!(
        literals(&doc, &url, "http://schema.org/name"),
        ["Darwin's Finches"]
    );
    assert_eq!(
        literals(&doc, &url, "http://schema.org/creativeWorkStatus"),
        ["DRAFT"]
    );
    let triples = jsonld_triples(&doc).unwrap();
    assert!(triples.iter().any(|t| t.subject == Node::Iri(url.clone())
        && t.predicate == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        && t.object
            == Object::Iri {
                value: "http://schema.org/Dataset".into()
            }));

    // A version by name; a guest sees no draft.
    let draft = api
        .get_dataset_jsonld(pid.as_str(), Some(Version::Draft))
        .await
        .unwrap();
    assert_eq!(draft["schema:name"], "Darwin's Finches");
    let guest = common::client(&server.base_url, None);
    let e = guest
        .get_dataset_jsonld(pid.as_str(), Some(Version::Draft))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    let e = api
        .get_dataset_jsonld(pid.as_str(), Some(Version::parse("1.0").unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");

    // Many at once, in input order, each its own result.
    let other = create(&api).await;
    let all = api
        .get_datasets_jsonld(
            [pid.as_str(), "doi:10.5072/FK2/NOPE00", other.as_str()],
            None,
        )
        .await;
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].as_ref().unwrap()["@id"], url.as_str());
    assert!(matches!(all[1], Err(Error::NotFound(_))), "{:?}", all[1]);
    assert_eq!(
        all[2].as_ref().unwrap()["@id"],
        other.replacen("doi:", "https://doi.org/", 1).as_str()
    );

    // The versioned path without `Accept: application/ld+json` answers the fields by block.
    let r = reqwest::Client::new()
        .get(format!(
            "{}/api/datasets/:persistentId/versions/:draft/metadata?persistentId={pid}",
            server.base_url
        ))
        .header("X-Dataverse-key", &server.admin_token)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["data"]["citation"]["fields"][0]["typeName"], "title",
        "{v}"
    );
    server.stop().await;
}

#[tokio::test]
async fn add_replace_and_delete_metadata_as_json_ld() {
    let server = TestServer::start().await;
    let api = server.admin();
    let pid = create(&api).await;
    let pid = pid.as_str();

    // Add: a multi-valued compound field, with a context of our own.
    let add = json!({
        "@context": {"c": "https://dataverse.org/schema/citation/"},
        "c:keyword": [{"c:keywordValue": "finches"}, {"c:keywordValue": "beaks"}]
    });
    let done = api.update_dataset_jsonld(pid, &add, false).await.unwrap();
    assert!(!done.created, "the draft was updated: {:?}", done.raw);
    assert!(!done.date.is_empty());
    let more = json!({"https://dataverse.org/schema/citation/keyword": {"https://dataverse.org/schema/citation/keywordValue": "islands"}});
    api.update_dataset_jsonld(pid, &more, false).await.unwrap();
    let doc = api.get_dataset_jsonld(pid, None).await.unwrap();
    assert_eq!(keywords(&doc), ["beaks", "finches", "islands"]);

    // A single-valued field that has a value cannot be added to; it can be replaced.
    let title = json!({"@context": {"title": DCTERMS_TITLE}, "title": "Galápagos Finches"});
    let e = api
        .update_dataset_jsonld(pid, &title, false)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest(_)), "{e:?}");
    assert_eq!(
        message(&e),
        "Can't append to a single-value field that already has a value: title"
    );
    api.update_dataset_jsonld(pid, &title, true).await.unwrap();
    let url = api.get_dataset_persistent_url(pid).await.unwrap();
    let doc = api.get_dataset_jsonld(pid, None).await.unwrap();
    assert_eq!(literals(&doc, &url, DCTERMS_TITLE), ["Galápagos Finches"]);

    // The server reads its own answer back: the aggregation, changed, replaces.
    let mut round = doc.clone();
    round["title"] = json!("Finches, Round Trip");
    api.update_dataset_jsonld(pid, &round, true).await.unwrap();
    let ds = api.get_dataset(pid, None).await.unwrap();
    assert_eq!(
        ds.dataset_version.unwrap().title(),
        Some("Finches, Round Trip")
    );
    let doc = api.get_dataset_jsonld(pid, None).await.unwrap();
    assert_eq!(keywords(&doc), ["beaks", "finches", "islands"]);

    // Refusals in Dataverse's words.
    let bad_cv = json!({"http://purl.org/dc/terms/subject": "Cooking"});
    let e = api
        .update_dataset_jsonld(pid, &bad_cv, false)
        .await
        .unwrap_err();
    assert_eq!(
        message(&e),
        "Unknown value for Controlled Vocab Field: subject : Cooking"
    );
    let two_titles = json!({"http://purl.org/dc/terms/title": ["a", "b"]});
    let e = api
        .update_dataset_jsonld(pid, &two_titles, true)
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Array for single value notsupported: title");
    let not_compound = json!({KEYWORD: "plain"});
    let e = api
        .update_dataset_jsonld(pid, &not_compound, false)
        .await
        .unwrap_err();
    assert_eq!(
        message(&e),
        "Compound field values must be JSON objects, field: keyword"
    );
    let remote = json!({"@context": "https://example.org/context.jsonld", "title": "x"});
    let e = api
        .update_dataset_jsonld(pid, &remote, false)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest(_)), "{e:?}");
    assert!(message(&e).starts_with("Error parsing Json: "), "{e:?}");
    let e = api
        .update_dataset_jsonld(pid, &json!([1]), false)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");

    // Delete: every value of a named field goes; unknown terms and required fields are refused.
    api.delete_dataset_jsonld(pid, &json!({KEYWORD: {}}))
        .await
        .unwrap();
    let doc = api.get_dataset_jsonld(pid, None).await.unwrap();
    assert!(keywords(&doc).is_empty(), "{doc}");
    let e = api
        .delete_dataset_jsonld(pid, &json!({"https://example.org/nothing": "x"}))
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Term: https://example.org/nothing not found.");
    let e = api
        .delete_dataset_jsonld(pid, &json!({DCTERMS_TITLE: "x"}))
        .await
        .unwrap_err();
    assert!(
        message(&e).starts_with("Validation Failed: Title is required."),
        "{e:?}"
    );

    // Only editors write; a published dataset gets a new draft.
    let guest = common::client(&server.base_url, None);
    let e = guest
        .update_dataset_jsonld(pid, &add, false)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Unauthorized(_)), "{e:?}");
    api.publish_dataset_and_wait(
        pid,
        dataverse_client::models::datasets::ReleaseType::Major,
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap();
    let done = api.update_dataset_jsonld(pid, &more, false).await.unwrap();
    assert!(done.created, "{:?}", done.raw);
    let published = api
        .get_dataset_jsonld(pid, Some(Version::parse("1.0").unwrap()))
        .await
        .unwrap();
    assert!(keywords(&published).is_empty());
    let draft = api.get_dataset_jsonld(pid, None).await.unwrap();
    assert_eq!(keywords(&draft), ["islands"]);
    server.stop().await;
}

#[tokio::test]
async fn children_aliases_and_persistent_urls() {
    let server = TestServer::start().await;
    let api = server.admin();
    let body = dataverse_client::models::collections::CollectionCreateBody::new(
        "Birds",
        "birds",
        "birds@example.edu",
    );
    let birds = api.create_dataverse(":root", &body).await.unwrap();
    assert_eq!(birds.alias.as_deref(), Some("birds"));
    assert_eq!(api.get_dataverse("birds").await.unwrap().id, birds.id);
    assert_eq!(
        api.dataverse_id2alias(birds.id.unwrap()).await.unwrap(),
        "birds"
    );
    let created = api
        .create_dataset("birds", &finch(), None, false)
        .await
        .unwrap();
    let pid = created.persistent_id.clone();
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, b"seen").unwrap();
    api.upload_datafile(
        pid.as_str(),
        dataverse_client::api::upload::UploadSource::path(&notes),
        &dataverse_client::UploadBody::default(),
    )
    .await
    .unwrap();
    assert_eq!(api.get_dataverse_contents("birds").await.unwrap().len(), 1);
    assert!(
        !api.get_dataverse_assignments("birds")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!api.get_dataverse_facets("birds").await.unwrap().is_empty());

    let all = [
        ChildType::Collections,
        ChildType::Datasets,
        ChildType::Files,
    ];
    let tree = api
        .get_children(":root", ParentType::Collection, &all)
        .await
        .unwrap();
    assert_eq!(tree.len(), 1, "{tree:?}");
    let TreeNode::Dataverse {
        dataverse_alias,
        title,
        children,
        ..
    } = &tree[0]
    else {
        panic!("{tree:?}")
    };
    assert_eq!(dataverse_alias, "birds");
    assert_eq!(title, "Birds");
    let TreeNode::Dataset {
        pid: found,
        children: files,
        dataset_id,
    } = &children[0]
    else {
        panic!("{children:?}")
    };
    assert_eq!(found, &pid);
    assert_eq!(*dataset_id, created.id);
    assert!(matches!(&files[0], TreeNode::Datafile { label, .. } if label == "notes.txt"));
    // pyDataverse's keys when serialized.
    let v = serde_json::to_value(&tree).unwrap();
    assert_eq!(v[0]["type"], "dataverse");
    assert_eq!(v[0]["children"][0]["type"], "dataset");
    assert_eq!(v[0]["children"][0]["children"][0]["filename"], "notes.txt");
    // Defaults: sub-collections only; a dataset's files.
    let only = api
        .get_children(":root", ParentType::Collection, &[])
        .await
        .unwrap();
    assert!(matches!(&only[0], TreeNode::Dataverse { children, .. } if children.is_empty()));
    let files = api
        .get_children(&pid, ParentType::Dataset, &[])
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
    let e = api
        .get_children(
            ":root",
            ParentType::Collection,
            &[ChildType::Collections, ChildType::Files],
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");

    assert!(api.publish_dataverse("birds").await.is_ok());
    let e = api.delete_dataverse("birds").await.unwrap_err();
    assert!(
        matches!(e, Error::Forbidden(_) | Error::BadRequest(_)),
        "{e:?}"
    );
    let e = api
        .get_dataset_persistent_url("doi:10.5072/FK2/NOPE00")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    server.stop().await;
}
