"""Type stubs of dataverse_rs.models_admin."""

from typing import Any, List, Optional

from .models import Model

class UserPermissions(Model):
    """What the caller may do on a collection, a dataset or a file (``can_*`` flags)."""

class DownloadSize(Model):
    """``get_dataset_download_size``: ``storage_size`` (bytes), ``message``."""
    storage_size: int
    message: Optional[str]

class DataTable(Model):
    """An ingested file's table."""
    var_quantity: Optional[int]
    case_quantity: Optional[int]
    unf: Optional[str]
    data_variables: List[Model]

class DatasetField(Model):
    """A dataset field type."""
    name: str
    display_name: Optional[str]
    title: Optional[str]
    description: Optional[str]

class InputLevel(Model):
    """A collection's input level of one field."""
    dataset_field_type_name: str
    required: bool
    include: bool
    display_on_create: Optional[bool]
