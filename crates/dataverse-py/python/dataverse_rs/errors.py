"""The exceptions of ``dataverse_rs``: one hierarchy mirroring the Rust client's error enum.

Every exception carries ``status`` (HTTP status, or ``None``), ``server_message`` (the
server's own message), ``method`` and ``url`` (never containing a secret)::

    DataverseError
    ├── NotFound          404
    ├── Unauthorized      401
    ├── Forbidden         403
    ├── BadRequest        400 (and 405, 406, 413, 415, 416)
    │   └── FileTooLarge  an upload over the installation's or the store's size limit
    ├── Conflict          409
    ├── RateLimited       429 (``retry_after`` in seconds, if the server said)
    ├── ServerError       5xx and other unexpected statuses
    ├── TransportError    no answer: DNS, connect, TLS, timeout, reset (``timeout``, ``maybe_sent``)
    ├── DecodeError       an answer that is not what the API documents (``path``)
    ├── IntegrityError    a checksum or size that does not match after a transfer
    ├── LocalIOError      a local file could not be read or written (``path``)
    ├── InvalidArgument   rejected before any request (also a ``ValueError``)
    └── LocalDataverseError  the embedded Dataverse could not start or act
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = [
    "DataverseError",
    "NotFound",
    "Unauthorized",
    "Forbidden",
    "BadRequest",
    "FileTooLarge",
    "Conflict",
    "RateLimited",
    "ServerError",
    "TransportError",
    "DecodeError",
    "IntegrityError",
    "LocalIOError",
    "InvalidArgument",
    "LocalDataverseError",
]


class DataverseError(Exception):
    """Base class of every error this package raises."""

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        server_message: Optional[str] = None,
        method: Optional[str] = None,
        url: Optional[str] = None,
        **details: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.server_message = server_message
        self.method = method
        self.url = url
        self.details = details
        for key, value in details.items():
            setattr(self, key, value)

    def __repr__(self) -> str:
        parts = [repr(self.message)]
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.method is not None:
            parts.append(f"method={self.method!r}")
        if self.url is not None:
            parts.append(f"url={self.url!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class NotFound(DataverseError):
    """404: the object (or endpoint) does not exist, or is invisible to the caller."""


class Unauthorized(DataverseError):
    """401: a bad or missing API token, or (Dataverse's mapping) a permission denial."""


class Forbidden(DataverseError):
    """403: a business rule refused the request."""


class BadRequest(DataverseError):
    """400 (and 405, 406, 413, 415, 416): the request was refused as malformed."""


class FileTooLarge(BadRequest):
    """An upload refused because the file exceeds the size limit of the installation
    (``:MaxFileUploadSizeInBytes``) or of the dataset's store."""


class Conflict(DataverseError):
    """409: the request conflicts with the object's state."""


class RateLimited(DataverseError):
    """429: the server's rate limit; ``retry_after`` is its hint in seconds, or ``None``."""

    retry_after: Optional[float] = None


class ServerError(DataverseError):
    """5xx and any other unexpected status: the server failed."""


class TransportError(DataverseError):
    """No answer: DNS, connect, TLS, timeout or reset (``timeout``, ``maybe_sent``)."""

    timeout: bool = False
    maybe_sent: bool = True


class DecodeError(DataverseError):
    """The server answered with a body that is not what the API documents (``path``)."""


class IntegrityError(DataverseError):
    """A transferred file's checksum or size does not match the server's."""


class LocalIOError(DataverseError):
    """A local file or directory could not be read or written (``path``)."""


class InvalidArgument(DataverseError, ValueError):
    """An argument was rejected before any request was sent."""


class LocalDataverseError(DataverseError):
    """The embedded Dataverse could not start or do what was asked."""


_CLASSES = {
    cls.__name__: cls
    for cls in (DataverseError, *DataverseError.__subclasses__(), *BadRequest.__subclasses__())
}


def from_info(info: dict) -> DataverseError:
    """The exception the native layer described (``{"kind": ..., "message": ..., ...}``)."""
    info = dict(info)
    cls = _CLASSES.get(info.pop("kind", ""), DataverseError)
    message = info.pop("message", "") or cls.__name__
    return cls(message, **info)
