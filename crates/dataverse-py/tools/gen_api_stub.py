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
}

# Methods that return a stream at once (a plain ``def`` in both classes), by class.
STREAMS = {
    "search_stream": ("ItemStream", "AsyncItemStream"),
    "crawl_collection_stream": ("ItemStream", "AsyncItemStream"),
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
}


def annotation(name, param):
    if name in TYPES:
        t = TYPES[name]
    elif isinstance(param.default, bool):
        t = "bool"
    elif name.startswith(("show_", "query_")):
        t = "Optional[bool]"
    elif name in ("filter_mime_types", "type", "subtree", "fq", "metadata_fields"):
        t = "Optional[Sequence[str]]"
    elif name in ("concurrency", "per_page", "start", "wait_seconds", "limit"):
        t = "Optional[int]"
    else:
        t = "str" if isinstance(param.default, str) or param.default is inspect.Parameter.empty else "Optional[str]"
    if name == "metadata" and param.default is None:
        t = "Optional[Any]"
    return t


def method_lines(name, asynchronous):
    fn = getattr(api.NativeApi, name)
    sig = inspect.signature(fn)
    parts = ["self"]
    for pname, param in list(sig.parameters.items())[1:]:
        text = f"{pname}: {annotation(pname, param)}"
        if param.default is not inspect.Parameter.empty:
            text += f" = {param.default!r}"
        parts.append(text)
    doc = " ".join((inspect.getdoc(fn) or "").split("\n\n")[0].split()).replace('"""', "'")
    prefix = "async def" if asynchronous else "def"
    returns = RETURNS.get(name)
    if name in STREAMS:
        prefix, returns = "def", STREAMS[name][1 if asynchronous else 0]
    return [f"    {prefix} {name}({', '.join(parts)}) -> {returns}:", f'        """{doc}"""', "        ..."]


def main():
    names = [n for n in dir(api._Methods) if not n.startswith("_")]
    missing = sorted(set(names) - set(RETURNS) - set(STREAMS))
    if missing:
        sys.exit(f"no return type for {missing}")
    out = [
        '"""Type stubs of dataverse_rs.api (written by tools/gen_api_stub.py)."""',
        "",
        "import os",
        "from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union",
        "",
        "from .api_streams import AsyncItemStream, ItemStream",
        "from .models import *  # noqa: F403",
        "from .models import Model",
        "from .models_admin import DataTable, DatasetField, DownloadSize, InputLevel, UserPermissions",
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
        for name in names:
            out.extend(method_lines(name, asynchronous))
        out.append("")
    path = pathlib.Path(__file__).resolve().parent.parent / "python" / "dataverse_rs" / "api.pyi"
    path.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
