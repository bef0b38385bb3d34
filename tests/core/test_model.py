import hashlib
from dataclasses import FrozenInstanceError, replace

import pytest

from annotator.core.errors import InputError
from annotator.core.model import (
    Annotation,
    Document,
    Fragment,
    annotation_from_dict,
    annotation_to_dict,
    stored_annotation,
    stored_fragment,
)
from annotator.core.text import newline_style


def test_document_hash_is_sha256_of_the_utf8_text() -> None:
    doc = Document(text="\ufeffKöln 😀\r\n")
    assert doc.sha256 == hashlib.sha256("\ufeffKöln 😀\r\n".encode()).hexdigest()


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (3, 3), (5, 2)])
def test_fragments_must_be_ordered_and_non_empty(start: int, end: int) -> None:
    with pytest.raises(InputError):
        Fragment(start, end)


def test_discontinuous_annotation_keeps_its_fragments_sorted() -> None:
    ann = Annotation("d", "alice", "claim", fragments=(Fragment(10, 12), Fragment(0, 3)))
    assert ann.fragments == (Fragment(0, 3), Fragment(10, 12))
    assert (ann.start, ann.end) == (0, 12)
    assert ann.covered_texts("abcdefghijklmnop") == ["abc", "kl"]
    with pytest.raises(InputError, match="beyond the end"):
        ann.check_within(11)


def test_annotation_json_form_round_trips() -> None:
    ann = Annotation("d", "alice", "opinion", (Fragment(1, 4),), "speculation", {"polarity": "negative"}, "why")
    assert annotation_from_dict(annotation_to_dict(ann)) == ann


@pytest.mark.parametrize(
    ("text", "style"),
    [("a\nb", "lf"), ("a\r\nb\r\n", "crlf"), ("a\rb", "cr"), ("a\r\nb\n", "mixed"), ("ab", "none")],
)
def test_newline_style(text: str, style: str) -> None:
    assert newline_style(text) == style


def test_stored_annotation_equals_the_checked_one_made_from_the_same_values() -> None:
    checked = Annotation("d", "alice", "claim", (Fragment(10, 12), Fragment(0, 3)), "statistical", {"a": 1}, "n")
    stored = stored_annotation(
        checked.document,
        checked.annotator,
        checked.label,
        (stored_fragment(10, 12), stored_fragment(0, 3)),
        checked.subtype,
        {"a": 1},
        checked.note,
        checked.origin,
        checked.uuid,
        checked.created,
        checked.modified,
        checked.version,
    )
    assert stored == checked and hash(stored.fragments) == hash(checked.fragments)
    assert stored.fragments[0] == Fragment(0, 3) and (stored.start, stored.end) == (0, 12)
    assert replace(stored, note="m").note == "m"  # still a frozen dataclass instance
    with pytest.raises(FrozenInstanceError):
        stored.note = "x"  # type: ignore[misc]
