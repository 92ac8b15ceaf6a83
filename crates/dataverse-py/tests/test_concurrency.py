"""Blocking calls release the GIL; Ctrl-C and cancellation stop a call promptly."""

import _thread
import threading
import time

import pytest

from dataverse_rs import LocalDataverse, NativeApi
from dataverse_rs._native import CancelToken


@pytest.fixture(scope="module")
def slow_dataverse():
    with LocalDataverse(latency_ms=400) as dv:
        yield dv


def test_other_threads_run_during_a_slow_call(slow_dataverse):
    api = NativeApi(slow_dataverse.url)
    done = threading.Event()
    result = {}

    def call():
        result["version"] = api.get_info_version().version
        done.set()

    worker = threading.Thread(target=call)
    ticks = 0
    worker.start()
    # Pure-Python work on this thread: it only advances if the call released the GIL.
    while not done.is_set():
        ticks += 1
    worker.join()
    assert result["version"] == "6.11"
    # 400 ms of a tight loop is millions of iterations; a held GIL would allow almost none
    # (the interpreter switches threads every 5 ms only when the holder lets it).
    assert ticks > 10_000


def test_two_threads_call_concurrently(slow_dataverse):
    api = NativeApi(slow_dataverse.url)
    finished = []

    def call():
        api.get_info_version()
        finished.append(time.monotonic())

    start = time.monotonic()
    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Six 400 ms calls overlapped: done well before they could be one after another (2.4 s).
    assert len(finished) == 6 and max(finished) - start < 1.6


def test_ctrl_c_interrupts_a_long_call():
    with LocalDataverse(latency_ms=3000) as dv:
        api = NativeApi(dv.url, max_retries=0)
        timer = threading.Timer(0.3, _thread.interrupt_main)
        start = time.monotonic()
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            api.get_info_version()
        elapsed = time.monotonic() - start
        timer.join()
        # The 3 s answer was not waited for.
        assert elapsed < 2.0
        # The client still works afterwards.
        assert NativeApi(dv.url).get_info_server().hostname == "localhost"


def test_cancel_token_stops_a_call_from_another_thread():
    with LocalDataverse(latency_ms=3000) as dv:
        api = NativeApi(dv.url, max_retries=0)
        token = CancelToken()
        threading.Timer(0.2, token.cancel).start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt, match="cancelled"):
            api._client.call("get_info_version", "{}", token, None)
        assert token.cancelled and time.monotonic() - start < 2.0
