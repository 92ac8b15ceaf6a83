"""The spec's other methods ("You can also ...") and the Rust library's extras."""

import time
from pathlib import Path

import pytest
from conftest import make_collection, make_dataset, upload, write

from dataverse_rs import InvalidArgument, NativeApi, NotFound, UploadBody
from dataverse_rs.models import Collection, Dataset


def test_collection_lifecycle(api):
    parent = make_collection(api)
    child = make_collection(api, parent=parent)
    pid = make_dataset(api, parent)
    contents = api.get_collection_contents(parent)
    assert {type(c) for c in contents} == {Collection, Dataset}
    assert any(isinstance(c, Dataset) and c.persistent_id == pid for c in contents)
    assignments = api.get_collection_assignments(parent)
    assert any(a.role_alias == "admin" for a in assignments)
    roles = api.get_dataverse_roles("root")
    assert isinstance(roles, list)
    assert "authorName" in api.get_collection_facets("root") or isinstance(api.get_collection_facets("root"), list)
    details = api.get_collection_facet_details("root")
    assert isinstance(details, list)
    published = api.publish_collection(parent)
    assert published.alias == parent
    deleted = api.delete_collection(child)
    assert deleted.message
    with pytest.raises(NotFound):
        api.get_collection(child)


def test_dataset_locks_assignments_delete_destroy(api):
    pid = make_dataset(api)
    assert api.get_dataset_lock(pid) == []
    assert any(a.role_alias for a in api.get_dataset_assignments(pid))
    assert api.delete_dataset(pid).message
    with pytest.raises(NotFound):
        api.get_dataset(pid)
    published = make_dataset(api)
    api.publish_dataset(pid=published, release_type="major", wait_seconds=30)
    assert api.destroy_dataset(published).message
    with pytest.raises(NotFound):
        api.get_dataset(published)


def test_review_workflow(local_dataverse, api):
    collection = make_collection(api)
    pid = make_dataset(api, collection)
    assert api.submit_dataset_for_review(pid).message
    assert [lock.lock_type for lock in api.get_dataset_lock(pid)] == ["InReview"]
    assert api.return_dataset_to_author(pid, reason="Please add a description.").message
    assert api.get_dataset_lock(pid) == []


def test_file_operations(api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "table.csv", "a,b\n1,2\n"))
    restricted = api.restrict_datafile(file_id, restrict=True)
    assert restricted.message
    assert api.get_datafile_metadata(file_id, is_draft=True).restricted is True
    api.restrict_datafile(file_id, restrict=False)
    redetected = api.redetect_file_type(file_id, dry_run=True)
    assert redetected.dry_run is True
    summary = api.update_datafile_metadata(file_id, UploadBody(description="described", categories=["Data"]))
    assert summary.description == "described"
    assert api.delete_datafile(file_id) is True
    assert api.get_datafiles_metadata(pid) == []


def wait_for_label(api, file_id, label):
    """Tabular ingest runs after the upload answers: wait (at most 10 s) for its result."""
    deadline = time.monotonic() + 10
    while api.get_datafile_metadata(file_id, is_draft=True).label != label:
        assert time.monotonic() < deadline, f"file {file_id} never became {label}"
        time.sleep(0.05)


def test_reingest_and_uningest(api, tmp_path: Path):
    pid = make_dataset(api)
    response = api.upload_datafile(identifier=pid, file=write(tmp_path, "t.csv", "a,b\n1,2\n3,4\n"))
    file_id = response.files[0].data_file.id
    wait_for_label(api, file_id, "t.tab")
    assert api.uningest_datafile(file_id).message
    assert api.get_datafile_metadata(file_id, is_draft=True).label == "t.csv"
    assert api.reingest_datafile(file_id).message
    wait_for_label(api, file_id, "t.tab")


def test_download_file_and_dataset(api, tmp_path: Path):
    pid = make_dataset(api)
    upload(api, pid, write(tmp_path, "up/a.txt", "alpha\n"))
    file_id = upload(api, pid, write(tmp_path, "up/b.txt", "bravo\n"), directory_label="sub")
    report = api.download_datafile(file_id, tmp_path / "down" / "b.txt")
    assert (tmp_path / "down" / "b.txt").read_text() == "bravo\n"
    assert report.bytes == 6 and report.checksum_verified
    whole = api.download_dataset(pid, tmp_path / "all", version=":latest")
    assert sorted(f["relative_path"] for f in whole.to_dict()["files"]) == ["a.txt", "sub/b.txt"]
    assert (tmp_path / "all" / "sub" / "b.txt").read_text() == "bravo\n"
    # Unsynced, and a second dataset download that finds every file already there.
    quick = api.download_datafile(file_id, tmp_path / "quick.txt", sync=False)
    assert quick.bytes == 6 and quick.checksum_verified and (tmp_path / "quick.txt").read_text() == "bravo\n"
    again = api.download_dataset(pid, tmp_path / "all", version=":latest", skip_identical=True, sync=False)
    assert [f["report"]["skipped"] for f in again.to_dict()["files"]] == [True, True]
    with pytest.raises(InvalidArgument):
        api.download_datafile(file_id, tmp_path / "bad.txt", sync="yes")


def test_upload_directory(api, tmp_path: Path):
    pid = make_dataset(api)
    write(tmp_path, "tree/one.txt", "1\n")
    write(tmp_path, "tree/deep/two.txt", "2\n")
    summary = api.upload_directory(pid, tmp_path / "tree")
    assert len(summary.uploaded) == 2 and summary.bytes_sent == 4
    again = api.upload_directory(pid, tmp_path / "tree")
    assert len(again.uploaded) == 0 and len(again.skipped) == 2
    labels = sorted((f.directory_label or "", f.label) for f in api.get_datafiles_metadata(pid))
    assert labels == [("", "one.txt"), ("deep", "two.txt")]


def test_preflight_and_block_lists(api):
    from dataverse_rs import DatasetCreateBody, field

    bad = DatasetCreateBody(title="t", fields=[field("noSuchField", "x")])
    problems = api.preflight_dataset(bad)
    assert any("noSuchField" in p.path for p in problems)
    collection_blocks = api.get_collection_metadatablocks("root")
    assert "citation" in collection_blocks
    pid = make_dataset(api)
    assert "citation" in api.get_dataset_metadatablocks(pid)


def test_to_dict_is_the_json_and_repr_is_short(api):
    root = api.get_collection(":root")
    data = root.to_dict()
    assert data["alias"] == "root" and "dataverseContacts" in data or "alias" in data
    data["alias"] = "changed"
    assert root.alias == "root"
    assert repr(root) == "Collection(id=1, alias='root', name='Root')"
    with pytest.raises(AttributeError):
        root.no_such_attribute


def test_anonymous_client_has_no_token(local_dataverse):
    api = NativeApi(local_dataverse.url)
    assert "anonymous" in repr(api)


def test_to_dict_matches_the_servers_json(local_dataverse, api):
    import json
    import urllib.request

    pid = make_dataset(api, title="Wire check")
    with urllib.request.urlopen(f"{local_dataverse.url}/api/dataverses/root") as r:
        assert api.get_collection("root").to_dict() == json.load(r)["data"]
    request = urllib.request.Request(
        f"{local_dataverse.url}/api/datasets/:persistentId/versions/:draft?persistentId={pid}",
        headers={"X-Dataverse-key": local_dataverse.admin_token},
    )
    with urllib.request.urlopen(request) as r:
        wire = json.load(r)["data"]
    ours = api.get_dataset_version(pid, version=":draft").to_dict()
    assert ours["metadataBlocks"] == wire["metadataBlocks"]
    assert {k: ours[k] for k in ("id", "versionState", "datasetPersistentId")} == {
        k: wire[k] for k in ("id", "versionState", "datasetPersistentId")
    }
