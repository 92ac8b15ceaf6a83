"""Dataset and file extras from Python: deaccession, file PID registration, download size
and count, data tables, persistent URL, waiting for a lock, the dataset field lists and
logout."""

import asyncio

import pytest
from conftest import make_collection, make_dataset, upload, write

from dataverse_rs import (
    AsyncNativeApi,
    BadRequest,
    CollectionCreateBody,
    Forbidden,
    InvalidArgument,
    LocalDataverse,
    NativeApi,
    NotFound,
    ServerError,
)
from dataverse_rs.models import Message
from dataverse_rs.models_admin import DataTable, DatasetField, DownloadSize


def published_with_file(api, tmp_path, text="a,b\n1,2\n"):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "table.csv", text))
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    return pid, file_id


def test_deaccession_hides_the_version_but_not_its_citation(fresh_dataverse, tmp_path):
    # A server of its own: a guest's crawl of the shared root would meet the deaccessioned
    # dataset (listed, with no version a guest may read).
    local_dataverse, api = fresh_dataverse, fresh_dataverse.api()
    pid, _ = published_with_file(api, tmp_path)
    done = api.deaccession_dataset(pid, ":latest-published", "Superseded.", forward_url="https://example.org/new")
    assert isinstance(done, Message)
    assert done.message == f"Dataset {pid} deaccessioned for version :latest-published"
    with pytest.raises(NotFound):
        api.get_dataset_version(pid, "1.0")
    cited = NativeApi(local_dataverse.url).get_dataset_citation(pid, "1.0", include_deaccessioned=True)
    assert cited.endswith(", Root, V1, DEACCESSIONED VERSION")
    # No reason: refused before any request; a draft cannot be deaccessioned.
    with pytest.raises(InvalidArgument):
        api.deaccession_dataset(pid, "1.0", "  ")
    with pytest.raises(BadRequest):
        api.deaccession_dataset(make_dataset(api), ":draft", "Nothing to withdraw.")


def test_file_pid_registration(fresh_dataverse, tmp_path):
    api = fresh_dataverse.api()
    fresh_dataverse.set_setting(":AllowEnablingFilePIDsPerCollection", "true")
    api.create_collection(
        parent="root", metadata=CollectionCreateBody(name="Pids", alias="pids", dataverse_contacts=["p@example.edu"])
    )
    api.publish_collection("pids")
    pid = make_dataset(api, "pids")
    file_id = upload(api, pid, write(tmp_path, "one.txt", "one\n"))
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    with pytest.raises(Forbidden) as info:
        api.register_datafile_pid(file_id)
    assert info.value.server_message == "PIDs are not enabled for this file's collection."
    collection = api.set_collection_attribute("pids", "filePIDsEnabled", "true")
    assert collection.alias == "pids"
    assert api.register_datafile_pid(file_id) == "Datafile registration complete. File registered successfully."
    assert api.get_datafile_metadata(file_id).data_file.persistent_id.startswith("doi:10.5072/FK2/")
    assert api.register_datafile_pid(file_id) == "File was already registered. "
    message = api.register_all_datafile_pids()
    assert message.startswith("Datafile registration complete.")


def test_download_size_count_and_persistent_url(api, tmp_path):
    pid, file_id = published_with_file(api, tmp_path, text="a,b\n1,2\n3,4\n")
    size = api.get_dataset_download_size(pid)
    assert isinstance(size, DownloadSize)
    assert size.storage_size == len("a,b\n1,2\n3,4\n")
    assert size.message.endswith(f"{size.storage_size} bytes")
    assert api.get_dataset_download_size(pid, "1.0", mode="Original", content_type="text/csv").storage_size == size.storage_size
    assert api.get_dataset_download_size(pid, content_type="image/png").storage_size == 0
    with pytest.raises(InvalidArgument):
        api.get_dataset_download_size(pid, mode="Everything")

    assert api.get_file_download_count(file_id) == 0
    api.download_datafile(file_id, tmp_path / "copy.csv")
    assert api.get_file_download_count(file_id) == 1
    with pytest.raises(NotFound):
        api.get_file_download_count(987654)

    assert api.get_dataset_persistent_url(pid) == "https://doi.org/" + pid[len("doi:"):]


def test_data_tables_of_an_ingested_file(api, tmp_path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "t.csv", "a,b\n1,2\n3,4\n5,6\n"), tab_ingest=True)
    assert api.wait_for_unlock(pid, "Ingest", timeout_seconds=30) is None
    tables = api.get_file_data_tables(file_id)
    assert len(tables) == 1 and isinstance(tables[0], DataTable)
    assert (tables[0].var_quantity, tables[0].case_quantity) == (2, 3)
    assert [v["name"] for v in tables[0].data_variables] == ["a", "b"]
    plain = upload(api, pid, write(tmp_path, "n.txt", "not a table\n"))
    with pytest.raises(BadRequest) as info:
        api.get_file_data_tables(plain)
    assert info.value.server_message == "This operation is only available for tabular files."


def test_dataset_field_lists(fresh_dataverse):
    api = NativeApi(fresh_dataverse.url)
    assert api.get_dataset_summary_field_names() == ["dsDescription", "subject", "keyword", "publication", "notesText"]
    fresh_dataverse.set_setting(":CustomDatasetSummaryFields", "title , author,keyword")
    assert api.get_dataset_summary_field_names() == ["title", "author", "keyword"]
    fields = api.get_facetable_dataset_fields()
    assert all(isinstance(f, DatasetField) for f in fields)
    subject = next(f for f in fields if f.name == "subject")
    assert subject.display_name == "Subject"
    assert not any(f.name == "title" for f in fields)


def test_logout_is_refused_without_session_authentication(api):
    with pytest.raises(ServerError) as info:
        api.logout()
    assert info.value.status == 500
    assert info.value.server_message == (
        "This endpoint is only available when session authentication feature flag is enabled"
    )


def test_wait_for_unlock_times_out_on_a_lock_that_stays(api):
    alias = make_collection(api)
    pid = make_dataset(api, alias)
    api.submit_dataset_for_review(pid)
    with pytest.raises(ServerError) as info:
        api.wait_for_unlock(pid, "InReview", timeout_seconds=0)
    assert "still locked" in str(info.value)
    api.return_dataset_to_author(pid, reason="More birds.")
    assert api.wait_for_unlock(pid, "InReview", timeout_seconds=5) is None


def test_async_extras(local_dataverse, api, tmp_path):
    pid, file_id = published_with_file(api, tmp_path)

    async def main():
        a = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        return await asyncio.gather(
            a.get_dataset_persistent_url(pid), a.get_file_download_count(file_id), a.get_dataset_download_size(pid)
        )

    url, count, size = asyncio.run(main())
    assert url.endswith(pid[len("doi:"):])
    assert count == 0
    assert size.storage_size == len("a,b\n1,2\n")
