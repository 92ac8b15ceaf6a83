"""Result objects: the server's JSON with the spec's snake_case attribute names.

Every result is a :class:`Model`. ``obj.dataset_version.version_number`` reads the JSON key
``datasetVersion`` then ``versionNumber``; nested objects are models, lists are lists.
``to_dict()`` gives the JSON (camelCase keys, as the server sends it), ``repr`` a short
summary. A model also reads like a mapping of its JSON (``keys()``, ``m["citation"]``,
``len(m)``); an integer index picks the n-th value (``block.fields[0]``), as the spec's
examples do with maps keyed by name.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterator, List, Optional

__all__ = [
    "Model",
    "Collection",
    "Dataset",
    "DatasetVersion",
    "CreatedDataset",
    "FileInfo",
    "UploadResponse",
    "CrawledCollection",
    "CrawledDataset",
    "RecreatedToken",
    "wrap",
    "VersionInfo", "ServerInfo", "Message", "Exporter", "License", "MetadataBlockInfo",
    "MetadataBlock", "AuthenticatedUser", "TokenExpiration", "PrivateUrl", "DatasetValidation",
    "Lock", "RoleAssignment", "Role", "FacetDetail", "SearchPage", "FileMetadataSummary",
    "RedetectResult", "MetadataProblem", "DownloadReport", "DirectoryUpload", "DatasetDownload",
]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wrap(value: Any, cls: "Optional[type]" = None) -> Any:
    """Dicts become models (of ``cls``, default :class:`Model`), lists lists of them."""
    if isinstance(value, dict):
        return (cls or Model)(value)
    if isinstance(value, list):
        return [wrap(v, cls) for v in value]
    return value


class Model:
    """A result object over the server's JSON."""

    __slots__ = ("_data", "_extra")

    #: Attributes shown by ``repr`` (when present).
    _repr_keys: tuple = ()
    #: Attributes that read as ``None`` when the server left them out.
    _optional: tuple = ()
    #: Model classes of nested attributes.
    _nested: Dict[str, type] = {}

    def __init__(self, data: Dict[str, Any], extra: Optional[Dict[str, Any]] = None) -> None:
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_extra", extra or {})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_data", "_extra"):
            raise AttributeError(name)
        extra = self._extra
        if name in extra:
            return extra[name]
        data = self._data
        camel = _camel(name)
        # `_roleAlias`: Dataverse marks a few derived keys with an underscore.
        for key in (camel, name, "_" + camel):
            if key in data:
                return wrap(data[key], self._nested.get(name))
        if name in self._optional or name in self._repr_keys:
            return None
        raise AttributeError(
            f"{type(self).__name__} has no attribute {name!r} (keys: {', '.join(data)})"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __dir__(self) -> List[str]:
        names = set(super().__dir__())
        names.update(_snake(k) for k in self._data)
        names.update(self._extra)
        return sorted(names)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON of this object (a deep copy), keys as the server names them."""
        return copy.deepcopy(self._data)

    # A read-only mapping of the JSON.
    def __getitem__(self, key: Any) -> Any:
        data = self._data
        if isinstance(key, int) and key not in data:
            values = list(data.values())
            return wrap(values[key])
        return wrap(data[key])

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def keys(self):
        """The JSON keys."""
        return self._data.keys()

    def values(self) -> List[Any]:
        """The JSON values, as models."""
        return [wrap(v) for v in self._data.values()]

    def items(self) -> List[tuple]:
        """``(key, value)`` pairs, values as models."""
        return [(k, wrap(v)) for k, v in self._data.items()]

    def get(self, key: str, default: Any = None) -> Any:
        """A JSON key's value (as a model), or ``default``."""
        return wrap(self._data[key]) if key in self._data else default

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Model):
            return type(self) is type(other) and self._data == other._data
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        keys = self._repr_keys
        if keys:
            shown = [(k, getattr(self, k)) for k in keys]
            shown = [(k, v) for k, v in shown if v is not None]
        else:
            shown = [
                (_snake(k), v)
                for k, v in self._data.items()
                if isinstance(v, (str, int, float, bool))
            ][:4]
        inner = ", ".join(f"{k}={_short(v)}" for k, v in shown)
        return f"{type(self).__name__}({inner})"


def _snake(key: str) -> str:
    out = []
    for ch in key:
        if ch.isupper():
            out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out).lstrip("_")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _citation_title(version: Any) -> Optional[str]:
    if not isinstance(version, dict):
        return None
    blocks = version.get("metadataBlocks") or {}
    citation = blocks.get("citation") or {}
    for field in citation.get("fields") or []:
        if isinstance(field, dict) and field.get("typeName") == "title":
            value = field.get("value")
            return value if isinstance(value, str) else None
    return None


class DatasetVersion(Model):
    """A dataset version (``version_number``, ``version_state``, ``metadata_blocks``, ``files``...).

    ``v.dataset_version`` is the version itself, so code written for the spec's
    ``get_dataset_versions`` loop (``v.dataset_version.version_number``) works.
    """

    __slots__ = ()
    _repr_keys = ("id", "version_number", "version_minor_number", "version_state", "title")
    _optional = (
        "dataset_id",
        "dataset_persistent_id",
        "license",
        "metadata_blocks",
        "files",
        "release_time",
        "last_update_time",
        "create_time",
    )

    @property
    def dataset_version(self) -> "DatasetVersion":
        """This version (the spec's examples read it through this name)."""
        return self

    @property
    def title(self) -> Optional[str]:
        """The citation title."""
        return _citation_title(self._data)

    @property
    def version(self) -> str:
        """``1.0``, or ``DRAFT`` for a draft."""
        d = self._data
        if d.get("versionNumber") is None:
            return str(d.get("versionState", "DRAFT"))
        return f"{d.get('versionNumber')}.{d.get('versionMinorNumber', 0)}"


class FileInfo(Model):
    """A file in a version: ``label``, ``directory_label``, ``data_file`` (id, content type, ...)."""

    __slots__ = ()
    _repr_keys = ("label", "directory_label")
    _optional = ("description", "directory_label", "restricted", "categories")

    def __repr__(self) -> str:
        df = self._data.get("dataFile") or {}
        return (
            f"FileInfo(id={df.get('id')!r}, label={self._data.get('label')!r}, "
            f"content_type={df.get('contentType')!r}, size={df.get('filesize')!r})"
        )


DatasetVersion._nested = {"files": FileInfo}


class Dataset(Model):
    """A dataset: ``id``, ``persistent_id``, ``persistent_url``, ``dataset_version``, ``title``..."""

    __slots__ = ()
    _repr_keys = ("id", "persistent_id", "title")
    _optional = ("publication_date", "persistent_url", "latest_version", "dataset_version", "locks")
    _nested = {"dataset_version": DatasetVersion, "latest_version": DatasetVersion}

    @property
    def persistent_id(self) -> Optional[str]:
        """``protocol:authority/identifier``."""
        d = self._data
        if not all(d.get(k) for k in ("protocol", "authority", "identifier")):
            return None
        return f"{d['protocol']}:{d['authority']}{d.get('separator', '/')}{d['identifier']}"

    @property
    def title(self) -> Optional[str]:
        """The citation title of the version read."""
        d = self._data
        return _citation_title(d.get("datasetVersion")) or _citation_title(d.get("latestVersion"))


class Collection(Model):
    """A collection (dataverse): ``id``, ``alias``, ``name``, ``description``, ``affiliation``..."""

    __slots__ = ()
    _repr_keys = ("id", "alias", "name")
    _optional = ("description", "affiliation", "dataverse_type", "dataverse_contacts", "owner_id")


class CreatedDataset(Model):
    """What ``create_dataset`` returns: ``id`` and ``persistent_id``."""

    __slots__ = ()
    _repr_keys = ("id", "persistent_id")


class UploadResponse(Model):
    """What an upload returns: ``files`` (``files[0].data_file.id``), plus this side's
    ``checksum``, ``bytes``, ``checksum_verified``, ``attempts``."""

    __slots__ = ()
    _nested = {"files": FileInfo}

    def __repr__(self) -> str:
        files = self._data.get("files") or []
        labels = [f.get("label") for f in files if isinstance(f, dict)]
        return f"UploadResponse(files={labels!r}, bytes={self._extra.get('bytes')!r})"


class CrawledCollection(Model):
    """A collection found by ``crawl_collection``: ``id``, ``title``, ``parent_id``, ``depth``."""

    __slots__ = ()
    _repr_keys = ("id", "title", "depth")
    _optional = ("title", "parent_id")


class CrawledDataset(Model):
    """A dataset found by ``crawl_collection``: ``id``, ``persistent_id``, ``title``,
    ``version``, ``parent_id``, ``depth``, ``dataset``."""

    __slots__ = ()
    _repr_keys = ("id", "persistent_id", "title")
    _optional = ("title", "persistent_id", "version", "parent_id")
    _nested = {"dataset": Dataset}


class RecreatedToken(Model):
    """``recreate_user_api_token``: ``message`` (the token redacted) and ``token``
    (the new token, never shown by ``repr``)."""

    __slots__ = ()
    _repr_keys = ("message", "user_identifier", "expires_on")

    def __repr__(self) -> str:
        return f"RecreatedToken(message={self._data.get('message')!r}, token=<hidden>)"


def crawl_item(data: Dict[str, Any]) -> Model:
    """A crawl entry as its class."""
    return (CrawledDataset if data.get("type") == "dataset" else CrawledCollection)(data)


def content_item(data: Dict[str, Any]) -> Model:
    """An entry of ``get_collection_contents``."""
    kind = data.get("type")
    if kind == "dataset":
        return Dataset(data)
    if kind == "dataverse":
        return Collection(data)
    return Model(data)


def _simple(name: str, repr_keys: tuple, doc: str, optional: tuple = ()) -> type:
    cls = type(name, (Model,), {"__slots__": (), "_repr_keys": repr_keys, "_optional": optional, "__doc__": doc})
    cls.__module__ = __name__
    return cls


VersionInfo = _simple("VersionInfo", ("version", "build"), "``get_info_version``: ``version``, ``build``.")
ServerInfo = _simple("ServerInfo", ("hostname",), "``get_info_server``: ``hostname``.")
Message = _simple("Message", ("message",), "A server message: ``message``.")
Exporter = _simple(
    "Exporter",
    ("display_name", "media_type"),
    "An export format: ``display_name``, ``media_type``, ``is_harvestable``, ...",
)
License = _simple("License", ("id", "name", "uri"), "A license: ``id``, ``name``, ``uri``, ``active``, ...")
MetadataBlockInfo = _simple(
    "MetadataBlockInfo", ("name", "display_name"), "A metadata block in brief: ``name``, ``display_name``."
)
MetadataBlock = _simple(
    "MetadataBlock",
    ("name", "display_name"),
    "A metadata block: ``name``, ``display_name``, ``fields`` (by name; ``fields[0]`` is the first).",
)
AuthenticatedUser = _simple(
    "AuthenticatedUser",
    ("identifier", "display_name", "email", "superuser"),
    "``get_user``: ``identifier``, ``display_name``, ``email``, ``superuser``, ...",
)
TokenExpiration = _simple("TokenExpiration", ("message",), "A token's expiry: ``message``, ``expires_on``.", ("expires_on",))
PrivateUrl = _simple("PrivateUrl", ("link",), "A private URL: ``link`` (``token`` is not shown by repr).")
DatasetValidation = _simple("DatasetValidation", ("valid", "message"), "``validate_dataset_json``: ``valid``, ``message``.")
Lock = _simple("Lock", ("lock_type", "date", "user"), "A dataset lock: ``lock_type``, ``date``, ``user``, ``message``.")
RoleAssignment = _simple(
    "RoleAssignment", ("assignee", "role_alias"), "A role assignment: ``assignee``, ``role_alias``, ``definition_point_id``."
)
Role = _simple("Role", ("alias", "name"), "A role: ``alias``, ``name``, ``permissions``, ``description``.")
FacetDetail = _simple("FacetDetail", ("name", "display_name"), "A facet: ``id``, ``name``, ``display_name``.")
class SearchPage(Model):
    """A search page: ``total_count``, ``start``, ``items`` (the result cards), ``facets``...

    ``items`` is the page's list of results here, not the mapping method of other models
    (``page.to_dict().items()`` gives the JSON's pairs).
    """

    __slots__ = ()
    _repr_keys = ("q", "total_count", "start")

    @property
    def items(self) -> List[Any]:  # type: ignore[override]
        """The result cards of this page, as models."""
        return [wrap(v) for v in self._data.get("items") or []]
FileMetadataSummary = _simple(
    "FileMetadataSummary", ("label", "directory_label", "description"), "A file's updated metadata."
)
RedetectResult = _simple(
    "RedetectResult", ("dry_run", "old_content_type", "new_content_type"), "``redetect_file_type``'s answer."
)
MetadataProblem = _simple("MetadataProblem", ("path", "message"), "A problem ``preflight_dataset`` found.")
DownloadReport = _simple(
    "DownloadReport",
    ("file", "path", "bytes", "checksum_verified"),
    "A download: ``path``, ``bytes``, ``content_type``, ``checksum_verified``, ``checksum``, ``skipped``...",
)
DirectoryUpload = _simple(
    "DirectoryUpload",
    ("bytes_sent",),
    "``upload_directory``: ``uploaded``, ``skipped``, ``replaced``, ``failed``, ``planned``, ``bytes_sent``.",
)
DatasetDownload = _simple("DatasetDownload", (), "``download_dataset``: ``zip`` or ``files`` (each with ``report`` or ``error``).")
