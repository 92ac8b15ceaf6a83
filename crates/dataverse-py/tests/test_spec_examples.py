"""Every code example of the spec (native-api.txt), in order, against the embedded
Dataverse: only the URL, the token and the identifiers are adapted."""

from pathlib import Path

from conftest import dataset_body, make_collection, make_dataset, upload, write

from dataverse_rs import (
    CollectionCreateBody,
    DatasetCreateBody,
    EditMetadataBody,
    NativeApi,
    UpdateCollection,
    UploadBody,
)
from dataverse_rs.models import Collection, CrawledCollection, CrawledDataset, Dataset


def test_construct_read_only_and_authenticated(local_dataverse):
    api = NativeApi(base_url=local_dataverse.url)
    assert api.get_info_version().version
    api = NativeApi(base_url=local_dataverse.url, api_token=local_dataverse.admin_token)
    assert api.get_user().superuser is True
    assert local_dataverse.admin_token not in repr(api)


def test_get_collection(local_dataverse):
    api = NativeApi(local_dataverse.url)
    root = api.get_collection(":root")
    assert (root.alias, root.name) == ("root", "Root")
    admin = local_dataverse.api()
    alias = make_collection(admin)
    admin.publish_collection(alias)
    harvard = api.get_collection(alias)
    assert harvard.alias == alias
    collection = api.get_collection(1)
    assert isinstance(collection, Collection) and collection.id == 1 and collection.alias == "root"


def test_create_and_update_collection(local_dataverse):
    api = NativeApi(base_url=local_dataverse.url, api_token=local_dataverse.admin_token)
    body = CollectionCreateBody(
        name="Research Laboratory",
        alias="research-lab",
        dataverse_contacts=[{"contactEmail": "lab@university.edu"}],
        affiliation="Department of Science",
    )
    created = api.create_collection(parent="root", metadata=body)
    assert created.alias == "research-lab" and created.id > 1
    assert created.affiliation == "Department of Science"
    update = UpdateCollection(
        name="Updated Research Laboratory",
        description="An updated description for the research lab collection.",
    )
    updated = api.update_collection(identifier="research-lab", metadata=update)
    assert updated.name == "Updated Research Laboratory"
    assert api.get_collection("research-lab").description.startswith("An updated description")


def test_crawl_collection(local_dataverse, api):
    top = make_collection(api)
    sub = make_collection(api, parent=top)
    pid = make_dataset(api, sub, title="Crawled finches")
    anonymous = NativeApi(local_dataverse.url)
    api.publish_collection(top)
    api.publish_collection(sub)
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    items = anonymous.crawl_collection(":root")
    assert len(items) >= 3
    collections = anonymous.crawl_collection(top, filter_by="collections")
    assert [c.id for c in collections] == [anonymous.get_collection(sub).id]
    assert all(isinstance(c, CrawledCollection) for c in collections)
    datasets = anonymous.crawl_collection(top, filter_by="datasets")
    assert [ds.title for ds in datasets] == ["Crawled finches"]
    assert isinstance(datasets[0], CrawledDataset) and datasets[0].persistent_id == pid


def test_get_dataset_versions_and_version(api):
    pid = make_dataset(api)
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    ds = api.get_dataset(pid)
    assert ds.dataset_version.version_number == 1
    assert "citation" in ds.dataset_version.metadata_blocks.keys()
    api.edit_dataset_metadata(identifier=pid, metadata=EditMetadataBody(title="Second title"), replace=True)
    versions = api.get_dataset_versions(pid)
    states = [(v.dataset_version.version_number, v.dataset_version.version_state) for v in versions]
    assert states == [(None, "DRAFT"), (1, "RELEASED")]
    v1 = api.get_dataset_version(pid, version="1.0")
    assert v1.title == "Darwin's Finches" and v1.version == "1.0"


def test_get_datasets(api):
    pids = [make_dataset(api, title=f"Bulk {i}") for i in range(2)]
    numeric = api.get_dataset(pids[0]).id
    datasets = api.get_datasets(identifiers=[pids[0], pids[1], numeric])
    assert len(datasets) == 3
    assert [d.title for d in datasets] == ["Bulk 0", "Bulk 1", "Bulk 0"]
    assert all(isinstance(d, Dataset) for d in datasets)


def test_create_dataset_and_validate(api):
    collection = make_collection(api)
    metadata = dataset_body()
    created = api.create_dataset(dataverse=collection, metadata=metadata)
    assert created.persistent_id.startswith("doi:")
    validation = api.validate_dataset_json(collection=collection, metadata=metadata)
    assert validation.valid is True and "valid" in validation.message
    incomplete = DatasetCreateBody(title="No author, no contact")
    assert api.validate_dataset_json(collection=collection, metadata=incomplete).valid is False


def test_create_dataset_import_with_pid_and_publish(api):
    created = api.create_dataset(
        dataverse="root", metadata=dataset_body("Imported"), identifier="doi:10.5072/FK2/IMPORT1", publish=True
    )
    assert created.persistent_id == "doi:10.5072/FK2/IMPORT1"
    assert api.get_dataset("doi:10.5072/FK2/IMPORT1").dataset_version.version_state == "RELEASED"


def test_edit_and_publish(api):
    pid = make_dataset(api)
    edit_body = EditMetadataBody(keyword=[{"keywordValue": "birds"}])
    updated = api.edit_dataset_metadata(identifier=pid, metadata=edit_body, replace=False)
    keywords = [f for f in updated.metadata_blocks["citation"].fields if f.type_name == "keyword"]
    assert keywords and keywords[0].value[0].keyword_value.value == "birds"
    published = api.publish_dataset(pid=pid, release_type="major")
    assert published.persistent_url.endswith(pid.split(":", 1)[1])


def test_datafiles_table(api, tmp_path: Path):
    pid = make_dataset(api)
    upload(api, pid, write(tmp_path, "results.csv", "a,b\n1,2\n"))
    upload(api, pid, write(tmp_path, "notes.txt", "hello\n"))
    df = api.datafiles_table(pid)
    assert sorted(df["label"]) == ["notes.txt", "results.csv"]
    assert df.head().shape[0] == 2
    csv_df = api.datafiles_table(pid, filter_mime_types=["text/csv"])
    assert list(csv_df["label"]) == ["results.csv"]
    infos = api.get_datafiles_metadata(pid, filter_mime_types=["text/csv"])
    assert [i.label for i in infos] == ["results.csv"]


def test_get_datafile_metadata(local_dataverse, api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "results.csv", "a,b\n1,2\n"))
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    file_info = api.get_datafile_metadata(file_id)
    assert file_info.label == "results.csv"
    assert file_info.data_file.content_type.startswith("text/csv")
    api.update_datafile_metadata(file_id, UploadBody(description="Draft description"))
    draft_info = api.get_datafile_metadata(file_id, is_draft=True)
    assert draft_info.description == "Draft description"
    published = NativeApi(local_dataverse.url).get_datafile_metadata(file_id)
    assert published.label == "results.csv" and published.description != "Draft description"


def test_upload_datafile(api, tmp_path: Path):
    pid = make_dataset(api)
    path = write(tmp_path, "data/results.csv", "x,y\n3,4\n")
    upload_metadata = UploadBody(description="Analysis results", directory_label="analysis", restrict=False, tab_ingest=False)
    upload_response = api.upload_datafile(identifier=pid, file=path, metadata=upload_metadata)
    file_id = upload_response.files[0].data_file.id
    assert isinstance(file_id, int)
    assert upload_response.files[0].directory_label == "analysis"
    assert upload_response.bytes == path.stat().st_size and upload_response.checksum_verified


def test_replace_datafile(api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "results.csv", "a,b\n1,2\n"))
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    replacement = write(tmp_path, "results_v2.csv", "a,b\n1,2\n3,4\n")
    replace_metadata = UploadBody(description="Updated analysis results")
    replaced = api.replace_datafile(identifier=file_id, file=replacement, metadata=replace_metadata)
    new = replaced.files[0]
    assert new.data_file.id != file_id and new.description == "Updated analysis results"


def test_private_urls(api):
    pid = make_dataset(api)
    private = api.create_dataset_private_url(pid)
    assert "token=" in private.link
    info = api.get_dataset_private_url(pid)
    assert info.link == private.link
    message = api.delete_dataset_private_url(pid)
    assert message.message


def test_exports(api):
    pid = make_dataset(api)
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    ddi_xml = api.get_dataset_export(identifier=pid, export_format="ddi")
    assert ddi_xml.lstrip().startswith("<") and "Darwin" in ddi_xml
    exports = api.get_datasets_export(identifiers=[pid], export_format="dataverse_json", as_dict=True)
    assert "datasetVersion" in exports[0].keys()


def test_export_formats(api):
    formats = api.get_export_formats()
    assert formats["ddi"].display_name == "DDI Codebook v2"
    for name, exporter in formats.items():
        assert isinstance(name, str) and exporter.display_name


def test_server_information(local_dataverse):
    api = NativeApi(local_dataverse.url)
    version = api.get_info_version()
    assert version.version and version.build is not None
    server = api.get_info_server()
    assert server.hostname == "localhost"
    terms = api.get_info_api_terms_of_use()
    assert isinstance(terms.message, str)


def test_metadatablocks(local_dataverse):
    api = NativeApi(local_dataverse.url)
    blocks = api.get_metadatablocks()
    names = [block.name for block in blocks]
    assert "citation" in names and all(block.display_name for block in blocks)
    full_blocks = api.get_metadatablocks(full=True)
    citation_block = full_blocks["citation"]
    assert citation_block.fields[0].name == "title"
    geo = api.get_metadatablock("geospatial")
    assert geo.display_name == "Geospatial Metadata"


def test_licenses(local_dataverse):
    api = NativeApi(local_dataverse.url)
    licenses = api.get_available_licenses()
    assert any(license.name == "CC0 1.0" for license in licenses)
    cc_by = api.get_license("CC BY 4.0")
    assert cc_by.uri == "http://creativecommons.org/licenses/by/4.0"
    assert api.get_license(cc_by.id).name == "CC BY 4.0"


def test_user_and_tokens(local_dataverse):
    user = local_dataverse.create_user("tokenuser")
    api = NativeApi(local_dataverse.url, api_token=user["token"])
    me = api.get_user()
    assert me.email == "tokenuser@example.edu" and me.display_name
    expiration = api.get_user_api_token_expiration_date()
    assert expiration.message
    recreated = api.recreate_user_api_token()
    assert recreated.message and recreated.token and recreated.token != user["token"]
    assert recreated.token not in repr(recreated) and recreated.token not in recreated.message
    api = NativeApi(local_dataverse.url, api_token=recreated.token)
    deleted = api.delete_user_api_token()
    assert deleted.message
