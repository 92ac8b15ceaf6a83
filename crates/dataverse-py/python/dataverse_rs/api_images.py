"""Thumbnails, a dataset's logo and a tabular file's DDI codebook on :class:`NativeApi`
and :class:`AsyncNativeApi` (the images as ``bytes``, the DDI as XML text)."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

Identifier = Union[str, int]


class _ImagesMethods:
    """Thumbnails, logos and the file DDI (mixed into ``_Methods``)."""

    _bytes: Any  # from _AccessMethods

    def _do(self, method: str, convert: Any, progress: Any = None, **args: Any) -> Any:
        raise NotImplementedError

    def get_datafile_ddi(
        self,
        identifier: Identifier,
        file_metadata_id: Optional[int] = None,
        exclude: Optional[Sequence[str]] = None,
        include: Optional[Sequence[str]] = None,
    ):
        """The DDI codebook (XML, ``str``) of an ingested tabular file: the dataset's
        citation, the file and its variables. ``file_metadata_id``: as one version's
        metadata describes the file; ``exclude``/``include``: elements to leave out or keep
        (``sumStat``, ``location``, ...). ``GET /api/access/datafile/{id}/metadata/ddi``"""
        return self._do(
            "get_datafile_ddi", str, identifier=identifier, file_metadata_id=file_metadata_id,
            exclude=list(exclude or []), include=list(include or []),
        )

    def get_datafile_thumbnail(self, identifier: Identifier, size: Optional[int] = None):
        """The PNG thumbnail (``bytes``) of an image file, ``size`` pixels on its longest
        side (Dataverse's default, 64, when ``None``); not counted as a download.
        ``GET /api/access/datafile/{id}?imageThumb=true|N``"""
        return self._bytes("get_datafile_thumbnail", dict(identifier=identifier, size=size))

    def get_dataset_thumbnail(self, identifier: Identifier):
        """A dataset's thumbnail (PNG ``bytes``, 48 pixels on its longest side);
        :class:`NotFound` when it has none. ``GET /api/datasets/{id}/thumbnail``"""
        return self._bytes("get_dataset_thumbnail", dict(identifier=identifier))

    def get_dataset_logo(self, identifier: Identifier):
        """A dataset's logo (PNG ``bytes``): its uploaded logo, else the 140-pixel
        thumbnail of the file standing for it; :class:`NotFound` when it has none.
        ``GET /api/datasets/{id}/logo``"""
        return self._bytes("get_dataset_logo", dict(identifier=identifier))
