"""A collection's set-up from Python (attributes, input levels, metadata blocks), the
dataset preflight against a collection, pyDataverse's get_children walk and its
*_dataverse names."""

import asyncio

import pytest
from conftest import dataset_body, make_collection, make_dataset, upload, write

from dataverse_rs import (
    AsyncNativeApi,
    BadRequest,
    CollectionCreateBody,
    InvalidArgument,
    NativeApi,
    NotFound,
    Unauthorized,
)
from dataverse_rs.models import Collection, Dataset, MetadataBlock, MetadataBlockInfo, MetadataProblem
from dataverse_rs.models_admin import InputLevel


def test_metadata_blocks_inheritance_and_root(api):
    parent = make_collection(api)
    child = make_collection(api, parent=parent)
    brief = api.list_collection_metadatablocks(child)
    assert [b.name for b in brief] == ["citation"] and isinstance(brief[0], MetadataBlockInfo)
    assert api.is_collection_metadatablocks_root(child) is False

    message = api.set_collection_metadatablocks(child, ["citation", "geospatial"])
    assert message == f"Metadata blocks of dataverse {child} updated."
    assert api.is_collection_metadatablocks_root(child) is True
    full = api.list_collection_metadatablocks(child, full=True)
    assert list(full) == ["citation", "geospatial"]
    assert isinstance(full["geospatial"], MetadataBlock) and "geographicUnit" in full["geospatial"].fields

    message = api.set_collection_metadatablocks_root(child, False)
    assert "non-root" in message
    assert api.is_collection_metadatablocks_root(child) is False
    assert [b.name for b in api.list_collection_metadatablocks(child)] == ["citation"]

    with pytest.raises(BadRequest) as info:
        api.set_collection_metadatablocks(child, ["nope"])
    assert "Can't find metadata block" in info.value.server_message
    with pytest.raises(NotFound):
        api.list_collection_metadatablocks("no-such-collection")


def test_input_levels_and_preflight_in_a_collection(api):
    alias = make_collection(api)
    assert api.get_collection_input_levels(alias) == []
    assert api.preflight_dataset_in(alias, dataset_body()) == []
    levels = [
        {"datasetFieldTypeName": "notesText", "required": True, "include": True, "displayOnCreate": True},
        InputLevel({"datasetFieldTypeName": "alternativeTitle", "required": False, "include": False}),
    ]
    collection = api.set_collection_input_levels(alias, levels)
    assert isinstance(collection, Collection) and collection.alias == alias
    got = api.get_collection_input_levels(alias)
    assert all(isinstance(level, InputLevel) for level in got)
    assert [(lv.dataset_field_type_name, lv.required, lv.include) for lv in got] == [
        ("notesText", True, True),
        ("alternativeTitle", False, False),
    ]
    assert got[0].display_on_create is True
    problems = api.preflight_dataset_in(collection=alias, metadata=dataset_body())
    assert [p.path for p in problems] == ["citation.notesText"]
    assert isinstance(problems[0], MetadataProblem)
    # A level that is not one: refused before any request.
    with pytest.raises(InvalidArgument):
        api.set_collection_input_levels(alias, [{"required": True}])


def test_collection_attribute(local_dataverse, api):
    alias = make_collection(api)
    renamed = api.set_collection_attribute(alias, "name", "Renamed")
    assert renamed.name == "Renamed"
    assert api.get_collection(alias).name == "Renamed"
    with pytest.raises(Unauthorized):
        NativeApi(local_dataverse.url).set_collection_attribute(alias, "name", "Guest")
    with pytest.raises(NotFound):
        api.set_collection_attribute("no-such-collection", "name", "X")


def test_get_children_walks_the_tree(api, tmp_path):
    parent = make_collection(api)
    child = make_collection(api, parent=parent)
    pid = make_dataset(api, parent, title="Tree Finches")
    upload(api, pid, write(tmp_path, "notes.txt", "finches\n"))

    tree = api.get_children(parent, children_types=["dataverses", "datasets", "datafiles"])
    assert isinstance(tree, list) and all(isinstance(n, dict) for n in tree)
    kinds = {n["type"]: n for n in tree}
    assert kinds["dataverse"]["dataverse_alias"] == child
    assert kinds["dataset"]["pid"] == pid
    assert [f["filename"] for f in kinds["dataset"]["children"]] == ["notes.txt"]
    # Defaults: sub-collections of a collection, files of a dataset.
    assert [n["type"] for n in api.get_children(parent)] == ["dataverse"]
    files = api.get_children(pid, parent_type="dataset")
    assert [f["filename"] for f in files] == ["notes.txt"]
    with pytest.raises(InvalidArgument):
        api.get_children(parent, children_types=["dataverses", "datafiles"])
    with pytest.raises(InvalidArgument):
        api.get_children(parent, parent_type="datafile")


def test_pydataverse_collection_names(api):
    alias = f"pyd-{make_collection(api)}"
    body = CollectionCreateBody(name="PyD", alias=alias, dataverse_contacts=["p@example.edu"])
    created = api.create_dataverse(parent="root", metadata=body)
    assert isinstance(created, Collection) and created.alias == alias
    assert api.get_dataverse(identifier=alias).id == created.id
    assert api.dataverse_id2alias(dataverse_id=created.id) == alias
    pid = make_dataset(api, alias)
    contents = api.get_dataverse_contents(identifier=alias)
    assert [c.persistent_id for c in contents if isinstance(c, Dataset)] == [pid]
    assert api.get_dataverse_facets(identifier=alias) == api.get_collection_facets(alias)
    assert api.publish_dataverse(identifier=alias).alias == alias
    api.destroy_dataset(pid)
    assert api.delete_dataverse(identifier=alias).message
    with pytest.raises(NotFound):
        api.get_dataverse(alias)
    with pytest.raises(NotFound):
        api.dataverse_id2alias(987654)


def test_async_collection_setup(local_dataverse, api):
    alias = make_collection(api)

    async def main():
        a = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        return await asyncio.gather(
            a.is_collection_metadatablocks_root(alias),
            a.get_collection_input_levels(alias),
            a.dataverse_id2alias(api.get_collection(alias).id),
            a.get_children(alias),
        )

    is_root, levels, name, children = asyncio.run(main())
    assert (is_root, levels, name, children) == (False, [], alias, [])
