"""Streams: ``search_stream`` and ``crawl_collection_stream`` as iterators that yield
items as they arrive (not collected first). ``NativeApi`` gives an :class:`ItemStream`
(``for item in ...``), ``AsyncNativeApi`` an :class:`AsyncItemStream`
(``async for item in ...``). Closing a stream (``close()``, leaving its ``with`` block,
or dropping it) cancels its requests; so does cancelling a wait for the next item."""

from __future__ import annotations

import asyncio
import collections
import inspect
import json
from typing import Any, Callable, Deque, Optional, Sequence, Tuple, Union

from . import _native, errors, models

__all__ = ["ItemStream", "AsyncItemStream"]

Identifier = Union[str, int]


def _batch(answer: str) -> list:
    out = json.loads(answer)
    if "error" in out:
        raise errors.from_info(out["error"])
    return out["ok"]


class _Stream:
    def __init__(self, native: Any, convert: Callable[[Any], Any]) -> None:
        self._native: Optional[Any] = native
        self._convert = convert
        self._buffer: Deque[Any] = collections.deque()

    def close(self) -> None:
        """Stop the stream: its requests are cancelled and iteration ends."""
        native, self._native = self._native, None
        self._buffer.clear()
        if native is not None:
            native.close()

    @property
    def closed(self) -> bool:
        """Whether the stream ended or was closed."""
        return self._native is None and not self._buffer

    def _take(self, batch: list) -> None:
        if not batch:
            self.close()
        self._buffer.extend(batch)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


class ItemStream(_Stream):
    """Items as they arrive (an iterator); blocking waits release the GIL and Ctrl-C
    interrupts them (which closes the stream). A failed request raises its exception
    once, after the items that came before it; the stream then ends."""

    def __iter__(self) -> "ItemStream":
        return self

    def __next__(self) -> Any:
        while not self._buffer:
            native = self._native
            if native is None:
                raise StopIteration
            try:
                self._take(_batch(native.next(None)))
            except BaseException:
                self.close()
                raise
        return self._convert(self._buffer.popleft())

    def __enter__(self) -> "ItemStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncItemStream(_Stream):
    """Items as they arrive (an async iterator). Cancelling the task that waits for the
    next item cancels the stream's requests and closes it."""

    def __aiter__(self) -> "AsyncItemStream":
        return self

    async def __anext__(self) -> Any:
        from .api import _executor

        while not self._buffer:
            native = self._native
            if native is None:
                raise StopAsyncIteration
            token = _native.CancelToken()
            loop = asyncio.get_running_loop()
            try:
                answer = await loop.run_in_executor(_executor(), native.next, token)
                self._take(_batch(answer))
            except BaseException:
                token.cancel()
                self.close()
                raise
        return self._convert(self._buffer.popleft())

    async def aclose(self) -> None:
        """Stop the stream (as :meth:`close`)."""
        self.close()

    async def __aenter__(self) -> "AsyncItemStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()


class _StreamMethods:
    """The streaming methods; the stream's class follows the client (blocking or async)."""

    _client: Any

    def _do(self, method: str, convert: Callable[[Any], Any], progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def _item_stream(self, kind: str, convert: Callable[[Any], Any], **args: Any) -> Any:
        from .api import _encode

        native = _native.open_stream(self._client, kind, json.dumps(args, default=_encode))
        if isinstance(native, str):
            raise errors.from_info(json.loads(native)["error"])
        cls = AsyncItemStream if inspect.iscoroutinefunction(self._do) else ItemStream
        return cls(native, convert)

    def search_stream(
        self,
        q: str = "*",
        type: Optional[Sequence[str]] = None,
        subtree: Optional[Sequence[str]] = None,
        sort: Optional[str] = None,
        order: Optional[str] = None,
        per_page: Optional[int] = None,
        start: Optional[int] = None,
        fq: Optional[Sequence[str]] = None,
        metadata_fields: Optional[Sequence[str]] = None,
        show_relevance: Optional[bool] = None,
        show_entity_ids: Optional[bool] = None,
        show_api_urls: Optional[bool] = None,
        query_entities: Optional[bool] = None,
        geo_point: Optional[Union[str, Tuple[float, float]]] = None,
        geo_radius: Optional[Union[str, float]] = None,
        show_collections: Optional[bool] = None,
        search_service: Optional[str] = None,
        limit: Optional[int] = None,
    ):
        """Every result of a search, page after page (``per_page`` each, the next page
        fetched while the current one is read), as models; at most ``limit`` items; an
        entity never comes twice. ``GET /api/search`` per page"""
        args = dict(locals())
        from .api import _search_args

        return self._item_stream("search_stream", models.wrap, **_search_args(args))

    def crawl_collection_stream(
        self,
        identifier: Identifier = ":root",
        filter_by: Optional[str] = None,
        fetch_titles: bool = True,
        concurrency: Optional[int] = None,
        titles_from: str = "auto",
    ):
        """The collections and datasets below a collection as they are found (arrival
        order, not depth first): :class:`CrawledCollection` and :class:`CrawledDataset`.
        A failed request raises after the items found before it. ``titles_from`` as in
        :meth:`crawl_collection`.
        ``GET /api/dataverses/{id}/contents`` per collection"""
        return self._item_stream(
            "crawl_collection_stream",
            models.crawl_item,
            identifier=identifier,
            filter_by=filter_by,
            fetch_titles=fetch_titles,
            concurrency=concurrency,
            titles_from=titles_from,
        )
