"""Progress reporting: a Python callable ``(done, total)``, or ``True`` for a tqdm bar."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Optional

_UNITS = {
    "upload_datafile": ("B", True),
    "replace_datafile": ("B", True),
    "download_datafile": ("B", True),
    "download_dataset": ("B", True),
    "get_datafile": ("B", True),
    "get_datafiles": ("B", True),
    "download_all_datafiles": ("B", True),
    "get_datafile_bundle": ("B", True),
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


class _WithParts:
    """A progress callable that also takes the parts of a direct upload: the Rust side
    calls it as ``(done, total)`` and its ``part`` method with each part's JSON."""

    def __init__(self, progress: Optional[Callable[[int, Optional[int]], Any]], part_progress: Callable[[Any], Any]) -> None:
        self._progress = progress
        self._part_progress = part_progress

    def __call__(self, done: int, total: Optional[int]) -> None:
        if self._progress is not None:
            self._progress(done, total)

    def part(self, event: str) -> None:
        import json

        from .models_storage import UploadPart

        self._part_progress(UploadPart(json.loads(event)))


def with_parts(progress: Any, part_progress: Any) -> Any:
    """``progress``, or with a ``part_progress`` callable one object taking both."""
    if part_progress is None:
        return progress
    if not callable(part_progress):
        from .errors import InvalidArgument

        raise InvalidArgument("part_progress must be a callable taking an UploadPart")
    if progress is True:
        from .errors import InvalidArgument

        raise InvalidArgument("progress=True (a tqdm bar) cannot be combined with part_progress")
    if progress is not None and progress is not False and not callable(progress):
        from .errors import InvalidArgument

        raise InvalidArgument("progress must be a callable (done, total), True or None")
    return _WithParts(progress or None, part_progress)
