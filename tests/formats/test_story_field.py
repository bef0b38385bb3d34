"""Which articles cover the same story: BASIL's triplet id and a table's story column become metadata "story"."""

from __future__ import annotations

from collections import Counter

from annotator.formats.basil import read_basil
from annotator.formats.registry import ReadOptions
from annotator.formats.table import read_table
from tests.conftest import shared_data


def test_basil_triplet_id_is_the_story() -> None:
    bundles = list(read_basil(shared_data("basil"), ReadOptions()))
    stories = Counter(b.document.metadata["story"] for b in bundles)
    assert len(stories) == 5 and set(stories.values()) == {3}
    for bundle in bundles:
        assert bundle.document.metadata["story"] == bundle.document.metadata["basil"]["triplet-uuid"]
    by_story = {}
    for bundle in bundles:
        by_story.setdefault(bundle.document.metadata["story"], set()).add(bundle.document.outlet)
    assert all(outlets == {"Fox News", "The New York Times", "HuffPost"} for outlets in by_story.values())


def test_a_story_column_is_detected_or_mapped_into_metadata(tmp_path) -> None:
    path = tmp_path / "stories.csv"
    path.write_text("text,outlet,story_id,event\nFares rise.,A,s1,e9\nFares rise again.,B,s1,e9\n", encoding="utf-8")
    docs = [b.document for b in read_table(path, ReadOptions())]
    assert [d.metadata["story"] for d in docs] == ["s1", "s1"] and "story_id" not in docs[0].metadata
    mapped = [b.document for b in read_table(path, ReadOptions(mapping={"story": "event"}))]
    assert mapped[0].metadata["story"] == "e9" and mapped[0].metadata["story_id"] == "s1"
    only_story = tmp_path / "story_is_text.csv"
    only_story.write_text("story,title\nThe whole article.,T\n", encoding="utf-8")
    [doc] = [b.document for b in read_table(only_story, ReadOptions())]
    assert doc.text == "The whole article." and "story" not in doc.metadata  # a lone 'story' column is the text
