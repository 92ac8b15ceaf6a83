"""Progress callables (and tqdm bars) for crawls, bulk reads, uploads and downloads."""

import io
import sys

import pytest
from conftest import make_dataset, write

from dataverse_rs import InvalidArgument, LocalDataverse, NativeApi
from dataverse_rs.models import CrawledDataset


def test_upload_and_download_progress(api, tmp_path):
    pid = make_dataset(api)
    path = tmp_path / "big.bin"
    path.write_bytes(b"\x01" * (3 * 1024 * 1024))
    seen = []
    response = api.upload_datafile(identifier=pid, file=path, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    got = []
    file_id = response.files[0].data_file.id
    api.download_datafile(file_id, tmp_path / "back.bin", progress=lambda done, total: got.append((done, total)))
    assert got[-1][0] == path.stat().st_size
    assert (tmp_path / "back.bin").read_bytes() == path.read_bytes()


def test_crawl_and_bulk_progress():
    with LocalDataverse(generate="collections=3,datasets=6,depth=2,seed=2") as dv:
        api = NativeApi(dv.url)
        counts = []
        items = api.crawl_collection(":root", progress=lambda found, total: counts.append((found, total)))
        assert counts and counts[-1][0] == len(items) and counts[-1][1] is None
        pids = [i.persistent_id for i in items if isinstance(i, CrawledDataset)]
        assert len(pids) == 6
        bulk = []
        api.get_datasets(pids, progress=lambda done, total: bulk.append((done, total)))
        assert bulk[-1] == (len(pids), len(pids))


def test_tqdm_bar(api, tmp_path, monkeypatch):
    import tqdm.auto

    out = io.StringIO()
    real = tqdm.auto.tqdm
    monkeypatch.setattr(tqdm.auto, "tqdm", lambda *a, **k: real(*a, file=out, **k))
    pid = make_dataset(api)
    api.upload_datafile(identifier=pid, file=write(tmp_path, "t.txt", "x" * 5000), progress=True)
    assert "upload_datafile" in out.getvalue() and "100%" in out.getvalue()


def test_a_raising_callback_does_not_stop_the_upload(api, tmp_path, monkeypatch):
    pid = make_dataset(api)
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: reported.append(info.exc_value))

    def bad(done, total):
        raise RuntimeError("callback bug")

    response = api.upload_datafile(identifier=pid, file=write(tmp_path, "u.txt", "u"), progress=bad)
    assert response.files[0].label == "u.txt"
    assert reported and str(reported[0]) == "callback bug"


def test_progress_must_be_callable(api):
    with pytest.raises(InvalidArgument):
        api.crawl_collection(":root", progress="yes")
