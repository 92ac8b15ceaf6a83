"""Thumbnails, a dataset's logo and a tabular file's DDI codebook, against the embedded
Dataverse."""

import asyncio
import struct
import time
import zlib
from pathlib import Path

import pytest
from conftest import make_dataset, upload, write

from dataverse_rs import AsyncNativeApi, BadRequest, InvalidArgument, NotFound, ServerError


def png(width: int, height: int) -> bytes:
    """A small RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x % 256, y % 256, 90)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def dimensions(data: bytes):
    assert data.startswith(b"\x89PNG\r\n\x1a\n"), data[:16]
    return struct.unpack(">II", data[16:24])


def test_thumbnails_and_logo(api, tmp_path: Path):
    pid = make_dataset(api)
    image = tmp_path / "wide.png"
    image.write_bytes(png(200, 100))
    wide = upload(api, pid, image)
    text = upload(api, pid, write(tmp_path, "notes.txt", "no image\n"))

    assert dimensions(api.get_datafile_thumbnail(wide)) == (64, 32)
    assert dimensions(api.get_datafile_thumbnail(wide, size=100)) == (100, 50)
    with pytest.raises(NotFound, match="not supported on this datafile"):
        api.get_datafile_thumbnail(text)
    with pytest.raises(InvalidArgument):
        api.get_datafile_thumbnail(wide, size=0)

    # A draft has no dataset thumbnail; once published its first image stands for it.
    with pytest.raises(NotFound, match="Thumbnail not available"):
        api.get_dataset_thumbnail(pid)
    api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    thumb = api.get_dataset_thumbnail(pid)
    assert max(dimensions(thumb)) == 48
    logo = api.get_dataset_logo(pid)
    assert max(dimensions(logo)) == 140
    with pytest.raises(NotFound, match="Logo not available"):
        api.get_dataset_logo(make_dataset(api))


def wait_for_label(api, file_id, label):
    deadline = time.monotonic() + 10
    while api.get_datafile_metadata(file_id, is_draft=True).label != label:
        assert time.monotonic() < deadline, f"file {file_id} never became {label}"
        time.sleep(0.05)


def test_datafile_ddi(api, local_dataverse, tmp_path: Path):
    pid = make_dataset(api)
    response = api.upload_datafile(pid, write(tmp_path, "birds.csv", "species,weight\nfinch,0.25\nwren,0.5\n"))
    table = response.files[0].data_file.id
    wait_for_label(api, table, "birds.tab")
    text = upload(api, pid, write(tmp_path, "notes.txt", "plain\n"))

    xml = api.get_datafile_ddi(table)
    assert "<codeBook" in xml and "<fileDscr" in xml and "<sumStat" in xml
    assert 'name="weight"' in xml
    lean = api.get_datafile_ddi(table, exclude=["sumStat", "location", "fileDscr"])
    assert "<codeBook" in lean and "<sumStat" not in lean and "<fileDscr" not in lean
    only_vars = api.get_datafile_ddi(table, exclude=["*"], include=["var"])
    assert "<var" in only_vars and "<labl" not in only_vars
    # An unknown file metadata id fails on the server, as in Dataverse (so it is sent).
    # (No retries: a 500 is otherwise retried with backoff.)
    with pytest.raises(ServerError):
        local_dataverse.api(max_retries=0).get_datafile_ddi(table, file_metadata_id=999_999)

    with pytest.raises(BadRequest, match="only available for tabular files"):
        api.get_datafile_ddi(text)
    with pytest.raises(NotFound):
        api.get_datafile_ddi(999_999)


def test_async_images_and_ddi(api, local_dataverse, tmp_path: Path):
    pid = make_dataset(api)
    image = tmp_path / "tall.png"
    image.write_bytes(png(30, 90))
    tall = upload(api, pid, image)

    async def main():
        aapi = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        thumb = await aapi.get_datafile_thumbnail(tall, size=45)
        with pytest.raises(NotFound):
            await aapi.get_dataset_logo(pid)
        with pytest.raises(BadRequest):
            await aapi.get_datafile_ddi(tall)
        return thumb

    assert dimensions(asyncio.run(main())) == (15, 45)
