from typing import Any, Dict

from .models import Model

class JsonLdUpdate(Model):
    created: bool
    date: str
    raw: Any

class Triple(Model):
    subject: Dict[str, Any]
    predicate: str
    object: Dict[str, Any]
    ntriples: str
