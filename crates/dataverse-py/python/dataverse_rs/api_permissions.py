"""Permissions and citations: what the caller may do on a collection, dataset or file,
and the citations of datasets, files and private-URL drafts (mixed into ``NativeApi`` and
``AsyncNativeApi``)."""

from __future__ import annotations

from typing import Any, Callable, Union

from . import models
from .models_admin import UserPermissions

Identifier = Union[str, int]


def _identity(value: Any) -> Any:
    return value


class _PermissionsMethods:
    """The permission and citation methods, over ``_do``."""

    def _do(self, method: str, convert: Callable[[Any], Any], progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def get_collection_user_permissions(self, identifier: Identifier):
        """What the caller may do on a collection (``can_add_dataset``, ``can_edit_dataverse``,
        ...). ``GET /api/dataverses/{id}/userPermissions``"""
        return self._do("get_collection_user_permissions", UserPermissions, identifier=identifier)

    def get_dataset_user_permissions(self, identifier: Identifier):
        """What the caller may do on a dataset (``can_edit_dataset``, ``can_publish_dataset``,
        ...). ``GET /api/datasets/{id}/userPermissions``"""
        return self._do("get_dataset_user_permissions", UserPermissions, identifier=identifier)

    def get_datafile_user_permissions(self, identifier: Identifier):
        """What the caller may do on a file (``can_download_file``,
        ``can_manage_file_permissions``, ``can_edit_owner_dataset``).
        ``GET /api/access/datafile/{id}/userPermissions``"""
        return self._do("get_datafile_user_permissions", UserPermissions, identifier=identifier)

    def get_dataset_citation(self, identifier: Identifier, version: str = ":latest", include_deaccessioned: bool = False):
        """A dataset version's citation in HTML (``:latest``, ``:draft``, ``1.0``, ...).
        ``GET /api/datasets/{id}/versions/{v}/citation``"""
        return self._do(
            "get_dataset_citation",
            _identity,
            identifier=identifier,
            version=version,
            include_deaccessioned=include_deaccessioned,
        )

    def get_datafile_citation(self, identifier: Identifier, version: str = ":latest", include_deaccessioned: bool = False):
        """A file's citation in HTML, in a version of its dataset.
        ``GET /api/files/{id}/versions/{v}/citation``"""
        return self._do(
            "get_datafile_citation",
            _identity,
            identifier=identifier,
            version=version,
            include_deaccessioned=include_deaccessioned,
        )

    def get_private_url_dataset_version(self, token: str):
        """The draft a private URL token opens, as its reviewer sees it (the token is kept
        out of errors). ``GET /api/datasets/privateUrlDatasetVersion/{token}``"""
        return self._do("get_private_url_dataset_version", models.DatasetVersion, token=token)

    def get_private_url_dataset_version_citation(self, token: str):
        """The citation (HTML) of the draft a private URL token opens.
        ``GET /api/datasets/privateUrlDatasetVersion/{token}/citation``"""
        return self._do("get_private_url_dataset_version_citation", _identity, token=token)
