"""Storage drivers and direct upload to S3 stores, step by step, on :class:`NativeApi`
and :class:`AsyncNativeApi`. (``upload_datafile``, ``replace_datafile`` and
``upload_directory`` upload directly by themselves where the store offers it.)"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Sequence, Union

from . import errors, models, models_storage
from .bodies import _Body

Identifier = Union[str, int]


def _entry(value: Any) -> Any:
    if isinstance(value, _Body):
        return value.to_dict()
    if isinstance(value, Mapping):
        return dict(value)
    raise errors.InvalidArgument(f"an entry must be an UploadBody or a dict, not {type(value).__name__}")


class _StorageMethods:
    """Storage drivers and direct upload (mixed into ``_Methods``)."""

    def _do(self, method: str, convert: Any, progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    # ---- storage drivers ------------------------------------------------------------

    def get_dataset_storage_driver(self, identifier: Identifier):
        """The store of a dataset: a :class:`StorageDriver` (``name``, ``type``,
        ``label``, ``direct_upload``, ...). ``GET /api/datasets/{id}/storageDriver``"""
        return self._do("get_dataset_storage_driver", models_storage.StorageDriver, identifier=identifier)

    def set_dataset_storage_driver(self, identifier: Identifier, label: str):
        """Keep a dataset's new files in the store labelled ``label`` (superusers).
        ``PUT /api/datasets/{id}/storageDriver``"""
        return self._do("set_dataset_storage_driver", models.Message, identifier=identifier, label=label)

    def reset_dataset_storage_driver(self, identifier: Identifier):
        """Let a dataset use its collection's store again (superusers).
        ``DELETE /api/datasets/{id}/storageDriver``"""
        return self._do("reset_dataset_storage_driver", models.Message, identifier=identifier)

    def get_collection_storage_driver(self, identifier: Identifier, effective: bool = False):
        """The store set on a collection, or with ``effective`` the one it uses (its own,
        an owner's, or the installation's default): a :class:`StorageDriver`.
        ``GET /api/dataverses/{id}/storageDriver[?getEffective=true]``"""
        return self._do(
            "get_collection_storage_driver", models_storage.StorageDriver, identifier=identifier, effective=effective
        )

    def set_collection_storage_driver(self, identifier: Identifier, label: str):
        """Keep the new files of a collection (and everything under it that sets no store)
        in the store labelled ``label`` (superusers). ``PUT /api/dataverses/{id}/storageDriver``"""
        return self._do("set_collection_storage_driver", models.Message, identifier=identifier, label=label)

    def reset_collection_storage_driver(self, identifier: Identifier):
        """Let a collection inherit its owner's store again (superusers).
        ``DELETE /api/dataverses/{id}/storageDriver``"""
        return self._do("reset_collection_storage_driver", models.Message, identifier=identifier)

    def list_storage_drivers(self, identifier: Identifier = ":root"):
        """The stores a collection may use: a ``dict`` of label to id.
        ``GET /api/dataverses/{id}/allowedStorageDrivers``"""
        return self._do("list_storage_drivers", dict, identifier=identifier)

    # ---- direct upload, step by step ------------------------------------------------

    def get_upload_urls(self, identifier: Identifier, size: int):
        """Presigned URLs for sending ``size`` bytes straight to the dataset's S3 store:
        an :class:`UploadUrls` (one ``url``, or ``urls`` per part with ``complete`` and
        ``abort``). A store without direct upload raises ``NotFound``.
        ``GET /api/datasets/{id}/uploadurls?size=``"""
        return self._do("get_upload_urls", models_storage.UploadUrls, identifier=identifier, size=size)

    def register_files(self, identifier: Identifier, entries: Sequence[Any], replace: bool = False):
        """Register files already in the dataset's store in one call: each entry an
        :class:`UploadBody` or dict with ``storageIdentifier``, ``fileName``,
        ``mimeType``, ``checksum`` (``{"@type", "@value"}``) and the file metadata (with
        ``replace``, ``fileToReplaceId``): a :class:`RegisteredFiles` (entries that failed
        say why). ``POST /api/datasets/{id}/addFiles`` (``/replaceFiles``)"""
        return self._do(
            "register_files", models_storage.RegisteredFiles, identifier=identifier,
            entries=[_entry(e) for e in entries], replace=replace,
        )

    def complete_multipart_upload(self, link: str, etags: Mapping[int, str]):
        """Complete a multipart upload (the ``complete`` link of :class:`UploadUrls`) with
        the ETag of each part by part number (``True`` when done).
        ``PUT /api/datasets/mpupload?...``"""
        tags: Dict[str, str] = {str(k): v for k, v in etags.items()}
        return self._do("complete_multipart_upload", bool, link=link, etags=tags)

    def abort_multipart_upload(self, link: str):
        """Abort a multipart upload (the ``abort`` link of :class:`UploadUrls`): the store
        drops its parts (``True`` when done). ``DELETE /api/datasets/mpupload?...``"""
        return self._do("abort_multipart_upload", bool, link=link)
