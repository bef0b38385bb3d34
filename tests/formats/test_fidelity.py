"""The fidelity report's counting and wording, merging the format data of one text's several files, and the
stable ids every importer makes."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from annotator.formats._common import _NAMESPACE, stable_uuid
from annotator.formats.fidelity import Fidelity, merge_format_data, plural


def test_lines_name_kind_count_and_format_and_where_the_first_left_out_one_is() -> None:
    report = Fidelity()
    report.keep("brat", "event", 3)
    report.preserve("labelstudio", "rating result", 2)
    report.leave_out("brat", "equivalence", 1, "a.ann:4")
    report.leave_out("brat", "equivalence", 1, "b.ann:9")
    report.leave_out("qdpx", "pdf source", 0)  # nothing to say
    report.moved("a.ann:2: entity T2 from 6..10 to 17..19 ('It')")
    assert report.lines() == [
        "kept: 3 events (brat)",
        "kept as format data only: 2 rating results (Label Studio)",
        "left out: 2 equivalences (brat), first at a.ann:4",
        "re-anchored: a.ann:2: entity T2 from 6..10 to 17..19 ('It')",
    ]
    assert not report.complete and Fidelity.from_dict(report.to_dict()) == report
    other = Fidelity()
    other.keep("brat", "event")
    report.merge(other)
    assert report.kept[("brat", "event")] == 4


def test_plurals() -> None:
    assert [plural(k, 2) for k in ("entity", "key", "box", "rating result", "match")] == [
        "entities",
        "keys",
        "boxes",
        "rating results",
        "matches",
    ]
    assert plural("entity", 1) == "entity"


def test_format_data_of_two_annotators_files_merges_without_overwriting() -> None:
    stored = {"brat": {"name": "doc", "ids": {"u1": "T1"}, "binary": ["Negated"]}, "file": "a"}
    incoming = {"brat": {"name": "other", "ids": {"u2": "T9", "u1": "T5"}, "binary": ["Negated", "Speculation"]}}
    merged = merge_format_data(stored, incoming)
    assert merged == {
        "brat": {"name": "doc", "ids": {"u1": "T1", "u2": "T9"}, "binary": ["Negated", "Speculation"]},
        "file": "a",
    }
    assert merge_format_data(merged, incoming) == merged  # twice changes nothing


@given(st.lists(st.one_of(st.text(), st.integers(), st.none(), st.tuples(st.integers(), st.integers())), max_size=5))
def test_stable_ids_are_uuid5_of_the_joined_parts(parts) -> None:
    assert stable_uuid(*parts) == str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(p) for p in parts)))
