"""Direct upload to an S3 store, end to end: LocalDataverse(s3=True) runs a real S3
server (s3s-fs) in-process, and the Dataverse hands out presigned URLs to it. Needs the
module built with the cargo feature ``s3`` (``maturin develop --features s3``, as .ci/run
does)."""

import asyncio
import hashlib
import os
import urllib.request
from pathlib import Path

import pytest
from conftest import make_dataset, write

from dataverse_rs import AsyncNativeApi, LocalDataverse, UploadBody
from dataverse_rs.models_storage import UploadPart, UploadUrls

PART = 5 * 1024 * 1024  # the smallest part S3 takes


@pytest.fixture(scope="module")
def s3_dataverse():
    with LocalDataverse(s3=True, s3_part_size=PART) as dv:
        yield dv


def objects(dv):
    """The bucket's objects: key -> bytes."""
    out = {}
    for root, _, files in os.walk(dv.s3_objects):
        for name in files:
            path = Path(root) / name
            out[str(path.relative_to(dv.s3_objects))] = path.read_bytes()
    return out


def put(url, data, **headers):
    req = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    with urllib.request.urlopen(req) as answer:
        return answer.headers.get("ETag")


def test_the_store_takes_direct_uploads(s3_dataverse):
    api = s3_dataverse.api()
    pid = make_dataset(api)
    assert s3_dataverse.s3_endpoint.startswith("http://127.0.0.1:")
    driver = api.get_dataset_storage_driver(pid)
    assert (driver.name, driver.type, driver.direct_upload) == ("s3", "s3", True)
    assert api.list_storage_drivers() == {"S3": "s3", "file": "file"}


def test_single_part_upload(s3_dataverse, tmp_path: Path):
    api = s3_dataverse.api()
    pid = make_dataset(api)
    path = write(tmp_path, "small.txt", "straight to the bucket\n")
    parts = []
    response = api.upload_datafile(
        pid, path, metadata=UploadBody(description="direct", directory_label="raw"), part_progress=parts.append
    )
    file = response.files[0]
    assert file.data_file.storage_identifier.startswith("s3://dataverse:")
    assert file.description == "direct" and file.directory_label == "raw"
    assert parts == []  # one PUT, no parts
    assert path.read_bytes() in objects(s3_dataverse).values()
    assert api.get_datafile(file.data_file.id) == path.read_bytes()


def test_multipart_upload_reports_each_part(s3_dataverse, tmp_path: Path):
    api = s3_dataverse.api()
    pid = make_dataset(api)
    data = os.urandom(2 * PART + 1234)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    parts, sent = [], []
    response = api.upload_datafile(
        pid,
        path,
        mode="direct",
        parallel_parts=2,
        resume_dir=tmp_path / "resume",
        progress=lambda done, total: sent.append((done, total)),
        part_progress=parts.append,
    )
    assert all(isinstance(p, UploadPart) for p in parts)
    assert sorted(p.part for p in parts) == [1, 2, 3]
    assert {p.parts for p in parts} == {3} and sum(p.bytes for p in parts) == len(data)
    assert not any(p.resumed for p in parts) and all(p.path is None for p in parts)
    assert sent[-1] == (len(data), len(data))
    file_id = response.files[0].data_file.id
    assert response.checksum_verified and response.bytes == len(data)
    assert data in objects(s3_dataverse).values()
    assert api.get_datafile(file_id) == data
    assert list((tmp_path / "resume").glob("*")) == []  # the resume state goes once done


def test_native_upload_into_the_s3_store(s3_dataverse, tmp_path: Path):
    api = s3_dataverse.api()
    pid = make_dataset(api)
    path = write(tmp_path, "native.txt", "through the server\n")
    file_id = api.upload_datafile(pid, path, mode="native", metadata=UploadBody(tab_ingest=False)).files[0].data_file.id
    assert api.get_datafile(file_id) == b"through the server\n"


def test_replace_and_directory_upload_go_direct(s3_dataverse, tmp_path: Path):
    api = s3_dataverse.api()
    pid = make_dataset(api)
    for i in range(3):
        write(tmp_path, f"tree/f{i}.txt", f"file {i}\n")
    write(tmp_path, "tree/deep/big.bin", "")
    (tmp_path / "tree" / "deep" / "big.bin").write_bytes(os.urandom(PART + 10))
    parts = []
    summary = api.upload_directory(
        pid, tmp_path / "tree", mode="direct", registration_batch=2, parallel_parts=2, part_progress=parts.append
    )
    assert len(summary.uploaded) == 4 and summary.failed == []
    assert {p.path for p in parts} == {os.path.join("deep", "big.bin")} and len(parts) == 2
    files = api.get_datafiles_metadata(pid, version=":draft")
    assert sorted(f.label for f in files) == ["big.bin", "f0.txt", "f1.txt", "f2.txt"]
    assert all(f.data_file.storage_identifier.startswith("s3://") for f in files)
    old = next(f for f in files if f.label == "f0.txt").data_file.id
    replaced = api.replace_datafile(old, write(tmp_path, "f0-new.txt", "file 0, again\n"), mode="direct")
    new_id = replaced.files[0].data_file.id
    assert new_id != old and api.get_datafile(new_id) == b"file 0, again\n"


def test_step_by_step_single_put_and_registration(s3_dataverse):
    api = s3_dataverse.api()
    pid = make_dataset(api)
    data = b"0123456789"
    urls = api.get_upload_urls(pid, len(data))
    assert isinstance(urls, UploadUrls) and urls.url and urls.urls is None
    put(urls.url, data, **{"x-amz-tagging": "dv-state=temp"})
    entry = {
        "storageIdentifier": urls.storage_identifier,
        "fileName": "ten.txt",
        "mimeType": "text/plain",
        "checksum": {"@type": "MD5", "@value": hashlib.md5(data).hexdigest()},
    }
    answer = api.register_files(pid, [entry])
    assert answer.result == {"Total number of files": 1, "Number of files successfully added": 1}
    assert answer.files[0].storage_identifier == urls.storage_identifier
    [info] = [f for f in api.get_datafiles_metadata(pid, version=":draft") if f.label == "ten.txt"]
    assert api.get_datafile(info.data_file.id) == data


def test_step_by_step_multipart_complete_and_abort(s3_dataverse):
    api = s3_dataverse.api()
    pid = make_dataset(api)
    data = os.urandom(PART + 100)
    urls = api.get_upload_urls(pid, len(data))
    assert urls.url is None and sorted(urls.urls) == ["1", "2"] and urls.part_size == PART
    etags = {
        1: put(urls.urls["1"], data[:PART]),
        2: put(urls.urls["2"], data[PART:]),
    }
    assert api.complete_multipart_upload(urls.complete, etags) is True
    entry = {
        "storageIdentifier": urls.storage_identifier,
        "fileName": "parts.bin",
        "mimeType": "application/octet-stream",
        "checksum": {"@type": "MD5", "@value": hashlib.md5(data).hexdigest()},
    }
    assert api.register_files(pid, [entry]).result["Number of files successfully added"] == 1
    assert data in objects(s3_dataverse).values()

    before = objects(s3_dataverse)
    dropped = api.get_upload_urls(pid, len(data))
    put(dropped.urls["1"], data[:PART])
    assert api.abort_multipart_upload(dropped.abort) is True
    assert objects(s3_dataverse) == before  # no object, no leftover part


def test_async_direct_upload(s3_dataverse, tmp_path: Path):
    pid = make_dataset(s3_dataverse.api())
    data = os.urandom(PART + 1)
    path = tmp_path / "async.bin"
    path.write_bytes(data)

    async def main():
        aapi = AsyncNativeApi(s3_dataverse.url, api_token=s3_dataverse.admin_token)
        parts = []
        response = await aapi.upload_datafile(pid, path, mode="direct", part_progress=parts.append)
        return parts, await aapi.get_datafile(response.files[0].data_file.id)

    parts, back = asyncio.run(main())
    assert sorted(p.part for p in parts) == [1, 2] and back == data
