"""geo._arrow: distinct values of a text column and each row's index into them."""

from __future__ import annotations

import pyarrow as pa

from geo._arrow import dictionary_parts, distinct_values


def test_a_plain_column_is_encoded_in_order_of_first_appearance():
    values, indices = distinct_values(pa.array(["Leeds", "Bradford", "Leeds", "Kirklees"]))
    assert values == ["Leeds", "Bradford", "Kirklees"]
    assert indices.tolist() == [0, 1, 0, 2]
    assert [values[i] for i in indices] == ["Leeds", "Bradford", "Leeds", "Kirklees"]


def test_null_rows_point_one_past_the_values():
    values, indices = distinct_values(pa.array(["a", None, "b", None]))
    assert values == ["a", "b"] and indices.tolist() == [0, 2, 1, 2]


def test_chunks_with_their_own_dictionaries_are_unified():
    first = pa.array(["x", "y"]).dictionary_encode()
    second = pa.array(["y", "z", None]).dictionary_encode()
    values, indices = distinct_values(pa.chunked_array([first, second]))
    rows = [values[i] if i < len(values) else None for i in indices]
    assert rows == ["x", "y", "y", "z", None]
    assert sorted(values) == ["x", "y", "z"]


def test_a_dictionary_column_keeps_its_dictionary_even_with_unused_values():
    column = pa.DictionaryArray.from_arrays(pa.array([2, 2, 0], type=pa.int32()), pa.array(["a", "unused", "c"]))
    dictionary, indices = dictionary_parts(column)
    assert dictionary.to_pylist() == ["a", "unused", "c"]
    assert indices.tolist() == [2, 2, 0]
