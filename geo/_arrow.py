"""Small Arrow helpers shared by the readers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def distinct_values(column: pa.ChunkedArray | pa.Array) -> tuple[list[str], np.ndarray]:
    """Return the distinct values of a text column and each row's index into them.

    Rules on text are then checked once per distinct value instead of once per row.
    """
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = pc.dictionary_encode(arr)
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False)
