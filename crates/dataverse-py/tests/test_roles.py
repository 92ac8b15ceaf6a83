"""Roles and role assignments against the embedded Dataverse."""

import asyncio

import pytest
from conftest import make_collection, make_dataset, unique

from dataverse_rs import AsyncNativeApi, BadRequest, DataverseError, Forbidden, InvalidArgument, NotFound
from dataverse_rs.models import Message, Role, RoleAssignment


def test_role_lifecycle(api):
    alias = unique("dl").replace("-", "_")
    role = api.create_role("root", alias=alias, name="Downloader", permissions=["DownloadFile"], description="Reads files")
    assert isinstance(role, Role)
    assert role.alias == alias and role.permissions == ["DownloadFile"] and role.description == "Reads files"
    assert api.show_role(alias).id == role.id
    assert api.show_role(role.id).alias == alias
    assert api.show_role(str(role.id)).alias == alias
    with pytest.raises(Forbidden, match="already exists"):
        api.create_role("root", alias=alias, name="Again", permissions=["DownloadFile"])
    deleted = api.delete_role(alias)
    assert isinstance(deleted, Message) and deleted.message
    with pytest.raises(NotFound):
        api.show_role(alias)


def test_role_errors(local_dataverse, api, dataverse_user):
    with pytest.raises(InvalidArgument):
        api.create_role("root", alias="bad alias!", name="x", permissions=["DownloadFile"])
    with pytest.raises(InvalidArgument):
        api.create_role("root", alias="okalias", name="x", permissions=["FlyToTheMoon"])
    with pytest.raises(Forbidden, match="Built In Role"):
        api.delete_role("admin")
    with pytest.raises(NotFound):
        api.show_role(987654)
    with pytest.raises(DataverseError) as refused:
        dataverse_user["api"].create_role("root", alias=unique("u").replace("-", "_"), name="x", permissions=["DownloadFile"])
    assert refused.value.status in (401, 403)


def test_collection_and_dataset_assignments(local_dataverse, api):
    user = local_dataverse.create_user()
    who = "@" + user["username"]
    collection = make_collection(api)
    assignment = api.set_collection_assignment(collection, who, "curator")
    assert isinstance(assignment, RoleAssignment)
    assert assignment.assignee == who and assignment.role_alias == "curator"
    listed = api.get_dataverse_assignments(collection)
    assert any(a.id == assignment.id and a.assignee == who for a in listed)
    assert api.remove_collection_assignment(collection, assignment.id).message
    assert all(a.assignee != who for a in api.get_dataverse_assignments(collection))

    pid = make_dataset(api, collection)
    on_dataset = api.set_dataset_assignment(pid, who, "fileDownloader")
    assert on_dataset.role_alias == "fileDownloader"
    assert any(a.id == on_dataset.id for a in api.get_dataset_assignments(pid))
    assert api.remove_dataset_assignment(pid, on_dataset.id).message
    assert all(a.assignee != who for a in api.get_dataset_assignments(pid))
    with pytest.raises(BadRequest, match="noSuchRole"):
        api.set_dataset_assignment(pid, who, "noSuchRole")
    with pytest.raises(InvalidArgument):
        api.set_collection_assignment(collection, "", "curator")
    with pytest.raises(NotFound):
        api.get_dataverse_assignments("no-such-collection")


def test_async_roles(local_dataverse):
    async def main():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        return await aapi.show_role("admin"), await aapi.get_dataverse_assignments("root")

    admin, assignments = asyncio.run(main())
    assert admin.alias == "admin"
    assert any(a.role_alias == "admin" for a in assignments)
