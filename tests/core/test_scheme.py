import json

import pytest

from annotator.core.errors import InputError
from annotator.core.scheme import (
    AttributeKind,
    Scope,
    default_scheme,
    load_scheme_file,
    save_scheme_file,
    scheme_from_dict,
    scheme_to_dict,
)
from tests.conftest import shared_data


def test_default_scheme_has_the_four_tags_and_document_labels() -> None:
    scheme = default_scheme()
    assert [lab.name for lab in scheme.top_labels(Scope.SPAN)] == ["claim", "opinion", "attribution", "framing"]
    assert [lab.name for lab in scheme.top_labels(Scope.DOCUMENT)] == ["genre", "primary_frame"]
    assert {s.name for s in scheme.subtypes("claim")} == {"factual", "statistical", "causal", "prediction"}
    assert {s.name for s in scheme.subtypes("attribution")} == {"source", "cue", "content"}
    assert scheme.label("claim").attribute("check_worthy").kind is AttributeKind.YES_NO
    assert scheme.label("opinion").attribute("polarity").kind is AttributeKind.CHOICE
    assert scheme.label("attribution").attribute("source_type").choices == (
        "official",
        "expert",
        "anonymous",
        "media",
        "citizen",
        "document",
    )
    assert {r.name for r in scheme.relation_types} == {"attributed_to", "cue_of"}
    assert len({lab.shortcut for lab in scheme.top_labels(Scope.SPAN)}) == 4


def test_frame_dimensions_follow_the_policy_frames_codebook() -> None:
    codes = json.loads(shared_data("mfc", "codes.json").read_text())
    dimensions = [name for code, name in codes.items() if code.endswith(".0")]
    framing = default_scheme().subtypes("framing")
    assert len(framing) == 15
    assert [s.guideline.split(": ", 1)[1].rstrip(".") for s in framing] == dimensions


def test_scheme_round_trips_through_its_file(tmp_path) -> None:
    scheme = default_scheme()
    path = tmp_path / "scheme.json"
    save_scheme_file(scheme, str(path))
    assert load_scheme_file(str(path)) == scheme
    assert scheme_from_dict(scheme_to_dict(scheme)) == scheme


def test_subtypes_inherit_colour_and_scope() -> None:
    scheme = default_scheme()
    assert scheme.colour("genre", "satire") == scheme.label("genre").colour
    assert all(s.scope is Scope.DOCUMENT for s in scheme.subtypes("genre"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "'labels' list"),
        ({"labels": [{"colour": "#ffffff"}]}, "needs a name"),
        ({"labels": [{"name": "x", "colour": "red"}]}, "#rrggbb"),
        ({"labels": [{"name": "x"}, {"name": "x"}]}, "appears twice"),
        ({"labels": [{"name": "x", "attributes": [{"name": "a", "kind": "colour"}]}]}, "bad scope or attribute"),
    ],
)
def test_bad_schemes_are_refused_with_a_reason(data, message) -> None:
    with pytest.raises(InputError, match=message):
        scheme_from_dict(data, "my.json")


def test_a_broken_scheme_file_names_the_line(tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "labels": [\n    {"name": "x",,}\n  ]\n}')
    with pytest.raises(InputError, match=r"broken.json:3:"):
        load_scheme_file(str(path))


def test_annotations_are_checked_against_the_scheme() -> None:
    scheme = default_scheme()
    scheme.check.kind("opinion", "speculation", {"polarity": "negative", "holder": "author"})
    with pytest.raises(InputError, match="no sub-type"):
        scheme.check.kind("opinion", "statistical", {})
    with pytest.raises(InputError, match="one of"):
        scheme.check.kind("opinion", None, {"polarity": "furious"})
    with pytest.raises(InputError, match="yes or no"):
        scheme.check.kind("claim", None, {"check_worthy": "maybe"})
    with pytest.raises(InputError, match="no label"):
        scheme.check.kind("propaganda", None, {})
