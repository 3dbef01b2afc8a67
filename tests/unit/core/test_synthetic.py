"""core.synthetic: the one marker of synthetic demonstration data."""

from __future__ import annotations

import pytest

from core.synthetic import SYNTHETIC_LABEL, SYNTHETIC_MARKER, is_marked_synthetic


def test_the_marker_is_a_comment_line_carrying_the_label():
    assert SYNTHETIC_LABEL == "SYNTHETIC DEMONSTRATION DATA"
    assert SYNTHETIC_MARKER == "# SYNTHETIC DEMONSTRATION DATA"


@pytest.mark.parametrize(
    ("content", "marked"),
    [
        (b"# SYNTHETIC DEMONSTRATION DATA\nocg_id,alias\n", True),
        (b"# SYNTHETIC DEMONSTRATION DATA, made by models.ocg_synthetic\r\nocg_id\n", True),
        (b"\xef\xbb\xbf# SYNTHETIC DEMONSTRATION DATA\nocg_id\n", True),  # a BOM from Excel
        (b"  # SYNTHETIC DEMONSTRATION DATA\n", True),
        (b"# SYNTHETIC DEMONSTRATION DATA", True),  # one line, no line break
        (b"ocg_id,alias\n# SYNTHETIC DEMONSTRATION DATA\n", False),  # only the first line counts
        (b"# synthetic demonstration data\n", False),
        (b"#SYNTHETIC DEMONSTRATION DATA\n", False),
        (b"", False),
    ],
)
def test_only_a_first_line_starting_with_the_marker_marks_a_file(content: bytes, marked: bool):
    assert is_marked_synthetic(content) is marked
