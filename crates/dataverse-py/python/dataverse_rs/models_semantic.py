"""Result objects of the JSON-LD (semantic) metadata methods."""

from __future__ import annotations

from .models import _simple

__all__ = ["JsonLdUpdate", "Triple"]

JsonLdUpdate = _simple(
    "JsonLdUpdate",
    ("created", "date"),
    "A JSON-LD write: ``created`` (a new draft was made), ``date`` (the draft's, as the server "
    "words it), ``raw`` (the server's answer).",
)
Triple = _simple(
    "Triple",
    ("ntriples",),
    "An RDF triple: ``subject`` and ``object`` (``{'type', 'value', ...}``), ``predicate`` (an IRI), "
    "``ntriples`` (the N-Triples line).",
)
