//! Property tests of response decoding: arbitrary JSON (random, and real fixtures with a
//! random subtree replaced) decoded as every main model never panics, decoded models survive
//! a serialize/decode round trip, and arbitrary bytes answered by a server to the client's
//! real request path end in a typed error or a value, never a panic.
//!
//! Case counts are fixed so the pass is bounded in CI.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use dataverse_client::models::collections::{Collection, ContentItem};
use dataverse_client::models::datasets::{
    CreatedDataset, Dataset, DatasetVersion, Lock, PrivateUrl,
};
use dataverse_client::models::info::{Exporter, ServerInfo, VersionInfo};
use dataverse_client::models::licenses::License;
use dataverse_client::models::metadatablocks::{MetadataBlock, MetadataBlockInfo};
use dataverse_client::models::roles::{Role, RoleAssignment};
use dataverse_client::models::users::AuthenticatedUser;
use dataverse_client::{Error, NativeApi, RetryPolicy};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn fixtures_dir() -> PathBuf {
    std::env::var_os("DATAVERSE_FIXTURES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/dataverse-fixtures")
        })
}

/// Real response shapes to mutate: the fixtures (all required), plus the documented shapes of
/// the small objects (WIRE §4).
fn seeds() -> Vec<Value> {
    let mut out = vec![
        json!({"version": "6.11", "build": "1234-abc"}),
        json!({"message": "localhost"}),
        json!({"id": 1, "alias": "root", "name": "Root", "dataverseContacts": [{"displayOrder": 0, "contactEmail": "a@b.c"}],
               "permissionRoot": true, "dataverseType": "UNCATEGORIZED", "isReleased": true, "creationDate": "2024-01-01T00:00:00Z"}),
        json!([{"type": "dataverse", "id": 2, "title": "Lab"},
               {"type": "dataset", "id": 3, "identifier": "FK2/ABC", "protocol": "doi", "authority": "10.5072", "separator": "/"}]),
        json!({"id": 42, "persistentId": "doi:10.5072/FK2/ABCDEF"}),
        json!([{"lockType": "Ingest", "date": "Fri Aug 17 15:05:51 EDT 2018", "user": "dataverseAdmin", "dataset": "doi:10.5072/FK2/A", "message": "m"}]),
        json!({"token": "abc", "link": "http://localhost/privateurl.xhtml?token=abc", "roleAssignment": {"id": 1, "assignee": "#1", "roleId": 8, "_roleAlias": "member", "definitionPointId": 3}}),
        json!({"id": 1, "identifier": "dataverseAdmin", "displayName": "Dataverse Admin", "firstName": "Dataverse", "lastName": "Admin",
               "email": "a@b.c", "superuser": true, "deactivated": false, "persistentUserId": "dataverseAdmin", "authenticationProviderId": "builtin"}),
        json!([{"id": 1, "displayName": "Citation Metadata", "name": "citation"}]),
        json!({"id": 1, "name": "CC0 1.0", "shortDescription": "x", "uri": "http://creativecommons.org/publicdomain/zero/1.0", "active": true, "isDefault": true, "sortOrder": 0}),
        json!({"ddi": {"displayName": "DDI", "mediaType": "application/xml", "isHarvestable": true, "isVisibleInUserInterface": true}}),
    ];
    let dir = fixtures_dir();
    for rel in [
        "responses/export-dataverse_json-published-max.json",
        "responses/export-dataverse_json-draft.json",
        "responses/export-dataverse_json-published-with-files.json",
        "responses/info-exportFormats.json",
        "roles/role-admin.json",
        "roles/role-curator.json",
        "licenses/licenseCC0-1.0.json",
        "doc-examples/dataset-locks.response.json",
    ] {
        // A missing or unreadable fixture fails the test: seeding only with the small
        // shapes above would quietly weaken every property below.
        let path = dir.join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "fixture {} is missing ({e}); set DATAVERSE_FIXTURES_DIR",
                path.display()
            )
        });
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("fixture {} is not JSON: {e}", path.display()));
        // Some fixtures are whole envelopes: seed with their `data` too.
        if let Some(data) = v.get("data") {
            out.push(data.clone());
        }
        out.push(v);
    }
    out
}

/// Arbitrary JSON, biased toward the scalars Dataverse models contain.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::String),
        proptest::sample::select(vec![
            "",
            "OK",
            "ERROR",
            "dataset",
            "dataverse",
            "file",
            "DRAFT",
            "RELEASED",
            "citation",
            "title",
            "primitive",
            "compound",
            "controlledVocabulary",
            "Ingest",
            "1.0",
            ":draft",
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![
            3 => proptest::sample::select(vec![
                "id", "type", "title", "alias", "name", "data", "status", "message", "value", "typeName",
                "multiple", "typeClass", "fields", "metadataBlocks", "latestVersion", "datasetVersion",
                "versionNumber", "versionMinorNumber", "versionState", "files", "license", "locks",
                "identifier", "protocol", "authority", "separator", "dataverseContacts", "lockType",
                "roleAssignment", "permissions", "superuser", "token", "displayName", "version", "build",
            ]).prop_map(str::to_string),
            1 => any::<String>(),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Replace the subtree of `v` reached by following `path` (indices taken modulo the number
/// of children) with `replacement`.
fn mutate(v: &mut Value, path: &[usize], replacement: Value) {
    let Some((&i, rest)) = path.split_first() else {
        *v = replacement;
        return;
    };
    match v {
        Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            mutate(&mut a[i % n], rest, replacement);
        }
        Value::Object(o) if !o.is_empty() => {
            let n = o.len();
            if let Some((_, child)) = o.iter_mut().nth(i % n) {
                mutate(child, rest, replacement);
            }
        }
        _ => *v = replacement,
    }
}

/// Remove one key of an object reached by following `path` (when it keeps at least one).
fn drop_key(v: &mut Value, path: &[usize]) {
    let Some((&i, rest)) = path.split_first() else {
        return;
    };
    match v {
        Value::Object(o) if o.len() > 1 && rest.is_empty() => {
            let n = o.len();
            if let Some(k) = o.keys().nth(i % n).cloned() {
                o.shift_remove(&k);
            }
        }
        Value::Object(o) if !o.is_empty() => {
            let n = o.len();
            if let Some((_, child)) = o.iter_mut().nth(i % n) {
                drop_key(child, rest);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            drop_key(&mut a[i % n], rest);
        }
        _ => {}
    }
}

fn mutated_fixture() -> impl Strategy<Value = Value> {
    let seeds = seeds();
    (
        proptest::sample::select(seeds),
        proptest::collection::vec(any::<usize>(), 0..8),
        arb_json(),
        any::<bool>(),
    )
        .prop_map(|(mut seed, path, replacement, delete)| {
            if delete {
                // Drop a key instead of replacing a value: models must cope with absence.
                drop_key(&mut seed, &path);
            } else {
                mutate(&mut seed, &path, replacement);
            }
            seed
        })
}

/// Decode `v` as `T`; when it decodes, serialize and decode again and expect the same model.
fn round_trip<T>(v: &Value) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let Ok(first) = serde_json::from_value::<T>(v.clone()) else {
        return Ok(());
    };
    let _ = format!("{first:?}");
    let again = serde_json::to_value(&first)
        .map_err(|e| TestCaseError::fail(format!("a decoded model does not serialize: {e}")))?;
    let second: T = serde_json::from_value(again.clone()).map_err(|e| {
        TestCaseError::fail(format!(
            "{}: its own JSON does not decode: {e}\n{again}",
            std::any::type_name::<T>()
        ))
    })?;
    prop_assert_eq!(
        first,
        second,
        "{} round trip of {}",
        std::any::type_name::<T>(),
        v
    );
    Ok(())
}

fn all_models(v: &Value) -> Result<(), TestCaseError> {
    round_trip::<Dataset>(v)?;
    round_trip::<DatasetVersion>(v)?;
    round_trip::<Collection>(v)?;
    round_trip::<ContentItem>(v)?;
    round_trip::<Vec<ContentItem>>(v)?;
    round_trip::<VersionInfo>(v)?;
    round_trip::<ServerInfo>(v)?;
    round_trip::<Exporter>(v)?;
    round_trip::<License>(v)?;
    round_trip::<MetadataBlockInfo>(v)?;
    round_trip::<MetadataBlock>(v)?;
    round_trip::<Role>(v)?;
    round_trip::<RoleAssignment>(v)?;
    round_trip::<AuthenticatedUser>(v)?;
    round_trip::<Lock>(v)?;
    round_trip::<Vec<Lock>>(v)?;
    round_trip::<PrivateUrl>(v)?;
    round_trip::<CreatedDataset>(v)?;
    // The helpers on decoded values must not panic either.
    if let Ok(ds) = serde_json::from_value::<Dataset>(v.clone()) {
        let _ = ds.persistent_id();
        for version in [&ds.latest_version, &ds.dataset_version]
            .into_iter()
            .flatten()
        {
            let _ = (version.title(), version.version_label());
        }
    }
    if let Ok(version) = serde_json::from_value::<DatasetVersion>(v.clone()) {
        let _ = (
            version.title(),
            version.version_label(),
            version.field("citation", "author"),
        );
    }
    if let Ok(block) = serde_json::from_value::<MetadataBlock>(v.clone()) {
        let _ = block.find_field("title");
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_json_decodes_or_fails_cleanly_as_every_model(v in arb_json()) {
        all_models(&v)?;
    }

    #[test]
    fn mutated_fixtures_decode_or_fail_cleanly_as_every_model(v in mutated_fixture()) {
        all_models(&v)?;
    }
}

const TOKEN: &str = "00000000-1111-2222-3333-444444444444";

/// A loopback server answering every request with the body of the current case.
struct Scripted {
    body: Arc<Mutex<(u16, Vec<u8>)>>,
    api: NativeApi,
    runtime: tokio::runtime::Runtime,
}

impl Scripted {
    fn start() -> Scripted {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let body = Arc::new(Mutex::new((200u16, Vec::new())));
        let shared = body.clone();
        let base = runtime.block_on(async move {
            let app = axum::Router::new().fallback(move || {
                let shared = shared.clone();
                async move {
                    let (status, bytes) = shared.lock().expect("lock").clone();
                    (
                        axum::http::StatusCode::from_u16(status).expect("status"),
                        [("content-type", "application/json")],
                        bytes,
                    )
                }
            });
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr: SocketAddr = listener.local_addr().expect("addr");
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            format!("http://{addr}")
        });
        let api = NativeApi::builder(&base)
            .api_token(TOKEN)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client");
        Scripted { body, api, runtime }
    }

    /// Answer `bytes` with `status` to each of the client's decoding calls; every outcome
    /// must be a value or a typed error, and a 200 that is not an OK envelope must be a
    /// decode error.
    fn check(&self, status: u16, bytes: Vec<u8>) -> Result<(), TestCaseError> {
        *self.body.lock().expect("lock") = (status, bytes.clone());
        let api = &self.api;
        let is_ok_envelope = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .is_some_and(|v| v.get("status") == Some(&Value::String("OK".into())));
        let outcomes: Vec<(&str, Result<(), Error>)> = self.runtime.block_on(async {
            vec![
                ("get_info_version", api.get_info_version().await.map(drop)),
                ("get_info_server", api.get_info_server().await.map(drop)),
                (
                    "get_export_formats",
                    api.get_export_formats().await.map(drop),
                ),
                (
                    "get_collection",
                    api.get_collection(":root").await.map(drop),
                ),
                (
                    "get_collection_contents",
                    api.get_collection_contents(":root").await.map(drop),
                ),
                ("get_dataset", api.get_dataset(1, None).await.map(drop)),
                (
                    "get_dataset_versions",
                    api.get_dataset_versions(1).await.map(drop),
                ),
                (
                    "get_dataset_lock",
                    api.get_dataset_lock(1, None).await.map(drop),
                ),
                (
                    "get_dataset_private_url",
                    api.get_dataset_private_url(1).await.map(drop),
                ),
                (
                    "get_available_licenses",
                    api.get_available_licenses().await.map(drop),
                ),
                (
                    "get_metadatablocks",
                    api.get_metadatablocks(false).await.map(drop),
                ),
                ("get_user", api.get_user().await.map(drop)),
                ("delete_dataset", api.delete_dataset(1).await.map(drop)),
            ]
        });
        for (call, outcome) in outcomes {
            let Err(e) = outcome else { continue };
            let text = format!("{e} {e:?}");
            prop_assert!(!text.contains(TOKEN), "token in {call}: {text}");
            match status {
                200 if !is_ok_envelope => {
                    prop_assert!(matches!(e, Error::Decode { .. }), "{call}: {e:?}");
                }
                200 => prop_assert!(
                    matches!(e, Error::Decode { .. } | Error::Crawl { .. }),
                    "{call}: {e:?}"
                ),
                _ => prop_assert!(e.status().is_some(), "{call}: {e:?}"),
            }
        }
        Ok(())
    }
}

fn body_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..200),
        2 => arb_json().prop_map(|v| v.to_string().into_bytes()),
        3 => arb_json().prop_map(|data| json!({"status": "OK", "data": data}).to_string().into_bytes()),
        3 => mutated_fixture().prop_map(|data| json!({"status": "OK", "data": data}).to_string().into_bytes()),
        1 => arb_json().prop_map(|m| json!({"status": "ERROR", "message": m}).to_string().into_bytes()),
        // A valid envelope cut short, as a dropped connection would leave it.
        1 => (mutated_fixture(), any::<usize>()).prop_map(|(data, cut)| {
            let full = json!({"status": "OK", "data": data}).to_string().into_bytes();
            let n = cut % full.len().max(1);
            full[..n].to_vec()
        }),
    ]
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bodies_through_the_request_path(
        status in proptest::sample::select(vec![200u16, 200, 200, 400, 401, 403, 404, 409, 500]),
        bytes in body_bytes(),
    ) {
        thread_local! {
            static SERVER: Scripted = Scripted::start();
        }
        SERVER.with(|s| s.check(status, bytes))?;
    }
}
