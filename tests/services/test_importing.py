import json
from pathlib import Path

from annotator.formats.jsonl import read_jsonl
from annotator.formats.registry import ReadOptions
from annotator.services import documents, importing
from annotator.services.samples import samples_path


def test_text_files_keep_bom_and_line_endings_verbatim(project, tmp_path) -> None:
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    utf8 = tmp_path / "bom.txt"
    utf8.write_bytes("\ufeffTitle line\r\nBody with é and 😀.\r\n".encode())
    cp1252 = tmp_path / "legacy.txt"
    cp1252.write_bytes("Caf\xe9 cr\xe8me \x96 na\xefve r\xe9sum\xe9, d\xe9j\xe0 vu.\n".encode("latin-1"))
    utf16 = tmp_path / "wide.txt"
    utf16.write_bytes("Überschrift\nText mit Umlauten: äöü.\n".encode("utf-16"))
    report = importing.import_paths(project, [tmp_path], "alice")
    assert report.failed == [] and len(report.imported) == 3
    docs = {d.title: documents.get_document(project, d.uuid) for d in documents.list_documents(project)}
    assert docs["Title line"].text == "\ufeffTitle line\r\nBody with é and 😀.\r\n"
    assert (docs["Title line"].encoding, docs["Title line"].newline) == ("utf-8-bom", "crlf")
    assert docs["Café crème – naïve résumé, déjà vu."].text.startswith("Café crème – naïve")
    assert docs["Überschrift"].text == "\ufeffÜberschrift\nText mit Umlauten: äöü.\n"


def test_bad_files_are_reported_and_the_rest_go_on(project, tmp_path) -> None:
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "good.txt").write_text("A fine article.")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0JFIF")
    report = importing.import_paths(project, [tmp_path, tmp_path / "missing.txt"], "alice")
    reasons = dict(report.failed)
    assert len(report.imported) == 1
    assert "empty" in reasons[str(tmp_path / "empty.txt")]
    assert "binary" in reasons[str(tmp_path / "binary.txt")]
    assert "no importer" in reasons[str(tmp_path / "photo.jpg")]
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]
    assert report.summary() == "1 imported, 0 duplicates skipped, 4 failed"


def test_a_file_failing_halfway_imports_nothing(project, tmp_path) -> None:
    lines = samples_path().read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[1])
    broken["annotations"][0]["fragments"][0]["text"] = "not what the text says"
    path = tmp_path / "half.jsonl"
    path.write_text("\n".join([lines[0], json.dumps(broken)]) + "\n", encoding="utf-8")
    report = importing.import_paths(project, [path], "alice", "jsonl")
    [(source, reason)] = report.failed
    assert reason.startswith(f"{path}:2: span") and "not what the text says" in reason
    assert report.imported == [] and documents.list_documents(project) == []


def test_reimporting_annotated_work_adds_nothing_new(sample_project) -> None:
    report = importing.import_paths(sample_project, [samples_path()], "alice")
    assert report.annotations == 0 and len(report.duplicates) == 5


def test_colleagues_work_on_known_texts_joins_those_documents(sample_project, tmp_path) -> None:
    bundles = list(read_jsonl(samples_path(), ReadOptions(annotator="carol")))
    from annotator.formats.jsonl import bundle_to_json

    path = tmp_path / "carol.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for bundle in bundles:
            data = bundle_to_json(bundle)
            data["id"] = "other-" + data["id"]
            for i, ann in enumerate(data["annotations"]):
                ann["id"] = f"carol-{data['id']}-{i}"
            data["relations"] = []
            f.write(json.dumps(data) + "\n")
    report = importing.import_paths(sample_project, [path], "alice")
    assert report.failed == [] and len(report.duplicates) == 5 and report.annotations == 71
    assert sum(r.annotation_count for r in documents.list_documents(sample_project, "carol")) == 71
    assert len(documents.list_documents(sample_project)) == 5


def test_a_relation_id_already_in_the_project_does_not_fail_the_file(project, tmp_path) -> None:
    from annotator.core.model import Annotation, Document, Fragment, Relation
    from annotator.formats.jsonl import bundle_to_json
    from annotator.formats.registry import DocumentBundle

    def write(name: str, text: str, suffix: str) -> Path:
        doc = Document(text)
        a = Annotation(doc.uuid, "carol", "attribution", (Fragment(0, 3),), "source", uuid=f"a-{suffix}")
        b = Annotation(doc.uuid, "carol", "attribution", (Fragment(4, 8),), "content", uuid=f"b-{suffix}")
        rel = Relation("attributed_to", b.uuid, a.uuid, "carol", uuid="11111111-1111-1111-1111-111111111111")
        path = tmp_path / name
        path.write_text(json.dumps(bundle_to_json(DocumentBundle(doc, [a, b], [rel]))) + "\n", encoding="utf-8")
        return path

    first = importing.import_paths(project, [write("one.jsonl", "Bob said yes.", "1")], "alice")
    second = importing.import_paths(project, [write("two.jsonl", "Ann said no.", "2")], "alice")
    assert first.failed == [] and second.failed == [] and second.annotations == 2
    assert any("repeating an id already seen" in note for note in second.notes)
