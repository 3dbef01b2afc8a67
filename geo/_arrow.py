"""Small Arrow helpers shared by the readers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def distinct_values(column: pa.ChunkedArray | pa.Array) -> tuple[list[str], np.ndarray]:
    """Return the distinct values of a text column and each row's index into them.

    Rules on text are then checked once per distinct value instead of once per row. A
    dictionary-encoded column (as the CSV reader gives) is used as it is: its dictionary may
    hold values no row uses, and null rows get the index ``len(values)``.
    """
    values, indices = dictionary_parts(column)
    return values.to_pylist(), indices


def dictionary_parts(column: pa.ChunkedArray | pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Return a column's dictionary (Arrow) and each row's index into it (see
    :func:`distinct_values`)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.unify_dictionaries() if pa.types.is_dictionary(column.type) else column
        column = column.combine_chunks()
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, len(encoded.dictionary))
    return encoded.dictionary, indices.to_numpy(zero_copy_only=False)
