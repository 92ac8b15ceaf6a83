"""Result objects of the guestbook methods."""

from __future__ import annotations

from .models import Model, _simple

__all__ = ["Guestbook", "RecordedResponse", "GuestbookResponses", "GuestbookAtRequest"]

Guestbook = _simple(
    "Guestbook",
    ("id", "name", "enabled"),
    "A guestbook: ``id``, ``name``, ``enabled``, ``email_required``, ``name_required``, "
    "``institution_required``, ``position_required``, ``custom_questions`` (each with ``id``, "
    "``question``, ``type``, ``required``, ``option_values``), ``create_time``, "
    "``dataverse_id``, and with statistics ``usage_count`` and ``response_count``.",
    ("usage_count", "response_count", "create_time", "dataverse_id", "custom_questions"),
)
RecordedResponse = _simple(
    "RecordedResponse",
    ("id", "type", "file_id"),
    "A recorded guestbook response: ``id``, ``dataset``, ``dataset_pid``, ``date``, ``type`` "
    "(``Download``, ``AccessRequest``, ...), ``file_name``, ``file_id``, ``file_pid``, ``name``, "
    "``email``, ``institution``, ``position``, ``custom_questions`` (``question``, ``response``).",
    ("file_pid", "name", "email", "institution", "position", "custom_questions"),
)


class GuestbookResponses(Model):
    """``get_guestbook_responses``: ``guestbook`` (a :class:`Guestbook` with its counts),
    ``responses`` (newest first, :class:`RecordedResponse`) and, with a ``limit``,
    ``pagination`` (``previous``, ``next``, ``total_responses``)."""

    __slots__ = ()
    _repr_keys = ("guestbook",)
    _optional = ("pagination",)
    _nested = {"guestbook": Guestbook, "responses": RecordedResponse}


GuestbookAtRequest = _simple(
    "GuestbookAtRequest",
    ("at_request", "set_on_dataset"),
    "When a dataset's guestbook is answered: ``at_request`` (``True``: when access is "
    "requested; ``False``: at download) and ``set_on_dataset`` (the dataset's own choice, "
    "else the installation's default).",
    (),
)
