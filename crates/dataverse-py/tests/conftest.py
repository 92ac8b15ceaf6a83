"""Shared helpers. The fixtures `local_dataverse`, `fresh_dataverse`, `dataverse_admin`
and `dataverse_user` come from the package's own pytest plugin (entry point pytest11)."""

import itertools
from pathlib import Path

import pytest

from dataverse_rs import CollectionCreateBody, DatasetCreateBody, NativeApi, UploadBody

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other test uses on the shared server."""
    return f"{prefix}-{next(_seq)}"


def dataset_body(title: str = "Darwin's Finches") -> DatasetCreateBody:
    return DatasetCreateBody(
        title=title,
        authors=[{"authorName": "Finch, Fiona", "authorAffiliation": "Birds Inc."}],
        contacts=[{"datasetContactName": "Finch, Fiona", "datasetContactEmail": "finch@mailinator.com"}],
        descriptions=["Darwin's finches are a group of about fifteen species."],
        subjects=["Medicine, Health and Life Sciences"],
        license="CC0 1.0",
    )


def make_collection(api: NativeApi, parent: str = "root") -> str:
    alias = unique("coll")
    api.create_collection(
        parent=parent,
        metadata=CollectionCreateBody(
            name=f"Collection {alias}", alias=alias, dataverse_contacts=["lab@university.edu"]
        ),
    )
    return alias


def make_dataset(api: NativeApi, collection: str = "root", title: str = "Darwin's Finches") -> str:
    return api.create_dataset(dataverse=collection, metadata=dataset_body(title)).persistent_id


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def upload(api: NativeApi, pid: str, path: Path, **metadata) -> int:
    """Upload without tabular ingest (a CSV stays a CSV)."""
    metadata.setdefault("tab_ingest", False)
    response = api.upload_datafile(identifier=pid, file=path, metadata=UploadBody(**metadata))
    return response.files[0].data_file.id


@pytest.fixture
def api(dataverse_admin: NativeApi) -> NativeApi:
    """The superuser's client on the session's Dataverse."""
    return dataverse_admin
