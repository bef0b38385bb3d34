"""Batches of articles: CSV/TSV and JSON/JSONL, one article per row, columns mapped to the document's fields."""

import json

import pytest

from annotator.core.errors import InputError
from annotator.formats.registry import ReadOptions, detect
from annotator.formats.table import detect_mapping, preview, read_json_batch, read_table
from tests.conftest import shared_data


def docs(reader, path, **mapping):
    return [b.document for b in reader(path, ReadOptions(mapping=mapping))]


def test_common_column_names_are_recognised() -> None:
    assert detect_mapping(["Headline", "Body", "Media Name", "publishedAt", "URL", "lang", "id"]) == {
        "text": "Body",
        "title": "Headline",
        "outlet": "Media Name",
        "published": "publishedAt",
        "url": "URL",
        "language": "lang",
    }
    # "source" is an outlet only when nothing better names one
    assert detect_mapping(["text", "source", "media_name"])["outlet"] == "media_name"
    assert detect_mapping(["text", "source"])["outlet"] == "source"


def test_csv_with_bom_and_semicolons_keeps_cells_verbatim(tmp_path) -> None:
    path = tmp_path / "batch.csv"
    rows = [
        "headline;body;outlet;date;stance",
        'Tax rise;"The minister said:\r\n""Taxes will rise."" 😀";Daily Planet;2024-03-05;pro',
        "Café;  Leading spaces and e\u0301 combining  ;Le Monde;2024-03-06;",
    ]
    path.write_bytes(("\ufeff" + "\n".join(rows) + "\n").encode("utf-8"))
    assert detect(path).name == "articles-csv"
    first, second = docs(read_table, path)
    assert first.text == 'The minister said:\r\n"Taxes will rise." 😀'
    assert (first.title, first.outlet, first.published, first.newline) == (
        "Tax rise",
        "Daily Planet",
        "2024-03-05",
        "crlf",
    )
    assert first.metadata == {"source_format": "csv", "file": str(path), "row": 2, "stance": "pro"}
    assert second.text == "  Leading spaces and e\u0301 combining  "  # stored as the cell holds it
    assert second.metadata["row"] == 4  # the quoted line break made row 2 two lines long
    assert "stance" not in second.metadata  # empty cells are not kept


def test_cp1252_and_tsv_tables(tmp_path) -> None:
    path = tmp_path / "legacy.tsv"
    path.write_bytes("title\ttext\nR\xe9sum\xe9\tCaf\xe9 cr\xe8me \x96 na\xefve.\n".encode("latin-1"))
    [doc] = docs(read_table, path)
    assert (doc.title, doc.text, doc.encoding) == ("Résumé", "Café crème – naïve.", "cp1252")
    assert doc.metadata["source_format"] == "tsv"


def test_mapping_overrides_detection_and_checks_names(tmp_path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("story,title,paper,notes\nFirst words.,A title,The Paper,note 1\n", encoding="utf-8")
    [doc] = docs(read_table, path, text="notes", outlet="paper", title="-")
    assert (doc.text, doc.outlet, doc.title) == ("note 1", "The Paper", "note 1")
    assert doc.metadata["story"] == "First words." and doc.metadata["title"] == "A title"
    with pytest.raises(InputError, match="there is no column 'body' to map text to; the columns are: story, title"):
        docs(read_table, path, text="body")
    with pytest.raises(InputError, match="cannot map 'colour'"):
        docs(read_table, path, colour="paper")
    nameless = tmp_path / "nameless.csv"
    nameless.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match=r"no column holds the article text \(columns: a, b\); .* text=COLUMN"):
        docs(read_table, nameless)


def test_a_row_without_text_fails_the_file_naming_the_line(tmp_path) -> None:
    path = tmp_path / "gap.csv"
    path.write_text("title,text\nOne,Words.\nTwo,\nThree,More.\n")
    with pytest.raises(InputError, match=r"gap.csv:3: the text \('text'\) of this row is empty"):
        docs(read_table, path)
    bad = tmp_path / "quote.csv"
    bad.write_text('title,text\nOne,"unclosed\n')
    with pytest.raises(InputError, match=r"quote.csv:2: not valid CSV"):
        docs(read_table, bad)


def test_utf16_csv(tmp_path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes("text,outlet\nÜberschrift und Text,Die Zeit\n".encode("utf-16"))
    [doc] = docs(read_table, path)
    assert (doc.text, doc.outlet, doc.encoding) == ("Überschrift und Text", "Die Zeit", "utf-16-le-bom")


def test_babe_sample_through_a_column_mapping() -> None:
    path = shared_data("babe", "final_labels_SG2.sample40.csv")
    found = docs(read_table, path, text="text", outlet="outlet", url="news_link")
    assert len(found) == 40
    first = found[0]
    assert first.text.startswith('"Orange Is the New Black" star Yael Stone')  # BOM and quotes handled
    assert first.outlet == "Fox News" and first.source.startswith("https://www.foxnews.com/")
    assert first.metadata["label_bias"] == "Non-biased" and first.metadata["type"] == "right"
    assert {d.metadata["label_bias"] for d in found} <= {"Biased", "Non-biased", "No agreement"}
    assert all(not d.text.startswith("\ufeff") for d in found)


def test_json_lines_with_nested_objects_and_lists(tmp_path) -> None:
    path = tmp_path / "mediacloud.jsonl"
    records = [
        {
            "title": "A",
            "text": "First article.\n",
            "source": {"id": 1, "name": "BBC"},
            "authors": ["X", "Y"],
            "publish_date": "2024-01-02",
            "url": "https://bbc.example/a",
            "language": "en",
            "tags": ["tax"],
        },
        {"title": "B", "text": "Second \u2028 article with a line separator."},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    assert detect(path).name == "articles-json"
    first, second = docs(read_json_batch, path)
    assert (first.text, first.outlet, first.author, first.published) == (
        "First article.\n",
        "BBC",
        "X, Y",
        "2024-01-02",
    )
    assert (first.source, first.language) == ("https://bbc.example/a", "en")
    assert first.metadata["tags"] == ["tax"] and first.metadata["source.id"] == 1
    assert second.text == "Second \u2028 article with a line separator." and second.metadata["row"] == 2


def test_json_arrays_and_wrapped_lists(tmp_path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"status": "ok", "articles": [{"content": "One."}, {"content": "Two."}]}, indent=2))
    assert [d.text for d in docs(read_json_batch, path)] == ["One.", "Two."]
    path.write_text(json.dumps([{"body": "Only."}]))
    assert [d.text for d in docs(read_json_batch, path)] == ["Only."]
    path.write_text('[{"body": "Only."}, 3]')
    with pytest.raises(InputError, match=r"export.json:2: each article must be a JSON object, not int"):
        docs(read_json_batch, path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": oops}\n')
    with pytest.raises(InputError, match=r"bad.jsonl:2: not valid JSON"):
        docs(read_json_batch, bad)


def test_native_jsonl_is_not_taken_for_a_batch(tmp_path) -> None:
    from annotator.services.samples import samples_path

    assert detect(samples_path()).name == "jsonl"
    plain = tmp_path / "articles.jsonl"
    plain.write_text('{"text": "An article.", "format": "something else"}\n')
    assert detect(plain).name == "articles-json"
    renamed = tmp_path / "export.json"
    renamed.write_text(samples_path().read_text(encoding="utf-8").splitlines()[0], encoding="utf-8")
    with pytest.raises(InputError, match="this is the native format; import it with --format jsonl"):
        docs(read_json_batch, renamed)


def test_preview_shows_rows_columns_and_the_mapping(tmp_path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text("title;body;extra\n" + "".join(f"T{i};Body {i};x{i}\n" for i in range(30)))
    shown = preview(path)
    assert shown.columns == ["title", "body", "extra"] and len(shown.rows) == 20
    assert shown.rows[0] == ["T0", "Body 0", "x0"] and shown.delimiter == ";"
    assert shown.mapping == {"text": "body", "title": "title"} and shown.problem == ""
    bad = preview(path, ReadOptions(mapping={"text": "nope"}))
    assert "no column 'nope'" in bad.problem


def test_preview_of_a_large_file_reads_only_its_start(tmp_path, monkeypatch) -> None:
    from annotator.formats import table

    monkeypatch.setattr(table, "PREVIEW_BYTES", 1000)
    path = tmp_path / "large.csv"
    path.write_text("title,text\n" + "".join(f"T{i},Body number {i} é\n" for i in range(2000)), encoding="utf-8")
    assert path.stat().st_size > 4 * 1000
    shown = preview(path, limit=500)
    assert 30 < len(shown.rows) < 60  # only the first 1000 bytes, cut after a whole line
    assert shown.rows[-1][1].startswith("Body number") and shown.rows[-1][1].endswith(" é")
