//! Guestbooks through the library against the embedded Dataverse: the `/api/guestbooks`
//! endpoints with their refusals (Dataverse's words), a dataset's guestbook, downloads
//! refused without an answer and served with one (the POST-then-signed-GET dance, for a
//! file, zips and the bundle), the responses recorded and listed page by page, a tampered
//! signed URL refused, an access request that needs a guestbook answer, and a collection's
//! responses as CSV (`/api/dataverses/{id}/guestbookResponses`).

mod common;

use std::path::Path;

use common::{create_user, http_call};
use dataverse_client::api::access::DataAccessOptions;
use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::collections::CollectionCreateBody;
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::guestbooks::{
    AnswerValue, CustomQuestion, Guestbook, GuestbookAnswer, GuestbookAtRequest, GuestbookResponse,
    QuestionOption,
};
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::{TestServer, fixture_json};
use reqwest::Method;

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

fn refusal(e: &Error) -> (u16, String) {
    let api = e
        .api_error()
        .unwrap_or_else(|| panic!("not an API error: {e:?}"));
    (api.status, api.message.clone())
}

/// A guestbook asking for name and email, a required option question and an optional
/// free-text one.
fn downloaders() -> Guestbook {
    let mut gb = Guestbook::new("Downloaders");
    gb.name_required = true;
    gb.email_required = true;
    let mut purpose = CustomQuestion::new("Purpose?", "options", 0);
    purpose.required = true;
    for (i, v) in ["Research", "Teaching"].into_iter().enumerate() {
        purpose.option_values.push(QuestionOption {
            id: None,
            value: v.into(),
            display_order: i as i64,
            extra: Default::default(),
        });
    }
    gb.custom_questions.push(purpose);
    gb.custom_questions
        .push(CustomQuestion::new("Comments", "textarea", 1));
    gb
}

async fn upload(
    api: &NativeApi,
    ds: u64,
    dir: &Path,
    name: &str,
    bytes: &[u8],
    body: UploadBody,
) -> u64 {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let up = api
        .upload_datafile(ds, UploadSource::path(&path), &body)
        .await
        .unwrap();
    up.files[0].data_file.id.unwrap()
}

/// A published dataset in `:root` with two small files: (dataset, file a, file b).
async fn published(api: &NativeApi, dir: &Path) -> (u64, u64, u64) {
    let ds = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .id;
    let a = upload(api, ds, dir, "a.txt", b"alpha\n", UploadBody::default()).await;
    let b = upload(api, ds, dir, "b.txt", b"beta\n", UploadBody::default()).await;
    api.publish_dataset_and_wait(ds, ReleaseType::Major, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    (ds, a, b)
}

#[tokio::test]
async fn guestbook_endpoints_and_refusals() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let http = reqwest::Client::new();
    let bob_token = create_user(&http, &server.base_url, "bob").await;
    let bob = common::client(&server.base_url, Some(&bob_token));

    let created = admin
        .create_guestbook(":root", &downloaders())
        .await
        .unwrap();
    let id = created.id.unwrap();
    assert!(id > 1, "id 1 is Dataverse's Default guestbook");
    assert_eq!(created.name.as_deref(), Some("Downloaders"));
    assert!(created.enabled && created.name_required && created.email_required);
    assert!(!created.institution_required && !created.position_required);
    assert_eq!(created.custom_questions.len(), 2);
    let purpose = &created.custom_questions[0];
    assert!(purpose.id.is_some() && purpose.required);
    assert_eq!(purpose.kind, "options");
    let options: Vec<&str> = purpose
        .option_values
        .iter()
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(options, ["Research", "Teaching"]);
    assert_eq!(created.custom_questions[1].kind, "textarea");
    assert!(created.create_time.is_some() && created.dataverse_id.is_some());
    assert!(
        created.usage_count.is_none(),
        "counts only with includeStats"
    );
    assert_eq!(
        bob.get_guestbook(id).await.unwrap(),
        created,
        "anyone may read one"
    );

    // Refusals: unknown guestbook, no EditDataverse, guests, bad bodies.
    assert_eq!(
        refusal(&admin.get_guestbook(999).await.unwrap_err()),
        (404, "The guestbook could not be found.".into())
    );
    assert_eq!(
        refusal(
            &bob.create_guestbook(":root", &downloaders())
                .await
                .unwrap_err()
        ),
        (403, "Not authorized".into())
    );
    assert_eq!(
        refusal(
            &server
                .anonymous()
                .create_guestbook(":root", &downloaders())
                .await
                .unwrap_err()
        ),
        (
            401,
            "Only authenticated users can perform the requested operation".into()
        )
    );
    assert_eq!(
        refusal(
            &bob.list_guestbooks(":root", false, false)
                .await
                .unwrap_err()
        ),
        (403, "Not authorized".into())
    );
    assert_eq!(
        refusal(
            &admin
                .create_guestbook("nowhere", &downloaders())
                .await
                .unwrap_err()
        ),
        (404, "Can't find dataverse with identifier='nowhere'".into())
    );
    let (status, v) = http_call(
        &http,
        &server.base_url,
        Method::POST,
        "/api/guestbooks/root",
        Some(&server.admin_token),
        Some(&serde_json::json!("not an object")),
    )
    .await;
    assert_eq!(
        (status, v["message"].as_str()),
        (400, Some("Error parsing guestbook JSON"))
    );
    let e = admin
        .create_guestbook(":root", &Guestbook::new(" "))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");

    // Listing: own guestbooks, with the parent's when inherited, with counts on request.
    admin
        .create_collection(":root", &CollectionCreateBody::new("Lab", "lab", "l@b.org"))
        .await
        .unwrap();
    let lab_gb = admin
        .create_guestbook("lab", &Guestbook::new("Lab visitors"))
        .await
        .unwrap();
    let own = admin.list_guestbooks("lab", false, false).await.unwrap();
    assert_eq!(own, vec![lab_gb.clone()]);
    let all = admin.list_guestbooks("lab", true, true).await.unwrap();
    let names: Vec<_> = all.iter().map(|g| g.name.clone().unwrap()).collect();
    assert_eq!(names, ["Lab visitors", "Downloaders"]);
    assert!(
        all.iter()
            .all(|g| g.usage_count == Some(0) && g.response_count == Some(0))
    );

    // Update replaces everything, questions included.
    let mut changed = created.clone();
    changed.name = Some("Downloaders 2".into());
    changed.institution_required = true;
    changed.custom_questions.truncate(1);
    let updated = admin.update_guestbook(id, &changed).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Downloaders 2"));
    assert!(updated.institution_required);
    assert_eq!(updated.custom_questions.len(), 1);
    assert_eq!(
        refusal(&bob.update_guestbook(id, &changed).await.unwrap_err()),
        (
            401,
            "User @bob is not permitted to perform requested action.".into()
        )
    );
    assert_eq!(
        refusal(&admin.update_guestbook(999, &changed).await.unwrap_err()),
        (404, "The guestbook could not be found.".into())
    );

    // Enabling: Dataverse's words, its checks on the body and the id.
    assert_eq!(
        admin.enable_guestbook(":root", id, false).await.unwrap(),
        format!("Guestbook {id} enabled=false")
    );
    assert!(!admin.get_guestbook(id).await.unwrap().enabled);
    assert_eq!(
        refusal(&admin.enable_guestbook("lab", id, true).await.unwrap_err()),
        (404, format!("Guestbook {id} not found."))
    );
    for (path, body, message) in [
        (
            "/api/guestbooks/root/abc/enabled",
            "true",
            "Illegal id 'abc'",
        ),
        (
            "/api/guestbooks/root/2/enabled",
            "maybe",
            "Illegal value 'maybe'. Use 'true' or 'false'",
        ),
    ] {
        let resp = http
            .put(format!("{}{path}", server.base_url))
            .header("X-Dataverse-key", &server.admin_token)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400);
        let v: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(v["message"], message);
    }
    server.stop().await;
}

#[tokio::test]
async fn downloads_need_a_guestbook_response() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let http = reqwest::Client::new();
    let bob_token = create_user(&http, &server.base_url, "bob").await;
    let bob = common::client(&server.base_url, Some(&bob_token));
    let guest = server.anonymous();
    let dir = tempfile::tempdir().unwrap();
    let (ds, a, b) = published(&admin, dir.path()).await;
    let gb = admin
        .create_guestbook(":root", &downloaders())
        .await
        .unwrap();
    let gb_id = gb.id.unwrap();
    let purpose = gb.custom_questions[0].id.unwrap();
    let comments = gb.custom_questions[1].id.unwrap();

    // Setting a dataset's guestbook: refusals, then the JSON that reports it.
    assert_eq!(
        refusal(&admin.set_dataset_guestbook(ds, 999).await.unwrap_err()),
        (404, "Could not find a guestbook with id 999".into())
    );
    assert_eq!(
        refusal(&bob.set_dataset_guestbook(ds, gb_id).await.unwrap_err()),
        (400, "Failed to update dataset guestbook.".into())
    );
    assert_eq!(
        admin.set_dataset_guestbook(ds, gb_id).await.unwrap(),
        format!("Guestbook {gb_id} set")
    );
    let (_, v) = http_call(
        &http,
        &server.base_url,
        Method::GET,
        &format!("/api/datasets/{ds}"),
        None,
        None,
    )
    .await;
    assert_eq!(v["data"]["guestbookId"], gb_id);
    assert_eq!(v["data"]["latestVersion"]["guestbookId"], gb_id);

    // Without an answer: refused, except for those who may edit the dataset.
    let plain = DataAccessOptions::new();
    let missing = (
        400,
        format!(
            "You may not download this file without the required Guestbook response for guestbookID {gb_id}."
        ),
    );
    assert_eq!(
        refusal(&bob.get_datafile(a, &plain).await.unwrap_err()),
        missing
    );
    assert_eq!(
        refusal(&guest.get_datafile(a, &plain).await.unwrap_err()),
        missing
    );
    assert_eq!(
        refusal(&bob.get_datafiles(&[a, b], false).await.unwrap_err()),
        missing
    );
    assert_eq!(
        refusal(
            &bob.download_all_datafiles(ds, None, false)
                .await
                .unwrap_err()
        ),
        missing
    );
    assert_eq!(
        admin.get_datafile(a, &plain).await.unwrap(),
        &b"alpha\n"[..]
    );
    let before = admin.get_file_download_count(a).await.unwrap();

    // Answers the parser refuses, in Dataverse's words.
    let incomplete = GuestbookResponse {
        name: Some("Bob Tester".into()),
        ..GuestbookResponse::new()
    };
    assert_eq!(
        refusal(&bob.get_datafile(a, &plain.clone().guestbook_response(incomplete.clone())).await.unwrap_err()),
        (
            400,
            "Problem trying download with guestbook response on  : Guestbook Response entry is required but not present (Purpose?).".into()
        )
    );
    let mut wrong_option = incomplete.clone();
    wrong_option.answers.push(GuestbookAnswer {
        id: purpose,
        value: AnswerValue::Text("Fun".into()),
    });
    assert_eq!(
        refusal(&bob.get_datafile(a, &plain.clone().guestbook_response(wrong_option)).await.unwrap_err()),
        (
            400,
            "Problem trying download with guestbook response on  : Guestbook Custom Question Answer not a valid option (Fun).".into()
        )
    );
    let mut unknown_question = incomplete.clone();
    unknown_question.answers.push(GuestbookAnswer {
        id: 4242,
        value: AnswerValue::Text("x".into()),
    });
    assert_eq!(
        refusal(&bob.get_datafile(a, &plain.clone().guestbook_response(unknown_question)).await.unwrap_err()),
        (
            400,
            "Problem trying download with guestbook response on  : Guestbook Custom Question ID 4242 not found.".into()
        )
    );

    // With an answer: served, through the signed URL; a range too.
    let mut answer = incomplete.clone();
    answer.institution = Some("Example U".into());
    answer.answers = vec![
        GuestbookAnswer {
            id: purpose,
            value: AnswerValue::Text("Research".into()),
        },
        GuestbookAnswer {
            id: comments,
            value: AnswerValue::Lines(vec!["line one".into(), "line two".into()]),
        },
    ];
    let answering = plain.clone().guestbook_response(answer.clone());
    assert_eq!(
        bob.get_datafile(a, &answering).await.unwrap(),
        &b"alpha\n"[..]
    );
    assert_eq!(
        bob.get_datafile(a, &answering.clone().range(1, Some(3)))
            .await
            .unwrap(),
        &b"lph"[..]
    );
    // The guest's email defaults to nothing: it must be given.
    let mut guest_answer = answer.clone();
    guest_answer.email = Some("guest@example.org".into());
    assert_eq!(
        guest
            .get_datafile(b, &plain.clone().guestbook_response(guest_answer))
            .await
            .unwrap(),
        &b"beta\n"[..]
    );
    let zip = bob
        .get_datafiles_with_guestbook(&[a, b], false, &answer)
        .await
        .unwrap();
    assert_eq!(&zip[..2], b"PK");
    let whole = bob
        .download_all_datafiles_with_guestbook(ds, None, false, &answer)
        .await
        .unwrap();
    assert_eq!(&whole[..2], b"PK");
    let bundle = bob
        .get_datafile_bundle_with_guestbook(a, &answer)
        .await
        .unwrap();
    assert_eq!(&bundle[..2], b"PK");
    // Each answered download is one recorded response (a zip's names its last file); the
    // signed GETs are not counted again, but the bundle's POST, as in Java, also records
    // the bundle's own download.
    assert_eq!(admin.get_file_download_count(a).await.unwrap(), before + 4);

    // The responses, newest first, with what was answered; then page by page.
    let listed = admin
        .get_guestbook_responses(gb_id, None, None)
        .await
        .unwrap();
    assert_eq!(listed.guestbook.id, Some(gb_id));
    assert_eq!(listed.guestbook.usage_count, Some(1));
    // Six answered downloads, the bundle's own download record, and the admin's download
    // (exempt, but recorded under the dataset's guestbook as Dataverse does).
    assert_eq!(listed.guestbook.response_count, Some(8));
    assert_eq!(listed.responses.len(), 8);
    assert!(listed.pagination.is_none());
    let bobs = listed
        .responses
        .iter()
        .find(|r| r.file_id == a && r.name.as_deref() == Some("Bob Tester"))
        .unwrap();
    assert_eq!(bobs.kind, "Download");
    assert_eq!(
        bobs.email.as_deref(),
        Some("bob@example.edu"),
        "the account's email"
    );
    assert_eq!(bobs.institution.as_deref(), Some("Example U"));
    assert_eq!(bobs.file_name, "a.txt");
    assert!(!bobs.dataset.is_empty() && !bobs.dataset_pid.contains(':'));
    let answers: Vec<_> = bobs
        .custom_questions
        .iter()
        .map(|q| (q.question.as_str(), q.response.as_deref()))
        .collect();
    assert_eq!(
        answers,
        [
            ("Purpose?", Some("Research")),
            ("Comments", Some("line one\nline two"))
        ]
    );
    assert!(
        listed
            .responses
            .iter()
            .any(|r| r.file_id == b && r.email.as_deref() == Some("guest@example.org"))
    );
    let ids: Vec<u64> = listed.responses.iter().map(|r| r.id).collect();
    let page = admin
        .get_guestbook_responses(gb_id, Some(3), Some(3))
        .await
        .unwrap();
    assert_eq!(
        page.responses.iter().map(|r| r.id).collect::<Vec<_>>(),
        ids[3..6]
    );
    let pg = page.pagination.unwrap();
    assert_eq!(pg.total_responses, 8);
    assert!(pg.previous.unwrap().ends_with(&format!(
        "/api/guestbooks/{gb_id}/responses?limit=3&offset=0"
    )));
    assert!(pg.next.unwrap().ends_with("?limit=3&offset=6"));
    assert_eq!(
        refusal(
            &bob.get_guestbook_responses(gb_id, None, None)
                .await
                .unwrap_err()
        ),
        (403, "Not authorized".into())
    );
    let stats = admin.list_guestbooks(":root", false, true).await.unwrap();
    assert_eq!(
        (stats[0].usage_count, stats[0].response_count),
        (Some(1), Some(8))
    );

    // The signed URL: served once signed, refused when tampered with.
    let (status, v) = http_call(
        &http,
        &server.base_url,
        Method::POST,
        &format!("/api/access/datafile/{a}"),
        Some(&bob_token),
        Some(&answer.to_body()),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let signed = v["data"]["signedUrl"].as_str().unwrap().to_string();
    assert!(
        signed.contains("gbrecs=true&gbrids=") && signed.contains("&user=bob&method=GET&token=")
    );
    let ok = http.get(&signed).send().await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(ok.bytes().await.unwrap(), &b"alpha\n"[..]);
    let tampered = signed.replace("user=bob", "user=dataverseAdmin");
    let no = http.get(&tampered).send().await.unwrap();
    assert_eq!(no.status().as_u16(), 401);
    let v: serde_json::Value = no.json().await.unwrap();
    assert_eq!(v["message"], "Bad signed URL");

    // A disabled guestbook asks nothing; a removed one neither.
    admin.enable_guestbook(":root", gb_id, false).await.unwrap();
    assert_eq!(bob.get_datafile(a, &plain).await.unwrap(), &b"alpha\n"[..]);
    admin.enable_guestbook(":root", gb_id, true).await.unwrap();
    assert_eq!(
        refusal(&bob.get_datafile(a, &plain).await.unwrap_err()),
        missing
    );
    assert_eq!(
        admin.remove_dataset_guestbook(ds).await.unwrap(),
        format!("Guestbook removed {gb_id}")
    );
    assert_eq!(
        admin.remove_dataset_guestbook(ds).await.unwrap(),
        "No Guestbook to remove."
    );
    assert_eq!(bob.get_datafile(a, &plain).await.unwrap(), &b"alpha\n"[..]);
    server.stop().await;
}

#[tokio::test]
async fn access_request_needing_a_guestbook_answer() {
    let server =
        TestServer::start_with(|c| c.guestbook_at_request = Some(false), None, |r| r).await;
    let admin = server.admin();
    let http = reqwest::Client::new();
    let bob_token = create_user(&http, &server.base_url, "bob").await;
    let bob = common::client(&server.base_url, Some(&bob_token));
    let dir = tempfile::tempdir().unwrap();
    let ds = admin
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .id;
    let restricted = UploadBody {
        restrict: Some(true),
        ..Default::default()
    };
    let secret = upload(
        &admin,
        ds,
        dir.path(),
        "secret.txt",
        b"for few\n",
        restricted,
    )
    .await;
    admin
        .publish_dataset_and_wait(ds, ReleaseType::Major, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    let gb = admin
        .create_guestbook(":root", &downloaders())
        .await
        .unwrap();
    let gb_id = gb.id.unwrap();
    admin.set_dataset_guestbook(ds, gb_id).await.unwrap();

    // The installation's default until a superuser chooses; anyone who sees it may ask.
    let default = GuestbookAtRequest {
        at_request: false,
        set_on_dataset: false,
    };
    assert_eq!(
        bob.get_guestbook_entry_at_request(ds).await.unwrap(),
        default
    );
    assert!(matches!(
        admin.get_guestbook_entry_at_request(999_999).await,
        Err(Error::NotFound(_))
    ));
    // Superusers only; the installation allows it here.
    assert_eq!(
        refusal(
            &bob.set_guestbook_entry_at_request(ds, Some(true))
                .await
                .unwrap_err()
        ),
        (403, "Superusers only.".into())
    );
    assert_eq!(
        admin
            .set_guestbook_entry_at_request(ds, Some(true))
            .await
            .unwrap(),
        "Guestbook Entry At Request set to: true"
    );
    assert_eq!(
        bob.get_guestbook_entry_at_request(ds).await.unwrap(),
        GuestbookAtRequest {
            at_request: true,
            set_on_dataset: true
        }
    );
    assert_eq!(
        refusal(&bob.request_access(secret).await.unwrap_err()),
        (
            400,
            format!(
                "You may not request access to this file without the required Guestbook response for guestbookID {gb_id}."
            )
        )
    );
    let incomplete = GuestbookResponse::new();
    assert_eq!(
        refusal(&bob.request_access_with_guestbook(secret, &incomplete).await.unwrap_err()),
        (
            400,
            "Problem trying request access on secret.txt : Guestbook Response entry is required but not present (Purpose?).".into()
        )
    );
    let answer = GuestbookResponse {
        answers: vec![GuestbookAnswer {
            id: gb.custom_questions[0].id.unwrap(),
            value: AnswerValue::Text("Teaching".into()),
        }],
        ..GuestbookResponse::new()
    };
    assert_eq!(
        bob.request_access_with_guestbook(secret, &answer)
            .await
            .unwrap(),
        "Access to File secret.txt requested."
    );
    let listed = admin
        .get_guestbook_responses(gb_id, None, None)
        .await
        .unwrap();
    assert_eq!(listed.responses.len(), 1);
    assert_eq!(listed.responses[0].kind, "AccessRequest");
    assert_eq!(listed.responses[0].name.as_deref(), Some("bob Tester"));
    assert_eq!(
        admin.get_file_download_count(secret).await.unwrap(),
        0,
        "not a download"
    );

    // Reset to the installation's default (false): a plain request is taken again.
    assert_eq!(
        admin
            .set_guestbook_entry_at_request(ds, None)
            .await
            .unwrap(),
        "Guestbook Entry At Request reset to default: false"
    );
    assert_eq!(
        admin.get_guestbook_entry_at_request(ds).await.unwrap(),
        default
    );
    let carol_token = create_user(&http, &server.base_url, "carol").await;
    let carol = common::client(&server.base_url, Some(&carol_token));
    assert_eq!(
        carol.request_access(secret).await.unwrap(),
        "Access to File secret.txt requested."
    );
    server.stop().await;
}

#[tokio::test]
async fn guestbook_entry_at_request_needs_the_installation_setting() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let ds = admin
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .id;
    assert_eq!(
        refusal(
            &admin
                .set_guestbook_entry_at_request(ds, Some(true))
                .await
                .unwrap_err()
        ),
        (
            403,
            "Guestbook Entry At Request cannot be set. This server is not configured to allow it."
                .into()
        )
    );
    let http = reqwest::Client::new();
    let (status, v) = http_call(
        &http,
        &server.base_url,
        Method::GET,
        &format!("/api/datasets/{ds}/guestbookEntryAtRequest"),
        Some(&server.admin_token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        v["data"]["message"],
        "Not set on dataset, using the default: false"
    );
    server.stop().await;
}

/// `DATE_FORMAT` (`MM/d/yyyy`) of a response's recorded `yyyy-MM-ddT...` time.
fn csv_date(iso: &str) -> String {
    let (y, rest) = iso.split_once('-').unwrap();
    let (m, rest) = rest.split_once('-').unwrap();
    let d: u32 = rest[..2].parse().unwrap();
    format!("{m}/{d}/{y}")
}

/// Bob's answer: his name and institution, and the answers to `downloaders()`'s questions
/// when given their ids.
fn bobs_answer(questions: Option<(u64, u64)>) -> GuestbookResponse {
    let mut r = GuestbookResponse {
        name: Some("Bob Tester".into()),
        institution: Some("Example U".into()),
        ..GuestbookResponse::new()
    };
    if let Some((purpose, comments)) = questions {
        r.answers = vec![
            GuestbookAnswer {
                id: comments,
                value: AnswerValue::Lines(vec!["line one".into(), "say \"hi\"".into()]),
            },
            GuestbookAnswer {
                id: purpose,
                value: AnswerValue::Text("Research".into()),
            },
        ];
    }
    r
}

#[tokio::test]
async fn collection_guestbook_responses_as_csv() {
    let server = TestServer::start().await;
    let admin = server.admin();
    let http = reqwest::Client::new();
    let bob_token = create_user(&http, &server.base_url, "bob").await;
    let bob = common::client(&server.base_url, Some(&bob_token));
    let dir = tempfile::tempdir().unwrap();
    admin
        .create_collection(":root", &CollectionCreateBody::new("Lab", "lab", "l@b.org"))
        .await
        .unwrap();
    admin.publish_collection("lab").await.unwrap();
    admin
        .create_collection("lab", &CollectionCreateBody::new("Sub", "sub", "s@b.org"))
        .await
        .unwrap();
    admin.publish_collection("sub").await.unwrap();
    let gb = admin.create_guestbook("lab", &downloaders()).await.unwrap();
    let gb_id = gb.id.unwrap();
    let questions = (
        gb.custom_questions[0].id.unwrap(),
        gb.custom_questions[1].id.unwrap(),
    );
    let quick = admin
        .create_guestbook("lab", &Guestbook::new("Quick, short"))
        .await
        .unwrap()
        .id
        .unwrap();

    // Three published datasets: two in `lab` (one file each), one in `lab/sub`.
    let finch2: DatasetCreateBody =
        serde_json::from_value(fixture_json("requests/dataset-create-finch2.json")).unwrap();
    let mut made = Vec::new();
    for (owner, body, file, guestbook) in [
        ("lab", finch(), "a.txt", gb_id),
        ("lab", finch2, "notes, v2.txt", quick),
        ("sub", finch(), "c.txt", gb_id),
    ] {
        let ds = admin
            .create_dataset(owner, &body, None, false)
            .await
            .unwrap()
            .id;
        let f = upload(
            &admin,
            ds,
            dir.path(),
            file,
            b"data\n",
            UploadBody::default(),
        )
        .await;
        admin
            .publish_dataset_and_wait(ds, ReleaseType::Major, std::time::Duration::from_secs(10))
            .await
            .unwrap();
        admin.set_dataset_guestbook(ds, guestbook).await.unwrap();
        made.push((ds, f));
    }
    let plain = DataAccessOptions::new();
    for (i, (_, f)) in made.iter().enumerate() {
        let answer = bobs_answer((i != 1).then_some(questions));
        bob.get_datafile(*f, &plain.clone().guestbook_response(answer))
            .await
            .unwrap();
    }

    // What the lines are made of, read through the other endpoints.
    let pid = |ds: u64| {
        let admin = admin.clone();
        async move {
            admin
                .get_dataset(ds, None)
                .await
                .unwrap()
                .persistent_id()
                .unwrap()
        }
    };
    let (pid1, pid2) = (pid(made[0].0).await, pid(made[1].0).await);
    let listed = admin
        .get_guestbook_responses(gb_id, None, None)
        .await
        .unwrap();
    let date = csv_date(&listed.responses[0].date);
    let header = "Guestbook, Dataset, Dataset PID, Date, Type, File Name, File Id, File PID, User Name, Email, Institution, Position, Custom Questions\n";
    // Custom answers in question order, quoted as commons-text's `escapeCsv` does; the
    // `Quick, short` guestbook has no questions.
    let line1 = format!(
        "Downloaders,Darwin's Finches,{pid1},{date},Download,a.txt,{},N/A,Bob Tester,bob@example.edu,Example U,,Purpose?,Research,Comments,\"line one\nsay \"\"hi\"\"\"\n",
        made[0].1
    );
    let line2 = format!(
        "\"Quick, short\",HTML & More,{pid2},{date},Download,\"notes, v2.txt\",{},N/A,Bob Tester,bob@example.edu,Example U,\n",
        made[1].1
    );

    // Newest first; the sub-collection's dataset is not the collection's own.
    let csv = admin
        .get_collection_guestbook_responses("lab", None)
        .await
        .unwrap();
    assert_eq!(csv, format!("{header}{line2}{line1}"));
    let lab_id = admin.get_collection("lab").await.unwrap().id.unwrap();
    assert_eq!(
        admin
            .get_collection_guestbook_responses(lab_id, None)
            .await
            .unwrap(),
        csv
    );
    assert_eq!(
        admin
            .get_collection_guestbook_responses("lab", Some(gb_id))
            .await
            .unwrap(),
        format!("{header}{line1}")
    );
    assert_eq!(
        admin
            .get_collection_guestbook_responses("lab", Some(quick))
            .await
            .unwrap(),
        format!("{header}{line2}")
    );
    assert_eq!(
        admin
            .get_collection_guestbook_responses("lab", Some(4242))
            .await
            .unwrap(),
        header
    );
    let sub = admin
        .get_collection_guestbook_responses("sub", None)
        .await
        .unwrap();
    let pid3 = pid(made[2].0).await;
    assert_eq!(
        sub,
        format!(
            "{header}{}",
            line1.replace(&pid1, &pid3).replace(
                &format!(",a.txt,{},", made[0].1),
                &format!(",c.txt,{},", made[2].1)
            )
        )
    );

    // Refusals: a non-editor, a guest, an unknown collection.
    assert_eq!(
        refusal(
            &bob.get_collection_guestbook_responses("lab", None)
                .await
                .unwrap_err()
        ),
        (403, "Not authorized".into())
    );
    assert_eq!(
        refusal(
            &server
                .anonymous()
                .get_collection_guestbook_responses("lab", None)
                .await
                .unwrap_err()
        ),
        (403, "Not authorized".into())
    );
    assert_eq!(
        refusal(
            &admin
                .get_collection_guestbook_responses("nope", None)
                .await
                .unwrap_err()
        ),
        (404, "Can't find dataverse with identifier='nope'".into())
    );

    // On the wire: JAX-RS's type for a `StreamingOutput` without `@Produces` follows
    // `Accept` (`*/*`: application/octet-stream); the trailing slash is the same endpoint.
    for (path, accept, ty) in [
        (
            "/api/dataverses/lab/guestbookResponses",
            "*/*",
            "application/octet-stream",
        ),
        (
            "/api/dataverses/lab/guestbookResponses/",
            "*/*",
            "application/octet-stream",
        ),
        (
            "/api/dataverses/lab/guestbookResponses",
            "text/csv",
            "text/csv",
        ),
    ] {
        let resp = http
            .get(format!("{}{path}", server.base_url))
            .header("X-Dataverse-key", &server.admin_token)
            .header("Accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], ty, "{path} {accept}");
        assert_eq!(resp.text().await.unwrap(), csv);
    }
    let resp = http
        .get(format!(
            "{}/api/dataverses/lab/guestbookResponses?guestbookId=x",
            server.base_url
        ))
        .header("X-Dataverse-key", &server.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404, "a guestbookId that is not a Long");
}
