//! `dv demo`: the main job, end to end, against a fresh embedded local Dataverse.
//!
//! It starts the embedded server in a temporary data directory (or `--data DIR`), then
//! walks the families this toolkit covers so far: server info, metadata blocks,
//! licenses, the user with their token's life cycle, collections, datasets, files
//! (upload, tabular ingest, the files table, verified downloads), and a search of what it
//! created.

use std::net::{Ipv4Addr, SocketAddr};

use dataverse_client::{Error, NativeApi};
use dataverse_emulator::{Config, Emulator, Server};

use std::path::PathBuf;

use crate::error::{CliError, CliResult};
use crate::output;

/// `dv demo`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the demo's Dataverse in this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// Run `dv demo`.
pub async fn execute(args: Args) -> CliResult {
    let temp;
    let dir = match args.data {
        Some(d) => d,
        None => {
            temp = tempfile::tempdir()
                .map_err(|e| CliError::io_at("cannot create a temporary directory", e))?;
            temp.path().to_path_buf()
        }
    };
    let emulator = tokio::task::spawn_blocking({
        let dir = dir.clone();
        move || Emulator::open(Config::new(dir))
    })
    .await
    .map_err(|e| CliError::io(format!("the local Dataverse failed to open: {e}")))??;
    // A small generated tree of published collections and datasets to crawl.
    let spec: dataverse_emulator::GenerateSpec = "collections=6,datasets=18,depth=3,seed=2026"
        .parse()
        .map_err(CliError::Usage)?;
    tokio::task::spawn_blocking({
        let emulator = emulator.clone();
        move || emulator.generate(&spec)
    })
    .await
    .map_err(|e| CliError::io(format!("the generator failed: {e}")))??;
    let token = emulator.admin_token()?;
    let server = Server::start(emulator, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let result = steps(&server.base_url(), &token, &dir).await;
    server.shutdown().await;
    result
}

async fn steps(base_url: &str, token: &str, dir: &std::path::Path) -> CliResult {
    let say = |s: &str| output::line(s);
    say(&format!(
        "== Embedded local Dataverse at {base_url} (data in {})",
        dir.display()
    ))?;
    let api = NativeApi::builder(base_url).api_token(token).build()?;

    say("\n== Installation")?;
    let version = api.get_info_version().await?;
    say(&format!(
        "version {} (build {})",
        version.version.as_deref().unwrap_or("?"),
        version.build.as_deref().unwrap_or("-")
    ))?;
    say(&format!(
        "server  {}",
        api.get_info_server().await?.hostname
    ))?;
    say(&format!(
        "terms   {}",
        api.get_info_api_terms_of_use().await?.message
    ))?;
    let formats = api.get_export_formats().await?;
    say(&format!(
        "{} export formats: {}",
        formats.len(),
        formats.keys().cloned().collect::<Vec<_>>().join(", ")
    ))?;

    say("\n== Metadata blocks")?;
    let brief = api.get_metadatablocks(false).await?;
    say(&format!(
        "{} blocks: {}",
        brief.len(),
        brief.names().join(", ")
    ))?;
    let full = api
        .get_metadatablocks(true)
        .await?
        .into_full()
        .unwrap_or_default();
    for block in full.values() {
        let required: Vec<&str> = block
            .fields
            .values()
            .flat_map(|f| std::iter::once(f).chain(f.child_fields.iter().flat_map(|c| c.values())))
            .filter(|f| f.is_required == Some(true))
            .map(|f| f.name.as_str())
            .collect();
        say(&format!(
            "  {:<14} {:>3} top-level fields{}",
            block.name,
            block.fields.len(),
            if required.is_empty() {
                String::new()
            } else {
                format!(", required: {}", required.join(", "))
            }
        ))?;
    }
    if let Some(subject) = full.get("citation").and_then(|b| b.find_field("subject")) {
        let values = subject
            .controlled_vocabulary_values
            .clone()
            .unwrap_or_default();
        say(&format!(
            "  citation.subject has {} vocabulary values, e.g. {}",
            values.len(),
            values.first().map_or("-", String::as_str)
        ))?;
    }
    match api.get_metadatablock("no-such-block").await {
        Err(Error::NotFound(e)) => say(&format!("  unknown block -> not found: {}", e.message))?,
        other => say(&format!("  unknown block -> unexpected: {other:?}"))?,
    }

    say("\n== Licenses")?;
    for l in api.get_available_licenses().await? {
        say(&format!(
            "  {} {}{} <{}>",
            l.id.map(|i| i.to_string()).unwrap_or_default(),
            l.name,
            if l.is_default == Some(true) {
                " (default)"
            } else {
                ""
            },
            l.uri.as_deref().unwrap_or("")
        ))?;
    }
    let cc_by = api.get_license("CC BY").await?;
    say(&format!("  get_license(\"CC BY\") -> {}", cc_by.name))?;

    say("\n== User and token")?;
    let me = api.get_user().await?;
    say(&format!(
        "  {} ({}), superuser: {}",
        me.display_name.as_deref().unwrap_or("?"),
        me.identifier.as_deref().unwrap_or("?"),
        me.superuser.unwrap_or(false)
    ))?;
    say(&format!(
        "  {}",
        api.get_user_api_token_expiration_date().await?.message
    ))?;
    let recreated = api.recreate_user_api_token().await?;
    say(&format!("  recreated: {}", recreated.message))?;
    let new_token = recreated
        .token
        .ok_or_else(|| CliError::io("the server did not return the new token"))?;
    match api.get_user().await {
        Err(Error::Unauthorized(e)) => say(&format!("  old token now refused: {}", e.message))?,
        other => say(&format!("  old token: unexpected {other:?}"))?,
    }
    let api = NativeApi::builder(base_url).api_token(new_token).build()?;
    let me = api.get_user().await?;
    say(&format!(
        "  new token works for {}",
        me.identifier.as_deref().unwrap_or("?")
    ))?;
    let anonymous = NativeApi::new(base_url)?;
    match anonymous.get_user().await {
        Err(e) => say(&format!(
            "  without a token: {}",
            e.server_message().unwrap_or("refused")
        ))?,
        Ok(_) => say("  without a token: unexpectedly accepted")?,
    }

    collections(&api).await?;
    let pid = datasets(&api).await?;
    files(&api, &pid).await?;
    search(&api, &pid).await?;

    say(
        "\nDemo finished: every call above went through the client library to the embedded Dataverse.",
    )?;
    Ok(())
}

async fn collections(api: &NativeApi) -> CliResult {
    use dataverse_client::api::crawl::{CrawlFilter, CrawlItem, CrawlOptions};
    use dataverse_client::models::collections::{
        CollectionCreateBody, DataverseType, UpdateCollection,
    };

    let say = |s: &str| output::line(s);
    say("\n== Collections")?;
    let lab = CollectionCreateBody::new("Demo Laboratory", "demo-lab", "lab@example.edu")
        .affiliation("Example University")
        .dataverse_type(DataverseType::Laboratory);
    let created = api.create_collection(":root", &lab).await?;
    say(&format!(
        "  created {} (id {}), published: {}",
        created.alias.as_deref().unwrap_or("?"),
        created.id.unwrap_or(0),
        created.is_released.unwrap_or(false)
    ))?;
    for (alias, name) in [
        ("demo-genomics", "Genomics Group"),
        ("demo-imaging", "Imaging Group"),
    ] {
        let body = CollectionCreateBody::new(name, alias, "group@example.edu")
            .dataverse_type(DataverseType::ResearchGroup);
        api.create_collection("demo-lab", &body).await?;
    }
    let update = UpdateCollection {
        description: Some("Where the demo keeps its data.".into()),
        ..Default::default()
    };
    let updated = api.update_collection("DEMO-LAB", &update).await?;
    say(&format!(
        "  updated description: {}",
        updated.description.as_deref().unwrap_or("")
    ))?;
    match api.publish_collection("demo-genomics").await {
        Err(e) => say(&format!(
            "  publishing a child first is refused: {}",
            e.server_message().unwrap_or("?")
        ))?,
        Ok(_) => say("  publishing a child first: unexpectedly accepted")?,
    }
    for alias in ["demo-lab", "demo-genomics", "demo-imaging"] {
        api.publish_collection(alias).await?;
    }
    say("  published demo-lab and its two groups")?;
    for item in api.get_collection_contents("demo-lab").await? {
        if let dataverse_client::models::collections::ContentItem::Collection(c) = item {
            say(&format!(
                "  contents: collection {} {}",
                c.id,
                c.title.as_deref().unwrap_or("")
            ))?;
        }
    }
    match api.delete_collection("demo-lab").await {
        Err(e) => say(&format!(
            "  deleting a non-empty collection is refused: {}",
            e.server_message().unwrap_or("?")
        ))?,
        Ok(_) => say("  deleting a non-empty collection: unexpectedly accepted")?,
    }
    let scratch = CollectionCreateBody::new("Scratch", "demo-scratch", "me@example.edu");
    api.create_collection(":root", &scratch).await?;
    say(&format!(
        "  {}",
        api.delete_collection("demo-scratch").await?.message
    ))?;
    let facets = api.get_collection_facets("demo-lab").await?;
    say(&format!(
        "  facets (inherited from root): {}",
        facets.join(", ")
    ))?;
    let admins: Vec<String> = api
        .get_collection_assignments("demo-lab")
        .await?
        .into_iter()
        .map(|a| format!("{} as {}", a.assignee, a.role_alias.unwrap_or_default()))
        .collect();
    say(&format!("  assignments: {}", admins.join(", ")))?;

    say("\n== Crawl of the whole tree (concurrent; titles from the search index)")?;
    let report = api
        .crawl_collection_with(":root", CrawlOptions::new().filter_by(CrawlFilter::All))
        .await?;
    for item in &report.items {
        let indent = "  ".repeat(item.depth());
        match item {
            CrawlItem::Collection(c) => say(&format!(
                "  {indent}[{}] {}",
                c.id,
                c.title.as_deref().unwrap_or("")
            ))?,
            CrawlItem::Dataset(d) => say(&format!(
                "  {indent}{} {} (v{})",
                d.persistent_id.as_deref().unwrap_or("?"),
                d.title.as_deref().unwrap_or(""),
                d.version.as_deref().unwrap_or("?")
            ))?,
        }
    }
    let p = report.progress;
    say(&format!(
        "  {} collections and {} datasets in {} requests ({} titles from search, {} from version reads)",
        p.collections_found.saturating_sub(1),
        p.datasets_found,
        p.requests,
        p.titles_from_search,
        p.titles_from_versions
    ))?;
    Ok(())
}

/// Search what the demo created: its dataset and files under demo-lab, with facets.
async fn search(api: &NativeApi, pid: &str) -> CliResult {
    use dataverse_client::SearchQuery;

    let say = |s: &str| output::line(s);
    say("\n== Search (the embedded server's full-text index)")?;
    let page = api
        .search(
            &SearchQuery::new("finches")
                .subtree("demo-lab")
                .show_facets(true),
        )
        .await?;
    say(&format!(
        "  \"finches\" under demo-lab: {} results",
        page.total_count
    ))?;
    // A dataset with a draft shows twice to its owner, as Dataverse indexes both versions.
    for item in page.items.iter().take(5) {
        say(&format!(
            "    {:<9} {:<24} {:<10} {}",
            item.type_name().unwrap_or("?"),
            item.identifier().unwrap_or_default(),
            if item.published_at().is_some() {
                "published"
            } else {
                "draft"
            },
            item.name().unwrap_or("")
        ))?;
    }
    for (field, facet) in page.facet_fields().take(3) {
        let counts: Vec<String> = facet
            .counts()
            .take(4)
            .map(|(value, n)| format!("{value} {n}"))
            .collect();
        say(&format!("  facet {field}: {}", counts.join(", ")))?;
    }
    let field = SearchQuery::new(format!("dsPersistentId:\"{pid}\"")).type_("dataset");
    let found = api.search(&field).await?;
    say(&format!(
        "  dsPersistentId:\"{pid}\" -> {}",
        found
            .items
            .first()
            .and_then(|i| i.name())
            .unwrap_or("nothing")
    ))?;
    let datasets = api
        .search_count(&SearchQuery::new("*").type_("dataset"))
        .await?;
    say(&format!("  datasets in the whole installation: {datasets}"))?;
    Ok(())
}

/// Returns the PID of the dataset it created and published.
async fn datasets(api: &NativeApi) -> CliResult<String> {
    use std::time::Duration;

    use dataverse_client::Version;
    use dataverse_client::models::datasets::{DatasetField, ReleaseType};
    use dataverse_client::models::metadata::{Author, CitationBuilder, EditMetadataBody};

    let say = |s: &str| output::line(s);
    say("\n== Datasets")?;
    let metadata = CitationBuilder::new("Darwin's Finches")
        .author(Author::new("Finch, Fiona").affiliation("Birds Inc.").orcid("0000-0002-1825-0097"))
        .contact("Finch, Fiona", "finch@mailinator.com")
        .description("Darwin's finches (also known as the Galapagos finches) are a group of about fifteen species.")
        .subject("Medicine, Health and Life Sciences")
        .keyword("birds")
        .production_date("2024-05")
        .license("CC0 1.0")
        .build();
    let problems = api.preflight_dataset(&metadata).await?;
    say(&format!(
        "  pre-flight check against the server's blocks: {} problem(s)",
        problems.len()
    ))?;
    let validation = api.validate_dataset_json("demo-lab", &metadata).await?;
    say(&format!("  server validation: {}", validation.message))?;

    let mut broken = metadata.clone();
    broken.remove_field("citation", "subject");
    broken.set_field(
        "citation",
        DatasetField::primitive("titel", "a typo Dataverse would drop"),
    );
    for p in api.preflight_dataset(&broken).await? {
        say(&format!("  pre-flight of a broken body: {p}"))?;
    }

    let created = api
        .create_dataset("demo-lab", &metadata, None, false)
        .await?;
    let pid = created.persistent_id.clone();
    say(&format!("  created draft {} (id {})", pid, created.id))?;
    let edit = EditMetadataBody::new([DatasetField::compound_multiple(
        "keyword",
        [vec![DatasetField::primitive("keywordValue", "evolution")]],
    )]);
    api.edit_dataset_metadata(pid.as_str(), &edit, false)
        .await?;
    say("  added the keyword 'evolution' (appended to the draft)")?;
    let published = api
        .publish_dataset_and_wait(pid.as_str(), ReleaseType::Major, Duration::from_secs(30))
        .await?;
    say(&format!(
        "  published: version {} on {}",
        published
            .dataset_version
            .as_ref()
            .map(|v| v.version_label())
            .unwrap_or_default(),
        published.publication_date.as_deref().unwrap_or("?")
    ))?;
    let retitle = EditMetadataBody::new([DatasetField::primitive(
        "title",
        "Darwin's Finches, revisited",
    )]);
    api.edit_dataset_metadata(pid.as_str(), &retitle, true)
        .await?;
    api.publish_dataset_and_wait(pid.as_str(), ReleaseType::Minor, Duration::from_secs(30))
        .await?;
    for v in api.get_dataset_versions(pid.as_str()).await? {
        say(&format!(
            "  version {} {} {}",
            v.version_label(),
            v.version_state.as_ref().map_or("", |s| s.as_str()),
            v.title().unwrap_or("")
        ))?;
    }
    let first = api
        .get_dataset_version(pid.as_str(), Version::parse("1.0")?)
        .await?;
    say(&format!(
        "  version 1.0 still has the title: {}",
        first.title().unwrap_or("")
    ))?;

    for format in ["ddi", "oai_dc", "schema.org", "Datacite"] {
        let doc = api.get_dataset_export(pid.as_str(), format).await?;
        let first_line = doc
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(70)
            .collect::<String>();
        say(&format!(
            "  export {format:<11} {:>6} bytes  {first_line}",
            doc.len()
        ))?;
    }
    let results = api
        .get_datasets([pid.as_str(), "doi:10.5072/FK2/NOPE00", "not a pid"])
        .await;
    for r in results {
        match r {
            Ok(ds) => say(&format!(
                "  get_datasets: ok {}",
                ds.persistent_id().unwrap_or_default()
            ))?,
            Err(e) => say(&format!(
                "  get_datasets: error {}",
                crate::error::api_line(&e)
            ))?,
        }
    }
    Ok(pid)
}

/// The CSV the demo uploads.
const FINCHES_CSV: &str = "species,island,beak_depth_mm,count\n\
Geospiza fortis,Daphne Major,9.6,112\n\
Geospiza scandens,Daphne Major,9.2,37\n\
Geospiza magnirostris,Genovesa,15.1,21\n\
Certhidea olivacea,Santa Cruz,5.4,64\n";

/// Upload a CSV, watch it ingest, list the files table, download both forms and verify.
async fn files(api: &NativeApi, pid: &str) -> CliResult {
    use std::time::Duration;

    use dataverse_client::api::access::{DownloadOptions, Verification};
    use dataverse_client::api::upload::{UploadOptions, UploadSource};
    use dataverse_client::datafiles_rows;
    use dataverse_client::models::datasets::LockType;
    use dataverse_client::models::files::UploadBody;

    let say = |s: &str| output::line(s);
    say("\n== Files")?;
    let work = tempfile::tempdir()
        .map_err(|e| CliError::io_at("cannot create a temporary directory", e))?;
    let csv_path = work.path().join("finches.csv");
    std::fs::write(&csv_path, FINCHES_CSV)?;
    let body = UploadBody {
        description: Some("Beak depths of Darwin's finches".into()),
        directory_label: Some("data".into()),
        categories: Some(vec!["Data".into()]),
        ..Default::default()
    };
    let report = api
        .upload_datafile_with(
            pid,
            UploadSource::path(&csv_path),
            &body,
            UploadOptions::new(),
        )
        .await?;
    let id = report
        .file()
        .and_then(|f| f.data_file.id)
        .ok_or_else(|| CliError::io("the server did not return the new file's id"))?;
    say(&format!(
        "  uploaded finches.csv ({} bytes, {} {}, {}) as file {id}",
        report.bytes,
        report.checksum.r#type,
        report.checksum.value,
        if report.checksum_verified {
            "matches the server's"
        } else {
            "not compared"
        }
    ))?;
    // Tabular ingest runs behind an `Ingest` lock on the dataset: wait for it (bounded).
    let locks = api.get_dataset_lock(pid, Some(LockType::Ingest)).await?;
    say(&format!(
        "  ingest lock right after the upload: {}",
        if locks.is_empty() {
            "already gone"
        } else {
            "held"
        }
    ))?;
    api.wait_for_unlock(pid, LockType::Ingest, Duration::from_secs(30))
        .await?;
    let info = api.get_datafile_metadata(id, true).await?;
    say(&format!(
        "  ingested: {} as {} (tabular: {}, original {} of {} bytes)",
        info.label,
        info.data_file.content_type.as_deref().unwrap_or("?"),
        info.data_file.is_tabular(),
        info.data_file.original_file_name.as_deref().unwrap_or("?"),
        info.data_file.original_file_size.unwrap_or(0)
    ))?;

    let readme = work.path().join("README.md");
    std::fs::write(
        &readme,
        "# Finches\n\nBeak measurements, one row per species.\n",
    )?;
    api.upload_datafile(pid, UploadSource::path(&readme), &UploadBody::default())
        .await?;
    let files = api.get_datafiles_metadata(pid, None, &[]).await?;
    say("  the files table (datafiles_rows):")?;
    for r in datafiles_rows(&files) {
        say(&format!(
            "    {:>4}  {:<18} {:<27} {:>5} bytes  tabular: {:<5}  {} {}",
            r.id.map(|i| i.to_string()).unwrap_or_default(),
            match &r.directory {
                Some(d) => format!("{d}/{}", r.label),
                None => r.label.clone(),
            },
            r.content_type.as_deref().unwrap_or(""),
            r.size,
            r.tabular,
            r.checksum_type.as_deref().unwrap_or(""),
            r.checksum_value.as_deref().unwrap_or("")
        ))?;
    }
    let md = api
        .get_datafiles_metadata(pid, None, &["text/markdown"])
        .await?;
    say(&format!(
        "  filtered to text/markdown: {} file(s)",
        md.len()
    ))?;
    let df = api.datafiles_table(pid, &["text/*"]).await?;
    say(&format!(
        "  datafiles_table(\"text/*\"): a polars DataFrame of {} rows x {} columns ({})",
        df.height(),
        df.width(),
        df.get_column_names()
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))?;

    let tab = api
        .download_datafile(id, work.path().join("finches.tab"), &DownloadOptions::new())
        .await?;
    let tab_text = std::fs::read_to_string(&tab.path)?;
    say(&format!(
        "  downloaded the ingested form: {} bytes, header {:?} ({})",
        tab.bytes,
        tab_text.lines().next().unwrap_or(""),
        match tab.verification {
            Verification::Checksum { .. } => "checksum verified",
            Verification::Unverified { .. } => "the server keeps no checksum of this form",
        }
    ))?;
    let original = api
        .download_datafile(
            id,
            work.path().join("finches-original.csv"),
            &DownloadOptions::new().original(true),
        )
        .await?;
    let same = std::fs::read(&original.path)? == FINCHES_CSV.as_bytes();
    match &original.verification {
        Verification::Checksum { algorithm, value } => say(&format!(
            "  downloaded the original: {} bytes, {algorithm} {value} verified by the library; byte-identical to the upload: {same}",
            original.bytes
        ))?,
        Verification::Unverified { .. } => say(&format!(
            "  downloaded the original: {} bytes, not verified; byte-identical to the upload: {same}",
            original.bytes
        ))?,
    }
    if !same {
        return Err(CliError::Incomplete(
            "the original download differs from the uploaded CSV".into(),
        ));
    }
    Ok(())
}
