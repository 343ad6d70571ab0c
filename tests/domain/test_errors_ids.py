"""errors.py and ids.py: the error contract every layer relies on; UUIDv7 ids."""
from __future__ import annotations

import uuid

import pytest

from desk_app.domain import ids
from desk_app.domain.errors import DeskError, NotFoundError, StorageError, ValidationError


def test_error_carries_code_both_languages_and_details() -> None:
    e = ValidationError("id_length", "Số định danh phải có 12 chữ số.", "Must have 12 digits.",
                        value="123")
    assert str(e) == "Số định danh phải có 12 chữ số."
    assert e.message() == e.vi and e.message("vi") == e.vi
    assert e.message("en") == "Must have 12 digits." and e.message("en_US") == e.en
    assert e.code == "id_length" and e.details == {"value": "123"}
    assert e.to_dict() == {"code": "id_length", "vi": e.vi, "en": e.en,
                           "details": {"value": "123"}}
    assert isinstance(e, DeskError) and isinstance(e, Exception)
    assert "id_length" in repr(e)


def test_exit_codes_follow_the_contract() -> None:
    assert ValidationError.exit_code == 2
    assert NotFoundError.exit_code == 2
    assert StorageError.exit_code == 1


@pytest.mark.parametrize("args", [("", "vi", "en"), ("c", "", "en"), ("c", "vi", "")])
def test_an_error_without_a_code_or_a_message_is_a_programming_error(args) -> None:
    with pytest.raises(TypeError):
        DeskError(*args)


def test_record_ids_are_uuid7_unique_and_time_ordered() -> None:
    made = [ids.new_record_id() for _ in range(2000)]
    assert len(set(made)) == len(made)
    parsed = [uuid.UUID(m) for m in made]
    assert all(p.version == 7 for p in parsed)
    assert all(ids.is_uuid(m) for m in made)
    # The 48-bit millisecond timestamp never goes backwards within one process.
    stamps = [p.int >> 80 for p in parsed]
    assert stamps == sorted(stamps)


def test_op_ids_are_distinct_from_record_ids() -> None:
    assert ids.new_op_id() != ids.new_op_id()
    assert uuid.UUID(ids.new_op_id()).version == 7


@pytest.mark.parametrize("value", ["", "xyz", "01a2064d-d808-7cb9-9fde", None, 5,
                                   "01A2064D-D808-7CB9-9FDE-65A3BB7DF537"])
def test_is_uuid_rejects_non_canonical(value) -> None:
    assert ids.is_uuid(value) is False


def test_details_may_use_the_names_code_vi_and_en() -> None:
    """A dossier code is a natural detail; it must not clash with the error code."""
    e = NotFoundError("dossier_not_found", "Không tìm thấy hồ sơ.", "Dossier not found.",
                      code="000.23.32.H48-250625-1001", vi="x", en="y")
    assert e.code == "dossier_not_found"
    assert e.details == {"code": "000.23.32.H48-250625-1001", "vi": "x", "en": "y"}
