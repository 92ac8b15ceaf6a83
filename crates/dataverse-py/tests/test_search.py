"""Search through the Python API against the embedded Dataverse's own index."""

from conftest import make_collection, make_dataset

from dataverse_rs import BadRequest, NativeApi


def test_search_finds_drafts_for_the_owner_only(local_dataverse, api):
    alias = make_collection(api)
    pid = make_dataset(api, collection=alias, title="Kestrels of Lisbon")
    page = api.search(q="kestrels", type=["dataset"], subtree=[alias])
    assert page.total_count == 1
    item = page.items[0]
    assert page["items"][0] == item
    assert item.global_id == pid
    assert item.name == "Kestrels of Lisbon"
    assert item.publication_statuses == ["Unpublished", "Draft"]
    assert api.search_count(q="title:kestrels") == 1
    # A guest sees no draft.
    assert NativeApi(local_dataverse.url).search_count(q="kestrels") == 0


def test_search_refuses_unsupported_syntax(api):
    try:
        api.search(q="kestrel~")
    except BadRequest as e:
        assert "fuzzy" in str(e)
    else:
        raise AssertionError("a fuzzy query was answered")
