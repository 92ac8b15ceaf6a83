"""Request bodies under the spec's names, taking its keyword arguments.

Each body is checked by the Rust type it becomes (the same checks as the Rust library:
aliases, contacts, field shapes) when it is made; a bad one raises
:class:`~dataverse_rs.errors.InvalidArgument`. ``to_dict()`` gives the JSON sent.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

from . import _native

__all__ = [
    "CollectionCreateBody",
    "UpdateCollection",
    "DatasetCreateBody",
    "EditMetadataBody",
    "UploadBody",
    "GuestbookBody",
    "GuestbookResponse",
    "field",
]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class _Body:
    """A request body: its JSON, checked by the matching Rust type."""

    _kind = ""

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data
        _native.validate_body(self._kind, json.dumps(data))

    def to_dict(self) -> Dict[str, Any]:
        """The JSON this body sends (a deep copy)."""
        return copy.deepcopy(self._data)

    @classmethod
    def from_dict(cls, data: Dict[str, Any]):
        """A body from its JSON as the server takes it (camelCase keys)."""
        body = cls.__new__(cls)
        _Body.__init__(body, copy.deepcopy(dict(data)))
        return body

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._data == other._data  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._data.items())
        return f"{type(self).__name__}({inner})"


def _contacts(contacts: Optional[Iterable[Union[str, Dict[str, Any]]]]) -> Optional[List[Dict[str, Any]]]:
    if contacts is None:
        return None
    out = []
    for c in contacts:
        out.append({"contactEmail": c} if isinstance(c, str) else dict(c))
    return out


def _collect(values: Dict[str, Any], extra: Dict[str, Any]) -> Dict[str, Any]:
    data = {_camel(k): v for k, v in values.items() if v is not None}
    data.update({_camel(k): v for k, v in extra.items()})
    return data


class CollectionCreateBody(_Body):
    """Body of ``create_collection``: ``name``, ``alias`` (1 to 60 of ``[A-Za-z0-9_-]``),
    ``dataverse_contacts`` (at least one: ``{"contactEmail": ...}`` or an address),
    ``affiliation``, ``description``, ``dataverse_type``, and any other key of the
    create JSON as a keyword."""

    _kind = "CollectionCreateBody"

    def __init__(
        self,
        name: str,
        alias: str,
        dataverse_contacts: Sequence[Union[str, Dict[str, Any]]],
        affiliation: Optional[str] = None,
        description: Optional[str] = None,
        dataverse_type: Optional[str] = None,
        **extra: Any,
    ) -> None:
        values = dict(
            name=name,
            alias=alias,
            dataverse_contacts=_contacts(dataverse_contacts),
            affiliation=affiliation,
            description=description,
            dataverse_type=dataverse_type,
        )
        super().__init__(_collect(values, extra))


class UpdateCollection(_Body):
    """Body of ``update_collection``: only the keys given change (at least one)."""

    _kind = "UpdateCollection"

    def __init__(
        self,
        name: Optional[str] = None,
        alias: Optional[str] = None,
        dataverse_contacts: Optional[Sequence[Union[str, Dict[str, Any]]]] = None,
        affiliation: Optional[str] = None,
        description: Optional[str] = None,
        dataverse_type: Optional[str] = None,
        **extra: Any,
    ) -> None:
        values = dict(
            name=name,
            alias=alias,
            dataverse_contacts=_contacts(dataverse_contacts),
            affiliation=affiliation,
            description=description,
            dataverse_type=dataverse_type,
        )
        super().__init__(_collect(values, extra))


def field(type_name: str, value: Any, type_class: Optional[str] = None, multiple: Optional[bool] = None) -> Dict[str, Any]:
    """One metadata field as the API takes it. ``value``: a string, a list of strings, a
    dict (a compound: child type name to value or field) or a list of dicts. The type
    class defaults to ``primitive`` (``compound`` for dicts); ``multiple`` to whether
    ``value`` is a list."""

    def convert(v: Any) -> Any:
        if isinstance(v, dict):
            return {
                k: (c if isinstance(c, dict) and "typeName" in c else field(k, c))
                for k, c in v.items()
            }
        if isinstance(v, list):
            return [convert(x) for x in v]
        return v

    first = value[0] if isinstance(value, list) and value else value
    if type_class is None:
        type_class = "compound" if isinstance(first, dict) else "primitive"
    if multiple is None:
        multiple = isinstance(value, list)
    return {"typeName": type_name, "multiple": multiple, "typeClass": type_class, "value": convert(value)}


class DatasetCreateBody(_Body):
    """Body of ``create_dataset`` and ``validate_dataset_json``.

    Either the citation fields as keywords::

        DatasetCreateBody(
            title="Darwin's Finches",
            authors=[{"authorName": "Finch, Fiona", "authorAffiliation": "Birds Inc."}],
            contacts=[{"datasetContactName": "Finch, Fiona", "datasetContactEmail": "finch@mailinator.com"}],
            descriptions=["About the finches."],
            subjects=["Medicine, Health and Life Sciences"],
        )

    (authors and contacts may also be plain names / addresses), or the whole
    ``dataset_version`` JSON (``{"metadataBlocks": {...}, "license": ...}``).
    ``fields`` adds more citation fields (from :func:`field`); ``blocks`` fields of
    other blocks (``{"geospatial": [field(...), ...]}``).
    """

    _kind = "DatasetCreateBody"

    def __init__(
        self,
        title: Optional[str] = None,
        authors: Optional[Sequence[Union[str, Dict[str, Any]]]] = None,
        contacts: Optional[Sequence[Union[str, Dict[str, Any]]]] = None,
        descriptions: Optional[Sequence[str]] = None,
        subjects: Optional[Sequence[str]] = None,
        keywords: Optional[Sequence[str]] = None,
        license: Optional[str] = None,
        fields: Optional[Sequence[Dict[str, Any]]] = None,
        blocks: Optional[Dict[str, Sequence[Dict[str, Any]]]] = None,
        dataset_version: Optional[Dict[str, Any]] = None,
        dataset_type: Optional[str] = None,
        metadata_language: Optional[str] = None,
        **extra: Any,
    ) -> None:
        version = copy.deepcopy(dataset_version) if dataset_version is not None else {}
        version.setdefault("metadataBlocks", {})
        citation: List[Dict[str, Any]] = []
        if title is not None:
            citation.append(field("title", title))
        if authors is not None:
            citation.append(field("author", [
                {"authorName": a} if isinstance(a, str) else a for a in authors
            ]))
        if contacts is not None:
            citation.append(field("datasetContact", [
                {"datasetContactEmail": c} if isinstance(c, str) else c for c in contacts
            ]))
        if descriptions is not None:
            citation.append(field("dsDescription", [{"dsDescriptionValue": d} for d in descriptions]))
        if subjects is not None:
            citation.append(field("subject", list(subjects), type_class="controlledVocabulary"))
        if keywords is not None:
            citation.append(field("keyword", [{"keywordValue": k} for k in keywords]))
        citation.extend(fields or [])
        if citation:
            block = version["metadataBlocks"].setdefault("citation", {"fields": []})
            block.setdefault("fields", []).extend(citation)
        for name, more in (blocks or {}).items():
            block = version["metadataBlocks"].setdefault(name, {"fields": []})
            block.setdefault("fields", []).extend(more)
        if license is not None:
            version["license"] = license
        data: Dict[str, Any] = {"datasetVersion": version}
        if dataset_type is not None:
            data["datasetType"] = dataset_type
        if metadata_language is not None:
            data["metadataLanguage"] = metadata_language
        data.update({_camel(k): v for k, v in extra.items()})
        super().__init__(data)


class EditMetadataBody(_Body):
    """Body of ``edit_dataset_metadata``: the fields to add or replace, as
    :func:`field` dicts in ``fields`` and/or simple fields as keywords
    (``EditMetadataBody(title="New title")``; a list value is a multiple field)."""

    _kind = "EditMetadataBody"

    def __init__(self, fields: Optional[Sequence[Dict[str, Any]]] = None, **values: Any) -> None:
        all_fields = [dict(f) for f in (fields or [])]
        all_fields.extend(field(name, value) for name, value in values.items())
        super().__init__({"fields": all_fields})


class UploadBody(_Body):
    """File metadata of ``upload_datafile``, ``replace_datafile`` and
    ``update_datafile_metadata``: ``description``, ``directory_label``, ``categories``,
    ``restrict``, ``tab_ingest``, ``label``, ``force_replace``, ``prov_free_form``,
    ``data_file_tags``; other ``jsonData`` keys as keywords."""

    _kind = "UploadBody"

    def __init__(
        self,
        description: Optional[str] = None,
        directory_label: Optional[str] = None,
        categories: Optional[Sequence[str]] = None,
        restrict: Optional[bool] = None,
        tab_ingest: Optional[bool] = None,
        label: Optional[str] = None,
        force_replace: Optional[bool] = None,
        prov_free_form: Optional[str] = None,
        data_file_tags: Optional[Sequence[str]] = None,
        **extra: Any,
    ) -> None:
        values = dict(
            description=description,
            directory_label=directory_label,
            categories=list(categories) if categories is not None else None,
            restrict=restrict,
            tab_ingest=tab_ingest,
            label=label,
            force_replace=force_replace,
            prov_free_form=prov_free_form,
            data_file_tags=list(data_file_tags) if data_file_tags is not None else None,
        )
        super().__init__(_collect(values, extra))


class GuestbookBody(_Body):
    """Body of ``create_guestbook`` and ``update_guestbook``: ``name``, ``enabled``
    (default ``True``), ``email_required``, ``name_required``, ``institution_required``,
    ``position_required`` and ``custom_questions`` (dicts ``{"question", "type"
    ("text", "textarea" or "options"), "required", "displayOrder", "hidden",
    "optionValues": [{"value", "displayOrder"}]}``)."""

    _kind = "GuestbookBody"

    def __init__(
        self,
        name: str,
        enabled: bool = True,
        email_required: bool = False,
        name_required: bool = False,
        institution_required: bool = False,
        position_required: bool = False,
        custom_questions: Optional[Sequence[Dict[str, Any]]] = None,
        **extra: Any,
    ) -> None:
        values = dict(
            name=name,
            enabled=enabled,
            email_required=email_required,
            name_required=name_required,
            institution_required=institution_required,
            position_required=position_required,
            custom_questions=[dict(q) for q in custom_questions] if custom_questions else None,
        )
        super().__init__(_collect(values, extra))


class GuestbookResponse(_Body):
    """The answers to a dataset's guestbook, given as ``guestbook_response=`` to the data
    access methods and ``request_access``: ``name``, ``email``, ``institution``,
    ``position`` (left out: the server takes them from the caller's account) and
    ``answers``: a dict of custom question id to the answer (a string, or a list of lines
    for a ``textarea`` question)."""

    _kind = "GuestbookResponse"

    def __init__(
        self,
        name: Optional[str] = None,
        email: Optional[str] = None,
        institution: Optional[str] = None,
        position: Optional[str] = None,
        answers: Optional[Dict[int, Union[str, Sequence[str]]]] = None,
    ) -> None:
        data: Dict[str, Any] = {
            k: v
            for k, v in dict(name=name, email=email, institution=institution, position=position).items()
            if v is not None
        }
        if answers:
            data["answers"] = [
                {"id": int(k), "value": v if isinstance(v, str) else list(v)} for k, v in answers.items()
            ]
        super().__init__(data)
