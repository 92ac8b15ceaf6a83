"""Data access (bytes, streams, files written to a path, zips, bundles, download URLs)
and access requests to restricted files, against the embedded Dataverse."""

import asyncio
import io
import time
import zipfile
from pathlib import Path

import pytest
from conftest import make_dataset, upload, write

from dataverse_rs import (
    AsyncDataStream,
    AsyncNativeApi,
    BadRequest,
    DataStream,
    Forbidden,
    InvalidArgument,
    NativeApi,
    NotFound,
    UploadBody,
)
from dataverse_rs.models_access import FileAccessRequest, SavedFile


def wait_for_label(api, file_id, label):
    """Tabular ingest runs after the upload answers: wait (at most 10 s) for its result."""
    deadline = time.monotonic() + 10
    while api.get_datafile_metadata(file_id, is_draft=True).label != label:
        assert time.monotonic() < deadline, f"file {file_id} never became {label}"
        time.sleep(0.05)


def names(data: bytes):
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_get_datafile_bytes_range_and_errors(api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "notes.txt", "hello world\n"))
    assert api.get_datafile(file_id) == b"hello world\n"
    assert api.get_datafile(file_id, range=(0, 4)) == b"hello"
    assert api.get_datafile(file_id, range=6) == b"world\n"
    assert api.get_datafile(file_id, gbrecs=True) == b"hello world\n"
    with pytest.raises(InvalidArgument):
        api.get_datafile(file_id, range=(5, 2))
    with pytest.raises(InvalidArgument):
        api.get_datafile(file_id, range="0-4")
    with pytest.raises(NotFound):
        api.get_datafile(987654321)
    # Thumbnails and tabular services are offered for images and ingested files only.
    with pytest.raises(NotFound, match="optional service"):
        api.get_datafile(file_id, image_thumb=True)
    with pytest.raises(NotFound, match="optional service"):
        api.get_datafile(file_id, image_thumb=64)
    with pytest.raises(NotFound, match="optional service"):
        api.get_datafile(file_id, data_format="tab")
    with pytest.raises(InvalidArgument):
        api.get_datafile(file_id, image_thumb=1.5)


def test_ingested_file_formats(api, tmp_path: Path):
    pid = make_dataset(api)
    response = api.upload_datafile(pid, write(tmp_path, "t.csv", "a,b\n1,2\n3,4\n"))
    file_id = response.files[0].data_file.id
    wait_for_label(api, file_id, "t.tab")
    tab = api.get_datafile(file_id)
    assert tab.splitlines()[0] == b"a\tb" and len(tab.splitlines()) == 3
    assert api.get_datafile(file_id, no_var_header=True).splitlines() == tab.splitlines()[1:]
    assert api.get_datafile(file_id, data_format="original") == b"a,b\n1,2\n3,4\n"
    bundle = api.get_datafile_bundle(file_id)
    assert names(bundle) == [
        "t.tab",
        "t.csv",
        "t-ddi.xml",
        "tcitation-endnote.xml",
        "tcitation-ris.ris",
        "tcitation-bib.bib",
    ]
    saved = api.get_datafile_bundle(file_id, destination=tmp_path / "bundle.zip")
    written = (tmp_path / "bundle.zip").read_bytes()
    assert names(written) == names(bundle) and saved.bytes == len(written)
    assert zipfile.ZipFile(io.BytesIO(written)).read("t.csv") == b"a,b\n1,2\n3,4\n"


def test_stream_datafile_arrives_in_chunks(api, tmp_path: Path):
    pid = make_dataset(api)
    data = bytes(range(256)) * (3 * 4096)  # 3 MiB
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    file_id = upload(api, pid, path)
    stream = api.stream_datafile(file_id)
    assert isinstance(stream, DataStream)
    chunks = list(stream)
    assert len(chunks) > 1 and all(chunks)
    assert b"".join(chunks) == data
    assert stream.closed
    with api.stream_datafile(file_id, range=(10, 19)) as part:
        assert part.read() == data[10:20]
    early = api.stream_datafile(file_id)
    assert next(early)
    early.close()
    assert list(early) == []


def test_get_datafile_to_a_path_with_progress(api, tmp_path: Path):
    pid = make_dataset(api)
    data = b"x" * 1_000_000
    src = tmp_path / "src.bin"
    src.write_bytes(data)
    file_id = upload(api, pid, src)
    seen = []
    saved = api.get_datafile(file_id, destination=tmp_path / "out.bin", progress=lambda d, t: seen.append((d, t)))
    assert isinstance(saved, SavedFile)
    assert saved.bytes == len(data) and saved.path == str(tmp_path / "out.bin")
    assert (tmp_path / "out.bin").read_bytes() == data
    assert seen[-1] == (len(data), len(data))
    with pytest.raises(InvalidArgument):
        api.get_datafile(file_id, progress=lambda d, t: None)
    with pytest.raises(NotFound):
        api.get_datafile(987654321, destination=tmp_path / "missing.bin")
    assert not (tmp_path / "missing.bin").exists()


def test_several_files_and_whole_dataset_as_zips(api, tmp_path: Path):
    pid = make_dataset(api)
    a = upload(api, pid, write(tmp_path, "a.txt", "alpha\n"))
    b = upload(api, pid, write(tmp_path, "b.txt", "bravo\n"), directory_label="sub")
    zipped = api.get_datafiles([a, b])
    assert names(zipped) == ["a.txt", "sub/b.txt", "MANIFEST.TXT"]
    assert zipfile.ZipFile(io.BytesIO(zipped)).read("sub/b.txt") == b"bravo\n"
    assert names(api.get_datafiles(f"{a},{b}")) == names(zipped)
    assert names(b"".join(api.stream_datafiles([b]))) == ["sub/b.txt", "MANIFEST.TXT"]
    saved = api.get_datafiles([a], destination=tmp_path / "one.zip")
    assert names((tmp_path / "one.zip").read_bytes()) == ["a.txt", "MANIFEST.TXT"] and saved.bytes > 0
    whole = api.download_all_datafiles(pid)
    assert sorted(names(whole)) == ["MANIFEST.TXT", "a.txt", "sub/b.txt"]
    streamed = b"".join(api.stream_all_datafiles(pid, version=":draft"))
    assert sorted(names(streamed)) == sorted(names(whole))
    api.download_all_datafiles(pid, destination=tmp_path / "all.zip")
    assert sorted(names((tmp_path / "all.zip").read_bytes())) == sorted(names(whole))
    with pytest.raises(InvalidArgument):
        api.get_datafiles([a], data_format="tab")
    with pytest.raises(InvalidArgument):
        api.get_datafiles(["x"])


def test_download_url_is_the_access_url_on_the_file_store(local_dataverse, api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "u.txt", "u\n"))
    url = api.get_datafile_download_url(file_id)
    assert url == f"{local_dataverse.url}/api/access/datafile/{file_id}"
    assert api.get_datafile_download_url(file_id, data_format="original").endswith("?format=original")


def test_access_requests_end_to_end(local_dataverse, api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "secret.txt", "secret\n"))
    api.restrict_datafile(file_id, restrict=True, enable_access_request=True)
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    alice = local_dataverse.create_user()
    bob = local_dataverse.create_user()
    alice_api = local_dataverse.api(alice["token"])
    bob_api = local_dataverse.api(bob["token"])

    with pytest.raises(Forbidden):
        alice_api.get_datafile(file_id)
    assert "requested" in alice_api.request_access(file_id).message
    with pytest.raises(BadRequest):
        alice_api.request_access(file_id)
    bob_api.request_access(file_id)
    requests = api.list_file_access_requests(file_id)
    assert all(isinstance(r, FileAccessRequest) for r in requests)
    assert sorted(r.identifier for r in requests) == sorted(["@" + alice["username"], "@" + bob["username"]])

    assert "granted" in api.grant_file_access(file_id, "@" + alice["username"]).message
    assert alice_api.get_datafile(file_id) == b"secret\n"
    assert "rejected" in api.reject_file_access_request(file_id, "@" + bob["username"]).message
    with pytest.raises(Forbidden):
        bob_api.get_datafile(file_id)
    history = {r.identifier: r.request_state for r in api.list_file_access_requests(file_id, include_history=True)}
    assert history == {"@" + alice["username"]: "granted", "@" + bob["username"]: "rejected"}

    assert api.revoke_file_access(file_id, "@" + alice["username"]).message
    with pytest.raises(Forbidden):
        alice_api.get_datafile(file_id)

    with pytest.raises(BadRequest):
        NativeApi(local_dataverse.url).request_access(file_id)


def test_allow_access_request_turns_requests_off_and_on(local_dataverse, api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "closed.txt", "closed\n"))
    api.restrict_datafile(file_id, restrict=True, enable_access_request=True, terms_of_access="Ask the PI.")
    assert "disallows" in api.allow_access_request(pid, do_allow=False).message
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    carol = local_dataverse.create_user()
    carol_api = local_dataverse.api(carol["token"])
    with pytest.raises(BadRequest):
        carol_api.request_access(file_id)
    assert "allows" in api.allow_access_request(pid, do_allow=True).message
    api.publish_dataset(pid=pid, release_type="minor", wait_seconds=30)
    assert carol_api.request_access(file_id).message
    with pytest.raises(BadRequest):
        local_dataverse.api(carol["token"]).allow_access_request(pid, do_allow=False)


def test_async_bytes_and_streams(local_dataverse, api, tmp_path: Path):
    pid = make_dataset(api)
    file_id = upload(api, pid, write(tmp_path, "n.txt", "async bytes\n"))

    async def main():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        whole = await aapi.get_datafile(file_id, range=(0, 4))
        stream = await aapi.stream_datafile(file_id)
        assert isinstance(stream, AsyncDataStream)
        chunks = [c async for c in stream]
        saved = await aapi.get_datafile(file_id, destination=tmp_path / "a.txt")
        with pytest.raises(NotFound):
            await aapi.stream_datafile(987654321)
        zipped = await aapi.get_datafiles([file_id])
        return whole, b"".join(chunks), saved, zipped

    whole, streamed, saved, zipped = asyncio.run(main())
    assert whole == b"async"
    assert streamed == b"async bytes\n"
    assert saved.bytes == 12 and (tmp_path / "a.txt").read_bytes() == b"async bytes\n"
    assert names(zipped) == ["n.txt", "MANIFEST.TXT"]
