"""Type stubs of dataverse_rs.models: the attributes the spec names, per class. Every model
also reads any other JSON key in snake_case (typed ``Any``)."""

from typing import Any, Dict, Iterator, KeysView, List, Optional, Tuple

class Model:
    """A result object over the server's JSON."""
    def __init__(self, data: Dict[str, Any], extra: Optional[Dict[str, Any]] = None) -> None: ...
    def __getattr__(self, name: str) -> Any: ...
    def to_dict(self) -> Dict[str, Any]:
        """The JSON of this object (a deep copy), keys as the server names them."""
    def __getitem__(self, key: Any) -> Any: ...
    def __contains__(self, key: object) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def keys(self) -> KeysView[str]: ...
    def values(self) -> List[Any]: ...
    def items(self) -> List[Tuple[str, Any]]: ...
    def get(self, key: str, default: Any = None) -> Any: ...

class DataFile(Model):
    id: int
    persistent_id: Optional[str]
    filename: str
    content_type: str
    filesize: int
    md5: Optional[str]
    checksum: Model
    restricted: bool
    creation_date: Optional[str]

class FileInfo(Model):
    """A file in a version: ``label``, ``directory_label``, ``data_file``."""
    label: str
    directory_label: Optional[str]
    description: Optional[str]
    restricted: Optional[bool]
    categories: Optional[List[str]]
    version: int
    data_file: DataFile

class DatasetVersion(Model):
    """A dataset version."""
    id: Optional[int]
    dataset_id: Optional[int]
    dataset_persistent_id: Optional[str]
    version_number: Optional[int]
    version_minor_number: Optional[int]
    version_state: str
    license: Any
    metadata_blocks: Model
    files: Optional[List[FileInfo]]
    release_time: Optional[str]
    last_update_time: Optional[str]
    create_time: Optional[str]
    @property
    def dataset_version(self) -> DatasetVersion: ...
    @property
    def title(self) -> Optional[str]: ...
    @property
    def version(self) -> str: ...

class Dataset(Model):
    """A dataset."""
    id: int
    identifier: str
    persistent_url: Optional[str]
    protocol: str
    authority: str
    publisher: Optional[str]
    publication_date: Optional[str]
    dataset_version: Optional[DatasetVersion]
    latest_version: Optional[DatasetVersion]
    @property
    def persistent_id(self) -> Optional[str]: ...
    @property
    def title(self) -> Optional[str]: ...

class Collection(Model):
    """A collection (dataverse)."""
    id: int
    alias: str
    name: str
    description: Optional[str]
    affiliation: Optional[str]
    dataverse_type: Optional[str]
    dataverse_contacts: Optional[List[Model]]
    owner_id: Optional[int]

class CreatedDataset(Model):
    id: int
    persistent_id: str

class UploadResponse(Model):
    files: List[FileInfo]
    checksum: Dict[str, str]
    bytes: int
    checksum_verified: bool
    attempts: int
    server_message: Optional[str]

class CrawledCollection(Model):
    id: int
    title: Optional[str]
    parent_id: Optional[int]
    depth: int

class CrawledDataset(Model):
    id: int
    persistent_id: Optional[str]
    title: Optional[str]
    version: Optional[str]
    parent_id: Optional[int]
    depth: int
    dataset: Dataset

class RecreatedToken(Model):
    message: str
    token: Optional[str]
    user_identifier: Optional[str]
    expires_on: Optional[str]

class VersionInfo(Model):
    version: str
    build: Optional[str]

class ServerInfo(Model):
    hostname: str

class Message(Model):
    message: str

class Exporter(Model):
    display_name: str
    media_type: str

class License(Model):
    id: int
    name: str
    uri: Optional[str]
    active: bool

class MetadataBlockInfo(Model):
    name: str
    display_name: str

class MetadataBlock(Model):
    name: str
    display_name: str
    fields: Model

class AuthenticatedUser(Model):
    identifier: str
    display_name: str
    email: str
    superuser: bool

class TokenExpiration(Model):
    message: str
    expires_on: Optional[str]

class PrivateUrl(Model):
    link: str
    token: str

class DatasetValidation(Model):
    valid: bool
    message: str

class Lock(Model):
    lock_type: str
    date: Optional[str]
    user: Optional[str]

class RoleAssignment(Model):
    assignee: str
    role_alias: str
    definition_point_id: int

class Role(Model):
    alias: str
    name: str

class FacetDetail(Model):
    name: str
    display_name: str

class SearchPage(Model):
    total_count: int
    start: int
    items: List[Model]

class FileMetadataSummary(Model):
    label: Optional[str]
    directory_label: Optional[str]
    description: Optional[str]

class RedetectResult(Model):
    dry_run: bool
    old_content_type: Optional[str]
    new_content_type: Optional[str]

class MetadataProblem(Model):
    path: str
    message: str

class DownloadReport(Model):
    file: str
    path: str
    bytes: int
    content_type: Optional[str]
    checksum_verified: bool
    checksum: Optional[str]
    skipped: bool

class DirectoryUpload(Model):
    uploaded: List[Model]
    skipped: List[Model]
    replaced: List[Model]
    failed: List[Model]
    planned: List[Model]
    bytes_sent: int

class DatasetDownload(Model):
    zip: Optional[DownloadReport]
    files: List[Model]

def wrap(value: Any, cls: Optional[type] = None) -> Any: ...
def crawl_item(data: Dict[str, Any]) -> Model: ...
def content_item(data: Dict[str, Any]) -> Model: ...
