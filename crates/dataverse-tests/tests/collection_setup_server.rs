//! The embedded server's collection set-up endpoints over plain HTTP (independent of the
//! client): metadata blocks with inheritance, `isRoot`, input levels (printed and enforced),
//! the `metadataBlocks` object of create/update bodies, and attributes.

mod common;

use common::{create_user, http_call};
use dataverse_tests::{TestServer, fixture_json};
use reqwest::Method;
use serde_json::{Value, json};

struct Ctx {
    http: reqwest::Client,
    base: String,
    admin: String,
}

impl Ctx {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        http_call(&self.http, &self.base, method, path, token, body).await
    }
    async fn admin(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.call(method, path, Some(&self.admin), body).await
    }
    /// A superuser's call without a body that must be refused with `status` and Dataverse's
    /// `message`.
    async fn admin_refused(&self, method: Method, path: &str, status: u16, message: &str) {
        let (s, v) = self.admin(method, path, None).await;
        assert_eq!(
            (s, v["message"].as_str()),
            (status, Some(message)),
            "{path}"
        );
    }
}

fn names(v: &Value) -> Vec<&str> {
    v["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect()
}

fn collection(alias: &str) -> Value {
    json!({"name": alias, "alias": alias, "dataverseContacts": [{"contactEmail": "a@example.edu"}]})
}

async fn start() -> (TestServer, Ctx) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = TestServer::start().await;
    let ctx = Ctx {
        http: reqwest::Client::new(),
        base: server.base_url.clone(),
        admin: server.admin_token.clone(),
    };
    (server, ctx)
}

#[tokio::test]
async fn create_with_metadata_blocks_prints_and_inherits_them() {
    let (_server, ctx) = start().await;
    // The root: Dataverse's default description, the citation block only.
    let (s, root) = ctx.admin(Method::GET, "/api/dataverses/:root", None).await;
    assert_eq!(s, 200);
    assert_eq!(root["data"]["description"], "The root dataverse.");
    let (_, blocks) = ctx
        .call(
            Method::GET,
            "/api/dataverses/root/metadatablocks",
            None,
            None,
        )
        .await;
    assert_eq!(names(&blocks), ["citation"]);

    let body = fixture_json("requests/dataverse-create-with-metadataBlocks.json");
    let (s, created) = ctx
        .admin(Method::POST, "/api/dataverses/root", Some(&body))
        .await;
    assert_eq!(s, 201, "{created}");
    let d = &created["data"];
    assert_eq!(d["isMetadataBlockRoot"], true);
    assert_eq!(d["isFacetRoot"], true);
    assert_eq!(d["permissionRoot"], true);
    let levels = d["inputLevels"].as_array().unwrap();
    assert_eq!(levels.len(), 8);
    assert_eq!(
        levels[0],
        json!({"datasetFieldTypeName": "geographicCoverage", "required": true, "include": true})
    );

    let (_, blocks) = ctx
        .admin(Method::GET, "/api/dataverses/science/metadatablocks", None)
        .await;
    assert_eq!(names(&blocks), ["citation", "geospatial"]);
    let (_, full) = ctx
        .admin(
            Method::GET,
            "/api/dataverses/science/metadatablocks?returnDatasetFieldTypes=true",
            None,
        )
        .await;
    let geo = &full["data"][1]["fields"];
    assert!(geo.get("geographicUnit").is_none(), "excluded field: {geo}");
    assert!(geo.get("geographicBoundingBox").is_none());
    assert_eq!(geo["geographicCoverage"]["isRequired"], true);
    assert_eq!(
        geo["geographicCoverage"]["childFields"]["country"]["isRequired"],
        true
    );
    assert_eq!(
        geo["geographicCoverage"]["childFields"]["state"]["isRequired"],
        false
    );
    let (_, facets) = ctx
        .admin(Method::GET, "/api/dataverses/science/facets", None)
        .await;
    assert_eq!(facets["data"], json!(["authorName", "authorAffiliation"]));

    // A sub-collection without blocks of its own shows its parent's.
    let (s, child) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/science",
            Some(&collection("science-child")),
        )
        .await;
    assert_eq!(s, 201, "{child}");
    assert_eq!(child["data"]["isMetadataBlockRoot"], false);
    assert_eq!(child["data"]["permissionRoot"], true);
    let (_, blocks) = ctx
        .admin(
            Method::GET,
            "/api/dataverses/science-child/metadatablocks",
            None,
        )
        .await;
    assert_eq!(names(&blocks), ["citation", "geospatial"]);
    // onlyDisplayedOnCreate: geospatial has a field required by the root's input levels.
    let (_, on_create) = ctx
        .admin(
            Method::GET,
            "/api/dataverses/science/metadatablocks?onlyDisplayedOnCreate=true&returnDatasetFieldTypes=true",
            None,
        )
        .await;
    assert_eq!(names(&on_create), ["citation", "geospatial"]);
    let geo = &on_create["data"][1]["fields"];
    assert!(geo.get("geographicCoverage").is_some(), "{geo}");
    assert!(geo.get("otherGeographicCoverage").is_none());

    // Update: inherit again.
    let (s, updated) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/science",
            Some(&json!({"metadataBlocks": {"inheritMetadataBlocksFromParent": true, "inheritFacetsFromParent": true}})),
        )
        .await;
    assert_eq!(s, 200, "{updated}");
    assert_eq!(updated["data"]["isMetadataBlockRoot"], false);
    assert_eq!(updated["data"]["isFacetRoot"], false);
    assert!(updated["data"].get("inputLevels").is_none());
    let (_, blocks) = ctx
        .admin(Method::GET, "/api/dataverses/science/metadatablocks", None)
        .await;
    assert_eq!(names(&blocks), ["citation"]);
}

#[tokio::test]
async fn create_and_update_refuse_bad_metadata_blocks() {
    let (_server, ctx) = start().await;
    let cases = [
        (
            json!({"metadataBlockNames": ["citation", "nope"]}),
            "Invalid metadata block name: \"nope\"",
        ),
        (
            json!({"metadataBlockNames": ["citation"], "inheritMetadataBlocksFromParent": true}),
            "Metadata block can not contain both metadataBlockNames and inheritMetadataBlocksFromParent: true",
        ),
        (
            json!({"facetIds": ["title"]}),
            "Dataset field type 'title' is not facetable",
        ),
        (
            json!({"facetIds": ["nope"]}),
            "Can't find dataset field type 'nope'",
        ),
        (
            json!({"inputLevels": [{"datasetFieldTypeName": "nope", "required": false, "include": true}]}),
            "Invalid dataset field type name: nope",
        ),
        (
            json!({"inputLevels": [{"datasetFieldTypeName": "notesText", "required": true, "include": false}]}),
            "The input level for the dataset field type notesText cannot be required if it is not included",
        ),
    ];
    for (mb, message) in cases {
        let mut body = collection("bad");
        body["metadataBlocks"] = mb.clone();
        let (s, v) = ctx
            .admin(Method::POST, "/api/dataverses/root", Some(&body))
            .await;
        assert_eq!((s, v["message"].as_str()), (400, Some(message)), "{mb}");
        let (s, v) = ctx
            .admin(
                Method::PUT,
                "/api/dataverses/root",
                Some(&json!({"metadataBlocks": mb})),
            )
            .await;
        assert_eq!((s, v["message"].as_str()), (400, Some(message)), "{mb}");
    }
    let (s, _) = ctx.admin(Method::GET, "/api/dataverses/bad", None).await;
    assert_eq!(s, 404, "nothing was created");
}

#[tokio::test]
async fn set_blocks_and_is_root() {
    let (_server, ctx) = start().await;
    let user = create_user(&ctx.http, &ctx.base, "blockuser").await;
    ctx.admin(
        Method::POST,
        "/api/dataverses/root",
        Some(&collection("lab")),
    )
    .await;
    let (_, v) = ctx
        .admin(
            Method::GET,
            "/api/dataverses/lab/metadatablocks/isRoot",
            None,
        )
        .await;
    assert_eq!(v["data"], false);

    let (s, v) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/lab/metadatablocks",
            Some(&json!(["citation", 3, "astrophysics", "citation"])),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["data"]["message"],
        "Metadata blocks of dataverse lab updated."
    );
    let (_, blocks) = ctx
        .admin(Method::GET, "/api/dataverses/lab/metadatablocks", None)
        .await;
    assert_eq!(
        names(&blocks),
        ["citation", "socialscience", "astrophysics"]
    );
    let (_, v) = ctx
        .admin(
            Method::GET,
            "/api/dataverses/lab/metadatablocks/isRoot",
            None,
        )
        .await;
    assert_eq!(v["data"], true);

    // Errors: an unknown block (Dataverse quotes the JSON value), an unknown collection,
    // a caller who may not edit.
    let (s, v) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/lab/metadatablocks",
            Some(&json!(["nope"])),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["message"], "Can't find metadata block '\"nope\"'");
    let (s, v) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/nosuch/metadatablocks",
            Some(&json!(["citation"])),
        )
        .await;
    assert_eq!(s, 404, "{v}");
    let (s, v) = ctx
        .call(
            Method::POST,
            "/api/dataverses/root/metadatablocks",
            Some(&user),
            Some(&json!(["citation"])),
        )
        .await;
    assert_eq!(s, 401);
    assert_eq!(
        v["message"],
        "User @blockuser is not permitted to perform requested action."
    );
    let (s, v) = ctx
        .call(
            Method::GET,
            "/api/dataverses/root/metadatablocks/isRoot",
            Some(&user),
            None,
        )
        .await;
    assert_eq!((s, v["message"].as_str()), (403, Some("Not authorized")));
    let (s, _) = ctx
        .call(
            Method::GET,
            "/api/dataverses/lab/metadatablocks",
            Some(&user),
            None,
        )
        .await;
    assert_eq!(s, 401, "an unpublished collection is not visible to others");
    let (s, v) = ctx
        .call(
            Method::GET,
            "/api/dataverses/nosuch/metadatablocks",
            None,
            None,
        )
        .await;
    assert_eq!(s, 404);
    assert_eq!(
        v["message"],
        "Can't find dataverse with identifier='nosuch'"
    );

    // isRoot false: the root collection's blocks again.
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/lab/metadatablocks/isRoot",
            Some(&json!("maybe")),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (400, Some("Illegal boolean value '\"maybe\"'"))
    );
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/lab/metadatablocks/isRoot",
            Some(&json!(false)),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["data"]["message"],
        "Dataverse lab is now a metadata  non-root"
    );
    let (_, blocks) = ctx
        .admin(Method::GET, "/api/dataverses/lab/metadatablocks", None)
        .await;
    assert_eq!(names(&blocks), ["citation"]);
}

#[tokio::test]
async fn input_levels_are_stored_and_enforced() {
    let (_server, ctx) = start().await;
    ctx.admin(
        Method::POST,
        "/api/dataverses/root",
        Some(&collection("notes")),
    )
    .await;
    let (_, v) = ctx
        .admin(Method::GET, "/api/dataverses/notes/inputLevels", None)
        .await;
    assert_eq!(v["data"], json!([]));
    let levels = json!([
        {"datasetFieldTypeName": "notesText", "required": true, "include": true, "displayOnCreate": true},
        {"datasetFieldTypeName": "northLatitude", "required": false, "include": false}
    ]);
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/notes/inputLevels",
            Some(&levels),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["message"]["message"],
        "You have successfully updated your dataverse!"
    );
    assert_eq!(v["data"]["isMetadataBlockRoot"], true);
    assert_eq!(v["data"]["inputLevels"], levels);
    let (_, v) = ctx
        .admin(Method::GET, "/api/dataverses/notes/inputLevels", None)
        .await;
    assert_eq!(v["data"], levels);
    // The root's blocks plus the block of a field with a level.
    let (_, blocks) = ctx
        .admin(Method::GET, "/api/dataverses/notes/metadatablocks", None)
        .await;
    assert_eq!(names(&blocks), ["citation", "geospatial"]);

    // Errors.
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/notes/inputLevels",
            Some(&json!([])),
        )
        .await;
    assert_eq!(s, 500);
    assert_eq!(
        v["message"],
        "Error while updating dataverse input levels: Input level list cannot be null or empty"
    );
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/notes/inputLevels",
            Some(&json!([{"datasetFieldTypeName": "nope", "required": true, "include": true}])),
        )
        .await;
    assert_eq!(
        (s, v["message"].as_str()),
        (400, Some("Invalid dataset field type name: nope"))
    );
    let (s, _) = ctx
        .admin(Method::GET, "/api/dataverses/nosuch/inputLevels", None)
        .await;
    assert_eq!(s, 404);

    // Enforced: validateDatasetJson, create, and clearing the field in editMetadata.
    let mut dataset = fixture_json("requests/dataset-create-finch1.json");
    let (_, v) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/notes/validateDatasetJson",
            Some(&dataset),
        )
        .await;
    let m = v["data"]["message"].as_str().unwrap();
    assert!(
        m.contains("failed validation") && m.contains("Notes is required."),
        "{m}"
    );
    let (s, v) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/notes/datasets",
            Some(&dataset),
        )
        .await;
    assert_eq!(s, 403, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("Notes is required."),
        "{v}"
    );
    // The same body is fine in the root, which has no such level.
    let (s, _) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/root/datasets",
            Some(&dataset),
        )
        .await;
    assert_eq!(s, 201);

    let fields = dataset["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
        .as_array_mut()
        .unwrap();
    fields.push(json!({"typeName": "notesText", "multiple": false, "typeClass": "primitive", "value": "Some notes"}));
    let (s, created) = ctx
        .admin(
            Method::POST,
            "/api/dataverses/notes/datasets",
            Some(&dataset),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let id = created["data"]["id"].as_i64().unwrap();
    let clear = json!({"fields": [{"typeName": "notesText", "value": ""}]});
    let (s, v) = ctx
        .admin(
            Method::PUT,
            &format!("/api/datasets/{id}/editMetadata?replace=true"),
            Some(&clear),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        v["message"],
        "Error parsing dataset update: Empty required value for field: notesText"
    );

    // The listing shows the level: required, and the excluded field is left out.
    let (_, full) = ctx
        .admin(
            Method::GET,
            "/api/dataverses/notes/metadatablocks?returnDatasetFieldTypes=true",
            None,
        )
        .await;
    assert_eq!(full["data"][0]["fields"]["notesText"]["isRequired"], true);
    assert_eq!(
        full["data"][0]["fields"]["notesText"]["displayOnCreate"],
        true
    );
    let bbox = &full["data"][1]["fields"]["geographicBoundingBox"]["childFields"];
    assert!(
        bbox.get("northLatitude").is_none() && bbox.get("southLatitude").is_some(),
        "{bbox}"
    );
}

#[tokio::test]
async fn attributes() {
    let (_server, ctx) = start().await;
    let user = create_user(&ctx.http, &ctx.base, "attruser").await;
    ctx.admin(
        Method::POST,
        "/api/dataverses/root",
        Some(&collection("attrs")),
    )
    .await;
    ctx.admin(
        Method::POST,
        "/api/dataverses/attrs",
        Some(&collection("attrs-child")),
    )
    .await;

    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/attrs/attribute/name?value=New%20Name",
            None,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["message"]["message"], "Update successful");
    assert_eq!(v["data"]["name"], "New Name");
    for (attr, value) in [("description", "About"), ("affiliation", "Uni")] {
        let (s, v) = ctx
            .admin(
                Method::PUT,
                &format!("/api/dataverses/attrs/attribute/{attr}?value={value}"),
                None,
            )
            .await;
        assert_eq!((s, v["data"][attr].as_str()), (200, Some(value)));
    }
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/attrs/attribute/alias?value=attrs2",
            None,
        )
        .await;
    assert_eq!((s, v["data"]["alias"].as_str()), (200, Some("attrs2")));
    ctx.admin_refused(
        Method::PUT,
        "/api/dataverses/attrs2/attribute/alias?value=root",
        403,
        "A dataverse with alias root already exists",
    )
    .await;
    ctx.admin_refused(
        Method::PUT,
        "/api/dataverses/attrs2/attribute/name",
        403,
        "'name' requires a string value",
    )
    .await;
    ctx.admin_refused(
        Method::PUT,
        "/api/dataverses/attrs2/attribute/color?value=red",
        403,
        "'color' is not a supported attribute",
    )
    .await;
    let (s, _) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/nosuch/attribute/name?value=x",
            None,
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = ctx
        .call(
            Method::PUT,
            "/api/dataverses/attrs2/attribute/name?value=x",
            Some(&user),
            None,
        )
        .await;
    assert_eq!(s, 401);

    // Allowed dataset types: superusers only; names looked up one by one.
    let (s, v) = ctx
        .call(
            Method::PUT,
            "/api/dataverses/attrs2/attribute/allowedDatasetTypes?value=dataset",
            Some(&user),
            None,
        )
        .await;
    assert_eq!(s, 401, "{v}");
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/attrs2/attribute/allowedDatasetTypes?value=dataset,%20software,nope,",
            None,
        )
        .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(
        v["message"],
        "The collection could not be updated because allowedDatasetTypes is invalid."
    );
    assert_eq!(
        v["fieldErrors"]["allowedDatasetTypes"],
        "The following dataset types do not exist:  software, nope"
    );
    let (s, v) = ctx.admin(Method::GET, "/api/dataverses/attrs2", None).await;
    assert_eq!(s, 200);
    assert!(v["data"].get("allowedDatasetTypes").is_none(), "{v}");
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/attrs2/attribute/allowedDatasetTypes?value=%20dataset",
            None,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["data"]["allowedDatasetTypes"],
        json!([{"id": 1, "name": "dataset", "displayName": "Dataset",
            "description": "A study, experiment, set of observations, or publication. A dataset can comprise a single file or multiple files."}])
    );

    // Booleans: superusers only; the effective value is inherited.
    ctx.admin_refused(
        Method::PUT,
        "/api/dataverses/attrs2/attribute/requireFilesToPublishDataset?value=maybe",
        400,
        "Illegal boolean value 'maybe'",
    )
    .await;
    ctx.admin_refused(
        Method::PUT,
        "/api/dataverses/attrs2/attribute/requireFilesToPublishDataset",
        400,
        "Boolean value missing",
    )
    .await;
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/attrs2/attribute/requireFilesToPublishDataset?value=true",
            None,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["effectiveRequiresFilesToPublishDataset"], true);
    let (_, child) = ctx
        .admin(Method::GET, "/api/dataverses/attrs-child", None)
        .await;
    assert_eq!(
        child["data"]["effectiveRequiresFilesToPublishDataset"],
        true
    );
    let (_, root) = ctx.admin(Method::GET, "/api/dataverses/root", None).await;
    assert_eq!(
        root["data"]["effectiveRequiresFilesToPublishDataset"],
        false
    );

    // filePIDsEnabled needs :AllowEnablingFilePIDsPerCollection.
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/attrs-child/attribute/filePIDsEnabled?value=false",
            None,
        )
        .await;
    assert_eq!(s, 401, "{v}");
    let (s, _) = ctx
        .admin(
            Method::PUT,
            "/api/admin/settings/:AllowEnablingFilePIDsPerCollection",
            Some(&json!(true)),
        )
        .await;
    assert_eq!(s, 200);
    let (s, v) = ctx
        .call(
            Method::PUT,
            "/api/dataverses/attrs-child/attribute/filePIDsEnabled?value=true",
            Some(&user),
            None,
        )
        .await;
    assert_eq!(s, 401, "{v}");
    let (s, v) = ctx
        .admin(
            Method::PUT,
            "/api/dataverses/attrs-child/attribute/filePIDsEnabled?value=false",
            None,
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["data"]["filePIDsEnabled"], false);
    // Dataverse's switch falls through to requireFilesToPublishDataset.
    assert_eq!(v["data"]["effectiveRequiresFilesToPublishDataset"], false);
}
