"""Full-text search on both databases: ranked hits with the passage and the match's offsets in code points, an
index kept in step with every write in the same transaction, the query syntax, and no query that raises."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import Document
from annotator.services import documents
from annotator.services.search import search

ARTICLES = {
    "Climate tax passes": "The parliament passed the climate tax on Tuesday. Farmers protested outside.",
    "Tax cuts for farmers": "A tax cut for farmers was announced; the climate plan was not mentioned at all.",
    "Football results": "The home side won 3-1. Nobody mentioned taxes or the weather.",
    "Weather": "Storms are expected. The climate service warned of flooding near the coast.",
}


@pytest.fixture
def corpus(project) -> dict[str, Document]:
    docs = {title: Document(text, title=title, outlet="Ledger") for title, text in ARTICLES.items()}
    for doc in docs.values():
        documents.add_document(project, doc, "alice")
    return docs


def titles(project, query: str) -> list[str]:
    return [hit.title for hit in search(project, query)]


def test_hits_are_ranked_with_the_passage_and_the_match_offsets(project, corpus) -> None:
    hits = search(project, "climate tax")
    assert [h.title for h in hits] == ["Climate tax passes", "Tax cuts for farmers"]  # title words weigh more
    assert hits[0].score > hits[1].score
    for hit in hits:
        text = corpus[hit.title].text
        start, end = hit.match
        assert text[start:end].casefold() in {"climate", "tax"}
        assert all(hit.passage[a:b].casefold() in {"climate", "tax"} for a, b in hit.marks) and hit.marks
    assert "the climate tax on Tuesday" in hits[0].passage


def test_phrases_or_exclusions_and_prefixes(project, corpus) -> None:
    assert titles(project, '"climate tax"') == ["Climate tax passes"]
    assert sorted(titles(project, "storms OR football")) == ["Football results", "Weather"]
    assert sorted(titles(project, "climate -farmers")) == ["Weather"]
    assert sorted(titles(project, "tax*")) == ["Climate tax passes", "Football results", "Tax cuts for farmers"]
    assert titles(project, "nothing-like-this") == []


@pytest.mark.parametrize(
    "typed, found",
    [
        ('"climate tax', ["Climate tax passes", "Tax cuts for farmers"]),  # unbalanced quote: the words
        ("climate OR", []),  # a lone OR is a word like the others: no article has "or" with climate
        ("OR", ["Football results"]),
        ("- climate * tax", ["Climate tax passes", "Tax cuts for farmers"]),
        ("-climate", ["Climate tax passes", "Tax cuts for farmers", "Weather"]),  # exclusions only: the word
        ("AND NOT NEAR( climate:", []),  # FTS5's own operators are words here: no article has "and" and "not"
        ('""', []),
        ("", []),
        ("tax^ {climate}", ["Climate tax passes", "Tax cuts for farmers"]),
    ],
)
def test_a_malformed_query_searches_the_words_as_typed(project, corpus, typed, found) -> None:
    assert sorted(titles(project, typed)) == sorted(found)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("ab -*\"()^:OR{}\\'\u0301😀")) | st.characters(), max_size=30))
def test_no_query_raises(project, corpus, typed) -> None:
    for hit in search(project, typed):
        assert hit.title in ARTICLES


TRICKY = "\ufeff😀 Le cafe\u0301 👩\u200d🔬 said\r\nمرحبا: the climate is changing, 東京 climate."


def test_match_offsets_count_code_points_through_emoji_crlf_bom_and_rtl(project) -> None:
    doc = Document(TRICKY, title="Tricky")
    documents.add_document(project, doc, "alice")
    hit = search(project, "climate")[0]
    start, end = hit.match
    assert TRICKY[start:end] == "climate" and start == TRICKY.index("climate")
    assert "\r" not in hit.passage and "\n" not in hit.passage


def test_the_index_follows_inserts_title_changes_and_deletes(project, corpus) -> None:
    doc = corpus["Weather"]
    documents.update_metadata(project, doc.uuid, "alice", title="Storm warning")
    assert titles(project, "storm") == ["Storm warning"] and titles(project, "weather") == ["Football results"]
    documents.delete_document(project, doc.uuid, "alice")
    assert titles(project, "storms") == []
    added = Document("Offshore turbines were approved.", title="Wind")
    documents.add_document(project, added, "bob")
    assert titles(project, "turbines") == ["Wind"]
    assert project.log_problems() == []  # db check --log: the index is no table of its own to account for


def test_a_write_that_fails_leaves_the_index_as_it_was(project, corpus) -> None:
    with pytest.raises(RuntimeError), project.transaction() as session:
        documents.add_document(project, Document("Volcanic ash grounded flights.", title="Ash"), "alice", session)
        raise RuntimeError("the rest of the import failed")
    assert titles(project, "volcanic") == []


@pytest.mark.sqlite_only
def test_the_sqlite_index_passes_its_integrity_check(project, corpus) -> None:
    documents.delete_document(project, corpus["Football results"].uuid, "alice")
    with project.transaction() as session:
        session.connection().exec_driver_sql("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
