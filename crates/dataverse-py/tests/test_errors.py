"""Each failure becomes the exception class of the Rust error enum's variant, carrying
status, the server's message, method and URL; never a bare RuntimeError."""

import socket

import pytest
from conftest import make_dataset

from dataverse_rs import (
    BadRequest,
    CollectionCreateBody,
    DataverseError,
    DatasetCreateBody,
    FileTooLarge,
    Forbidden,
    InvalidArgument,
    LocalDataverse,
    NativeApi,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    UpdateCollection,
)


def test_not_found_carries_status_message_method_url(local_dataverse):
    api = NativeApi(local_dataverse.url)
    with pytest.raises(NotFound) as info:
        api.get_collection("no-such-collection")
    e = info.value
    assert isinstance(e, DataverseError)
    assert e.status == 404
    assert "no-such-collection" in e.server_message
    assert e.method == "GET"
    assert e.url == f"{local_dataverse.url}/api/dataverses/no-such-collection"


def test_bad_token_is_unauthorized_and_never_shown(local_dataverse):
    secret = "00000000-1111-2222-3333-444444444444"
    api = NativeApi(local_dataverse.url, api_token=secret)
    with pytest.raises(Unauthorized) as info:
        api.get_user()
    assert info.value.status == 401
    assert secret not in str(info.value) and secret not in repr(info.value)
    assert secret not in repr(api)


def test_forbidden_business_rule(api):
    pid = make_dataset(api)
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    with pytest.raises(Forbidden) as info:
        api.publish_dataset(pid=pid, release_type="minor")
    assert info.value.status == 403


def test_bad_request_for_a_file_over_the_size_limit(tmp_path):
    with LocalDataverse(max_upload_bytes=10) as dv:
        api = dv.api()
        pid = make_dataset(api)
        big = tmp_path / "big.txt"
        big.write_text("x" * 100)
        with pytest.raises(BadRequest) as info:
            api.upload_datafile(identifier=pid, file=big)
        assert info.value.status == 413
        assert info.value.method == "POST"
        assert api.get_datafiles_metadata(pid) == []


def test_file_too_large_from_the_installation_setting(fresh_dataverse, tmp_path):
    api = fresh_dataverse.api()
    pid = make_dataset(api)
    fresh_dataverse.set_setting(":MaxFileUploadSizeInBytes", "20")
    big = tmp_path / "big.txt"
    big.write_text("x" * 100)
    with pytest.raises(FileTooLarge) as info:
        api.upload_datafile(identifier=pid, file=big)
    e = info.value
    assert isinstance(e, BadRequest)  # a FileTooLarge is a BadRequest
    assert "exceeds the size limit of" in e.server_message
    assert e.method == "POST"
    assert api.get_datafiles_metadata(pid) == []
    small = tmp_path / "small.txt"
    small.write_text("x" * 10)
    api.upload_datafile(identifier=pid, file=small)
    assert len(api.get_datafiles_metadata(pid)) == 1


def test_forbidden_duplicate_alias(api):
    with pytest.raises(Forbidden, match="already exists"):
        api.create_collection(
            parent="root",
            metadata=CollectionCreateBody(name="Dup", alias="root", dataverse_contacts=["a@example.edu"]),
        )


def test_invalid_arguments_cost_no_request(api):
    with pytest.raises(InvalidArgument):
        api.get_dataset("doi:not a pid")
    with pytest.raises(InvalidArgument):
        api.get_dataset_version("doi:10.5072/FK2/ABCDEF", version="one point oh")
    with pytest.raises(InvalidArgument):
        api.crawl_collection(":root", filter_by="files")
    with pytest.raises(ValueError):  # InvalidArgument is also a ValueError
        NativeApi("ftp://example.org")
    with pytest.raises(InvalidArgument, match="plain http"):
        NativeApi("http://example.org", api_token="secret-token")


def test_bodies_are_validated_as_the_rust_types(api):
    with pytest.raises(InvalidArgument, match="alias"):
        CollectionCreateBody(name="x", alias="bad alias!", dataverse_contacts=["a@example.edu"])
    with pytest.raises(InvalidArgument, match="contact"):
        CollectionCreateBody(name="x", alias="ok", dataverse_contacts=[])
    with pytest.raises(InvalidArgument, match="nothing to update"):
        UpdateCollection()
    with pytest.raises(InvalidArgument):
        DatasetCreateBody(dataset_version={"metadataBlocks": {"citation": {"fields": [{"typeName": 1}]}}})


def test_server_error_and_rate_limit_from_injected_faults():
    with LocalDataverse(faults="rate=1,seed=1,kinds=500") as dv:
        with pytest.raises(ServerError) as info:
            NativeApi(dv.url, max_retries=0).get_info_version()
        assert info.value.status == 500
    with LocalDataverse(faults="rate=1,seed=1,kinds=429,retry_after=1") as dv:
        with pytest.raises(RateLimited) as info:
            NativeApi(dv.url, max_retries=0).get_info_version()
        assert info.value.status == 429 and info.value.retry_after == 1.0


def test_retries_hide_occasional_faults():
    with LocalDataverse(faults="rate=0.3,seed=3,kinds=503") as dv:
        api = NativeApi(dv.url)
        assert [api.get_info_version().version for _ in range(10)] == ["6.11"] * 10


def test_transport_error_when_nobody_listens():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    api = NativeApi(f"http://127.0.0.1:{port}", max_retries=0)
    with pytest.raises(TransportError) as info:
        api.get_info_version()
    assert info.value.status is None and info.value.method == "GET"
    assert info.value.maybe_sent is False


def test_no_bare_runtime_errors_escape(local_dataverse):
    api = NativeApi(local_dataverse.url)
    for call in (
        lambda: api.get_dataset(999999),
        lambda: api.get_datafile_metadata(999999),
        lambda: api.get_metadatablock("nope"),
        lambda: api.get_license("No Such License"),
    ):
        with pytest.raises(DataverseError) as info:
            call()
        assert type(info.value) is not DataverseError


def test_conflict_restricting_without_access_request_or_terms(api, tmp_path):
    from conftest import upload, write

    from dataverse_rs import Conflict

    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "secret.txt", "s\n"))
    with pytest.raises(Conflict) as info:
        api.restrict_datafile(file_id, restrict=True, enable_access_request=False)
    assert info.value.status == 409 and "Terms of Use and Access" in info.value.server_message


def test_a_body_that_is_not_the_documented_json_is_a_decode_error():
    import http.server
    import threading

    from dataverse_rs import DecodeError

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"status": "OK", "data": "this is not a version object"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(DecodeError) as info:
            NativeApi(url, max_retries=0).get_info_version()
        assert info.value.status is None and info.value.url == f"{url}/api/info/version"
    finally:
        server.shutdown()


def test_many_at_once_calls_keep_each_outcome_in_its_place(api):
    # The answers of `get_datasets` and `get_datasets_export` are written as one JSON text
    # of ok and error entries; each lands in its input position, with its own error.
    title = 'Daten "für" Ärzte \\ ✓\nzweite Zeile'
    first = make_dataset(api, title=title)
    missing = "doi:10.5072/FK2/NOSUCH"
    with pytest.raises(NotFound) as info:
        api.get_datasets([first, missing])
    assert info.value.status == 404 and "NOSUCH" in info.value.url

    got = api.get_datasets([missing, first, missing], errors="return")
    assert [type(x).__name__ for x in got] == ["NotFound", "Dataset", "NotFound"]
    assert got[1].persistent_url.endswith(first.split(":", 1)[1])
    assert got[1].title == title
    assert all("NOSUCH" in e.url for e in (got[0], got[2]))

    api.publish_dataset(first, wait_seconds=10)  # only published versions export
    exports = api.get_datasets_export([first, missing], "dataverse_json", as_dict=True, errors="return")
    assert isinstance(exports[1], NotFound)
    fields = exports[0]["datasetVersion"]["metadataBlocks"]["citation"]["fields"]
    assert [f["value"] for f in fields if f["typeName"] == "title"] == [title]


def test_a_dropped_local_dataverse_stops_serving():
    import gc

    dv = LocalDataverse()
    url = dv.url
    assert NativeApi(url).get_info_version().version
    # No stop(): dropping the object shuts its server (on its own runtime) down.
    del dv
    gc.collect()
    with pytest.raises(TransportError):
        NativeApi(url, max_retries=0, connect_timeout=2).get_info_version()


def test_an_unknown_native_method_is_invalid_argument(local_dataverse):
    # The native entry points refuse a method they do not have, each in its own words.
    import json

    from dataverse_rs import _native
    from dataverse_rs.api import _answer
    from dataverse_rs.api_access import _checked

    client = NativeApi(local_dataverse.url)._client
    with pytest.raises(InvalidArgument, match="has no method no_such"):
        _answer(client.call("no_such", "{}", None, None))
    with pytest.raises(InvalidArgument, match="has no byte method no_such"):
        _checked(_native.call_bytes(client, "no_such", "{}"))
    with pytest.raises(InvalidArgument, match="has no stream method no_such"):
        _checked(_native.open_byte_stream(client, "no_such", "{}"))
    with pytest.raises(InvalidArgument):
        _checked(_native.call_bytes(client, "get_datafile", json.dumps({"identifier": []})))
    with pytest.raises(InvalidArgument):
        _checked(_native.open_byte_stream(client, "stream_datafile", "not json"))
