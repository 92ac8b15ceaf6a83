"""datafiles_table: pandas by default, polars or pyarrow on request, from Arrow data."""

import pandas
import polars
import pyarrow
import pytest
from conftest import make_dataset, upload, write

from dataverse_rs import InvalidArgument, NotFound

# The Rust library's DATAFILES_COLUMNS, in order.
COLUMNS = [
    "id", "persistent_id", "label", "directory", "description", "content_type",
    "size", "checksum_type", "checksum_value", "restricted", "tabular", "creation_date",
]


@pytest.fixture(scope="module")
def files_dataset(local_dataverse, tmp_path_factory):
    api = local_dataverse.api()
    pid = make_dataset(api, title="Tabled")
    tmp = tmp_path_factory.mktemp("table")
    upload(api, pid, write(tmp, "a.csv", "a,b\n1,2\n"), directory_label="data")
    upload(api, pid, write(tmp, "b.txt", "hello world\n"))
    upload(api, pid, write(tmp, "c.csv", "x\n"), restrict=True)
    return pid


def test_pandas_frame(dataverse_admin, files_dataset):
    df = dataverse_admin.datafiles_table(files_dataset)
    assert isinstance(df, pandas.DataFrame)
    assert list(df.columns) == COLUMNS
    assert sorted(df["label"]) == ["a.csv", "b.txt", "c.csv"]
    row = df[df["label"] == "b.txt"].iloc[0]
    assert row["size"] == 12 and row["content_type"].startswith("text/plain")
    assert bool(df[df["label"] == "c.csv"].iloc[0]["restricted"]) is True
    assert df[df["label"] == "a.csv"].iloc[0]["directory"] == "data"


def test_polars_and_arrow(dataverse_admin, files_dataset):
    pl = dataverse_admin.datafiles_table(files_dataset, output="polars")
    assert isinstance(pl, polars.DataFrame) and pl.height == 3
    assert pl.filter(polars.col("label") == "b.txt")["size"].to_list() == [12]
    table = dataverse_admin.datafiles_table(files_dataset, output="arrow")
    assert isinstance(table, pyarrow.Table) and table.num_rows == 3
    assert table.column_names == COLUMNS
    assert table.schema.field("size").type in (pyarrow.int64(), pyarrow.uint64())


def test_mime_filter(dataverse_admin, files_dataset):
    csv = dataverse_admin.datafiles_table(files_dataset, filter_mime_types=["text/csv"], output="polars")
    assert sorted(csv["label"].to_list()) == ["a.csv", "c.csv"]
    anything_text = dataverse_admin.datafiles_table(files_dataset, filter_mime_types=["text/*"])
    assert len(anything_text) == 3


def test_table_errors(dataverse_admin):
    with pytest.raises(NotFound):
        dataverse_admin.datafiles_table("doi:10.5072/FK2/NOSUCH")
    with pytest.raises(InvalidArgument):
        dataverse_admin.datafiles_table("doi:10.5072/FK2/NOSUCH", output="excel")
