"""Dataset and file extras: deaccession, file PID registration, download size and count,
data tables, persistent URL, waiting for a lock, the dataset field lists, logout (mixed
into ``NativeApi`` and ``AsyncNativeApi``)."""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

from . import models
from .models_admin import DataTable, DatasetField, DownloadSize

Identifier = Union[str, int]


def _identity(value: Any) -> Any:
    return value


def _list(cls: type) -> Callable[[Any], Any]:
    return lambda value: [cls(v) for v in value]


class _DatasetAdminMethods:
    """The dataset and file extras, over ``_do``."""

    def _do(self, method: str, convert: Callable[[Any], Any], progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def deaccession_dataset(self, identifier: Identifier, version: str, reason: str, forward_url: Optional[str] = None):
        """Deaccession a published version (``:latest-published`` or a number) with a
        reason and an optional forwarding URL. ``POST /api/datasets/{id}/versions/{v}/deaccession``"""
        return self._do(
            "deaccession_dataset",
            models.Message,
            identifier=identifier,
            version=version,
            reason=reason,
            forward_url=forward_url,
        )

    def register_datafile_pid(self, identifier: Identifier):
        """Register a PID for one published file (superusers): the server's message.
        ``GET /api/admin/{id}/registerDataFile``"""
        return self._do("register_datafile_pid", _identity, identifier=identifier)

    def register_all_datafile_pids(self):
        """Register PIDs for every published file without one (superusers): the server's
        message. ``GET /api/admin/registerDataFileAll``"""
        return self._do("register_all_datafile_pids", _identity)

    def get_dataset_download_size(
        self,
        identifier: Identifier,
        version: str = ":latest",
        mode: Optional[str] = None,
        content_type: Optional[str] = None,
        access_status: Optional[str] = None,
        category_name: Optional[str] = None,
        tabular_tag_name: Optional[str] = None,
        search_text: Optional[str] = None,
        include_deaccessioned: bool = False,
    ):
        """The total size of the files a download of a version would bring (``mode``:
        ``All``, ``Original``, ``Archival``; the file filters of the version's file list).
        ``GET /api/datasets/{id}/versions/{v}/downloadsize``"""
        return self._do(
            "get_dataset_download_size",
            DownloadSize,
            identifier=identifier,
            version=version,
            mode=mode,
            content_type=content_type,
            access_status=access_status,
            category_name=category_name,
            tabular_tag_name=tabular_tag_name,
            search_text=search_text,
            include_deaccessioned=include_deaccessioned,
        )

    def get_file_download_count(self, identifier: Identifier):
        """How many times a file was downloaded (an ``int``).
        ``GET /api/files/{id}/downloadCount``"""
        return self._do("get_file_download_count", _identity, identifier=identifier)

    def get_file_data_tables(self, identifier: Identifier):
        """The tables of an ingested tabular file, with their variables.
        ``GET /api/files/{id}/dataTables``"""
        return self._do("get_file_data_tables", _list(DataTable), identifier=identifier)

    def get_dataset_persistent_url(self, identifier: Identifier):
        """The dataset's persistent URL (``https://doi.org/...``, ``https://hdl.handle.net/...``).
        ``GET /api/datasets/{id}``"""
        return self._do("get_dataset_persistent_url", _identity, identifier=identifier)

    def get_dataset_summary_field_names(self):
        """The names of the fields a dataset's summary may show.
        ``GET /api/datasets/summaryFieldNames``"""
        return self._do("get_dataset_summary_field_names", _identity)

    def get_facetable_dataset_fields(self):
        """The dataset field types that can be search facets.
        ``GET /api/datasetfields/facetables``"""
        return self._do("get_facetable_dataset_fields", _list(DatasetField))

    def logout(self):
        """End the session of a browser login (the server's message; an API token has
        none to end). ``POST /api/logout``"""
        return self._do("logout", _identity)

    def wait_for_unlock(self, identifier: Identifier, lock_type: str, timeout_seconds: int = 300):
        """Wait until a dataset has no lock of ``lock_type`` (``Ingest``,
        ``finalizePublication``, ``InReview``, ...), at most ``timeout_seconds`` (then
        ``ServerError``). ``GET /api/datasets/{id}/locks?type=`` until free"""
        return self._do(
            "wait_for_unlock", _identity, identifier=identifier, lock_type=lock_type, timeout_seconds=timeout_seconds
        )
