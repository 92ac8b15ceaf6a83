"""JSON-LD (semantic) metadata of datasets on :class:`NativeApi` and
:class:`AsyncNativeApi`: read one or many (the OAI-ORE aggregation as a ``dict``), add or
replace, delete, and a document expanded to RDF triples."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from . import errors, models_semantic

Identifier = Union[str, int]


def _outcomes(on_error: str) -> Any:
    if on_error not in ("raise", "return"):
        raise errors.InvalidArgument("errors must be 'raise' or 'return'")

    def run(value: List[Dict[str, Any]]) -> List[Any]:
        out: List[Any] = []
        for entry in value:
            if "error" in entry:
                exc = errors.from_info(entry["error"])
                if on_error == "raise":
                    raise exc
                out.append(exc)
            else:
                out.append(entry["ok"])
        return out

    return run


def _triples(value: Any) -> List[Any]:
    return [models_semantic.Triple(v) for v in value]


class _SemanticMethods:
    """JSON-LD metadata (mixed into ``_Methods``)."""

    def _do(self, method: str, convert: Any, progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def get_dataset_jsonld(self, identifier: Identifier, version: Optional[str] = None):
        """A dataset version's metadata as JSON-LD (a ``dict``: the OAI-ORE aggregation
        with an inline ``@context``); ``version`` default ``:latest``.
        ``GET /api/datasets/{id}[/versions/{v}]/metadata``"""
        return self._do("get_dataset_jsonld", dict, identifier=identifier, version=version)

    def get_datasets_jsonld(
        self, identifiers: Sequence[Identifier], version: Optional[str] = None, errors: str = "raise"
    ):
        """The JSON-LD of many datasets, read concurrently, in input order; with
        ``errors="return"`` a failed one is its exception in the list.
        ``GET /api/datasets/{id}/metadata`` per dataset"""
        return self._do(
            "get_datasets_jsonld", _outcomes(errors), identifiers=list(identifiers), version=version
        )

    def update_dataset_jsonld(self, identifier: Identifier, metadata: Dict[str, Any], replace: bool = False):
        """Add metadata given as JSON-LD to the dataset's draft (made when there is none);
        with ``replace``, each field named replaces its old values: a
        :class:`JsonLdUpdate`. ``PUT /api/datasets/{id}/metadata[?replace=true]``"""
        return self._do(
            "update_dataset_jsonld", models_semantic.JsonLdUpdate, identifier=identifier,
            metadata=metadata, replace=replace,
        )

    def delete_dataset_jsonld(self, identifier: Identifier, metadata: Dict[str, Any]):
        """Delete the fields named in a JSON-LD document from the dataset's draft: a
        :class:`JsonLdUpdate`. ``PUT /api/datasets/{id}/metadata/delete``"""
        return self._do("delete_dataset_jsonld", models_semantic.JsonLdUpdate, identifier=identifier, metadata=metadata)

    def jsonld_triples(self, document: Dict[str, Any]):
        """Expand a JSON-LD document (inline ``@context``) to RDF triples with a
        conforming JSON-LD processor (no request): a list of :class:`Triple`."""
        return self._do("jsonld_triples", _triples, metadata=document)
