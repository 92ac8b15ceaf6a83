"""Where the time of `get_datasets` from Python goes: the whole call, the native call alone
(its JSON text answer), and `json.loads` of that answer.

    python bench/get_datasets_native.py [--latency-ms 20] [--runs 4]

Generates `collections=20,datasets=1000,depth=2,seed=4` in a `LocalDataverse` (as the
`get_datasets` row of `vs_pydataverse.py`) and times each part `--runs` times. Compare with
`cargo bench -p dataverse-tests --bench get_datasets -- 1000 LATENCY_MS`. Needs a release
build of dataverse_rs.
"""

import argparse
import json
import time

from dataverse_rs import LocalDataverse, NativeApi


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    spec = "collections=20,datasets=1000,depth=2,seed=4"
    with LocalDataverse(latency_ms=args.latency_ms, generate=spec) as dv:
        api = NativeApi(dv.url, dv.admin_token, max_retries=0)
        pids = [i.persistent_id for i in api.crawl_collection(":root", filter_by="datasets", fetch_titles=False)]
        payload = json.dumps({"identifiers": pids})
        print(f"get_datasets of {len(pids)}, latency {args.latency_ms} ms")
        print("| run | whole call (s) | native call (s) | json.loads (s) | answer (MB) |")
        print("|---|---|---|---|---|")
        for run in range(1, args.runs + 1):
            start = time.perf_counter()
            got = api.get_datasets(pids)
            whole = time.perf_counter() - start
            assert len(got) == len(pids)
            start = time.perf_counter()
            answer = api._client.call("get_datasets", payload, None, None)
            native = time.perf_counter() - start
            start = time.perf_counter()
            json.loads(answer)
            loads = time.perf_counter() - start
            print(f"| {run} | {whole:.3f} | {native:.3f} | {loads:.3f} | {len(answer) / 1e6:.1f} |", flush=True)


if __name__ == "__main__":
    main()
