"""``LocalDataverse``: the embedded Dataverse, in this process, on a free port."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, List, Optional, Union

from . import _native
from .errors import LocalDataverseError

__all__ = ["LocalDataverse"]


class LocalDataverse:
    """An embedded Dataverse served on ``127.0.0.1`` at a free port, with a superuser.

    ``LocalDataverse(data_dir=None, latency_ms=0, faults=None, generate=None)``:

    - ``data_dir``: where its SQLite database and files live; a fresh temporary directory
      (removed on :meth:`stop`) when ``None``.
    - ``latency_ms``: a delay added to every API response (a slow server).
    - ``faults``: inject failures into a share of requests,
      ``"rate=0.1,seed=7[,kinds=503+500+429+reset+truncate+slow]"``.
    - ``generate``: first add a published tree, ``"collections=N,datasets=M,depth=D[,seed=S]"``.
    - ``admin_token``: set the superuser's token to this value.
    - ``max_upload_bytes``: refuse larger uploads (413), as ``:MaxFileUploadSizeInBytes`` does.
    - ``s3``: keep file bytes in an S3 store with direct upload (``upload-redirect``), served
      by a real S3 server (``s3s-fs``) started in this process on another free port, its
      bucket folder under ``data_dir/s3`` (needs a build with the cargo feature ``s3``, as
      ``.ci/run`` makes). ``s3_part_size``: the part size it hands out for multipart uploads
      (default Dataverse's 1 GiB; at least 5 MiB).
    - ``guestbook_at_request``: Dataverse's ``dataverse.files.guestbook-at-request``
      setting: ``True`` asks for a guestbook answer when access is requested, ``False`` at
      download. Set either way, superusers may also choose per dataset
      (:meth:`NativeApi.set_guestbook_entry_at_request`); ``None`` (unset), they may not.

    Use it as a context manager, or call :meth:`stop`. ``url`` and ``admin_token`` are
    what a client needs; :meth:`api` makes one, :meth:`create_user` a plain user.
    """

    def __init__(
        self,
        data_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
        latency_ms: int = 0,
        faults: Optional[str] = None,
        generate: Optional[str] = None,
        *,
        admin_token: Optional[str] = None,
        max_upload_bytes: Optional[int] = None,
        s3: bool = False,
        s3_part_size: Optional[int] = None,
        guestbook_at_request: Optional[bool] = None,
    ) -> None:
        self._tmp: Optional[tempfile.TemporaryDirectory] = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="dataverse-rs-")
            data_dir = self._tmp.name
        self.data_dir = os.fspath(data_dir)
        try:
            self._server = _native.LocalServer(
                self.data_dir,
                latency_ms,
                faults,
                generate,
                admin_token,
                max_upload_bytes,
                s3,
                s3_part_size,
                guestbook_at_request,
            )
        except BaseException:
            self._cleanup()
            raise
        self._users = 0

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._server.url

    @property
    def admin_token(self) -> str:
        """The superuser ``dataverseAdmin``'s API token."""
        return self._server.admin_token

    @property
    def s3_endpoint(self) -> Optional[str]:
        """The local S3 server's URL (``s3=True``), else ``None``."""
        return self._server.s3_endpoint

    @property
    def s3_objects(self) -> Optional[str]:
        """The folder holding the S3 bucket's objects (``<folder>/<key>``), else ``None``."""
        if self._server.s3_endpoint is None:
            return None
        return os.path.join(self.data_dir, "s3", "dataverse")

    @property
    def running(self) -> bool:
        """Whether it still serves."""
        return self._server.running

    def api(self, token: Optional[str] = "admin", **options: Any):
        """A :class:`NativeApi` to this server: the superuser's by default, ``token=None``
        for an anonymous one, or another token."""
        from .api import NativeApi

        return NativeApi(self.url, self.admin_token if token == "admin" else token, **options)

    def create_user(self, username: Optional[str] = None, **fields: Any) -> dict:
        """Create a plain (not super) user through ``POST /api/builtin-users``; returns
        ``{"username", "token", "email"}``."""
        self._users += 1
        username = username or f"user{self._users}"
        body = {
            "firstName": fields.pop("first_name", "Test"),
            "lastName": fields.pop("last_name", "User"),
            "userName": username,
            "affiliation": fields.pop("affiliation", "Testing"),
            "position": fields.pop("position", "Tester"),
            "email": fields.pop("email", f"{username}@example.edu"),
        }
        query = urllib.parse.urlencode({"password": fields.pop("password", "p4ssw0rd!"), "key": self._server.builtin_users_key})
        request = urllib.request.Request(
            f"{self.url}/api/builtin-users?{query}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                reply = json.load(response)
        except urllib.error.HTTPError as e:
            raise LocalDataverseError(f"creating user {username}: {e.read().decode(errors='replace')}") from None
        return {"username": username, "token": reply["data"]["apiToken"], "email": body["email"]}

    def generate_files(self, dataset_id: int, count: int) -> List[int]:
        """Add ``count`` small generated files to a dataset (database id); their ids."""
        return self._server.generate_files(dataset_id, count)

    def set_setting(self, name: str, value: str) -> None:
        """Set a database setting such as ``:MaxFileUploadSizeInBytes``."""
        self._server.set_setting(name, value)

    def stop(self) -> None:
        """Stop serving and remove the temporary directory (if it made one)."""
        self._server.stop()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "LocalDataverse":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"LocalDataverse({self.url!r}, {state})"
