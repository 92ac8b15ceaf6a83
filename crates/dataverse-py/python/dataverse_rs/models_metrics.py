"""Result objects of the metrics methods."""

from __future__ import annotations

from .models import _simple

__all__ = ["MetricRow"]

MetricRow = _simple(
    "MetricRow",
    ("date", "subject", "category", "contenttype", "pid", "count"),
    "One row of a metrics list: ``count`` and, by list, ``date`` (``YYYY-MM``), ``subject``, "
    "``category``, ``contenttype``, ``size``, ``id``, ``pid``.",
    ("date", "subject", "category", "contenttype", "pid", "id", "size", "count"),
)
