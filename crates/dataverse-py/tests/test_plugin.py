"""The pytest plugin's fixtures, used as another project would use them."""

import pytest

from dataverse_rs import CollectionCreateBody, LocalDataverse, NativeApi, Unauthorized


def test_session_server_is_shared(local_dataverse, dataverse_admin):
    assert isinstance(local_dataverse, LocalDataverse) and local_dataverse.running
    assert dataverse_admin.get_user().superuser is True
    assert local_dataverse.url.startswith("http://127.0.0.1:")


def test_fresh_server_is_empty_and_separate(fresh_dataverse, local_dataverse):
    assert fresh_dataverse.url != local_dataverse.url
    api = fresh_dataverse.api()
    assert api.get_collection_contents(":root") == []


def test_user_fixture_is_not_a_superuser(dataverse_user):
    me = dataverse_user["api"].get_user()
    assert me.superuser is False
    assert me.identifier == "@" + dataverse_user["username"]
    with pytest.raises(Unauthorized):
        dataverse_user["api"].create_collection(
            parent="root",
            metadata=CollectionCreateBody(name="Mine", alias="users-own", dataverse_contacts=["u@example.edu"]),
        )


def test_local_dataverse_stops_and_cleans_up(tmp_path):
    with LocalDataverse() as dv:
        data_dir = dv.data_dir
        url = dv.url
        assert NativeApi(url).get_info_version().version
    assert not dv.running
    import os

    assert not os.path.exists(data_dir)
    kept = tmp_path / "kept"
    with LocalDataverse(data_dir=kept, generate="collections=2,datasets=3,depth=2,seed=1") as dv:
        items = NativeApi(dv.url).crawl_collection(":root")
        assert len(items) == 5
    assert kept.exists()
    with LocalDataverse(data_dir=kept) as dv:  # the same data again
        assert len(NativeApi(dv.url).crawl_collection(":root", filter_by="datasets")) == 3


def test_bad_options_raise_invalid_argument():
    from dataverse_rs import InvalidArgument

    with pytest.raises(InvalidArgument):
        LocalDataverse(faults="rate=lots")
    with pytest.raises(InvalidArgument):
        LocalDataverse(generate="collections=many")
