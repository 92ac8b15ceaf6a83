"""Metrics (pyDataverse's MetricsApi calls and ``metrics(...)``) against a fresh embedded
Dataverse, so the counts are known."""

import asyncio
import datetime
from pathlib import Path

import pytest
from conftest import make_collection, make_dataset, upload, write

from dataverse_rs import AsyncNativeApi, BadRequest, InvalidArgument, ServerError
from dataverse_rs.models_metrics import MetricRow

SUBJECT = "Medicine, Health and Life Sciences"


@pytest.fixture
def published(fresh_dataverse, tmp_path: Path):
    """Two published datasets (one in a published sub-collection), one file."""
    api = fresh_dataverse.api()
    sub = make_collection(api)
    api.publish_collection(sub)
    first = make_dataset(api)
    second = make_dataset(api, sub)
    upload(api, first, write(tmp_path, "a.txt", "a"))
    for pid in (first, second):
        api.publish_dataset(pid=pid, release_type="major", wait_seconds=30)
    return api, sub


def test_counts(published):
    api, sub = published
    month = datetime.date.today().strftime("%Y-%m")
    assert api.total("dataverses") == 2
    assert api.total("datasets") == 2
    assert api.total("files") == 1
    assert api.total("datasets", date_str=month) == 2
    assert api.past_days("datasets", 7) == 2
    assert api.past_days("files", "30") == 1
    assert api.total("datasets", parent_alias=sub) == 1
    assert api.get_datasets_by_data_location("local") == 2
    assert api.get_datasets_by_data_location("remote") == 0
    assert api.metrics("datasets") == 2
    assert api.metrics("files", past_days=30) == 1
    assert api.metrics("datasets", to_month=month, parent_alias=sub) == 1


def test_lists_as_rows_and_csv(published):
    api, _ = published
    month = datetime.date.today().strftime("%Y-%m")
    rows = api.get_datasets_by_subject()
    assert rows == [] or isinstance(rows[0], MetricRow)
    assert [(r.subject, r.count) for r in rows] == [(SUBJECT, 2)]
    assert api.get_datasets_by_subject(csv=True) == f'subject,count\n"{SUBJECT}",2'
    assert [(r.subject, r.count) for r in api.get_datasets_by_subject(date_str=month)] == [(SUBJECT, 2)]
    assert [(r.category, r.count) for r in api.get_dataverses_by_category()] == [("Uncategorized", 2)]
    by_subject = api.get_dataverses_by_subject()
    assert by_subject and all(r.subject and r.count >= 1 for r in by_subject)
    assert api.get_dataverses_by_category(csv=True).startswith("category,count\n")
    assert [(r.date, r.count) for r in api.metrics("datasets/monthly")] == [(month, 2)]
    assert [(r.contenttype, r.count) for r in api.metrics("files/byType")] == [("text/plain", 1)]
    assert api.metrics("files/byType", csv=True).startswith("contenttype,count,size\n")


def test_metric_errors(fresh_dataverse, published):
    api, _ = published
    with pytest.raises(InvalidArgument):
        api.total("widgets")
    with pytest.raises(InvalidArgument):
        api.total("datasets", date_str="2024-13")
    with pytest.raises(BadRequest, match="past the current month"):
        api.total("datasets", date_str="2999-01")
    with pytest.raises(InvalidArgument):
        api.past_days("datasets", "a week")
    with pytest.raises(InvalidArgument):
        api.metrics("nope")
    with pytest.raises(InvalidArgument):
        api.metrics("datasets/monthly", past_days=3)
    with pytest.raises(InvalidArgument):
        api.metrics("datasets", csv=True)
    with pytest.raises(InvalidArgument):
        api.get_datasets_by_data_location("mars")


def test_monthly_of_nothing_fails_as_in_dataverse(fresh_dataverse):
    # MetricsUtil.timeSeriesToJson indexes the first row: no downloads at all is a 500.
    with pytest.raises(ServerError):
        fresh_dataverse.api(max_retries=0).metrics("downloads/monthly")


def test_async_metrics(published, fresh_dataverse):
    async def main():
        aapi = AsyncNativeApi(fresh_dataverse.url)
        return await aapi.total("datasets"), await aapi.get_datasets_by_subject()

    total, rows = asyncio.run(main())
    assert total == 2 and rows[0].count == 2
