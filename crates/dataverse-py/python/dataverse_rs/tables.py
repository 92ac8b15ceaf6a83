"""Tables from the Arrow IPC stream the Rust side writes: pyarrow, pandas, polars."""

from __future__ import annotations

import io
from typing import Any

from .errors import InvalidArgument

OUTPUTS = ("pandas", "polars", "arrow")


def check_output(output: str) -> None:
    """Raise ``InvalidArgument`` for an output kind that is not one of ``OUTPUTS``."""
    if output not in OUTPUTS:
        raise InvalidArgument(f"output must be one of {', '.join(OUTPUTS)}, not {output!r}")


def frame_from_ipc(data: bytes, output: str) -> Any:
    """A frame of ``output`` kind from Arrow IPC stream bytes (columns, no row loop)."""
    check_output(output)
    if output == "polars":
        try:
            import polars
        except ImportError as e:
            raise InvalidArgument('output="polars" needs polars (pip install polars)') from e
        return polars.read_ipc_stream(io.BytesIO(data))
    try:
        import pyarrow.ipc
    except ImportError as e:
        raise InvalidArgument(
            f'output="{output}" needs pyarrow (pip install pyarrow{" pandas" if output == "pandas" else ""})'
        ) from e
    table = pyarrow.ipc.open_stream(data).read_all()
    if output == "arrow":
        return table
    return table.to_pandas()
