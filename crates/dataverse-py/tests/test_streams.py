"""search_stream and crawl_collection_stream from Python: iterators (and async iterators)
that yield items as they arrive, and stop the requests when closed."""

import asyncio
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dataverse_rs import AsyncItemStream, AsyncNativeApi, InvalidArgument, ItemStream, LocalDataverse, NativeApi, NotFound
from dataverse_rs.models import CrawledCollection, CrawledDataset, Model

TREE = "collections=12,datasets=40,depth=3,seed=5"


@pytest.fixture(scope="module")
def tree():
    """A generated, published tree: 12 collections and 40 datasets below root."""
    with LocalDataverse(generate=TREE) as dv:
        yield dv


class _Forward(BaseHTTPRequestHandler):
    def _forward(self):
        server = self.server
        with server.lock:
            server.count += 1
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        request = urllib.request.Request(server.target + self.path, data=body, method=self.command, headers=headers)
        try:
            response = urllib.request.urlopen(request)
        except urllib.error.HTTPError as e:
            response = e
        data = response.read()
        self.send_response(response.status)
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, *args):
        pass


class CountingProxy(ThreadingHTTPServer):
    """A plain HTTP proxy in front of a LocalDataverse that counts the requests it sees."""

    daemon_threads = True

    def __init__(self, target):
        self.target = target
        self.count = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Forward)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


def test_search_stream_yields_every_result_once(tree):
    api = tree.api()
    total = api.search_count(q="*", type="dataset")
    assert total == 40
    stream = api.search_stream(q="*", type="dataset", per_page=7)
    assert isinstance(stream, ItemStream)
    items = list(stream)
    assert len(items) == total
    assert all(isinstance(i, Model) and i.type == "dataset" for i in items)
    assert len({i.global_id for i in items}) == total
    assert stream.closed
    # The same results as the pages, in the same order.
    paged = [i.global_id for start in range(0, total, 10) for i in api.search(q="*", type="dataset", start=start).items]
    assert [i.global_id for i in items] == paged
    # `limit` caps it; `start` skips.
    assert len(list(api.search_stream(type="dataset", per_page=3, limit=5))) == 5
    assert [i.global_id for i in api.search_stream(type="dataset", start=35)] == paged[35:]


def test_crawl_collection_stream_finds_what_the_crawl_finds(tree):
    api = tree.api()
    crawled = api.crawl_collection(":root")
    with api.crawl_collection_stream(":root") as stream:
        streamed = list(stream)
    assert sorted((type(i).__name__, i.id) for i in streamed) == sorted((type(i).__name__, i.id) for i in crawled)
    assert {type(i) for i in streamed} == {CrawledCollection, CrawledDataset}
    datasets = list(api.crawl_collection_stream(":root", filter_by="datasets", fetch_titles=False))
    assert len(datasets) == 40 and all(isinstance(i, CrawledDataset) for i in datasets)


def test_crawl_stream_yields_before_the_crawl_ends():
    with LocalDataverse(latency_ms=150, generate="collections=8,datasets=8,depth=4,seed=3") as dv:
        api = dv.api()
        start = time.monotonic()
        stream = api.crawl_collection_stream(":root", fetch_titles=False, concurrency=2)
        first = next(stream)
        first_at = time.monotonic() - start
        rest = list(stream)
        total = time.monotonic() - start
    assert isinstance(first, (CrawledCollection, CrawledDataset))
    assert len(rest) == 15
    # Four levels of 150 ms requests, two at a time: the first item comes with the first
    # listing, long before the last one.
    assert first_at < total / 2


def test_closing_a_stream_stops_its_requests():
    with LocalDataverse(latency_ms=100, generate="collections=40,datasets=10,depth=2,seed=7") as dv:
        proxy = CountingProxy(dv.url)
        try:
            client = NativeApi(proxy.url, api_token=dv.admin_token, max_concurrency=4)
            client.crawl_collection(":root", fetch_titles=False)
            full = proxy.count
            assert full >= 41  # one listing per collection

            proxy.count = 0
            stream = client.crawl_collection_stream(":root", fetch_titles=False)
            next(stream)
            stream.close()
            with pytest.raises(StopIteration):
                next(stream)
            at_close = proxy.count
            time.sleep(1.5)  # the whole crawl takes about 41 / 4 x 100 ms
            after = proxy.count
            assert after <= at_close + 4  # at most the requests already on their way
            assert after < full / 2

            # Dropping the iterator stops it too.
            proxy.count = 0
            stream = client.crawl_collection_stream(":root", fetch_titles=False)
            next(stream)
            del stream
            time.sleep(1.5)
            assert proxy.count < full / 2
        finally:
            proxy.shutdown()


def test_stream_errors(tree):
    api = tree.api()
    # A query the client refuses: at once, before any request.
    with pytest.raises(InvalidArgument):
        api.search_stream(geo_point="42.3,-71.1")
    stream = api.crawl_collection_stream("no-such-collection")
    with pytest.raises(NotFound):
        next(stream)
    assert list(stream) == []


def test_async_streams(tree):
    async def main():
        api = AsyncNativeApi(tree.url, api_token=tree.admin_token)
        stream = api.search_stream(type="dataset", per_page=9)
        assert isinstance(stream, AsyncItemStream)
        found = [item.global_id async for item in stream]
        async with api.crawl_collection_stream(":root", filter_by="collections") as crawl:
            collections = [item async for item in crawl]
        # A cancelled wait closes the stream.
        slow = api.crawl_collection_stream(":root")
        first = await slow.__anext__()
        await slow.aclose()
        with pytest.raises(StopAsyncIteration):
            await slow.__anext__()
        bad = api.crawl_collection_stream("no-such-collection")
        with pytest.raises(NotFound):
            await bad.__anext__()
        return found, collections, first

    found, collections, first = asyncio.run(main())
    assert len(set(found)) == 40
    assert len(collections) == 12 and all(isinstance(c, CrawledCollection) for c in collections)
    assert isinstance(first, (CrawledCollection, CrawledDataset))


def test_async_stream_cancelled_by_a_timeout():
    with LocalDataverse(latency_ms=1000, generate="collections=2,datasets=2,depth=1,seed=1") as dv:

        async def main():
            api = AsyncNativeApi(dv.url, api_token=dv.admin_token)
            stream = api.crawl_collection_stream(":root")
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(stream.__anext__(), 0.2)
            assert stream.closed
            with pytest.raises(StopAsyncIteration):
                await stream.__anext__()

        asyncio.run(main())


def test_one_reader_at_a_time():
    with LocalDataverse(latency_ms=800, generate="collections=2,datasets=2,depth=1,seed=1") as dv:
        stream = dv.api().crawl_collection_stream(":root")
        first = []
        reader = threading.Thread(target=lambda: first.append(next(stream)))
        reader.start()
        time.sleep(0.2)
        with pytest.raises(InvalidArgument, match="another call is reading this stream"):
            next(stream)
        reader.join()
        assert isinstance(first[0], (CrawledCollection, CrawledDataset))


def test_titles_from_each_source_agree(tree):
    """``titles_from`` reaches the library: titles read from versions and from the search
    index are the same, in the crawl and in its stream; an unknown source is refused."""
    api = tree.api()
    by_source = {}
    for source in ("versions", "search", "auto"):
        items = api.crawl_collection(":root", filter_by="datasets", titles_from=source)
        by_source[source] = {i.id: i.title for i in items}
        streamed = {i.id: i.title for i in api.crawl_collection_stream(":root", filter_by="datasets", titles_from=source)}
        assert streamed == by_source[source]
    assert len(by_source["versions"]) == 40 and all(by_source["versions"].values())
    assert by_source["versions"] == by_source["search"] == by_source["auto"]
    with pytest.raises(InvalidArgument, match="not a title source"):
        api.crawl_collection(":root", titles_from="guess")
