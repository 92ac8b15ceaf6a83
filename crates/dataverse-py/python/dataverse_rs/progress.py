"""Progress reporting: a Python callable ``(done, total)``, or ``True`` for a tqdm bar."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Optional

_UNITS = {
    "upload_datafile": ("B", True),
    "replace_datafile": ("B", True),
    "download_datafile": ("B", True),
    "download_dataset": ("B", True),
    "upload_directory": ("file", False),
    "get_datasets": ("dataset", False),
    "crawl_collection": ("item", False),
}


@contextlib.contextmanager
def progress_callback(progress: Any, method: str) -> Iterator[Optional[Callable[[int, Optional[int]], None]]]:
    """The callable to hand to the native call: ``progress`` itself, a tqdm bar's update
    for ``progress=True`` (closed afterwards), or ``None``."""
    if progress is None or progress is False:
        yield None
        return
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError as e:  # pragma: no cover - depends on the environment
            from .errors import InvalidArgument

            raise InvalidArgument("progress=True needs tqdm (pip install tqdm)") from e
        unit, scale = _UNITS.get(method, ("it", False))
        bar = tqdm(desc=method, unit=unit, unit_scale=scale, unit_divisor=1024 if scale else 1000)

        def update(done: int, total: Optional[int]) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.n = done
            bar.refresh()

        try:
            yield update
        finally:
            bar.close()
        return
    if not callable(progress):
        from .errors import InvalidArgument

        raise InvalidArgument("progress must be a callable (done, total), True or None")
    yield progress
