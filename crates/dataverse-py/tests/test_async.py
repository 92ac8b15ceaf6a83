"""AsyncNativeApi: the same methods as coroutines; cancellation cancels the call."""

import asyncio
import time

import pytest
from conftest import make_dataset

from dataverse_rs import AsyncNativeApi, LocalDataverse, NotFound
from dataverse_rs.models import Collection, Dataset


def test_async_methods_return_the_same_models(local_dataverse):
    async def main():
        api = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        root, version = await asyncio.gather(api.get_collection(":root"), api.get_info_version())
        assert isinstance(root, Collection) and root.alias == "root"
        assert version.version == "6.11"
        with pytest.raises(NotFound):
            await api.get_collection("missing-collection")
        return await api.get_collection_contents(":root")

    contents = asyncio.run(main())
    assert isinstance(contents, list)


def test_async_calls_overlap():
    with LocalDataverse(latency_ms=300) as dv:

        async def main():
            api = AsyncNativeApi(dv.url)
            start = time.monotonic()
            results = await asyncio.gather(*(api.get_info_version() for _ in range(8)))
            return results, time.monotonic() - start

        results, elapsed = asyncio.run(main())
        assert [r.version for r in results] == ["6.11"] * 8
        assert elapsed < 1.8  # eight 300 ms calls, not one after another (2.4 s)


def test_async_cancellation_stops_the_call():
    with LocalDataverse(latency_ms=3000) as dv:

        async def main():
            api = AsyncNativeApi(dv.url, max_retries=0)
            start = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(api.get_info_version(), timeout=0.2)
            return time.monotonic() - start

        assert asyncio.run(main()) < 2.0


def test_async_datasets_and_table(local_dataverse, tmp_path):
    sync = local_dataverse.api()
    pid = make_dataset(sync, title="Async finches")

    async def main():
        api = AsyncNativeApi(local_dataverse.url, api_token=local_dataverse.admin_token)
        datasets = await api.get_datasets([pid, pid])
        table = await api.datafiles_table(pid, output="arrow")
        return datasets, table

    datasets, table = asyncio.run(main())
    assert [d.title for d in datasets] == ["Async finches"] * 2
    assert all(isinstance(d, Dataset) for d in datasets)
    assert table.num_rows == 0 and "label" in table.column_names
