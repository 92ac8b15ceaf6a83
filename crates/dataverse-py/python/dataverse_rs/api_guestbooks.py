"""Guestbooks on :class:`NativeApi` and :class:`AsyncNativeApi`: a collection's
guestbooks (read, list, create, update, enable), the responses recorded for one (and for
a whole collection, as CSV), and which guestbook a dataset uses. Answers to a guestbook go with the data access methods
and ``request_access`` as ``guestbook_response=``."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

from . import bodies, models, models_guestbooks

Identifier = Union[str, int]


def _guestbook(value: Any) -> Dict[str, Any]:
    """A :class:`GuestbookBody`, a :class:`Guestbook` result or a dict (camelCase keys),
    checked as the Rust type."""
    if isinstance(value, (bodies.GuestbookBody, models.Model)):
        return value.to_dict()
    if isinstance(value, dict):
        return bodies.GuestbookBody.from_dict(value).to_dict()
    raise TypeError(f"a guestbook is a GuestbookBody or a dict, not a {type(value).__name__}")


def _identity(value: Any) -> Any:
    return value


def _list(value: Any) -> Any:
    return [models_guestbooks.Guestbook(v) for v in value]


class _GuestbooksMethods:
    """Guestbooks (mixed into ``_Methods``)."""

    def _do(self, method: str, convert: Any, progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def get_guestbook(self, id: int):
        """A guestbook by id (anyone may read one): a :class:`Guestbook`.
        ``GET /api/guestbooks/{id}``"""
        return self._do("get_guestbook", models_guestbooks.Guestbook, id=id)

    def list_guestbooks(self, collection: Identifier, include_inherited: bool = False, include_stats: bool = False):
        """The guestbooks of a collection (``EditDataverse``): a list of :class:`Guestbook`;
        with ``include_inherited`` also those of its owners (the root's first), with
        ``include_stats`` each with ``usage_count`` and ``response_count``.
        ``GET /api/guestbooks/{collection}/list``"""
        return self._do(
            "list_guestbooks", _list, collection=collection,
            include_inherited=include_inherited, include_stats=include_stats,
        )

    def create_guestbook(self, collection: Identifier, guestbook: Any):
        """Create a guestbook (with its custom questions) on a collection
        (``EditDataverse``) from a :class:`GuestbookBody` or a dict: the
        :class:`Guestbook` made. Not retried once sent. ``POST /api/guestbooks/{collection}``"""
        return self._do(
            "create_guestbook", models_guestbooks.Guestbook, collection=collection, guestbook=_guestbook(guestbook)
        )

    def update_guestbook(self, id: int, guestbook: Any):
        """Replace a guestbook (its questions too) by a :class:`GuestbookBody` or a dict:
        the :class:`Guestbook` as stored. ``PUT /api/guestbooks/{id}``"""
        return self._do("update_guestbook", models_guestbooks.Guestbook, id=id, guestbook=_guestbook(guestbook))

    def enable_guestbook(self, collection: Identifier, id: int, enabled: bool = True):
        """Turn a collection's guestbook on (or with ``enabled=False`` off): the server's
        :class:`Message`. ``PUT /api/guestbooks/{collection}/{id}/enabled``"""
        return self._do("enable_guestbook", models.Message, collection=collection, id=id, enabled=enabled)

    def get_guestbook_responses(self, id: int, limit: Optional[int] = None, offset: Optional[int] = None):
        """The responses recorded for a guestbook, newest first (``limit`` of them from
        ``offset``; all by default), with the guestbook and its counts: a
        :class:`GuestbookResponses`. ``GET /api/guestbooks/{id}/responses``"""
        return self._do(
            "get_guestbook_responses", models_guestbooks.GuestbookResponses, id=id, limit=limit, offset=offset
        )

    def get_collection_guestbook_responses(self, identifier: Identifier, guestbook_id: Optional[int] = None):
        """The guestbook responses of the datasets a collection holds directly (not its
        sub-collections'), newest first, as Dataverse's CSV text (``str``): a header line,
        then one line per response ending with its custom questions and answers; with
        ``guestbook_id`` only that guestbook's (``EditDataverse``).
        ``GET /api/dataverses/{id}/guestbookResponses``"""
        return self._do(
            "get_collection_guestbook_responses", _identity, identifier=identifier, guestbook_id=guestbook_id
        )

    def set_dataset_guestbook(self, dataset: Identifier, guestbook: int):
        """Make a dataset use a guestbook its collection (or an owner) offers
        (``EditDataset``): the server's :class:`Message`.
        ``PUT /api/datasets/{id}/guestbook``"""
        return self._do("set_dataset_guestbook", models.Message, dataset=dataset, guestbook=guestbook)

    def remove_dataset_guestbook(self, dataset: Identifier):
        """Stop a dataset using a guestbook: the server's :class:`Message`.
        ``DELETE /api/datasets/{id}/guestbook``"""
        return self._do("remove_dataset_guestbook", models.Message, dataset=dataset)

    def get_guestbook_entry_at_request(self, dataset: Identifier):
        """When a dataset's guestbook is answered, as a :class:`GuestbookAtRequest`:
        ``at_request`` and whether that is the dataset's own choice (``set_on_dataset``).
        ``GET /api/datasets/{id}/guestbookEntryAtRequest``"""
        return self._do("get_guestbook_entry_at_request", models_guestbooks.GuestbookAtRequest, dataset=dataset)

    def set_guestbook_entry_at_request(self, dataset: Identifier, choice: Optional[bool]):
        """Whether a dataset's guestbook is answered when access is requested rather than
        on download (superusers): ``True``/``False`` sets it, ``None`` resets it to the
        installation's default. The server's :class:`Message`.
        ``PUT``/``DELETE /api/datasets/{id}/guestbookEntryAtRequest``"""
        return self._do("set_guestbook_entry_at_request", models.Message, dataset=dataset, choice=choice)
