"""Result objects of the storage driver and direct upload methods."""

from __future__ import annotations

from typing import Any, Dict, List

from .models import Model, _simple, wrap

__all__ = ["StorageDriver", "UploadUrls", "RegisteredFiles", "UploadPart"]

StorageDriver = _simple(
    "StorageDriver",
    ("name", "type", "label", "direct_upload"),
    "A store: ``name`` (its id), ``type`` (``file``, ``s3``), ``label``, ``direct_upload``, "
    "``direct_download``.",
    ("name", "type", "label", "direct_upload", "direct_download"),
)
UploadUrls = _simple(
    "UploadUrls",
    ("storage_identifier", "part_size"),
    "Presigned URLs of a direct upload: ``url`` (one PUT) or ``urls`` (part number to URL) with "
    "``complete`` and ``abort``; ``part_size``, ``storage_identifier``.",
    ("url", "urls", "complete", "abort"),
)


class RegisteredFiles(Model):
    """``register_files``: ``files`` (per entry: ``storage_identifier``, ``success_message``
    or ``error_message``, ``file_details``) and ``result`` (``Total number of files``,
    ``Number of files successfully added``), from the server's ``Files`` and ``Result``."""

    __slots__ = ()

    @property
    def files(self) -> List[Any]:
        """One entry per file sent, in order."""
        return [wrap(v) for v in self._data.get("Files") or []]

    @property
    def result(self) -> Dict[str, Any]:
        """The counts of files sent and added."""
        return dict(self._data.get("Result") or {})

    def __repr__(self) -> str:
        return f"RegisteredFiles({self.result})"


UploadPart = _simple(
    "UploadPart",
    ("path", "part", "parts", "bytes", "resumed"),
    "One part of a direct upload the store has taken (given to ``part_progress``): ``part`` "
    "(from 1), ``parts``, ``bytes``, ``resumed`` (stored by an earlier run), ``path`` (the file "
    "in ``upload_directory``, else ``None``).",
)
