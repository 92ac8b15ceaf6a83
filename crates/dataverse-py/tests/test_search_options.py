"""Every option of the library's search query as keyword arguments of search,
search_count and search_stream."""

import pytest
from conftest import make_collection, make_dataset

from dataverse_rs import BadRequest, InvalidArgument


def test_entity_ids_api_urls_and_type_counts(local_dataverse, api):
    alias = make_collection(api)
    pid = make_dataset(api, alias, title="Optioned Petrels")
    ds_id = api.get_dataset(pid).id
    page = api.search(q="petrels", subtree=alias, show_entity_ids=True, show_api_urls=True, show_type_counts=True)
    item = page.items[0]
    assert item.entity_id == ds_id
    assert item.api_url == f"{local_dataverse.url}/api/datasets/{ds_id}"
    assert page.total_count_per_object_type["Datasets"] == 1
    plain = api.search(q="petrels", subtree=alias).items[0]
    assert "entity_id" not in plain.to_dict() and "api_url" not in plain.to_dict()
    streamed = list(api.search_stream(q="petrels", subtree=alias, show_entity_ids=True))
    assert [i.entity_id for i in streamed] == [ds_id]


def test_geo_search_is_checked_by_client_and_server(api):
    # Half a geospatial search: the client refuses it before any request.
    with pytest.raises(InvalidArgument):
        api.search(geo_point=(42.3, -71.1))
    with pytest.raises(InvalidArgument):
        api.search_count(geo_radius=5)
    # Both halves (a pair and a number are sent as Dataverse's text): this server has no
    # geospatial index and says so.
    with pytest.raises(BadRequest) as info:
        api.search(geo_point=(42.3, -71.1), geo_radius=1.5)
    assert "not supported" in info.value.server_message
    with pytest.raises(BadRequest):
        api.search_count(geo_point="42.3,-71.1", geo_radius="1.5")
