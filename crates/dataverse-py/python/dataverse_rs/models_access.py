"""Result objects of the data access and access request methods."""

from __future__ import annotations

from .models import _simple

__all__ = ["SavedFile", "FileAccessRequest"]

SavedFile = _simple(
    "SavedFile",
    ("path", "bytes"),
    "Bytes written to a path by ``get_datafile(..., destination=...)`` and the like: ``path``, ``bytes``.",
)
FileAccessRequest = _simple(
    "FileAccessRequest",
    ("identifier", "request_state"),
    "A request for access to a file: the user (``identifier``, ``display_name``, ``email``, ...) and "
    "``request_state`` (``created``, ``granted``, ``rejected``).",
    ("request_state",),
)
