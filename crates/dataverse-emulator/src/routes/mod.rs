//! The HTTP application: one route table ([`api_routes`], [`upload_routes`]) listing every
//! Dataverse path with the module whose handler serves it, body limits per route
//! ([`limits`]), path normalisation, latency and fault injection, and Dataverse-style
//! 404/405/413/500 answers.
//!
//! Handlers live in one file per endpoint family and import no other family: what they share
//! is in [`common`]: [`guards`] (lookups, visibility, permission and edit checks), [`extract`]
//! (query, JSON, raw and multipart bodies), [`error`] (the one error type), [`assignments`]
//! (the role-assignment steps collections and datasets both take); and, outside the routes,
//! in the store, the JSON printer and the ingest job. The web view's HTML pages are listed
//! here too; their handlers live apart from the API, in `crate::web`.

mod access;
mod access_requests;
mod admin;
mod builtin_users;
mod bundle;
mod card_images;
mod citations;
mod collection_setup;
mod collections;
pub(crate) mod common;
#[cfg(test)]
mod coverage;
mod datafile_ddi;
mod dataset_access;
mod dataset_create;
mod dataset_edit;
mod dataset_fields;
mod dataset_jsonld;
mod datasets;
mod deaccession;
mod direct_upload;
mod exports;
mod file_add;
mod file_pids;
mod file_register;
mod file_stats;
mod files;
mod guestbook_access;
mod guestbook_responses;
mod guestbooks;
mod info;
mod licenses;
mod logout;
mod metadatablocks;
mod metrics;
mod roles;
mod search;
mod storage_drivers;
mod user_permissions;
mod users;

use std::any::Any;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

pub(crate) use common::AppError;
use common::limits;
#[cfg(doc)]
use common::{assignments, error, extract, guards};

use crate::Emulator;
use crate::envelope::{ApiError, RequestInfo};
use crate::normalize;
use crate::web;

/// Build the whole application (see [`Emulator::router`]).
pub(crate) fn app(emulator: Emulator) -> Router {
    let config = emulator.config();
    let (max_body, max_upload) = (config.max_body_bytes, config.max_upload_bytes);
    let latency = config.latency;
    let faults = config.faults.clone();
    // The blocked-endpoints policy guards matched routes only, as Dataverse's filter.
    let blocked = middleware::from_fn_with_state(emulator.clone(), crate::blocked_api::guard);
    let api = limits::general(
        api_routes()
            .route_layer(blocked.clone())
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed),
        max_body,
    );
    let uploads = limits::uploads(
        upload_routes()
            .route_layer(blocked)
            .method_not_allowed_fallback(method_not_allowed),
        max_body,
        max_upload,
    );
    let inner = api.merge(uploads).with_state(emulator);
    let normalized = inner.map_request(normalize::rewrite::<Body>);
    let mut outer = Router::new()
        .fallback_service(normalized)
        .layer(middleware::from_fn_with_state(latency, delay));
    if let Some(spec) = faults {
        outer = outer.layer(middleware::from_fn_with_state(
            crate::faults::Injector::new(spec),
            crate::faults::inject,
        ));
    }
    outer.layer(CatchPanicLayer::custom(panic_response)).layer(
        TraceLayer::new_for_http()
            .make_span_with(crate::normalize::request_span::<axum::body::Body>),
    )
}

/// Every endpoint but the file uploads, by Dataverse path, with the module handling it.
fn api_routes() -> Router<Emulator> {
    Router::new()
        // web/: the HTML pages (paths as in Dataverse's JSF pages)
        .route("/", get(web::collection::root))
        .route("/dataverse/{alias}", get(web::collection::by_alias))
        .route("/dataset.xhtml", get(web::dataset::page))
        .route("/file.xhtml", get(web::file::page))
        .route(
            "/loginpage.xhtml",
            get(web::session::signin_form).post(web::session::signin),
        )
        .route("/logout.xhtml", post(web::session::signout))
        .route(web::layout::STYLESHEET, get(web::layout::stylesheet))
        // Dataverse endpoints whose literal path a `{id}` route below would take for an
        // id: not emulated, so they answer as unknown endpoints.
        .route("/api/datasets/datasetTypes", get(not_found))
        .route("/api/datasets/listCurationStates", get(not_found))
        .route("/api/datasets/locks", get(not_found))
        .route("/api/datasets/{id}/versions/compareSummary", get(not_found))
        .route("/api/files/fixityAlgorithm", get(not_found))
        .route("/api/roles/userSelectable", get(not_found))
        // info.rs: `Info.java`
        .route("/api/info/version", get(info::version))
        .route("/api/info/server", get(info::server))
        .route("/api/info/apiTermsOfUse", get(info::api_terms))
        .route("/api/info/applicationTermsOfUse", get(info::app_terms))
        .route("/api/info/exportFormats", get(info::export_formats))
        .route("/api/info/zipDownloadLimit", get(info::zip_limit))
        .route("/api/info/settings/{name}", get(info::setting))
        // admin.rs: `Admin.java` settings
        .route("/api/admin/settings", get(admin::list))
        .route(
            "/api/admin/settings/{name}",
            get(admin::read).put(admin::write).delete(admin::remove),
        )
        // dataset_fields.rs: `DatasetFields.java`, `Datasets.getDatasetSummaryFieldNames`
        .route(
            "/api/datasetfields/facetables",
            get(dataset_fields::facetables),
        )
        .route(
            "/api/datasets/summaryFieldNames",
            get(dataset_fields::summary_field_names),
        )
        // logout.rs: `Logout.java`
        .route("/api/logout", post(logout::logout))
        // file_pids.rs: `Admin.java` file PID registration
        .route(
            "/api/admin/{id}/registerDataFile",
            get(file_pids::register_one),
        )
        .route(
            "/api/admin/registerDataFileAll",
            get(file_pids::register_all),
        )
        // search.rs: `Search.java`
        .route("/api/search", get(search::search))
        .route("/api/search/services", get(search::services))
        // metadatablocks.rs
        .route("/api/metadatablocks", get(metadatablocks::list))
        .route("/api/metadatablocks/{id}", get(metadatablocks::one))
        // licenses.rs
        .route("/api/licenses", get(licenses::list))
        .route("/api/licenses/default", get(licenses::default))
        .route("/api/licenses/{id}", get(licenses::one))
        // roles.rs: `Roles.java`
        .route("/api/roles", post(roles::create))
        .route("/api/roles/{id}", get(roles::show).delete(roles::delete))
        // metrics.rs: `Metrics.java`
        .merge(metrics::routes())
        // users.rs: `Users.java`
        .route(
            "/api/users/token",
            get(users::get_token).delete(users::delete_token),
        )
        .route("/api/users/token/recreate", post(users::recreate_token))
        .route("/api/users/{id}", get(users::get_user))
        // builtin_users.rs: `BuiltinUsers.java`
        .route("/api/builtin-users", post(builtin_users::create))
        .route(
            "/api/builtin-users/{username}/api-token",
            get(builtin_users::api_token),
        )
        // collections.rs: `Dataverses.java`
        .route(
            "/api/dataverses/{id}",
            get(collections::get_one)
                .post(collections::create)
                .put(collections::update)
                .delete(collections::remove),
        )
        .route(
            "/api/dataverses/{id}/actions/{action}",
            post(collections::publish),
        )
        .route("/api/dataverses/{id}/contents", get(collections::contents))
        // guestbook_responses.rs: a collection's guestbook responses as CSV
        .route(
            "/api/dataverses/{id}/guestbookResponses",
            get(guestbook_responses::csv),
        )
        // collection_setup.rs: blocks, input levels, attributes of a collection
        .route(
            "/api/dataverses/{id}/metadatablocks",
            get(collection_setup::list_blocks).post(collection_setup::set_blocks),
        )
        .route(
            "/api/dataverses/{id}/metadatablocks/isRoot",
            get(collection_setup::get_is_root).put(collection_setup::set_is_root),
        )
        .route(
            "/api/dataverses/{id}/inputLevels",
            get(collection_setup::get_levels).put(collection_setup::set_levels),
        )
        .route(
            "/api/dataverses/{id}/attribute/{attribute}",
            put(collection_setup::update_attribute),
        )
        .route(
            "/api/dataverses/{id}/roles",
            get(roles::list).post(roles::create_on_collection),
        )
        .route(
            "/api/dataverses/{id}/assignments",
            get(collections::list_assignments).post(collections::add_assignment),
        )
        .route(
            "/api/dataverses/{id}/assignments/{aid}",
            delete(collections::remove_assignment),
        )
        .route(
            "/api/dataverses/{id}/facets",
            get(collections::get_facets).post(collections::set_facets),
        )
        // dataset_create.rs: `Dataverses.java` (create, import, validate)
        .route(
            "/api/dataverses/{id}/datasets",
            post(dataset_create::create),
        )
        .route(
            "/api/dataverses/{id}/datasets/{action}",
            post(dataset_create::import),
        )
        .route(
            "/api/dataverses/{id}/validateDatasetJson",
            post(dataset_create::validate_json),
        )
        // datasets.rs (reads) and dataset_edit.rs (writes): `Datasets.java`
        .route(
            "/api/datasets/{id}",
            get(datasets::get_one).delete(dataset_edit::delete_dataset),
        )
        .route("/api/datasets/{id}/versions", get(datasets::list_versions))
        .route(
            "/api/datasets/{id}/versions/{v}",
            get(datasets::get_version).delete(dataset_edit::delete_version),
        )
        .route(
            "/api/datasets/{id}/editMetadata",
            put(dataset_edit::edit_metadata),
        )
        .route(
            "/api/datasets/{id}/actions/{action}",
            post(dataset_edit::publish),
        )
        .route("/api/datasets/{id}/destroy", delete(dataset_edit::destroy))
        .route(
            "/api/datasets/{id}/submitForReview",
            post(dataset_edit::submit_for_review),
        )
        .route(
            "/api/datasets/{id}/returnToAuthor",
            post(dataset_edit::return_to_author),
        )
        // dataset_access.rs: locks, role assignments, private (preview) URLs
        .route(
            "/api/datasets/{id}/locks",
            get(dataset_access::list_locks).delete(dataset_access::remove_locks),
        )
        .route(
            "/api/datasets/{id}/lock/{type}",
            post(dataset_access::add_lock),
        )
        .route(
            "/api/datasets/{id}/assignments",
            get(dataset_access::list_assignments).post(dataset_access::add_assignment),
        )
        .route(
            "/api/datasets/{id}/assignments/{aid}",
            delete(dataset_access::remove_assignment),
        )
        .route(
            "/api/datasets/{id}/privateUrl",
            get(dataset_access::get_private_url)
                .post(dataset_access::create_private_url)
                .delete(dataset_access::delete_private_url),
        )
        .route(
            "/api/datasets/{id}/previewUrl",
            get(dataset_access::get_private_url)
                .post(dataset_access::create_private_url)
                .delete(dataset_access::delete_private_url),
        )
        // dataset_jsonld.rs: the semantic (JSON-LD) metadata API
        .route(
            "/api/datasets/{id}/metadata",
            get(dataset_jsonld::get_latest).put(dataset_jsonld::update),
        )
        .route(
            "/api/datasets/{id}/metadata/delete",
            put(dataset_jsonld::delete),
        )
        .route(
            "/api/datasets/{id}/versions/{v}/metadata",
            get(dataset_jsonld::get_version),
        )
        // exports.rs
        .route("/api/datasets/export", get(exports::export))
        // direct_upload.rs: direct upload to the S3 store
        .route(
            "/api/datasets/{id}/uploadurls",
            get(direct_upload::upload_urls),
        )
        .route(
            "/api/datasets/mpupload",
            put(direct_upload::complete).delete(direct_upload::abort),
        )
        // storage_drivers.rs: the store of a collection or dataset
        .route(
            "/api/datasets/{id}/storageDriver",
            get(storage_drivers::dataset_get)
                .put(storage_drivers::dataset_set)
                .delete(storage_drivers::dataset_reset),
        )
        .route(
            "/api/dataverses/{id}/storageDriver",
            get(storage_drivers::collection_get)
                .put(storage_drivers::collection_set)
                .delete(storage_drivers::collection_reset),
        )
        .route(
            "/api/dataverses/{id}/allowedStorageDrivers",
            get(storage_drivers::collection_allowed),
        )
        // files.rs: `Files.java` and the file list of a dataset version
        .route(
            "/api/datasets/{id}/versions/{v}/files",
            get(files::list_files),
        )
        .route(
            "/api/datasets/{id}/versions/{v}/files/counts",
            get(files::count_files),
        )
        .route(
            "/api/files/{id}",
            get(files::get_file).delete(files::delete_file),
        )
        .route("/api/files/{id}/versions/{v}", get(files::get_file_version))
        .route(
            "/api/files/{id}/metadata",
            get(files::get_raw_metadata).post(files::update_metadata),
        )
        .route("/api/files/{id}/metadata/draft", get(files::get_raw_draft))
        .route("/api/files/{id}/restrict", put(files::restrict))
        .route("/api/files/{id}/redetect", post(files::redetect))
        .route("/api/files/{id}/reingest", post(files::reingest))
        .route("/api/files/{id}/uningest", post(files::uningest))
        // user_permissions.rs: what the caller may do (`getUserPermissionsOn*`)
        .route(
            "/api/dataverses/{id}/userPermissions",
            get(user_permissions::collection),
        )
        .route(
            "/api/datasets/{id}/userPermissions",
            get(user_permissions::dataset),
        )
        .route(
            "/api/access/datafile/{id}/userPermissions",
            get(user_permissions::file),
        )
        // citations.rs: citations and the private-URL reads
        .route(
            "/api/datasets/{id}/versions/{v}/citation",
            get(citations::dataset_version),
        )
        .route(
            "/api/files/{id}/versions/{v}/citation",
            get(citations::file_version),
        )
        .route(
            "/api/datasets/privateUrlDatasetVersion/{token}",
            get(citations::private_url_version),
        )
        .route(
            "/api/datasets/privateUrlDatasetVersion/{token}/citation",
            get(citations::private_url_citation),
        )
        .route(
            "/api/datasets/previewUrlDatasetVersion/{token}",
            get(citations::private_url_version),
        )
        .route(
            "/api/datasets/previewUrlDatasetVersion/{token}/citation",
            get(citations::private_url_citation),
        )
        // deaccession.rs
        .route(
            "/api/datasets/{id}/versions/{v}/deaccession",
            post(deaccession::deaccession),
        )
        // file_stats.rs: download sizes and counts
        .route(
            "/api/datasets/{id}/versions/{v}/downloadsize",
            get(file_stats::download_size),
        )
        .route(
            "/api/files/{id}/downloadCount",
            get(file_stats::download_count),
        )
        .route("/api/files/{id}/dataTables", get(file_stats::data_tables))
        // access.rs: `Access.java`
        .route(
            "/api/access/datafile/{id}",
            get(access::datafile).post(guestbook_access::datafile),
        )
        .route(
            "/api/access/datafiles/{ids}",
            get(access::datafiles_get).post(guestbook_access::datafiles),
        )
        // bundle.rs: a tabular file with its original, DDI and citations
        .route(
            "/api/access/datafile/bundle/{id}",
            get(bundle::bundle).post(guestbook_access::bundle),
        )
        .route(
            "/api/access/datafiles",
            post(guestbook_access::datafiles_form),
        )
        .route(
            "/api/access/datafile/{id}/metadata/ddi",
            get(datafile_ddi::datafile_ddi),
        )
        // card_images.rs: thumbnails of files, datasets and collections
        .route(
            "/api/access/fileCardImage/{id}",
            get(card_images::file_card_image),
        )
        .route(
            "/api/access/dvCardImage/{id}",
            get(card_images::dv_card_image),
        )
        .route(
            "/api/datasets/{id}/thumbnail",
            get(card_images::dataset_thumbnail),
        )
        .route("/api/datasets/{id}/logo", get(card_images::dataset_logo))
        // access_requests.rs: requests for restricted files, grants
        .route(
            "/api/access/{id}/allowAccessRequest",
            put(access_requests::allow),
        )
        .route(
            "/api/access/datafile/{id}/requestAccess",
            put(access_requests::request),
        )
        .route(
            "/api/access/datafile/{id}/listRequests",
            get(access_requests::list),
        )
        .route(
            "/api/access/datafile/{id}/grantAccess/{identifier}",
            put(access_requests::grant),
        )
        .route(
            "/api/access/datafile/{id}/rejectAccess/{identifier}",
            put(access_requests::reject),
        )
        .route(
            "/api/access/datafile/{id}/revokeAccess/{identifier}",
            delete(access_requests::revoke),
        )
        .route(
            "/api/access/dataset/{id}",
            get(access::dataset_zip).post(guestbook_access::dataset),
        )
        .route(
            "/api/access/dataset/{id}/versions/{v}",
            get(access::dataset_version_zip).post(guestbook_access::dataset_version),
        )
        // guestbooks.rs: `Guestbooks.java`, a dataset's guestbook
        .route(
            "/api/guestbooks/{id}",
            get(guestbooks::get)
                .put(guestbooks::update)
                .post(guestbooks::create),
        )
        .route("/api/guestbooks/{id}/list", get(guestbooks::list))
        .route("/api/guestbooks/{id}/responses", get(guestbooks::responses))
        .route(
            "/api/guestbooks/{identifier}/{id}/enabled",
            put(guestbooks::enable),
        )
        .route(
            "/api/datasets/{id}/guestbook",
            put(guestbooks::set_dataset).delete(guestbooks::remove_dataset),
        )
        .route(
            "/api/datasets/{id}/guestbookEntryAtRequest",
            get(guestbooks::get_at_request)
                .put(guestbooks::set_at_request)
                .delete(guestbooks::reset_at_request),
        )
}

/// The file uploads (file_add.rs: `AddReplaceFileHelper`), under their own body limit.
fn upload_routes() -> Router<Emulator> {
    Router::new()
        .route("/api/datasets/{id}/add", post(file_add::add))
        .route("/api/files/{id}/replace", post(file_add::replace))
        // file_register.rs: registering direct uploads
        .route(
            "/api/datasets/{id}/addFiles",
            post(file_register::add_files),
        )
        .route(
            "/api/datasets/{id}/replaceFiles",
            post(file_register::replace_files),
        )
}

async fn not_found(info: RequestInfo) -> ApiError {
    ApiError::no_such_endpoint(&info)
}

async fn method_not_allowed(info: RequestInfo) -> ApiError {
    ApiError::method_not_allowed(&info)
}

/// Delay every `/api` response by the configured latency (an async sleep, not blocking).
async fn delay(State(latency): State<Duration>, req: Request, next: Next) -> Response {
    let api = {
        let path = req.uri().path();
        path == "/api" || path.starts_with("/api/")
    };
    let response = next.run(req).await;
    if api && !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    response
}

fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    ApiError::internal().into_response()
}
