"""core.errors: one tree under PrecisionError, and messages that name the file and problem."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from core import errors
from core.errors import (
    ConstraintError,
    DisclosureError,
    InputFileError,
    PrecisionError,
    RecordError,
    UserError,
    UserExistsError,
)


def test_every_error_class_is_a_precision_error():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == "core.errors"]
    assert len(classes) >= 10
    assert [c.__name__ for c in classes if not issubclass(c, PrecisionError)] == []
    assert [c.__name__ for c in classes if not (c.__doc__ or "").strip()] == []  # each says what it means


def test_an_input_file_error_names_the_file_then_the_problem():
    err = InputFileError(Path("data/users.json"), "not valid JSON")
    assert (err.path, err.problem, str(err)) == ("data/users.json", "not valid JSON", "data/users.json: not valid JSON")
    member = InputFileError("year.zip!2018-01/street.csv", "empty")
    assert str(member) == "year.zip!2018-01/street.csv: empty"


def test_record_and_user_errors_keep_their_reason():
    assert RecordError("lsoa_code: not a code").reason == "lsoa_code: not a code"
    refused = UserError("jo", "the last administrator cannot be removed")
    assert (refused.username, str(refused)) == ("jo", "the last administrator cannot be removed")
    exists = UserExistsError("ana")
    assert isinstance(exists, UserError) and exists.username == "ana"
    assert "'ana' exists already" in str(exists) and "edit the account instead" in str(exists)


@pytest.mark.parametrize("cls", [ConstraintError, DisclosureError])
def test_plan_and_disclosure_errors_are_caught_as_value_errors_too(cls: type[Exception]):
    with pytest.raises(ValueError, match="flyer_budget"):
        raise cls("flyer_budget 0 is below 100")
    with pytest.raises(PrecisionError):
        raise cls("x")
