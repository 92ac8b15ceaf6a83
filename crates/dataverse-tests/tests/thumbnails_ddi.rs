//! Image thumbnails (`imageThumb`, a dataset's thumbnail and logo, card images) and a
//! tabular file's DDI
//! (`/api/access/datafile/{id}/metadata/ddi`) through the library against the embedded
//! Dataverse: thumbnail sizes, types and names, not counted as downloads, cached; the DDI's
//! element order, attributes and statistics parsed with an XML parser, its field filters,
//! its refusals in Dataverse's words, and the same DDI inside the file's bundle.

mod common;

use std::io::Cursor;
use std::path::Path;

use dataverse_client::api::access::{DataAccessOptions, DatafileDdiOptions};
use dataverse_client::api::upload::UploadSource;
use dataverse_client::models::datasets::ReleaseType;
use dataverse_client::models::files::UploadBody;
use dataverse_client::models::metadata::DatasetCreateBody;
use dataverse_client::{Error, NativeApi};
use dataverse_tests::unzip::unzip;
use dataverse_tests::{TestServer, fixture_json};

fn finch() -> DatasetCreateBody {
    serde_json::from_value(fixture_json("requests/dataset-create-finch1.json")).unwrap()
}

fn encoded(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 90, 255]));
    let mut out = Vec::new();
    let dynamic = image::DynamicImage::ImageRgba8(img);
    let dynamic = if format == image::ImageFormat::Jpeg {
        image::DynamicImage::ImageRgb8(dynamic.to_rgb8())
    } else {
        dynamic
    };
    dynamic
        .write_to(&mut Cursor::new(&mut out), format)
        .unwrap();
    out
}

async fn upload(api: &NativeApi, ds: u64, dir: &Path, name: &str, bytes: &[u8]) -> u64 {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let body = UploadBody {
        description: Some(format!("about {name}")),
        ..Default::default()
    };
    let up = api
        .upload_datafile(ds, UploadSource::path(&path), &body)
        .await
        .unwrap();
    up.files[0].data_file.id.unwrap()
}

async fn wait_unlocked(api: &NativeApi, ds: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !api.get_dataset_lock(ds, None).await.unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "still locked");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn dimensions(png: &[u8]) -> (u32, u32) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png).unwrap();
    (img.width(), img.height())
}

fn message(e: &Error) -> String {
    e.api_error()
        .unwrap_or_else(|| panic!("not an API error: {e:?}"))
        .message
        .clone()
}

fn files_named(dir: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(suffix) {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn thumbnails_of_images() {
    let server = TestServer::start().await;
    let api = server.admin();
    let dir = tempfile::tempdir().unwrap();
    let ds = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .id;
    let wide_png = encoded(200, 100, image::ImageFormat::Png);
    let wide = upload(&api, ds, dir.path(), "wide.png", &wide_png).await;
    let tall = upload(
        &api,
        ds,
        dir.path(),
        "tall.jpg",
        &encoded(30, 90, image::ImageFormat::Jpeg),
    )
    .await;
    let small = upload(
        &api,
        ds,
        dir.path(),
        "small.gif",
        &encoded(10, 10, image::ImageFormat::Gif),
    )
    .await;
    let text = upload(&api, ds, dir.path(), "notes.txt", b"just words\n").await;
    let broken = upload(
        &api,
        ds,
        dir.path(),
        "broken.png",
        b"\x89PNG\r\n\x1a\nnot really",
    )
    .await;
    let pdf = upload(&api, ds, dir.path(), "paper.pdf", b"%PDF-1.4\n%%EOF\n").await;
    wait_unlocked(&api, ds).await;
    api.publish_dataset_and_wait(ds, ReleaseType::Major, std::time::Duration::from_secs(10))
        .await
        .unwrap();

    // The longest side is the size asked for (64 by default), the aspect kept.
    let png = api.get_datafile_thumbnail(wide, None).await.unwrap();
    assert_eq!(dimensions(&png), (64, 32));
    assert_eq!(
        dimensions(&api.get_datafile_thumbnail(wide, Some(128)).await.unwrap()),
        (128, 64)
    );
    assert_eq!(
        dimensions(&api.get_datafile_thumbnail(tall, None).await.unwrap()),
        (21, 64)
    );
    // Small images are scaled up, as Dataverse does.
    assert_eq!(
        dimensions(&api.get_datafile_thumbnail(small, Some(20)).await.unwrap()),
        (20, 20)
    );
    // Values that are not a number mean the default size.
    let other = api
        .get_datafile(wide, &DataAccessOptions::new().image_thumb("yes"))
        .await
        .unwrap();
    assert_eq!(other, png);
    // A size of zero or less answers the file itself, as in Dataverse.
    let whole = api
        .get_datafile(wide, &DataAccessOptions::new().image_thumb("0"))
        .await
        .unwrap();
    assert_eq!(whole, wide_png);
    let e = api.get_datafile_thumbnail(wide, Some(0)).await.unwrap_err();
    assert!(matches!(e, Error::InvalidArgument(_)), "{e:?}");

    // Made once, then answered from the cache next to the file.
    let cached = files_named(server.dir.path(), ".thumb64");
    assert_eq!(cached.len(), 2, "{cached:?}");
    assert_eq!(api.get_datafile_thumbnail(wide, None).await.unwrap(), png);

    // Thumbnails are not downloads.
    assert_eq!(api.get_file_download_count(wide).await.unwrap(), 0);

    // Headers as Dataverse sends them: image/png under the file's name with .png.
    let url = format!(
        "{}/api/access/datafile/{tall}?imageThumb=true",
        server.base_url
    );
    let resp = reqwest::get(&url).await.unwrap();
    assert_eq!(resp.status(), 200);
    let header = |n: &str| resp.headers()[n].to_str().unwrap().to_string();
    assert_eq!(header("content-type"), "image/png; name=\"tall.png\"");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"tall.png\""
    );

    // Not an image: the service is not offered. An image that cannot be read, and a PDF
    // (Dataverse renders those with ImageMagick): it could not be performed.
    let e = api.get_datafile_thumbnail(text, None).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    assert!(
        message(&e).ends_with("is not supported on this datafile."),
        "{e:?}"
    );
    for f in [broken, pdf] {
        let e = api.get_datafile_thumbnail(f, None).await.unwrap_err();
        assert!(matches!(e, Error::NotFound(_)), "{e:?}");
        assert!(
            message(&e).ends_with("could not be performed on this datafile."),
            "{e:?}"
        );
    }
    let e = api.get_datafile_thumbnail(999_999, None).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");

    // The dataset's thumbnail and logo: the first file by name that has a thumbnail
    // (broken.png cannot, notes.txt is no image, paper.pdf cannot): small.gif.
    let thumb = api.get_dataset_thumbnail(ds).await.unwrap();
    assert_eq!(dimensions(&thumb), (48, 48));
    let logo = server.anonymous().get_dataset_logo(ds).await.unwrap();
    assert_eq!(dimensions(&logo), (140, 140));
    let e = api.get_dataset_thumbnail(999_999).await.unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    assert_eq!(message(&e), "Thumbnail not available");
    // A draft no guest may see, and a dataset without images.
    let draft = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap()
        .id;
    let e = server
        .anonymous()
        .get_dataset_logo(draft)
        .await
        .unwrap_err();
    assert_eq!(message(&e), "Logo not available");
    let e = api.get_dataset_thumbnail(draft).await.unwrap_err();
    assert_eq!(message(&e), "Thumbnail not available");

    // Card images: a file's 48-pixel thumbnail, else no content; collections have no logo.
    let base = &server.base_url;
    let get = |path: String| async move {
        let resp = reqwest::get(format!("{base}{path}")).await.unwrap();
        let status = resp.status().as_u16();
        let kind = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        (status, kind, resp.bytes().await.unwrap().to_vec())
    };
    let (status, kind, body) = get(format!("/api/access/fileCardImage/{tall}")).await;
    assert_eq!((status, kind.as_deref()), (200, Some("image/png")));
    assert_eq!(dimensions(&body), (16, 48));
    for id in [text.to_string(), "999999".to_string()] {
        let (status, _, body) = get(format!("/api/access/fileCardImage/{id}")).await;
        assert_eq!((status, body.len()), (204, 0), "{id}");
    }
    assert_eq!(get("/api/access/fileCardImage/abc".into()).await.0, 404);
    assert_eq!(get("/api/access/dvCardImage/1".into()).await.0, 204);

    // A restricted image: no thumbnail for a guest.
    api.restrict_datafile(wide, true, Some(true), None)
        .await
        .unwrap();
    api.publish_dataset_and_wait(ds, ReleaseType::Minor, std::time::Duration::from_secs(10))
        .await
        .unwrap();
    let e = server
        .anonymous()
        .get_datafile_thumbnail(wide, None)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Forbidden(_)), "{e:?}");
    assert_eq!(
        dimensions(
            &server
                .anonymous()
                .get_datafile_thumbnail(tall, None)
                .await
                .unwrap()
        ),
        (21, 64)
    );
}

const CSV: &[u8] = b"name,count,weight\nfinch,3,1.5\nsparrow,5,\nrobin,,2.5\nwren,5,0.25\n";

/// The names of an element's child elements, in order.
fn children<'a>(n: roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    n.children()
        .filter(|c| c.is_element())
        .map(|c| c.tag_name().name())
        .collect()
}

fn child<'a>(n: roxmltree::Node<'a, 'a>, name: &str) -> roxmltree::Node<'a, 'a> {
    n.children()
        .find(|c| c.has_tag_name(name))
        .unwrap_or_else(|| panic!("no {name} in {:?}", n.tag_name()))
}

#[tokio::test]
async fn ddi_of_a_tabular_file() {
    let server = TestServer::start().await;
    let api = server.admin();
    let dir = tempfile::tempdir().unwrap();
    let ds = api
        .create_dataset(":root", &finch(), None, false)
        .await
        .unwrap();
    let table = upload(&api, ds.id, dir.path(), "birds.csv", CSV).await;
    let text = upload(&api, ds.id, dir.path(), "notes.txt", b"words\n").await;
    wait_unlocked(&api, ds.id).await;
    api.publish_dataset_and_wait(
        ds.id,
        ReleaseType::Major,
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap();

    let xml = api
        .get_datafile_ddi(table, &DatafileDdiOptions::new())
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "codeBook");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.icpsr.umich.edu/DDI")
    );
    assert_eq!(root.attribute("version"), Some("2.0"));
    assert_eq!(children(root), ["stdyDscr", "fileDscr", "dataDscr"]);

    // The dataset's citation.
    let citation = child(child(root, "stdyDscr"), "citation");
    assert_eq!(children(citation), ["titlStmt", "rspStmt", "biblCit"]);
    let titl = child(citation, "titlStmt");
    assert_eq!(children(titl), ["titl", "IDNo"]);
    assert_eq!(child(titl, "titl").text(), Some("Darwin's Finches"));
    let pid = ds.persistent_id.clone();
    let id_no = child(titl, "IDNo");
    assert_eq!(id_no.attribute("agency"), Some("doi"));
    assert_eq!(
        Some(format!("doi:{}", id_no.text().unwrap())),
        Some(pid.clone())
    );
    assert_eq!(
        child(child(citation, "rspStmt"), "AuthEnty").text(),
        Some("Finch, Fiona")
    );
    let bibl = child(citation, "biblCit").text().unwrap();
    assert!(
        bibl.contains("\"Darwin's Finches\"") && bibl.ends_with(", V1"),
        "{bibl}"
    );

    // The file: name, cases and variables, type, and its description.
    let file = child(root, "fileDscr");
    assert_eq!(file.attribute("ID"), Some(format!("f{table}").as_str()));
    assert_eq!(children(file), ["fileTxt", "notes"]);
    let txt = child(file, "fileTxt");
    assert_eq!(children(txt), ["fileName", "dimensns", "fileType"]);
    assert_eq!(child(txt, "fileName").text(), Some("birds.tab"));
    let dims = child(txt, "dimensns");
    assert_eq!(children(dims), ["caseQnty", "varQnty"]);
    assert_eq!(child(dims, "caseQnty").text(), Some("4"));
    assert_eq!(child(dims, "varQnty").text(), Some("3"));
    assert_eq!(
        child(txt, "fileType").text(),
        Some("text/tab-separated-values")
    );
    let notes = child(file, "notes");
    assert_eq!(notes.attribute("type"), Some("DATAVERSE:FILEDESC"));
    assert_eq!(notes.text(), Some("about birds.csv"));

    // The variables, each with its location, label, statistics and format.
    let vars: Vec<_> = child(root, "dataDscr")
        .children()
        .filter(|c| c.is_element())
        .collect();
    let summary: Vec<(&str, Option<&str>)> = vars
        .iter()
        .map(|v| (v.attribute("name").unwrap(), v.attribute("intrvl")))
        .collect();
    assert_eq!(
        summary,
        [
            ("name", Some("discrete")),
            ("count", Some("discrete")),
            ("weight", Some("contin"))
        ]
    );
    assert_eq!(children(vars[0]), ["location", "labl", "varFormat"]);
    assert_eq!(
        child(vars[0], "varFormat").attribute("type"),
        Some("character")
    );
    assert_eq!(
        child(vars[0], "location").attribute("fileid"),
        Some(format!("f{table}").as_str())
    );
    assert_eq!(
        children(vars[1]),
        [
            "location",
            "labl",
            "sumStat",
            "sumStat",
            "sumStat",
            "sumStat",
            "sumStat",
            "sumStat",
            "sumStat",
            "sumStat",
            "varFormat"
        ]
    );
    let stats = |v: roxmltree::Node| -> Vec<(String, String)> {
        v.children()
            .filter(|c| c.has_tag_name("sumStat"))
            .map(|c| {
                (
                    c.attribute("type").unwrap().to_string(),
                    c.text().unwrap().to_string(),
                )
            })
            .collect()
    };
    let count: Vec<(String, String)> = stats(vars[1]);
    let expect = [
        ("mean", "4.333333333333333"),
        ("medn", "5.0"),
        ("mode", "."),
        ("vald", "3.0"),
        ("invd", "1.0"),
        ("min", "3.0"),
        ("max", "5.0"),
        ("stdev", "1.1547005383792517"),
    ];
    let expect: Vec<(String, String)> = expect
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(count, expect);
    let weight = stats(vars[2]);
    assert_eq!(weight[1], ("medn".to_string(), "1.5".to_string()));
    assert_eq!(weight[5], ("min".to_string(), "0.25".to_string()));
    assert_eq!(
        child(vars[2], "varFormat").attribute("type"),
        Some("numeric")
    );
    assert_eq!(child(vars[2], "labl").text(), Some("weight"));

    // Fields left out, and only some kept.
    let opts = DatafileDdiOptions::new().exclude(["sumStat", "location", "fileDscr"]);
    let xml = api.get_datafile_ddi(table, &opts).await.unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(children(doc.root_element()), ["stdyDscr", "dataDscr"]);
    let var = doc.descendants().find(|n| n.has_tag_name("var")).unwrap();
    assert_eq!(children(var), ["labl", "varFormat"]);
    let opts = DatafileDdiOptions::new().exclude(["*"]).include(["var"]);
    let xml = api.get_datafile_ddi(table, &opts).await.unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(children(doc.root_element()), ["stdyDscr", "dataDscr"]);
    let vars: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("var"))
        .collect();
    assert_eq!(vars.len(), 3);
    assert!(vars.iter().all(|v| children(*v).is_empty()));

    // The bundle holds the same DDI.
    let full = api
        .get_datafile_ddi(table, &DatafileDdiOptions::new())
        .await
        .unwrap();
    let bundle = unzip(&api.get_datafile_bundle(table).await.unwrap());
    let names: Vec<&str> = bundle.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "birds.tab",
            "birds.csv",
            "birds-ddi.xml",
            "birdscitation-endnote.xml",
            "birdscitation-ris.ris",
            "birdscitation-bib.bib"
        ]
    );
    assert_eq!(bundle[2].1, full.as_bytes());

    // Refusals in Dataverse's words.
    let e = api
        .get_datafile_ddi(text, &DatafileDdiOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest(_)), "{e:?}");
    assert_eq!(
        message(&e),
        "This type of metadata is only available for tabular files."
    );
    let e = api
        .get_datafile_ddi(999_999, &DatafileDdiOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    let e = api
        .get_datafile_ddi(table, &DatafileDdiOptions::new().file_metadata_id(999_999))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Server(_)), "{e:?}");
    api.restrict_datafile(table, true, Some(true), None)
        .await
        .unwrap();
    let e = server
        .anonymous()
        .get_datafile_ddi(table, &DatafileDdiOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest(_)), "{e:?}");
    assert_eq!(
        message(&e),
        "You do not have permission to download this file."
    );
    // The owner still reads it; by the persistent id too.
    assert!(
        api.get_datafile_ddi(table, &DatafileDdiOptions::new())
            .await
            .is_ok()
    );
}
