"""Permissions and citations from Python: what the caller may do on a collection, a
dataset and a file, and the citations of datasets, files and private-URL drafts."""

import asyncio

import pytest
from conftest import make_collection, make_dataset, upload

from dataverse_rs import AsyncNativeApi, InvalidArgument, NativeApi, NotFound, Unauthorized
from dataverse_rs.models import DatasetVersion
from dataverse_rs.models_admin import UserPermissions


def test_permissions_of_the_superuser_and_of_a_plain_user(api, dataverse_user, tmp_path):
    alias = make_collection(api)
    pid = make_dataset(api, alias)
    path = tmp_path / "notes.txt"
    path.write_text("finches\n")
    file_id = upload(api, pid, path)

    mine = api.get_collection_user_permissions(alias)
    assert isinstance(mine, UserPermissions)
    assert mine.can_add_dataset and mine.can_edit_dataverse and mine.can_delete_dataverse
    assert mine.to_dict()["canPublishDataverse"] is True
    ds = api.get_dataset_user_permissions(pid)
    assert ds.can_edit_dataset and ds.can_publish_dataset and ds.can_delete_dataset_draft
    f = api.get_datafile_user_permissions(file_id)
    assert f.can_download_file and f.can_manage_file_permissions and f.can_edit_owner_dataset

    # A user with no role there may do nothing on the draft.
    theirs = dataverse_user["api"]
    assert not theirs.get_collection_user_permissions(alias).can_edit_dataverse
    other = theirs.get_dataset_user_permissions(pid)
    assert not other.can_edit_dataset and not other.can_view_unpublished_dataset
    assert not theirs.get_datafile_user_permissions(file_id).can_download_file


def test_permission_errors(local_dataverse, api):
    with pytest.raises(NotFound) as info:
        api.get_collection_user_permissions("nowhere")
    assert info.value.server_message == "Can't find dataverse with identifier='nowhere'"
    with pytest.raises(NotFound):
        api.get_dataset_user_permissions(987654)
    with pytest.raises(InvalidArgument):
        api.get_dataset_user_permissions("not a pid")
    # The file endpoint wants an authenticated user.
    with pytest.raises(Unauthorized):
        NativeApi(local_dataverse.url).get_datafile_user_permissions(1)


def test_dataset_and_file_citations(api, tmp_path):
    pid = make_dataset(api, title="Citations of Finches")
    draft = api.get_dataset_citation(pid, version=":draft")
    url = "https://doi.org/" + pid[len("doi:"):]
    assert '"Citations of Finches"' in draft and url in draft and draft.endswith("DRAFT VERSION")
    # `:latest` (the default) is the draft for those who may see it.
    assert api.get_dataset_citation(pid) == draft
    path = tmp_path / "data.txt"
    path.write_text("1,2\n")
    file_id = upload(api, pid, path)
    cited = api.get_datafile_citation(file_id, version=":draft")
    assert "data.txt [fileName]" in cited
    with pytest.raises(NotFound):
        api.get_dataset_citation(987654)


def test_private_url_draft_and_its_citation(local_dataverse, api):
    pid = make_dataset(api, title="Reviewed Finches")
    token = api.create_dataset_private_url(pid).token
    reviewer = NativeApi(local_dataverse.url)  # no API token: the private URL's is enough
    draft = reviewer.get_private_url_dataset_version(token)
    assert isinstance(draft, DatasetVersion)
    assert draft.version_state == "DRAFT"
    assert draft.title == "Reviewed Finches"
    assert reviewer.get_private_url_dataset_version_citation(token) == api.get_dataset_citation(pid, ":draft")
    forged = "00000000-1111-2222-3333-444444444444"
    with pytest.raises(NotFound) as info:
        reviewer.get_private_url_dataset_version(forged)
    assert forged not in str(info.value) and forged not in (info.value.url or "")


def test_async_permissions_and_citation(local_dataverse, api):
    pid = make_dataset(api, title="Async Finches")

    async def main():
        a = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        return await asyncio.gather(a.get_dataset_user_permissions(pid), a.get_dataset_citation(pid))

    perms, citation = asyncio.run(main())
    assert perms.can_publish_dataset
    assert '"Async Finches"' in citation
