"""dataverse_rs: a fast Dataverse Native API client written in Rust, and an embedded
local Dataverse for tests, under pyDataverse's ``NativeApi`` names.

    >>> from dataverse_rs import LocalDataverse, NativeApi
    >>> with LocalDataverse() as dv:
    ...     api = NativeApi(dv.url, api_token=dv.admin_token)
    ...     api.get_collection(":root").alias
    'root'
"""

from . import (
    errors,
    models,
    models_access,
    models_admin,
    models_guestbooks,
    models_metrics,
    models_semantic,
    models_storage,
)
from ._native import __version__
from .api import AsyncNativeApi, CrawlResult, NativeApi
from .api_streams import AsyncItemStream, ItemStream
from .bodies import (
    CollectionCreateBody,
    DatasetCreateBody,
    EditMetadataBody,
    UpdateCollection,
    GuestbookBody,
    GuestbookResponse,
    UploadBody,
    field,
)
from .errors import (
    BadRequest,
    Conflict,
    DataverseError,
    DecodeError,
    FileTooLarge,
    Forbidden,
    IntegrityError,
    InvalidArgument,
    LocalDataverseError,
    LocalIOError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
)
from .local import LocalDataverse
from .streams import AsyncDataStream, DataStream

__all__ = [
    "__version__",
    "NativeApi",
    "AsyncNativeApi",
    "CrawlResult",
    "ItemStream",
    "AsyncItemStream",
    "LocalDataverse",
    "CollectionCreateBody",
    "UpdateCollection",
    "DatasetCreateBody",
    "EditMetadataBody",
    "UploadBody",
    "GuestbookBody",
    "GuestbookResponse",
    "field",
    "errors",
    "models",
    "models_admin",
    "models_guestbooks",
    "DataverseError",
    "NotFound",
    "Unauthorized",
    "Forbidden",
    "BadRequest",
    "FileTooLarge",
    "Conflict",
    "RateLimited",
    "ServerError",
    "TransportError",
    "DecodeError",
    "IntegrityError",
    "LocalIOError",
    "InvalidArgument",
    "LocalDataverseError",
    "DataStream",
    "AsyncDataStream",
]
