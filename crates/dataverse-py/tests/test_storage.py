"""Storage drivers and direct upload on the embedded Dataverse's file store (the direct
upload itself, against a real S3 server, is in test_direct_upload.py)."""

import asyncio
from pathlib import Path

import pytest
from conftest import make_collection, make_dataset, write

from dataverse_rs import AsyncNativeApi, BadRequest, Forbidden, InvalidArgument, NotFound
from dataverse_rs.models_storage import RegisteredFiles, StorageDriver


def test_collection_storage_driver(api, dataverse_user):
    collection = make_collection(api)
    own = api.get_collection_storage_driver(collection)
    assert isinstance(own, StorageDriver) and own.name == "undefined"
    effective = api.get_collection_storage_driver(collection, effective=True)
    assert (effective.name, effective.type, effective.direct_upload) == ("file", "file", False)
    assert api.set_collection_storage_driver(collection, "file").message == "Storage set to: file/file"
    assert api.get_collection_storage_driver(collection).name == "file"
    assert api.reset_collection_storage_driver(collection).message == "Storage reset to default: file"
    assert api.get_collection_storage_driver(collection).name == ""
    assert api.list_storage_drivers() == {"file": "file"}
    assert api.list_storage_drivers(collection) == {"file": "file"}
    with pytest.raises(Forbidden, match="Superusers only"):
        dataverse_user["api"].set_collection_storage_driver(collection, "file")


def test_dataset_storage_driver(api):
    pid = make_dataset(api)
    driver = api.get_dataset_storage_driver(pid)
    assert (driver.name, driver.direct_upload) == ("file", False)
    assert api.set_dataset_storage_driver(pid, "file").message == "Storage driver set to: file/file"
    assert api.reset_dataset_storage_driver(pid).message == "Storage reset to default: file"
    with pytest.raises(BadRequest, match="No Storage Driver found for : nope"):
        api.set_dataset_storage_driver(pid, "nope")


def test_direct_upload_is_refused_by_a_file_store(api, tmp_path: Path):
    pid = make_dataset(api)
    path = write(tmp_path, "n.txt", "native\n")
    with pytest.raises(NotFound, match="Direct upload not supported"):
        api.get_upload_urls(pid, 7)
    with pytest.raises(InvalidArgument, match="takes no direct upload"):
        api.upload_datafile(pid, path, mode="direct")
    with pytest.raises(InvalidArgument, match="not one of auto, native, direct"):
        api.upload_datafile(pid, path, mode="sideways")
    parts, sent = [], []
    response = api.upload_datafile(
        pid, path, mode="auto", progress=lambda d, t: sent.append((d, t)), part_progress=parts.append
    )
    assert response.files[0].data_file.filesize == 7
    assert sent[-1] == (7, 7) and parts == []  # uploaded natively: no parts
    with pytest.raises(InvalidArgument):
        api.upload_datafile(pid, path, progress=True, part_progress=parts.append)
    # An entry naming an object the store does not hold is refused, entry by entry.
    answer = api.register_files(
        pid,
        [{"storageIdentifier": "s3://bucket:nothing", "fileName": "a.txt", "mimeType": "text/plain",
          "checksum": {"@type": "MD5", "@value": "0" * 32}}],
    )
    assert isinstance(answer, RegisteredFiles)
    assert answer.result == {"Total number of files": 1, "Number of files successfully added": 0}
    with pytest.raises(InvalidArgument):
        api.register_files(pid, [{"restrict": "yes"}])
    with pytest.raises(InvalidArgument):
        api.register_files(pid, ["not an entry"])
    with pytest.raises(InvalidArgument):
        api.complete_multipart_upload("not a link", {1: "etag"})


def test_async_storage(local_dataverse, api):
    pid = make_dataset(api)

    async def main():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        return await aapi.get_dataset_storage_driver(pid), await aapi.list_storage_drivers()

    driver, drivers = asyncio.run(main())
    assert driver.name == "file" and drivers == {"file": "file"}
