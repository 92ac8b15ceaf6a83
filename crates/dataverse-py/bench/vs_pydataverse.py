"""dataverse_rs next to pyDataverse 0.3.5, from Python, against LocalDataverse(latency_ms=20).

    python bench/vs_pydataverse.py [crawl] [get_datasets] [table] [transfer]

Needs a release build of dataverse_rs (`pip install ./crates/dataverse-py`) and
`pip install pyDataverse==0.3.5 pandas`. Each row runs both clients in the same process
against the same server; times are wall clock, best of `--runs` (default 1), except the
transfers: the median of `--runs`, measured as the Rust transfer bench measures them.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import pandas

from dataverse_rs import LocalDataverse, NativeApi

LATENCY_MS = 20


def timed(fn, runs):
    best = None
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def row(name, ours, theirs, note=""):
    ratio = theirs / ours if ours else float("inf")
    print(f"| {name} | {ours:.2f} | {theirs:.2f} | {ratio:.1f}x | {note} |", flush=True)


def pydataverse(url, token):
    from pyDataverse.api import DataAccessApi, NativeApi as PyNativeApi

    return PyNativeApi(url, token), DataAccessApi(url, token)


def bench_crawl(runs):
    spec = "collections=1000,datasets=10000,depth=5,seed=1"
    with LocalDataverse(latency_ms=LATENCY_MS, generate=spec) as dv:
        ours = NativeApi(dv.url, dv.admin_token, max_retries=0)
        py, _ = pydataverse(dv.url, dv.admin_token)
        t_ours, items = timed(lambda: ours.crawl_collection(":root", fetch_titles=False), runs)
        t_py, tree = timed(
            lambda: py.get_children(":root", "dataverse", ["dataverses", "datasets"]), runs
        )

        def count(nodes):
            return sum(1 + count(n.get("children", [])) for n in nodes)

        assert len(items) == count(tree) == 11000, (len(items), count(tree))
        row("crawl: 1,000 collections + 10,000 datasets (no titles)", t_ours, t_py, "ours at concurrency 8")


def bench_get_datasets(runs):
    spec = "collections=20,datasets=1000,depth=2,seed=4"
    with LocalDataverse(latency_ms=LATENCY_MS, generate=spec) as dv:
        ours = NativeApi(dv.url, dv.admin_token, max_retries=0)
        pids = [i.persistent_id for i in ours.crawl_collection(":root", filter_by="datasets", fetch_titles=False)]
        assert len(pids) == 1000
        py, _ = pydataverse(dv.url, dv.admin_token)
        t_ours, got = timed(lambda: ours.get_datasets(pids), runs)
        t_py, theirs = timed(lambda: [py.get_dataset(pid).json()["data"] for pid in pids], runs)
        assert [d.id for d in got] == [d["id"] for d in theirs]
        row("get_datasets of 1,000", t_ours, t_py, "ours at concurrency 8; pyDataverse one by one")


def bench_table(runs):
    with LocalDataverse(latency_ms=LATENCY_MS) as dv:
        ours = NativeApi(dv.url, dv.admin_token, max_retries=0)
        created = ours.create_dataset("root", _minimal_body())
        dv.generate_files(created.id, 10_000)
        py, _ = pydataverse(dv.url, dv.admin_token)
        pid = created.persistent_id
        t_ours, df = timed(lambda: ours.datafiles_table(pid), runs)

        def theirs():
            files = py.get_datafiles_metadata(pid, version=":latest").json()["data"]
            return pandas.json_normalize(files)

        t_py, their_df = timed(theirs, runs)
        assert len(df) == len(their_df) == 10_000
        row("datafiles_table of 10,000 files (pandas)", t_ours, t_py, "pyDataverse: get_datafiles_metadata + json_normalize")


def bench_transfer(runs, size):
    # As the Rust transfer bench measures (`cargo bench -p dataverse-tests --bench
    # transfer`): the clients take turns within a run, `sync` writes dirty pages back before
    # each timed transfer, every uploaded or downloaded file is deleted once measured, and
    # each figure is the median of the runs.
    with LocalDataverse(latency_ms=LATENCY_MS) as dv, tempfile.TemporaryDirectory() as tmp:
        ours = NativeApi(dv.url, dv.admin_token, max_retries=0)
        py, access = pydataverse(dv.url, dv.admin_token)
        path = os.path.join(tmp, "big.bin")
        with open(path, "wb") as f:
            block = os.urandom(1 << 20)
            for _ in range(size >> 20):
                f.write(block)
        times = {"up": [], "up_py": [], "down": [], "down_py": []}

        def measure(key, fn):
            os.sync()
            start = time.perf_counter()
            result = fn()
            times[key].append(time.perf_counter() - start)
            return result

        for _ in range(runs):
            pid_ours = ours.create_dataset("root", _minimal_body()).persistent_id
            pid_py = ours.create_dataset("root", _minimal_body()).persistent_id
            up = measure("up", lambda: ours.upload_datafile(pid_ours, path))
            up_py = measure("up_py", lambda: py.upload_datafile(pid_py, path, json.dumps({})))
            assert up_py.status_code == 200, up_py.text[:200]
            file_id = up.files[0].data_file.id
            file_id_py = up_py.json()["data"]["files"][0]["dataFile"]["id"]
            dest = os.path.join(tmp, "down.bin")
            report = measure("down", lambda: ours.download_datafile(file_id, dest))
            os.remove(dest)
            dest_py = os.path.join(tmp, "down-py.bin")

            def py_down():
                response = access.get_datafile(file_id_py, is_pid=False)
                with open(dest_py, "wb") as f:
                    f.write(response.content)
                return len(response.content)

            got_py = measure("down_py", py_down)
            os.remove(dest_py)
            assert report.bytes == size == got_py
            # The uploaded files go too, so that the disk holds one run's files at a time.
            for pid in (pid_ours, pid_py):
                ours.delete_dataset(pid)
        median = statistics.median
        row(f"upload of {size >> 20} MiB", median(times["up"]), median(times["up_py"]), "ours verifies the checksum")
        row(
            f"download of {size >> 20} MiB",
            median(times["down"]),
            median(times["down_py"]),
            "ours verifies the checksum; pyDataverse holds it in memory",
        )
        print(f"(all runs: {json.dumps({k: [round(t, 2) for t in v] for k, v in times.items()})})", flush=True)


def _minimal_body():
    from dataverse_rs import DatasetCreateBody

    return DatasetCreateBody(
        title="Bench",
        authors=["Bench, B."],
        contacts=[{"datasetContactName": "B", "datasetContactEmail": "b@example.edu"}],
        descriptions=["bench"],
        subjects=["Other"],
        license="CC0 1.0",
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("which", nargs="*", default=["crawl", "get_datasets", "table", "transfer"])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--size-mib", type=int, default=1024)
    args = parser.parse_args()
    print("| work | dataverse_rs (s) | pyDataverse 0.3.5 (s) | speed-up | note |")
    print("|---|---|---|---|---|")
    for which in args.which:
        if which == "crawl":
            bench_crawl(args.runs)
        elif which == "get_datasets":
            bench_get_datasets(args.runs)
        elif which == "table":
            bench_table(args.runs)
        elif which == "transfer":
            bench_transfer(args.runs, args.size_mib << 20)
        else:
            sys.exit(f"unknown benchmark {which}")


if __name__ == "__main__":
    main()
