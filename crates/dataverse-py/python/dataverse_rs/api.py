"""``NativeApi`` (blocking) and ``AsyncNativeApi`` (asyncio): the Rust client under the
spec's method names, parameter names and defaults.

A blocking call releases the GIL while it waits, so other Python threads run meanwhile;
Ctrl-C stops it within 50 ms, cancelling its requests, and raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import _native, errors, models
from .api_collection_setup import _CollectionSetupMethods
from .api_dataset_admin import _DatasetAdminMethods
from .api_permissions import _PermissionsMethods
from .api_streams import _StreamMethods
from .bodies import _Body
from .api_access import _AccessMethods
from .api_guestbooks import _GuestbooksMethods
from .api_images import _ImagesMethods
from .api_metrics import _MetricsMethods
from .api_roles import _RolesMethods
from .api_semantic import _SemanticMethods
from .api_storage import _StorageMethods
from .progress import progress_callback, with_parts
from .tables import check_output, frame_from_ipc

__all__ = ["NativeApi", "AsyncNativeApi", "CrawlResult"]

Identifier = Union[str, int]


def _encode(value: Any) -> Any:
    if isinstance(value, _Body):
        return value.to_dict()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    raise TypeError(f"cannot send a {type(value).__name__}")


def _answer(text: str) -> Any:
    out = json.loads(text)
    if "error" in out:
        raise errors.from_info(out["error"])
    return out["ok"]


class CrawlResult(list):
    """The items ``crawl_collection`` found (a list), and ``errors``: the failed requests
    (with ``continue_on_error=True``; each ``{"collection", "dataset_id", "error"}``)."""

    errors: List[Dict[str, Any]]


def _list(cls: type) -> Callable[[Any], List[Any]]:
    return lambda value: [cls(v) for v in value]


def _dict(cls: type) -> Callable[[Any], Dict[str, Any]]:
    return lambda value: {k: cls(v) for k, v in value.items()}


def _upload(value: Dict[str, Any]) -> models.UploadResponse:
    return models.UploadResponse(value["response"], value["report"])


def _token(value: Dict[str, Any]) -> models.RecreatedToken:
    token = value.pop("token", None)
    return models.RecreatedToken(value, {"token": token})


def _blocks(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: models.MetadataBlock(v) for k, v in value.items()}
    return [models.MetadataBlockInfo(v) for v in value]


def _crawl(value: Dict[str, Any]) -> CrawlResult:
    result = CrawlResult(models.crawl_item(v) for v in value["items"])
    result.errors = [
        dict(e, error=errors.from_info(e["error"])) for e in value.get("errors", [])
    ]
    return result


def _outcomes(convert: Callable[[Any], Any], on_error: str) -> Callable[[Any], List[Any]]:
    if on_error not in ("raise", "return"):
        raise errors.InvalidArgument("errors must be 'raise' or 'return'")

    def run(value: List[Dict[str, Any]]) -> List[Any]:
        out = []
        for entry in value:
            if "error" in entry:
                exc = errors.from_info(entry["error"])
                if on_error == "raise":
                    raise exc
                out.append(exc)
            else:
                out.append(convert(entry["ok"]))
        return out

    return run


def _identity(value: Any) -> Any:
    return value


class _Methods(
    _CollectionSetupMethods,
    _DatasetAdminMethods,
    _PermissionsMethods,
    _StreamMethods,
    _AccessMethods,
    _RolesMethods,
    _MetricsMethods,
    _SemanticMethods,
    _StorageMethods,
    _GuestbooksMethods,
    _ImagesMethods,
):
    """Every method, written once over ``_do`` (blocking or async)."""

    def _do(self, method: str, convert: Callable[[Any], Any], progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    # ---- collections ----------------------------------------------------------------

    def get_collection(self, identifier: Identifier = ":root"):
        """One collection by alias, database id or ``:root``. ``GET /api/dataverses/{id}``"""
        return self._do("get_collection", models.Collection, identifier=identifier)

    def create_collection(self, parent: Identifier, metadata: Any):
        """Create a collection under ``parent`` from a :class:`CollectionCreateBody`.
        ``POST /api/dataverses/{parent}``"""
        return self._do("create_collection", models.Collection, parent=parent, metadata=metadata)

    def update_collection(self, identifier: Identifier, metadata: Any):
        """Change a collection's keys given in an :class:`UpdateCollection`.
        ``PUT /api/dataverses/{id}``"""
        return self._do("update_collection", models.Collection, identifier=identifier, metadata=metadata)

    def publish_collection(self, identifier: Identifier):
        """Publish a collection. ``POST /api/dataverses/{id}/actions/:publish``"""
        return self._do("publish_collection", models.Collection, identifier=identifier)

    def delete_collection(self, identifier: Identifier):
        """Delete an unpublished, empty collection. ``DELETE /api/dataverses/{id}``"""
        return self._do("delete_collection", models.Message, identifier=identifier)

    def get_collection_contents(self, identifier: Identifier = ":root"):
        """The datasets and collections directly in a collection.
        ``GET /api/dataverses/{id}/contents``"""
        return self._do(
            "get_collection_contents", lambda v: [models.content_item(x) for x in v], identifier=identifier
        )

    def get_collection_assignments(self, identifier: Identifier):
        """Role assignments on a collection. ``GET /api/dataverses/{id}/assignments``"""
        return self._do("get_collection_assignments", _list(models.RoleAssignment), identifier=identifier)

    def get_dataverse_roles(self, identifier: Identifier):
        """Roles defined in a collection. ``GET /api/dataverses/{id}/roles``"""
        return self._do("get_dataverse_roles", _list(models.Role), identifier=identifier)

    def get_collection_facets(self, identifier: Identifier):
        """The search facets' names of a collection. ``GET /api/dataverses/{id}/facets``"""
        return self._do("get_collection_facets", _identity, identifier=identifier)

    def get_collection_facet_details(self, identifier: Identifier):
        """The search facets with their display names.
        ``GET /api/dataverses/{id}/facets?returnDetails=true``"""
        return self._do("get_collection_facet_details", _list(models.FacetDetail), identifier=identifier)

    def crawl_collection(
        self,
        identifier: Identifier = ":root",
        filter_by: Optional[str] = None,
        fetch_titles: bool = True,
        continue_on_error: bool = False,
        concurrency: Optional[int] = None,
        progress: Any = None,
        titles_from: str = "auto",
    ):
        """Every collection and dataset below a collection, depth first, read with
        concurrent requests: a list of :class:`CrawledCollection` and
        :class:`CrawledDataset`. ``filter_by``: ``"collections"``, ``"datasets"`` or
        ``None`` (both). ``titles_from``: ``"auto"`` (search, then versions for what the
        search did not give), ``"search"`` or ``"versions"``. ``progress``: a callable ``(found, None)`` (collections and
        datasets found so far, whatever the filter), or ``True`` for a
        tqdm bar. ``GET /api/dataverses/{id}/contents`` per collection (+ one
        ``GET /api/search`` page per 1,000 datasets for their titles where the server has a
        search index, else one ``GET /api/datasets/{id}/versions/:latest`` per dataset)."""
        return self._do(
            "crawl_collection",
            _crawl,
            progress=progress,
            identifier=identifier,
            filter_by=filter_by,
            fetch_titles=fetch_titles,
            continue_on_error=continue_on_error,
            concurrency=concurrency,
            titles_from=titles_from,
        )

    # ---- datasets -------------------------------------------------------------------

    def get_dataset(self, identifier: Identifier, version: str = ":latest"):
        """A dataset by PID or database id, with one version in ``dataset_version``.
        ``GET /api/datasets/{id}``"""
        return self._do("get_dataset", models.Dataset, identifier=identifier, version=version)

    def get_dataset_versions(self, identifier: Identifier):
        """Every version the caller may see, newest first.
        ``GET /api/datasets/{id}/versions``"""
        return self._do("get_dataset_versions", _list(models.DatasetVersion), identifier=identifier)

    def get_dataset_version(self, identifier: Identifier, version: str = ":latest"):
        """One version (``"1.0"``, ``":draft"``, ``":latest"``, ``":latest-published"``).
        ``GET /api/datasets/{id}/versions/{version}``"""
        return self._do("get_dataset_version", models.DatasetVersion, identifier=identifier, version=version)

    def get_datasets(self, identifiers: Sequence[Identifier], errors: str = "raise", progress: Any = None):
        """Many datasets with concurrent requests, in input order. ``errors="raise"``
        raises the first failure; ``"return"`` puts each failure's exception in its
        place. ``GET /api/datasets/{id}`` each"""
        return self._do(
            "get_datasets",
            _outcomes(models.Dataset, errors),
            progress=progress,
            identifiers=list(identifiers),
        )

    def create_dataset(self, dataverse: Identifier, metadata: Any, identifier: Optional[str] = None, publish: bool = False):
        """Create a draft dataset in a collection from a :class:`DatasetCreateBody`; with
        ``identifier`` (superusers), import it under that PID, and with ``publish``
        release it. ``POST /api/dataverses/{id}/datasets`` (``/datasets/:import``)"""
        return self._do(
            "create_dataset",
            models.CreatedDataset,
            dataverse=dataverse,
            metadata=metadata,
            identifier=identifier,
            publish=publish,
        )

    def validate_dataset_json(self, collection: Identifier, metadata: Any):
        """Ask the server whether a create body is valid for a collection.
        ``POST /api/dataverses/{id}/validateDatasetJson``"""
        return self._do("validate_dataset_json", models.DatasetValidation, collection=collection, metadata=metadata)

    def preflight_dataset(self, metadata: Any):
        """Check a create body against the installation's metadata blocks without
        sending it: every problem at once (empty: none). ``GET /api/metadatablocks``"""
        return self._do("preflight_dataset", _list(models.MetadataProblem), metadata=metadata)

    def edit_dataset_metadata(self, identifier: Identifier, metadata: Any, replace: bool = False):
        """Add (or with ``replace``, replace) fields of the draft from an
        :class:`EditMetadataBody`. ``PUT /api/datasets/{id}/editMetadata``"""
        return self._do(
            "edit_dataset_metadata", models.DatasetVersion, identifier=identifier, metadata=metadata, replace=replace
        )

    def publish_dataset(self, pid: Identifier, release_type: str = "major", wait_seconds: Optional[int] = None):
        """Publish the draft (``release_type``: ``major``, ``minor``, ``updatecurrent``);
        with ``wait_seconds``, wait until publication is finalized.
        ``POST /api/datasets/{id}/actions/:publish``"""
        return self._do(
            "publish_dataset", models.Dataset, pid=pid, release_type=release_type, wait_seconds=wait_seconds
        )

    def get_dataset_lock(self, identifier: Identifier, lock_type: Optional[str] = None):
        """The dataset's locks (of one type). ``GET /api/datasets/{id}/locks``"""
        return self._do("get_dataset_lock", _list(models.Lock), identifier=identifier, lock_type=lock_type)

    def get_dataset_assignments(self, identifier: Identifier):
        """Role assignments on a dataset. ``GET /api/datasets/{id}/assignments``"""
        return self._do("get_dataset_assignments", _list(models.RoleAssignment), identifier=identifier)

    def delete_dataset(self, identifier: Identifier):
        """Delete an unpublished dataset (its draft). ``DELETE /api/datasets/{id}``"""
        return self._do("delete_dataset", models.Message, identifier=identifier)

    def destroy_dataset(self, identifier: Identifier):
        """Destroy a dataset, published or not (superusers).
        ``DELETE /api/datasets/{id}/destroy``"""
        return self._do("destroy_dataset", models.Message, identifier=identifier)

    def submit_dataset_for_review(self, identifier: Identifier):
        """Submit the draft for review. ``POST /api/datasets/{id}/submitForReview``"""
        return self._do("submit_dataset_for_review", models.Message, identifier=identifier)

    def return_dataset_to_author(self, identifier: Identifier, reason: str):
        """Return a dataset in review to its author.
        ``POST /api/datasets/{id}/returnToAuthor``"""
        return self._do("return_dataset_to_author", models.Message, identifier=identifier, reason=reason)

    def create_dataset_private_url(self, identifier: Identifier):
        """Create a private URL to the draft. ``POST /api/datasets/{id}/privateUrl``"""
        return self._do("create_dataset_private_url", models.PrivateUrl, identifier=identifier)

    def get_dataset_private_url(self, identifier: Identifier):
        """The draft's private URL. ``GET /api/datasets/{id}/privateUrl``"""
        return self._do("get_dataset_private_url", models.PrivateUrl, identifier=identifier)

    def delete_dataset_private_url(self, identifier: Identifier):
        """Revoke the private URL. ``DELETE /api/datasets/{id}/privateUrl``"""
        return self._do("delete_dataset_private_url", models.Message, identifier=identifier)

    def get_dataset_export(self, identifier: Identifier, export_format: str, version: Optional[str] = None):
        """A metadata export (``ddi``, ``oai_dc``, ``schema.org``, ``dataverse_json``, ...)
        as text. ``GET /api/datasets/export?exporter=..&persistentId=..``"""
        return self._do(
            "get_dataset_export", _identity, identifier=identifier, export_format=export_format, version=version
        )

    def get_datasets_export(self, identifiers: Sequence[Identifier], export_format: str, as_dict: bool = False, errors: str = "raise"):
        """Exports of many datasets, concurrently; with ``as_dict``, parsed JSON."""
        return self._do(
            "get_datasets_export",
            _outcomes(_identity, errors),
            identifiers=list(identifiers),
            export_format=export_format,
            as_dict=as_dict,
        )

    # ---- files ----------------------------------------------------------------------

    def get_datafiles_metadata(self, identifier: Identifier, version: str = ":latest", filter_mime_types: Optional[Sequence[str]] = None):
        """The files of a dataset version (``FileInfo``), optionally only some MIME types
        (``text/csv``, or ``text/*``). ``GET /api/datasets/{id}/versions/{v}/files``"""
        return self._do(
            "get_datafiles_metadata",
            _list(models.FileInfo),
            identifier=identifier,
            version=version,
            filter_mime_types=list(filter_mime_types or []),
        )

    def get_datafile_metadata(self, identifier: Identifier, is_draft: bool = False):
        """One file's metadata (of the draft with ``is_draft``). ``GET /api/files/{id}``"""
        return self._do("get_datafile_metadata", models.FileInfo, identifier=identifier, is_draft=is_draft)

    def update_datafile_metadata(self, identifier: Identifier, metadata: Any):
        """Change a file's metadata from an :class:`UploadBody`.
        ``POST /api/files/{id}/metadata``"""
        return self._do("update_datafile_metadata", models.FileMetadataSummary, identifier=identifier, metadata=metadata)

    def delete_datafile(self, identifier: Identifier) -> Any:
        """Delete a file from the draft (``True`` when done). ``DELETE /api/files/{id}``"""
        return self._do("delete_datafile", _identity, identifier=identifier)

    def redetect_file_type(self, identifier: Identifier, dry_run: bool = False):
        """Detect a file's content type again. ``POST /api/files/{id}/redetect``"""
        return self._do("redetect_file_type", models.RedetectResult, identifier=identifier, dry_run=dry_run)

    def reingest_datafile(self, identifier: Identifier):
        """Ingest a tabular file again. ``POST /api/files/{id}/reingest``"""
        return self._do("reingest_datafile", models.Message, identifier=identifier)

    def uningest_datafile(self, identifier: Identifier):
        """Undo a file's ingest. ``POST /api/files/{id}/uningest``"""
        return self._do("uningest_datafile", models.Message, identifier=identifier)

    def restrict_datafile(self, identifier: Identifier, restrict: bool = True, enable_access_request: Optional[bool] = None, terms_of_access: Optional[str] = None):
        """Restrict (or unrestrict) a file. ``PUT /api/files/{id}/restrict``"""
        return self._do(
            "restrict_datafile",
            models.Message,
            identifier=identifier,
            restrict=restrict,
            enable_access_request=enable_access_request,
            terms_of_access=terms_of_access,
        )

    def upload_datafile(
        self,
        identifier: Identifier,
        file: Union[str, "os.PathLike[str]"],
        metadata: Any = None,
        progress: Any = None,
        mode: str = "auto",
        parallel_parts: Optional[int] = None,
        resume_dir: Union[None, str, "os.PathLike[str]"] = None,
        part_progress: Any = None,
    ):
        """Add a file to a dataset, streamed and checksummed while it goes: straight to
        the dataset's S3 store where it takes direct uploads (``mode="auto"``, the
        default; ``"direct"`` or ``"native"`` force one way), in ``parallel_parts`` parts
        at once, resumable from the state kept in ``resume_dir``. ``progress``: a callable
        ``(bytes_sent, total)`` or ``True`` for a tqdm bar; ``part_progress``: a callable
        given an :class:`UploadPart` per part the store takes.
        ``POST /api/datasets/{id}/add`` (direct: ``GET .../uploadurls``, then ``addFiles``)"""
        return self._do(
            "upload_datafile", _upload, progress=with_parts(progress, part_progress), identifier=identifier,
            file=file, metadata=metadata, mode=mode, parallel_parts=parallel_parts, resume_dir=resume_dir,
        )

    def replace_datafile(
        self,
        identifier: Identifier,
        file: Union[str, "os.PathLike[str]"],
        metadata: Any = None,
        progress: Any = None,
        mode: str = "auto",
        parallel_parts: Optional[int] = None,
        resume_dir: Union[None, str, "os.PathLike[str]"] = None,
        part_progress: Any = None,
    ):
        """Replace a file, keeping its history; direct upload and its options as in
        :meth:`upload_datafile`. ``POST /api/files/{id}/replace``"""
        return self._do(
            "replace_datafile", _upload, progress=with_parts(progress, part_progress), identifier=identifier,
            file=file, metadata=metadata, mode=mode, parallel_parts=parallel_parts, resume_dir=resume_dir,
        )

    def upload_directory(
        self,
        identifier: Identifier,
        directory: Union[str, "os.PathLike[str]"],
        metadata: Any = None,
        replace_changed: bool = True,
        include_hidden: bool = False,
        dry_run: bool = False,
        concurrency: Optional[int] = None,
        progress: Any = None,
        mode: str = "auto",
        parallel_parts: Optional[int] = None,
        resume_dir: Union[None, str, "os.PathLike[str]"] = None,
        registration_batch: Optional[int] = None,
        part_progress: Any = None,
    ):
        """Upload a directory tree (folders become ``directory_label``), skipping files
        already there with the same checksum. ``progress``: ``(files_done, files_total)``.
        Direct upload as in :meth:`upload_datafile`; direct-uploaded files are registered
        ``registration_batch`` at a time; ``part_progress`` gets each :class:`UploadPart`
        (with its ``path``)."""
        return self._do(
            "upload_directory",
            models.DirectoryUpload,
            progress=with_parts(progress, part_progress),
            identifier=identifier,
            directory=directory,
            metadata=metadata,
            replace_changed=replace_changed,
            include_hidden=include_hidden,
            dry_run=dry_run,
            concurrency=concurrency,
            mode=mode,
            parallel_parts=parallel_parts,
            resume_dir=resume_dir,
            registration_batch=registration_batch,
        )

    def download_datafile(
        self,
        identifier: Identifier,
        destination: Union[str, "os.PathLike[str]"],
        original: bool = False,
        overwrite: bool = False,
        resume: bool = True,
        skip_identical: bool = False,
        progress: Any = None,
        sync: bool = True,
    ):
        """Download a file to ``destination``, verified against the server's checksum.
        ``original``: the file as uploaded, not its ingested ``.tab`` form. ``resume``: go
        on from a ``.part`` file left by an interrupted run. ``skip_identical``: fetch
        nothing when the file there already has the server's checksum. ``sync``: flush the
        file to the disk before renaming it into place (off: faster, but a crash soon after
        may leave it cut short). ``GET /api/access/datafile/{id}``"""
        return self._do(
            "download_datafile",
            models.DownloadReport,
            progress=progress,
            identifier=identifier,
            destination=destination,
            original=original,
            overwrite=overwrite,
            resume=resume,
            skip_identical=skip_identical,
            sync=sync,
        )

    def download_dataset(
        self,
        identifier: Identifier,
        destination: Union[str, "os.PathLike[str]"],
        version: Optional[str] = None,
        mode: str = "files",
        overwrite: bool = False,
        concurrency: Optional[int] = None,
        progress: Any = None,
        original: bool = False,
        resume: bool = True,
        skip_identical: bool = False,
        sync: bool = True,
    ):
        """Download every file of a version into a directory (``mode="files"``), or the
        dataset's zip (``mode="zip"``). ``original``, ``resume``, ``skip_identical`` and
        ``sync`` apply to each file as in :meth:`download_datafile`.
        ``GET /api/access/datafile/{id}`` each, or ``GET /api/access/dataset/{id}``"""
        return self._do(
            "download_dataset",
            models.DatasetDownload,
            progress=progress,
            identifier=identifier,
            destination=destination,
            version=version,
            mode=mode,
            overwrite=overwrite,
            concurrency=concurrency,
            original=original,
            resume=resume,
            skip_identical=skip_identical,
            sync=sync,
        )

    # ---- installation ---------------------------------------------------------------

    def get_info_version(self):
        """The Dataverse version. ``GET /api/info/version``"""
        return self._do("get_info_version", models.VersionInfo)

    def get_info_server(self):
        """The server's host name. ``GET /api/info/server``"""
        return self._do("get_info_server", models.ServerInfo)

    def get_info_api_terms_of_use(self):
        """The API terms of use. ``GET /api/info/apiTermsOfUse``"""
        return self._do("get_info_api_terms_of_use", models.Message)

    def get_export_formats(self):
        """The export formats by name. ``GET /api/info/exportFormats``"""
        return self._do("get_export_formats", _dict(models.Exporter))

    def get_metadatablocks(self, full: bool = False):
        """The metadata blocks: a list in brief, or (``full``) a dict of full definitions
        by name. ``GET /api/metadatablocks``"""
        return self._do("get_metadatablocks", _blocks, full=full)

    def get_metadatablock(self, name: str):
        """One metadata block's definition. ``GET /api/metadatablocks/{name}``"""
        return self._do("get_metadatablock", models.MetadataBlock, name=name)

    def get_collection_metadatablocks(self, identifier: Identifier):
        """The blocks a collection uses, by name. ``GET /api/dataverses/{id}/metadatablocks``"""
        return self._do("get_collection_metadatablocks", _dict(models.MetadataBlock), identifier=identifier)

    def get_dataset_metadatablocks(self, identifier: Identifier):
        """The blocks of a dataset's collection, by name."""
        return self._do("get_dataset_metadatablocks", _dict(models.MetadataBlock), identifier=identifier)

    def get_available_licenses(self):
        """The licenses. ``GET /api/licenses``"""
        return self._do("get_available_licenses", _list(models.License))

    def get_license(self, identifier: Identifier):
        """One license by id or name. ``GET /api/licenses/{id}`` (``/name/{name}``)"""
        return self._do("get_license", models.License, identifier=identifier)

    def get_user(self):
        """The token's user. ``GET /api/users/:me``"""
        return self._do("get_user", models.AuthenticatedUser)

    def get_user_api_token_expiration_date(self):
        """When the token expires. ``GET /api/users/token``"""
        return self._do("get_user_api_token_expiration_date", models.TokenExpiration)

    def recreate_user_api_token(self):
        """A new token for the user (the old one stops working): ``message``, ``token``.
        ``POST /api/users/token/recreate``"""
        return self._do("recreate_user_api_token", _token)

    def delete_user_api_token(self):
        """Delete the token. ``DELETE /api/users/token``"""
        return self._do("delete_user_api_token", models.Message)

    def search(
        self,
        q: str = "*",
        type: Optional[Sequence[str]] = None,
        subtree: Optional[Sequence[str]] = None,
        sort: Optional[str] = None,
        order: Optional[str] = None,
        per_page: Optional[int] = None,
        start: Optional[int] = None,
        fq: Optional[Sequence[str]] = None,
        metadata_fields: Optional[Sequence[str]] = None,
        show_facets: bool = False,
        show_relevance: bool = False,
        show_entity_ids: Optional[bool] = None,
        show_api_urls: Optional[bool] = None,
        query_entities: Optional[bool] = None,
        geo_point: Optional[Union[str, Tuple[float, float]]] = None,
        geo_radius: Optional[Union[str, float]] = None,
        show_type_counts: Optional[bool] = None,
        show_collections: Optional[bool] = None,
        search_service: Optional[str] = None,
    ):
        """One page of search results. ``geo_point`` (``"lat,lon"`` or a pair) and
        ``geo_radius`` (km) search around a point; ``show_entity_ids``, ``show_api_urls``,
        ``show_type_counts``, ``show_collections`` add to the answer; ``query_entities``
        (Dataverse's default: on) also searches the entities' own fields.
        ``GET /api/search``"""
        return self._do("search", models.SearchPage, **_search_args(locals()))

    def search_count(
        self,
        q: str = "*",
        type: Optional[Sequence[str]] = None,
        subtree: Optional[Sequence[str]] = None,
        fq: Optional[Sequence[str]] = None,
        query_entities: Optional[bool] = None,
        geo_point: Optional[Union[str, Tuple[float, float]]] = None,
        geo_radius: Optional[Union[str, float]] = None,
        search_service: Optional[str] = None,
    ):
        """How many results a search has. ``GET /api/search?per_page=1``"""
        return self._do("search_count", _identity, **_search_args(locals()))

    # ---- tables ---------------------------------------------------------------------

    def datafiles_table(self, identifier: Identifier, filter_mime_types: Optional[Sequence[str]] = None, output: str = "pandas"):
        """The files of a dataset's latest version as a table (one row per file): a
        pandas ``DataFrame`` (``output="pandas"``, the default, needs pandas and
        pyarrow), a polars one (``"polars"``) or a ``pyarrow.Table`` (``"arrow"``), read
        from Arrow data the Rust side builds (no Python loop over rows)."""
        check_output(output)
        return self._table(identifier, list(filter_mime_types or []), output)


def _search_args(values: Dict[str, Any]) -> Dict[str, Any]:
    args = {k: v for k, v in values.items() if k != "self"}
    for key in ("type", "subtree", "fq", "metadata_fields"):
        if isinstance(args.get(key), str):
            args[key] = [args[key]]
    point = args.get("geo_point")
    if isinstance(point, (tuple, list)):
        args["geo_point"] = ",".join(str(x) for x in point)
    if isinstance(args.get("geo_radius"), (int, float)):
        args["geo_radius"] = str(args["geo_radius"])
    return args


def _table_result(answer: Any, output: str) -> Any:
    if isinstance(answer, str):
        raise errors.from_info(json.loads(answer)["error"])
    return frame_from_ipc(answer, output)


class NativeApi(_Methods):
    """The Dataverse Native API, blocking.

    ``NativeApi(base_url, api_token=None, api_version=None)``; also ``max_concurrency``
    (bulk calls and crawls, default 8), ``request_timeout`` and ``connect_timeout`` (in
    seconds), ``allow_insecure_http`` (send the token over plain http to a host that is
    not loopback), ``user_agent``, ``max_retries`` (of a 429, 503 or lost connection;
    default 5, ``0`` for none). The token never appears in ``repr``, logs or errors.
    """

    def __init__(
        self,
        base_url: str,
        api_token: Optional[str] = None,
        api_version: Optional[str] = None,
        *,
        max_concurrency: Optional[int] = None,
        request_timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        allow_insecure_http: bool = False,
        user_agent: Optional[str] = None,
        max_retries: Optional[int] = None,
    ) -> None:
        self._client = _native.Client(
            base_url,
            api_token,
            api_version,
            max_concurrency,
            request_timeout,
            connect_timeout,
            allow_insecure_http,
            user_agent,
            max_retries,
        )
        self.base_url = base_url
        self.api_version = api_version

    def __repr__(self) -> str:
        auth = "with a token" if self._client.has_token else "anonymous"
        return f"{type(self).__name__}({self.base_url!r}, {auth})"

    def _do(self, method: str, convert: Callable[[Any], Any], progress: Any = None, **args: Any) -> Any:
        payload = json.dumps(args, default=_encode)
        with progress_callback(progress, method) as callback:
            answer = self._client.call(method, payload, None, callback)
        return convert(_answer(answer))

    def _table(self, identifier: Identifier, filters: List[str], output: str) -> Any:
        return _table_result(self._client.datafiles_ipc(str(identifier), filters, None), output)


_EXECUTOR: Optional[concurrent.futures.ThreadPoolExecutor] = None
_EXECUTOR_LOCK = threading.Lock()


def _executor() -> concurrent.futures.ThreadPoolExecutor:
    # The calls wait with the GIL released; threads only hold a waiting call each.
    global _EXECUTOR
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = concurrent.futures.ThreadPoolExecutor(64, thread_name_prefix="dataverse-rs")
        return _EXECUTOR


class AsyncNativeApi(NativeApi):
    """The same methods as :class:`NativeApi`, as coroutines for asyncio programs.

    Each call runs on the Rust runtime; cancelling the awaiting task (``task.cancel()``,
    ``asyncio.wait_for`` timing out) cancels the call's requests.
    """

    async def _do(self, method: str, convert: Callable[[Any], Any], progress: Any = None, **args: Any) -> Any:  # type: ignore[override]
        payload = json.dumps(args, default=_encode)
        token = _native.CancelToken()
        with progress_callback(progress, method) as callback:
            answer = await self._run(lambda: self._client.call(method, payload, token, callback), token)
        return convert(_answer(answer))

    async def _table(self, identifier: Identifier, filters: List[str], output: str) -> Any:  # type: ignore[override]
        token = _native.CancelToken()
        answer = await self._run(lambda: self._client.datafiles_ipc(str(identifier), filters, token), token)
        return _table_result(answer, output)

    @staticmethod
    async def _run(work: Callable[[], Any], token: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(_executor(), work)
        try:
            return await future
        except asyncio.CancelledError:
            token.cancel()
            raise
