"""Write python/dataverse_rs/api.pyi from the methods of NativeApi and the return types
below (run after adding a method; tests/test_stubs.py checks the stub is complete)."""

import inspect
import pathlib
import sys

from dataverse_rs import api

RETURNS = {
    "get_collection": "Collection",
    "create_collection": "Collection",
    "update_collection": "Collection",
    "publish_collection": "Collection",
    "delete_collection": "Message",
    "get_collection_contents": "List[Union[Collection, Dataset, Model]]",
    "get_collection_assignments": "List[RoleAssignment]",
    "get_dataverse_roles": "List[Role]",
    "get_collection_facets": "List[str]",
    "get_collection_facet_details": "List[FacetDetail]",
    "crawl_collection": "CrawlResult",
    "get_dataset": "Dataset",
    "get_dataset_versions": "List[DatasetVersion]",
    "get_dataset_version": "DatasetVersion",
    "get_datasets": "List[Dataset]",
    "create_dataset": "CreatedDataset",
    "validate_dataset_json": "DatasetValidation",
    "preflight_dataset": "List[MetadataProblem]",
    "edit_dataset_metadata": "DatasetVersion",
    "publish_dataset": "Dataset",
    "get_dataset_lock": "List[Lock]",
    "get_dataset_assignments": "List[RoleAssignment]",
    "delete_dataset": "Message",
    "destroy_dataset": "Message",
    "submit_dataset_for_review": "Message",
    "return_dataset_to_author": "Message",
    "create_dataset_private_url": "PrivateUrl",
    "get_dataset_private_url": "PrivateUrl",
    "delete_dataset_private_url": "Message",
    "get_dataset_export": "str",
    "get_datasets_export": "List[Any]",
    "get_datafiles_metadata": "List[FileInfo]",
    "get_datafile_metadata": "FileInfo",
    "update_datafile_metadata": "FileMetadataSummary",
    "delete_datafile": "bool",
    "redetect_file_type": "RedetectResult",
    "reingest_datafile": "Message",
    "uningest_datafile": "Message",
    "restrict_datafile": "Message",
    "upload_datafile": "UploadResponse",
    "replace_datafile": "UploadResponse",
    "upload_directory": "DirectoryUpload",
    "download_datafile": "DownloadReport",
    "download_dataset": "DatasetDownload",
    "get_info_version": "VersionInfo",
    "get_info_server": "ServerInfo",
    "get_info_api_terms_of_use": "Message",
    "get_export_formats": "Dict[str, Exporter]",
    "get_metadatablocks": "Union[List[MetadataBlockInfo], Dict[str, MetadataBlock]]",
    "get_metadatablock": "MetadataBlock",
    "get_collection_metadatablocks": "Dict[str, MetadataBlock]",
    "get_dataset_metadatablocks": "Dict[str, MetadataBlock]",
    "get_available_licenses": "List[License]",
    "get_license": "License",
    "get_user": "AuthenticatedUser",
    "get_user_api_token_expiration_date": "TokenExpiration",
    "recreate_user_api_token": "RecreatedToken",
    "delete_user_api_token": "Message",
    "search": "SearchPage",
    "search_count": "int",
    "datafiles_table": "Any",
    # permissions and citations (api_permissions.py)
    "get_collection_user_permissions": "UserPermissions",
    "get_dataset_user_permissions": "UserPermissions",
    "get_datafile_user_permissions": "UserPermissions",
    "get_dataset_citation": "str",
    "get_datafile_citation": "str",
    "get_private_url_dataset_version": "DatasetVersion",
    "get_private_url_dataset_version_citation": "str",
    # dataset and file extras (api_dataset_admin.py)
    "deaccession_dataset": "Message",
    "register_datafile_pid": "str",
    "register_all_datafile_pids": "str",
    "get_dataset_download_size": "DownloadSize",
    "get_file_download_count": "int",
    "get_file_data_tables": "List[DataTable]",
    "get_dataset_persistent_url": "str",
    "get_dataset_summary_field_names": "List[str]",
    "get_facetable_dataset_fields": "List[DatasetField]",
    "logout": "str",
    "wait_for_unlock": "None",
    # collection set-up and pyDataverse's names (api_collection_setup.py)
    "get_children": "List[Dict[str, Any]]",
    "set_collection_attribute": "Collection",
    "get_collection_input_levels": "List[InputLevel]",
    "set_collection_input_levels": "Collection",
    "list_collection_metadatablocks": "Union[List[MetadataBlockInfo], Dict[str, MetadataBlock]]",
    "set_collection_metadatablocks": "str",
    "is_collection_metadatablocks_root": "bool",
    "set_collection_metadatablocks_root": "str",
    "preflight_dataset_in": "List[MetadataProblem]",
    "get_dataverse": "Collection",
    "create_dataverse": "Collection",
    "publish_dataverse": "Collection",
    "delete_dataverse": "Message",
    "get_dataverse_contents": "List[Union[Collection, Dataset, Model]]",
    "get_dataverse_facets": "List[str]",
    "dataverse_id2alias": "str",
    # api_access.py
    "get_datafile": "Union[bytes, SavedFile]",
    "stream_datafile": "DataStream",
    "get_datafiles": "Union[bytes, SavedFile]",
    "stream_datafiles": "DataStream",
    "download_all_datafiles": "Union[bytes, SavedFile]",
    "stream_all_datafiles": "DataStream",
    "get_datafile_bundle": "Union[bytes, SavedFile]",
    "get_datafile_download_url": "str",
    "request_access": "Message",
    "allow_access_request": "Message",
    "grant_file_access": "Message",
    "list_file_access_requests": "List[FileAccessRequest]",
    "reject_file_access_request": "Message",
    "revoke_file_access": "Message",
    # api_roles.py
    "create_role": "Role",
    "show_role": "Role",
    "delete_role": "Message",
    "get_dataverse_assignments": "List[RoleAssignment]",
    "set_collection_assignment": "RoleAssignment",
    "set_dataset_assignment": "RoleAssignment",
    "remove_collection_assignment": "Message",
    "remove_dataset_assignment": "Message",
    # api_metrics.py
    "total": "int",
    "past_days": "int",
    "get_dataverses_by_subject": "Union[List[MetricRow], str]",
    "get_dataverses_by_category": "Union[List[MetricRow], str]",
    "get_datasets_by_subject": "Union[List[MetricRow], str]",
    "get_datasets_by_data_location": "int",
    "metrics": "Union[int, List[MetricRow], str]",
    # api_semantic.py
    "get_dataset_jsonld": "Dict[str, Any]",
    "get_datasets_jsonld": "List[Any]",
    "update_dataset_jsonld": "JsonLdUpdate",
    "delete_dataset_jsonld": "JsonLdUpdate",
    "jsonld_triples": "List[Triple]",
    # api_storage.py
    "get_dataset_storage_driver": "StorageDriver",
    "set_dataset_storage_driver": "Message",
    "reset_dataset_storage_driver": "Message",
    "get_collection_storage_driver": "StorageDriver",
    "set_collection_storage_driver": "Message",
    "reset_collection_storage_driver": "Message",
    "list_storage_drivers": "Dict[str, str]",
    "get_upload_urls": "UploadUrls",
    "register_files": "RegisteredFiles",
    "complete_multipart_upload": "bool",
    "abort_multipart_upload": "bool",
    "get_guestbook": "Guestbook",
    "list_guestbooks": "List[Guestbook]",
    "create_guestbook": "Guestbook",
    "update_guestbook": "Guestbook",
    "enable_guestbook": "Message",
    "get_guestbook_responses": "GuestbookResponses",
    "get_collection_guestbook_responses": "str",
    "set_dataset_guestbook": "Message",
    "remove_dataset_guestbook": "Message",
    "get_guestbook_entry_at_request": "GuestbookAtRequest",
    "set_guestbook_entry_at_request": "Message",
    "get_datafile_ddi": "str",
    "get_datafile_thumbnail": "bytes",
    "get_dataset_thumbnail": "bytes",
    "get_dataset_logo": "bytes",
}

# Methods that return a stream at once (a plain ``def`` in both classes), by class.
STREAMS = {
    "search_stream": ("ItemStream", "AsyncItemStream"),
    "crawl_collection_stream": ("ItemStream", "AsyncItemStream"),
}

# Where AsyncNativeApi's coroutine answers another type.
ASYNC_RETURNS = {
    "stream_datafile": "AsyncDataStream",
    "stream_datafiles": "AsyncDataStream",
    "stream_all_datafiles": "AsyncDataStream",
}

TYPES = {
    "identifier": "Identifier",
    "parent": "Identifier",
    "dataverse": "Identifier",
    "collection": "Identifier",
    "pid": "Identifier",
    "identifiers": "Sequence[Identifier]",
    "metadata": "Any",
    "progress": "Progress",
    "file": "PathLike",
    "directory": "PathLike",
    "destination": "PathLike",
    "dataverse_id": "Identifier",
    "children_types": "Optional[Sequence[str]]",
    "blocks": "Sequence[str]",
    "levels": "Sequence[Any]",
    "geo_point": "Optional[Union[str, Tuple[float, float]]]",
    "geo_radius": "Optional[Union[str, float]]",
    "root": "bool",
    "timeout_seconds": "int",
    "role_id": "Union[int, str]",
    "permissions": "Sequence[str]",
    "assignment_id": "int",
    "size": "int",
    "entries": "Sequence[Any]",
    "etags": "Mapping[int, str]",
    "document": "Dict[str, Any]",
    "days_str": "Union[int, str]",
    "range": "Union[None, int, Tuple[int, Optional[int]]]",
    "image_thumb": "Union[None, bool, int, str]",
    "resume_dir": "Optional[PathLike]",
    "part_progress": "Optional[Callable[[UploadPart], Any]]",
    "guestbook_response": "Optional[Union[GuestbookResponse, Dict[str, Any]]]",
    "dataset": "Identifier",
    "id": "int",
    "offset": "Optional[int]",
    "file_metadata_id": "Optional[int]",
    "exclude": "Optional[Sequence[str]]",
    "include": "Optional[Sequence[str]]",
    "choice": "Optional[bool]",
    "guestbook_id": "Optional[int]",
}


def annotation(name, param, fn_name=""):
    if name in TYPES:
        t = TYPES[name]
    elif isinstance(param.default, bool):
        t = "bool"
    elif name.startswith(("show_", "query_")):
        t = "Optional[bool]"
    elif name in ("filter_mime_types", "type", "subtree", "fq", "metadata_fields"):
        t = "Optional[Sequence[str]]"
    elif name in ("concurrency", "per_page", "start", "wait_seconds", "limit", "parallel_parts", "registration_batch", "past_days"):
        t = "Optional[int]"
    else:
        t = "str" if isinstance(param.default, str) or param.default is inspect.Parameter.empty else "Optional[str]"
    if name == "metadata" and param.default is None:
        t = "Optional[Any]"
    if name == "size" and param.default is None:
        t = "Optional[int]"
    if name == "guestbook":
        t = "int" if fn_name == "set_dataset_guestbook" else "Union[GuestbookBody, Guestbook, Dict[str, Any]]"
    if name == "destination" and param.default is None:
        t = "Optional[PathLike]"
    if name == "identifier" and param.kind is param.POSITIONAL_OR_KEYWORD and fn_name in ("get_datafiles", "stream_datafiles"):
        t = "Union[str, Sequence[int]]"
    if name == "metadata" and fn_name in ("update_dataset_jsonld", "delete_dataset_jsonld"):
        t = "Dict[str, Any]"
    return t


def method_lines(name, asynchronous):
    fn = getattr(api.NativeApi, name)
    sig = inspect.signature(fn)
    parts = ["self"]
    for pname, param in list(sig.parameters.items())[1:]:
        text = f"{pname}: {annotation(pname, param, name)}"
        if param.default is not inspect.Parameter.empty:
            text += f" = {param.default!r}"
        parts.append(text)
    doc = " ".join((inspect.getdoc(fn) or "").split("\n\n")[0].split()).replace('"""', "'")
    prefix = "async def" if asynchronous else "def"
    returns = ASYNC_RETURNS.get(name, RETURNS.get(name)) if asynchronous else RETURNS.get(name)
    if name in STREAMS:
        prefix, returns = "def", STREAMS[name][1 if asynchronous else 0]
    return [f"    {prefix} {name}({', '.join(parts)}) -> {returns}:", f'        """{doc}"""', "        ..."]


def main():
    names = [n for n in dir(api._Methods) if not n.startswith("_")]
    # The methods of _Methods itself, then one block per mixin module (api_<family>.py).
    own = [n for n in names if n in vars(api._Methods)]
    blocks = [("", own)]
    for mixin in api._Methods.__mro__[1:]:
        if mixin is object:
            continue
        mine = [n for n in names if n in vars(mixin) and n not in own]
        blocks.append((mixin.__module__.rsplit(".", 1)[-1], mine))
    missing = sorted(set(names) - set(RETURNS) - set(STREAMS))
    if missing:
        sys.exit(f"no return type for {missing}")
    out = [
        '"""Type stubs of dataverse_rs.api (written by tools/gen_api_stub.py)."""',
        "",
        "import os",
        "from typing import Any, Callable, Dict, List, Optional, Sequence, Union",
        "from typing import Mapping, Tuple",
        "",
        "from .api_streams import AsyncItemStream, ItemStream",
        "from .models import *  # noqa: F403",
        "from .models import Model",
        "from .models_admin import DataTable, DatasetField, DownloadSize, InputLevel, UserPermissions",
        "from .models_access import *  # noqa: F403",
        "from .models_metrics import *  # noqa: F403",
        "from .models_semantic import *  # noqa: F403",
        "from .models_storage import *  # noqa: F403",
        "from .models_guestbooks import *  # noqa: F403",
        "from .bodies import GuestbookBody, GuestbookResponse",
        "from .streams import AsyncDataStream, DataStream",
        "",
        "Identifier = Union[str, int]",
        "PathLike = Union[str, os.PathLike[str]]",
        "Progress = Union[None, bool, Callable[[int, Optional[int]], Any]]",
        "",
        "class CrawlResult(List[Union[CrawledCollection, CrawledDataset]]):",
        '    """The items a crawl found; ``errors``: its failed requests."""',
        "    errors: List[Dict[str, Any]]",
        "",
    ]
    init = [
        "    def __init__(self, base_url: str, api_token: Optional[str] = None, api_version: Optional[str] = None, *,",
        "        max_concurrency: Optional[int] = None, request_timeout: Optional[float] = None,",
        "        connect_timeout: Optional[float] = None, allow_insecure_http: bool = False,",
        "        user_agent: Optional[str] = None, max_retries: Optional[int] = None) -> None: ...",
        "    base_url: str",
        "    api_version: Optional[str]",
    ]
    for cls, asynchronous in (("NativeApi", False), ("AsyncNativeApi", True)):
        out.append(f"class {cls}{'(NativeApi)' if asynchronous else ''}:")
        out.append(f'    """{inspect.getdoc(getattr(api, cls)).splitlines()[0]}"""')
        out.extend(init)
        for module, block in blocks:
            if module:
                out.append(f"    # ---- {module}.py")
            for name in block:
                out.extend(method_lines(name, asynchronous))
        out.append("")
    path = pathlib.Path(__file__).resolve().parent.parent / "python" / "dataverse_rs" / "api.pyi"
    path.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
