//! The web view through the router: what needs the emulator itself (generated files).
//! The pages' behaviour over HTTP is tested in `dataverse-tests/tests/web_pages.rs`.

mod common;

use axum::http::{Method, StatusCode};
use common::*;

/// The text of a page requested with the admin's key.
async fn page(em: &dataverse_emulator::Emulator, uri: &str, key: &str) -> (StatusCode, String) {
    let (s, v) = call(em, Method::GET, uri, Some(key), None).await;
    (s, v.as_str().unwrap_or_default().to_string())
}

#[tokio::test]
async fn a_large_file_table_is_paged() {
    let (_d, em) = open();
    let key = em.admin_token().unwrap();
    let body = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/dataverse-fixtures/requests/dataset-create-finch1.json"),
    )
    .unwrap();
    let (s, v) = call(
        &em,
        Method::POST,
        "/api/dataverses/root/datasets",
        Some(&key),
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["data"]["id"].as_i64().unwrap();
    let pid = v["data"]["persistentId"].as_str().unwrap().to_string();
    let files = em.generate_files(id, 120).unwrap();
    assert_eq!(files.len(), 120);

    let base = format!("/dataset.xhtml?persistentId={pid}");
    let (s, first) = page(&em, &base, &key).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        first.contains("120 file(s) in this version, 1 to 50 shown"),
        "{first}"
    );
    assert_eq!(first.matches("<a href=\"/file.xhtml?fileId=").count(), 50);
    assert!(first.contains("&amp;version=DRAFT&amp;filesPage=2#files-heading"));
    let (_, last) = page(&em, &format!("{base}&filesPage=3"), &key).await;
    assert!(last.contains("101 to 120 shown"), "{last}");
    assert_eq!(last.matches("<a href=\"/file.xhtml?fileId=").count(), 20);
    assert!(last.contains(&format!("/file.xhtml?fileId={}&amp;", files[119])));
    let (_, clamped) = page(&em, &format!("{base}&filesPage=99"), &key).await;
    assert!(clamped.contains("Page 3 of 3"));
    // Guests see none of the draft.
    let (s, _) = get(&em, &base).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
