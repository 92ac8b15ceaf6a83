"""Result objects of the permission, download-size, data-table, dataset-field and
input-level methods (models like those of :mod:`dataverse_rs.models`: snake_case
attributes over the server's JSON, ``to_dict()``)."""

from __future__ import annotations

from .models import _simple

__all__ = ["UserPermissions", "DownloadSize", "DataTable", "DatasetField", "InputLevel"]

UserPermissions = _simple(
    "UserPermissions",
    (),
    "What the caller may do on a collection (``can_add_dataverse``, ``can_add_dataset``, "
    "``can_edit_dataverse``, ...), a dataset (``can_edit_dataset``, ``can_publish_dataset``, ...) "
    "or a file (``can_download_file``, ``can_manage_file_permissions``, ``can_edit_owner_dataset``).",
)
DownloadSize = _simple(
    "DownloadSize",
    ("storage_size",),
    "``get_dataset_download_size``: ``storage_size`` (bytes) and the server's ``message``.",
    ("message",),
)
DataTable = _simple(
    "DataTable",
    ("var_quantity", "case_quantity"),
    "An ingested file's table: ``var_quantity``, ``case_quantity``, ``unf``, ``data_variables``.",
    ("unf",),
)
DatasetField = _simple(
    "DatasetField",
    ("name", "display_name"),
    "A dataset field type: ``name``, ``display_name``, ``title``, ``type``, ``description``, ...",
    ("display_name", "title", "description"),
)
InputLevel = _simple(
    "InputLevel",
    ("dataset_field_type_name", "required", "include"),
    "A collection's input level of a field: ``dataset_field_type_name``, ``required``, "
    "``include``, ``display_on_create``.",
    ("display_on_create",),
)

for _cls in (UserPermissions, DownloadSize, DataTable, DatasetField, InputLevel):
    _cls.__module__ = __name__
