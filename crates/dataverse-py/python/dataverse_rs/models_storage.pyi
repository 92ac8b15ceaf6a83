from typing import Any, Dict, List, Optional

from .models import Model

class StorageDriver(Model):
    name: Optional[str]
    type: Optional[str]
    label: Optional[str]
    direct_upload: Optional[bool]
    direct_download: Optional[bool]

class UploadUrls(Model):
    url: Optional[str]
    urls: Optional[Dict[str, str]]
    complete: Optional[str]
    abort: Optional[str]
    part_size: int
    storage_identifier: str

class RegisteredFiles(Model):
    files: List[Model]
    result: Dict[str, Any]

class UploadPart(Model):
    path: Optional[str]
    part: int
    parts: int
    bytes: int
    resumed: bool
