"""Roles and role assignments on :class:`NativeApi` and :class:`AsyncNativeApi`: create,
show and delete roles (pyDataverse's names), a collection's assignments, and granting
and revoking roles on collections and datasets."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from . import models

Identifier = Union[str, int]


class _RolesMethods:
    """Roles and assignments (mixed into ``_Methods``)."""

    def _do(self, method: str, convert: Any, progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def create_role(
        self,
        dataverse_id: Identifier,
        alias: str,
        name: str,
        permissions: Sequence[str],
        description: Optional[str] = None,
    ):
        """Create a role on a collection (superusers; the alias unused): a :class:`Role`.
        ``permissions``: Dataverse's permission names (``DownloadFile``, ...) or
        ``["ALL"]``; checked here before sending. ``POST /api/roles?dvo={collection}``"""
        return self._do(
            "create_role", models.Role, dataverse_id=dataverse_id, alias=alias, name=name,
            permissions=list(permissions), description=description,
        )

    def show_role(self, role_id: Union[int, str]):
        """A role by id, or by alias (a string that is not all digits): a :class:`Role`.
        ``GET /api/roles/{id}`` (``/roles/:alias?alias=``)"""
        return self._do("show_role", models.Role, role_id=role_id)

    def delete_role(self, role_id: Union[int, str]):
        """Delete a role defined on a collection, and its assignments (built-in roles are
        refused). ``DELETE /api/roles/{id}`` (``/roles/:alias?alias=``)"""
        return self._do("delete_role", models.Message, role_id=role_id)

    def get_dataverse_assignments(self, identifier: Identifier):
        """pyDataverse's name for ``get_collection_assignments``: the role assignments on
        a collection. ``GET /api/dataverses/{id}/assignments``"""
        return self._do(
            "get_dataverse_assignments", lambda v: [models.RoleAssignment(x) for x in v], identifier=identifier
        )

    def set_collection_assignment(self, identifier: Identifier, assignee: str, role: str):
        """Grant a role (by alias) on a collection to ``assignee`` (``@user``,
        ``:authenticated-users``, ...): the :class:`RoleAssignment`.
        ``POST /api/dataverses/{id}/assignments``"""
        return self._do(
            "set_collection_assignment", models.RoleAssignment, identifier=identifier, assignee=assignee, role=role
        )

    def set_dataset_assignment(self, identifier: Identifier, assignee: str, role: str):
        """Grant a role (by alias) on a dataset to ``assignee``: the
        :class:`RoleAssignment`. ``POST /api/datasets/{id}/assignments``"""
        return self._do(
            "set_dataset_assignment", models.RoleAssignment, identifier=identifier, assignee=assignee, role=role
        )

    def remove_collection_assignment(self, identifier: Identifier, assignment_id: int):
        """Revoke a role assignment (by its id) on a collection.
        ``DELETE /api/dataverses/{id}/assignments/{assignment_id}``"""
        return self._do(
            "remove_collection_assignment", models.Message, identifier=identifier, assignment_id=assignment_id
        )

    def remove_dataset_assignment(self, identifier: Identifier, assignment_id: int):
        """Revoke a role assignment (by its id) through a dataset (one on the dataset's
        collection too). ``DELETE /api/datasets/{id}/assignments/{assignment_id}``"""
        return self._do(
            "remove_dataset_assignment", models.Message, identifier=identifier, assignment_id=assignment_id
        )
