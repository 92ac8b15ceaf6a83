"""A collection's set-up (attributes, input levels, metadata blocks), the dataset
preflight against a collection, pyDataverse's ``get_children`` walk and its
``*_dataverse`` names (mixed into ``NativeApi`` and ``AsyncNativeApi``)."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from . import models
from .models_admin import InputLevel

Identifier = Union[str, int]


def _identity(value: Any) -> Any:
    return value


def _list(cls: type) -> Callable[[Any], Any]:
    return lambda value: [cls(v) for v in value]


def _blocks(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: models.MetadataBlock(v) for k, v in value.items()}
    return [models.MetadataBlockInfo(v) for v in value]


def _contents(value: Any) -> List[Any]:
    return [models.content_item(x) for x in value]


def _level(level: Any) -> Dict[str, Any]:
    return level.to_dict() if isinstance(level, models.Model) else dict(level)


class _CollectionSetupMethods:
    """The collection set-up methods and pyDataverse's collection names, over ``_do``."""

    def _do(self, method: str, convert: Callable[[Any], Any], progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def get_children(self, parent: Identifier = ":root", parent_type: str = "dataverse", children_types: Optional[Sequence[str]] = None):
        """pyDataverse's walk down the tree from a collection (``parent_type="dataverse"``)
        or a dataset (``"dataset"``), collecting ``children_types`` (``"dataverses"``,
        ``"datasets"``, ``"datafiles"``; none: sub-collections of a collection, files of a
        dataset) as nested dicts with pyDataverse's keys. One request after the other.
        ``GET /api/dataverses/{id}/contents``, ``GET /api/datasets/{id}/versions/:latest/files``"""
        return self._do(
            "get_children",
            _identity,
            parent=parent,
            parent_type=parent_type,
            children_types=list(children_types or []),
        )

    def set_collection_attribute(self, identifier: Identifier, attribute: str, value: str):
        """Set one attribute of a collection (``alias``, ``name``, ``description``,
        ``affiliation``, ``filePIDsEnabled``, ``requireFilesToPublishDataset``, ...).
        ``PUT /api/dataverses/{id}/attribute/{attribute}?value=``"""
        return self._do(
            "set_collection_attribute", models.Collection, identifier=identifier, attribute=attribute, value=value
        )

    def get_collection_input_levels(self, identifier: Identifier):
        """The collection's input levels (required / included fields).
        ``GET /api/dataverses/{id}/inputLevels``"""
        return self._do("get_collection_input_levels", _list(InputLevel), identifier=identifier)

    def set_collection_input_levels(self, identifier: Identifier, levels: Sequence[Any]):
        """Replace the collection's input levels: dicts ``{"datasetFieldTypeName", "required",
        "include"[, "displayOnCreate"]}`` or :class:`InputLevel` objects.
        ``PUT /api/dataverses/{id}/inputLevels``"""
        return self._do(
            "set_collection_input_levels",
            models.Collection,
            identifier=identifier,
            levels=[_level(level) for level in levels],
        )

    def list_collection_metadatablocks(self, identifier: Identifier, only_displayed_on_create: bool = False, full: bool = False):
        """The metadata blocks a collection uses: a list in brief, or (``full``) a dict of
        definitions by name; ``only_displayed_on_create`` keeps the fields of the create
        form. ``GET /api/dataverses/{id}/metadatablocks``"""
        return self._do(
            "list_collection_metadatablocks",
            _blocks,
            identifier=identifier,
            only_displayed_on_create=only_displayed_on_create,
            full=full,
        )

    def set_collection_metadatablocks(self, identifier: Identifier, blocks: Sequence[str]):
        """Set the metadata blocks of a collection by name (it stops inheriting them):
        the server's message. ``POST /api/dataverses/{id}/metadatablocks``"""
        return self._do("set_collection_metadatablocks", _identity, identifier=identifier, blocks=list(blocks))

    def is_collection_metadatablocks_root(self, identifier: Identifier):
        """Whether a collection has its own metadata blocks (``True``) or inherits its
        parent's. ``GET /api/dataverses/{id}/metadatablocks/isRoot``"""
        return self._do("is_collection_metadatablocks_root", _identity, identifier=identifier)

    def set_collection_metadatablocks_root(self, identifier: Identifier, root: bool):
        """Make a collection keep its own metadata blocks (``True``) or inherit its
        parent's: the server's message. ``PUT /api/dataverses/{id}/metadatablocks/isRoot``"""
        return self._do("set_collection_metadatablocks_root", _identity, identifier=identifier, root=root)

    def preflight_dataset_in(self, collection: Identifier, metadata: Any):
        """Check a :class:`DatasetCreateBody` against the blocks and required fields of one
        collection without sending it: every problem at once (empty: none).
        ``GET /api/dataverses/{id}/metadatablocks?returnDatasetFieldTypes=true``"""
        return self._do("preflight_dataset_in", _list(models.MetadataProblem), collection=collection, metadata=metadata)

    # pyDataverse's names, with its parameter names.

    def get_dataverse(self, identifier: Identifier):
        """pyDataverse's name of :meth:`get_collection`. ``GET /api/dataverses/{id}``"""
        return self._do("get_collection", models.Collection, identifier=identifier)

    def create_dataverse(self, parent: Identifier, metadata: Any):
        """pyDataverse's name of :meth:`create_collection`. ``POST /api/dataverses/{parent}``"""
        return self._do("create_collection", models.Collection, parent=parent, metadata=metadata)

    def publish_dataverse(self, identifier: Identifier):
        """pyDataverse's name of :meth:`publish_collection`.
        ``POST /api/dataverses/{id}/actions/:publish``"""
        return self._do("publish_collection", models.Collection, identifier=identifier)

    def delete_dataverse(self, identifier: Identifier):
        """pyDataverse's name of :meth:`delete_collection`. ``DELETE /api/dataverses/{id}``"""
        return self._do("delete_collection", models.Message, identifier=identifier)

    def get_dataverse_contents(self, identifier: Identifier):
        """pyDataverse's name of :meth:`get_collection_contents`.
        ``GET /api/dataverses/{id}/contents``"""
        return self._do("get_collection_contents", _contents, identifier=identifier)

    def get_dataverse_facets(self, identifier: Identifier):
        """pyDataverse's name of :meth:`get_collection_facets`.
        ``GET /api/dataverses/{id}/facets``"""
        return self._do("get_collection_facets", _identity, identifier=identifier)

    def dataverse_id2alias(self, dataverse_id: Identifier):
        """The alias of a collection given by database id (or alias).
        ``GET /api/dataverses/{id}``"""
        return self._do("dataverse_id2alias", _identity, dataverse_id=dataverse_id)
