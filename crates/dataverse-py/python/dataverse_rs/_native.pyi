"""Type stubs of the compiled module dataverse_rs._native (the Rust side)."""

from typing import Any, Callable, List, Optional, Union

__version__: str

class CancelToken:
    """A flag another thread sets to stop a running call."""
    def __init__(self) -> None: ...
    def cancel(self) -> None: ...
    @property
    def cancelled(self) -> bool: ...

class Client:
    """The Rust NativeApi."""
    def __init__(
        self,
        base_url: str,
        api_token: Optional[str] = None,
        api_version: Optional[str] = None,
        max_concurrency: Optional[int] = None,
        request_timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        allow_insecure_http: bool = False,
        user_agent: Optional[str] = None,
        max_retries: Optional[int] = None,
    ) -> None: ...
    @property
    def base_url(self) -> str: ...
    @property
    def has_token(self) -> bool: ...
    def call(
        self,
        method: str,
        args: str,
        cancel: Optional[CancelToken] = None,
        progress: Optional[Callable[[int, Optional[int]], Any]] = None,
    ) -> str: ...
    def datafiles_ipc(
        self, identifier: str, filter_mime_types: List[str], cancel: Optional[CancelToken] = None
    ) -> Union[bytes, str]: ...

class ItemStream:
    """A running stream of results (search_stream, crawl_collection_stream)."""
    def next(self, cancel: Optional[CancelToken] = None) -> str: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

def open_stream(client: Client, kind: str, args: str) -> Union[ItemStream, str]: ...

class LocalServer:
    """A running embedded Dataverse."""
    def __init__(
        self,
        data_dir: str,
        latency_ms: int = 0,
        faults: Optional[str] = None,
        generate: Optional[str] = None,
        admin_token: Optional[str] = None,
        max_upload_bytes: Optional[int] = None,
        s3: bool = False,
        s3_part_size: Optional[int] = None,
        guestbook_at_request: Optional[bool] = None,
    ) -> None: ...
    @property
    def url(self) -> str: ...
    @property
    def admin_token(self) -> str: ...
    @property
    def builtin_users_key(self) -> str: ...
    @property
    def s3_endpoint(self) -> Optional[str]: ...
    @property
    def running(self) -> bool: ...
    def generate_files(self, dataset_id: int, count: int) -> List[int]: ...
    def set_setting(self, name: str, value: str) -> None: ...
    def stop(self) -> None: ...

def validate_body(kind: str, body: str) -> None: ...

class ByteStream:
    """A download as it arrives (the data access methods' streams)."""
    def next_chunk(self, cancel: Optional[CancelToken] = None) -> Union[bytes, str, None]: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

def call_bytes(client: Client, method: str, args: str, cancel: Optional[CancelToken] = None) -> Union[bytes, str]: ...
def open_byte_stream(client: Client, method: str, args: str, cancel: Optional[CancelToken] = None) -> Union[ByteStream, str]: ...
