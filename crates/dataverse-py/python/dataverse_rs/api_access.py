"""Data access (a file's bytes, several files or a dataset's files as a zip, a tabular
file's bundle, a download URL) and access requests to restricted files: the methods of
pyDataverse's ``DataAccessApi`` on :class:`NativeApi` and :class:`AsyncNativeApi`.

The byte methods answer ``bytes`` (the whole answer in memory); with ``destination`` the
bytes go to that path chunk by chunk instead (never whole in memory) and the answer is a
:class:`SavedFile`. The ``stream_*`` methods answer a :class:`DataStream` (an iterator of
``bytes`` chunks; an async iterator from :class:`AsyncNativeApi`).
"""

from __future__ import annotations

import inspect
import json
import os
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from . import _native, bodies, errors, models, models_access
from .streams import AsyncDataStream, DataStream

Identifier = Union[str, int]
Range = Union[None, int, Tuple[int, Optional[int]]]


def _range(value: Range) -> Any:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return [value, None]
    if isinstance(value, (tuple, list)) and len(value) in (1, 2):
        return list(value) + [None] * (2 - len(value))
    raise errors.InvalidArgument(f"range must be start or (start, end), not {value!r}")


def _payload(args: Dict[str, Any]) -> str:
    def encode(value: Any) -> Any:
        if isinstance(value, os.PathLike):
            return os.fspath(value)
        if isinstance(value, (tuple, set, frozenset)):
            return list(value)
        raise TypeError(f"cannot send a {type(value).__name__}")

    return json.dumps(args, default=encode)


def _checked(answer: Any) -> Any:
    if isinstance(answer, str):
        raise errors.from_info(json.loads(answer)["error"])
    return answer


def _guestbook_response(value: Any) -> Any:
    """A :class:`GuestbookResponse` or a dict (checked as the Rust type) as JSON."""
    if value is None:
        return None
    if isinstance(value, bodies.GuestbookResponse):
        return value.to_dict()
    if isinstance(value, dict):
        return bodies.GuestbookResponse.from_dict(value).to_dict()
    raise errors.InvalidArgument(
        f"guestbook_response must be a GuestbookResponse or a dict, not a {type(value).__name__}"
    )


def _list(cls: type) -> Any:
    return lambda value: [cls(v) for v in value]


class _AccessMethods:
    """Data access and access requests (mixed into ``_Methods``)."""

    _client: Any

    def _do(self, method: str, convert: Any, progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def _is_async(self) -> bool:
        return inspect.iscoroutinefunction(self._do)

    def _bytes(self, method: str, args: Dict[str, Any]) -> Any:
        payload = _payload(args)
        if self._is_async():
            token = _native.CancelToken()
            work = lambda: _native.call_bytes(self._client, method, payload, token)  # noqa: E731

            async def run() -> bytes:
                return _checked(await self._run(work, token))  # type: ignore[attr-defined]

            return run()
        return _checked(_native.call_bytes(self._client, method, payload))

    def _byte_stream(self, method: str, args: Dict[str, Any]) -> Any:
        payload = _payload(args)
        if self._is_async():
            token = _native.CancelToken()
            work = lambda: _native.open_byte_stream(self._client, method, payload, token)  # noqa: E731

            async def run() -> AsyncDataStream:
                native = _checked(await self._run(work, token))  # type: ignore[attr-defined]
                return AsyncDataStream(native, self._run)  # type: ignore[attr-defined]

            return run()
        return DataStream(_checked(_native.open_byte_stream(self._client, method, payload)))

    def _bytes_or_file(self, method: str, destination: Any, progress: Any, args: Dict[str, Any]) -> Any:
        if destination is None:
            if progress is not None:
                raise errors.InvalidArgument("progress is reported for a destination only")
            return self._bytes(method, args)
        return self._do(method, models_access.SavedFile, progress=progress, destination=destination, **args)

    # ---- data access ----------------------------------------------------------------

    def get_datafile(
        self,
        identifier: Identifier,
        data_format: Optional[str] = None,
        no_var_header: bool = False,
        image_thumb: Union[None, bool, int, str] = None,
        gbrecs: bool = False,
        range: Range = None,
        destination: Any = None,
        progress: Any = None,
        guestbook_response: Any = None,
    ):
        """A file's bytes (``bytes``), or with ``destination`` written there chunk by
        chunk (a :class:`SavedFile`; ``progress`` gets ``(bytes written, None)``).
        ``data_format``: ``original`` (the saved original of an ingested file), ``tab``,
        ...; ``no_var_header``: a tabular file without its header line; ``image_thumb``:
        a thumbnail (``True`` or a size in pixels); ``gbrecs``: do not count the download;
        ``range``: ``start`` or ``(start, end)`` (``end`` inclusive);
        ``guestbook_response``: the answers to the dataset's guestbook, where one must be
        answered before a download (a :class:`GuestbookResponse`, or a dict as the server
        takes it: ``{"name", "email", "answers": [{"id", "value"}]}``).
        ``GET /api/access/datafile/{id}``"""
        args = dict(
            identifier=identifier, data_format=data_format, no_var_header=no_var_header,
            image_thumb=image_thumb, gbrecs=gbrecs, range=_range(range),
            guestbook_response=_guestbook_response(guestbook_response),
        )
        return self._bytes_or_file("get_datafile", destination, progress, args)

    def stream_datafile(
        self,
        identifier: Identifier,
        data_format: Optional[str] = None,
        no_var_header: bool = False,
        image_thumb: Union[None, bool, int, str] = None,
        gbrecs: bool = False,
        range: Range = None,
        guestbook_response: Any = None,
    ):
        """A file's bytes as they arrive: a :class:`DataStream` of ``bytes`` chunks (an
        async one from ``AsyncNativeApi``), with the options of :meth:`get_datafile`.
        ``GET /api/access/datafile/{id}``"""
        return self._byte_stream(
            "stream_datafile",
            dict(
                identifier=identifier, data_format=data_format, no_var_header=no_var_header,
                image_thumb=image_thumb, gbrecs=gbrecs, range=_range(range),
                guestbook_response=_guestbook_response(guestbook_response),
            ),
        )

    def get_datafiles(
        self,
        identifier: Union[str, Sequence[int]],
        data_format: Optional[str] = None,
        destination: Any = None,
        progress: Any = None,
        guestbook_response: Any = None,
    ):
        """Several files of one dataset as one zip (each under its folder,
        ``MANIFEST.TXT`` last): ``bytes``, or a :class:`SavedFile` with ``destination``.
        ``identifier``: file ids (a list, or pyDataverse's ``"1,2,3"``);
        ``data_format="original"``: saved originals of ingested files;
        ``guestbook_response``: as in :meth:`get_datafile`.
        ``GET /api/access/datafiles/{id,id,...}``"""
        args = dict(
            identifier=_ids(identifier), data_format=data_format,
            guestbook_response=_guestbook_response(guestbook_response),
        )
        return self._bytes_or_file("get_datafiles", destination, progress, args)

    def stream_datafiles(
        self,
        identifier: Union[str, Sequence[int]],
        data_format: Optional[str] = None,
        guestbook_response: Any = None,
    ):
        """:meth:`get_datafiles` as a :class:`DataStream`.
        ``GET /api/access/datafiles/{id,id,...}``"""
        return self._byte_stream(
            "stream_datafiles",
            dict(
                identifier=_ids(identifier), data_format=data_format,
                guestbook_response=_guestbook_response(guestbook_response),
            ),
        )

    def download_all_datafiles(
        self,
        identifier: Identifier,
        version: Optional[str] = None,
        original: bool = False,
        destination: Any = None,
        progress: Any = None,
        guestbook_response: Any = None,
    ):
        """The files of a dataset version (the latest the caller may see by default) as
        one zip: ``bytes``, or a :class:`SavedFile` with ``destination``. ``original``:
        saved originals of ingested files; ``guestbook_response``: as in
        :meth:`get_datafile`. ``GET /api/access/dataset/{id}[/versions/{v}]``"""
        args = dict(
            identifier=identifier, version=version, original=original,
            guestbook_response=_guestbook_response(guestbook_response),
        )
        return self._bytes_or_file("download_all_datafiles", destination, progress, args)

    def stream_all_datafiles(
        self,
        identifier: Identifier,
        version: Optional[str] = None,
        original: bool = False,
        guestbook_response: Any = None,
    ):
        """:meth:`download_all_datafiles` as a :class:`DataStream`.
        ``GET /api/access/dataset/{id}[/versions/{v}]``"""
        return self._byte_stream(
            "stream_all_datafiles",
            dict(
                identifier=identifier, version=version, original=original,
                guestbook_response=_guestbook_response(guestbook_response),
            ),
        )

    def get_datafile_bundle(
        self,
        identifier: Identifier,
        destination: Any = None,
        progress: Any = None,
        guestbook_response: Any = None,
    ):
        """A tabular file's bundle as a zip: the ingested file with its header line, the
        saved original, the file's DDI, and its EndNote, RIS and BibTeX citations
        (``bytes``, or a :class:`SavedFile` with ``destination``); ``guestbook_response``:
        as in :meth:`get_datafile` (then sent by ``POST``).
        ``GET /api/access/datafile/bundle/{id}``"""
        args = dict(identifier=identifier, guestbook_response=_guestbook_response(guestbook_response))
        return self._bytes_or_file("get_datafile_bundle", destination, progress, args)

    def get_datafile_download_url(
        self,
        identifier: Identifier,
        data_format: Optional[str] = None,
        no_var_header: bool = False,
        image_thumb: Union[None, bool, int, str] = None,
        gbrecs: bool = False,
    ):
        """The URL a file's bytes come from (``str``): where a store that redirects
        downloads sends the client, else the access URL itself (only the first byte is
        asked for). ``GET /api/access/datafile/{id}``"""
        return self._do(
            "get_datafile_download_url", str, identifier=identifier, data_format=data_format,
            no_var_header=no_var_header, image_thumb=image_thumb, gbrecs=gbrecs,
        )

    # ---- access requests ------------------------------------------------------------

    def request_access(self, identifier: Identifier, guestbook_response: Any = None):
        """Ask for access to a restricted file (signed-in users); ``guestbook_response``:
        the answers to the dataset's guestbook where it is answered at request time.
        ``PUT /api/access/datafile/{id}/requestAccess``"""
        return self._do(
            "request_access", models.Message, identifier=identifier,
            guestbook_response=_guestbook_response(guestbook_response),
        )

    def allow_access_request(self, identifier: Identifier, do_allow: bool = True):
        """Allow (or with ``do_allow=False`` stop) requests for access to a dataset's
        restricted files. ``PUT /api/access/{id}/allowAccessRequest``"""
        return self._do("allow_access_request", models.Message, identifier=identifier, do_allow=do_allow)

    def grant_file_access(self, identifier: Identifier, user: str):
        """Grant a user (``@name``) access to a restricted file.
        ``PUT /api/access/datafile/{id}/grantAccess/{user}``"""
        return self._do("grant_file_access", models.Message, identifier=identifier, user=user)

    def list_file_access_requests(self, identifier: Identifier, include_history: bool = False):
        """The open requests for access to a file (with ``include_history`` also the
        granted and rejected ones): a list of :class:`FileAccessRequest`.
        ``GET /api/access/datafile/{id}/listRequests``"""
        return self._do(
            "list_file_access_requests", _list(models_access.FileAccessRequest),
            identifier=identifier, include_history=include_history,
        )

    def reject_file_access_request(self, identifier: Identifier, user: str):
        """Reject a user's request for access to a file.
        ``PUT /api/access/datafile/{id}/rejectAccess/{user}``"""
        return self._do("reject_file_access_request", models.Message, identifier=identifier, user=user)

    def revoke_file_access(self, identifier: Identifier, user: str):
        """Take back a user's access to a file.
        ``DELETE /api/access/datafile/{id}/revokeAccess/{user}``"""
        return self._do("revoke_file_access", models.Message, identifier=identifier, user=user)


def _ids(identifier: Any) -> Any:
    if isinstance(identifier, (str, int)):
        return identifier
    return list(identifier)
