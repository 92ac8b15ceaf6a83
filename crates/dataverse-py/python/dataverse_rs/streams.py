"""Byte streams of the data access methods (``stream_datafile`` and the like): the file
as it arrives, in chunks of ``bytes``, never whole in memory."""

from __future__ import annotations

import json
from typing import Any, AsyncIterator, Callable, Iterator, Optional

from . import _native, errors

__all__ = ["DataStream", "AsyncDataStream"]


def _chunk(answer: Any) -> Optional[bytes]:
    if isinstance(answer, str):
        raise errors.from_info(json.loads(answer)["error"])
    return answer


class DataStream:
    """A download as an iterator of ``bytes`` chunks (``for chunk in stream``). Each read
    waits with the GIL released; ``close()`` (or leaving a ``with`` block) drops the
    connection."""

    def __init__(self, native: Any) -> None:
        self._native = native

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        chunk = _chunk(self._native.next_chunk())
        if chunk is None:
            raise StopIteration
        return chunk

    def read(self) -> bytes:
        """The rest of the stream, joined."""
        return b"".join(self)

    def close(self) -> None:
        """Stop the transfer; later reads end at once."""
        self._native.close()

    @property
    def closed(self) -> bool:
        """Whether the stream has ended or been closed."""
        return self._native.closed

    def __enter__(self) -> "DataStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(closed={self.closed})"


class AsyncDataStream:
    """A download as an asynchronous iterator of ``bytes`` chunks (``async for chunk in
    stream``); cancelling the reading task cancels the read."""

    def __init__(self, native: Any, run: Callable[..., Any]) -> None:
        self._native = native
        self._run = run

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        token = _native.CancelToken()
        chunk = _chunk(await self._run(lambda: self._native.next_chunk(token), token))
        if chunk is None:
            raise StopAsyncIteration
        return chunk

    async def read(self) -> bytes:
        """The rest of the stream, joined."""
        return b"".join([c async for c in self])

    def close(self) -> None:
        """Stop the transfer; later reads end at once."""
        self._native.close()

    @property
    def closed(self) -> bool:
        """Whether the stream has ended or been closed."""
        return self._native.closed

    async def __aenter__(self) -> "AsyncDataStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(closed={self.closed})"
