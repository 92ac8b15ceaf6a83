"""Metrics (``/api/info/metrics``) on :class:`NativeApi` and :class:`AsyncNativeApi`: the
calls of pyDataverse's ``MetricsApi`` under its names, and ``metrics(...)`` for any count
or list. Counts answer ``int``; lists a list of :class:`MetricRow`, or with ``csv=True``
the server's CSV text."""

from __future__ import annotations

from typing import Any, List, Optional, Union

from . import models_metrics

Rows = Union[List[Any], str]


def _rows(value: Any) -> Rows:
    if isinstance(value, str):
        return value
    return [models_metrics.MetricRow(v) for v in value]


def _count_or_rows(value: Any) -> Any:
    if isinstance(value, int):
        return value
    return _rows(value)


class _MetricsMethods:
    """Metrics (mixed into ``_Methods``)."""

    def _do(self, method: str, convert: Any, progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def total(
        self,
        data_type: str,
        date_str: Optional[str] = None,
        parent_alias: Optional[str] = None,
        data_location: Optional[str] = None,
    ):
        """A count (``int``) of ``data_type`` (``dataverses``, ``datasets``, ``files``,
        ``downloads``, ``accounts``) up to now, or up to the end of the month ``date_str``
        (``YYYY-MM``). ``parent_alias``: within a published collection's subtree;
        ``data_location`` (datasets): ``local``, ``remote`` or ``all``.
        ``GET /api/info/metrics/{type}[/toMonth/{month}]``"""
        return self._do(
            "total", int, data_type=data_type, date_str=date_str,
            parent_alias=parent_alias, data_location=data_location,
        )

    def past_days(
        self,
        data_type: str,
        days_str: Union[int, str],
        parent_alias: Optional[str] = None,
        data_location: Optional[str] = None,
    ):
        """A count (``int``) of ``data_type`` over the past ``days_str`` days.
        ``GET /api/info/metrics/{type}/pastDays/{days}``"""
        return self._do(
            "past_days", int, data_type=data_type, days_str=str(days_str),
            parent_alias=parent_alias, data_location=data_location,
        )

    def get_dataverses_by_subject(self, parent_alias: Optional[str] = None, csv: bool = False):
        """Collections per subject: :class:`MetricRow` list (``subject``, ``count``), or
        CSV text. ``GET /api/info/metrics/dataverses/bySubject``"""
        return self._do("get_dataverses_by_subject", _rows, parent_alias=parent_alias, csv=csv)

    def get_dataverses_by_category(self, parent_alias: Optional[str] = None, csv: bool = False):
        """Published collections per category: :class:`MetricRow` list (``category``,
        ``count``), or CSV text. ``GET /api/info/metrics/dataverses/byCategory``"""
        return self._do("get_dataverses_by_category", _rows, parent_alias=parent_alias, csv=csv)

    def get_datasets_by_subject(
        self,
        date_str: Optional[str] = None,
        parent_alias: Optional[str] = None,
        data_location: Optional[str] = None,
        csv: bool = False,
    ):
        """Published datasets per subject, up to the month ``date_str`` when given:
        :class:`MetricRow` list, or CSV text.
        ``GET /api/info/metrics/datasets/bySubject[/toMonth/{month}]``"""
        return self._do(
            "get_datasets_by_subject", _rows, date_str=date_str, parent_alias=parent_alias,
            data_location=data_location, csv=csv,
        )

    def get_datasets_by_data_location(self, data_location: str, parent_alias: Optional[str] = None):
        """The count (``int``) of published datasets that are ``local``, ``remote``
        (harvested) or ``all``. ``GET /api/info/metrics/datasets?dataLocation=``"""
        return self._do(
            "get_datasets_by_data_location", int, data_location=data_location, parent_alias=parent_alias
        )

    def metrics(
        self,
        name: str,
        to_month: Optional[str] = None,
        past_days: Optional[int] = None,
        parent_alias: Optional[str] = None,
        data_location: Optional[str] = None,
        csv: bool = False,
    ):
        """Any metric by its path after ``/api/info/metrics/``: a count (``datasets``,
        ...; with ``to_month`` or ``past_days``) answers ``int``; a list
        (``files/monthly``, ``datasets/bySubject``, ``files/byType``, ``filedownloads``,
        ``uniquedownloads/monthly``, ...; ``to_month`` where it applies) a
        :class:`MetricRow` list, or the server's CSV text with ``csv=True``.
        ``GET /api/info/metrics/{name}``"""
        return self._do(
            "metrics", _count_or_rows, name=name, to_month=to_month,
            past_days=None if past_days is None else str(past_days),
            parent_alias=parent_alias, data_location=data_location, csv=csv,
        )
