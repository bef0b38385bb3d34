"""PTC / SemEval-2020 Task 11 span files: a folder of article<ID>.txt with label files beside them (or in
sibling folders, as the corpus ships them).

* article<ID>.task2-TC.labels (also any *.labels file with four columns): `ID<TAB>technique<TAB>start<TAB>end`
* article<ID>.task1-SI.labels (three columns): `ID<TAB>start<TAB>end`, the propaganda spans without technique

Offsets are 0-based, end-exclusive code points of the .txt decoded as UTF-8 with a byte-order mark kept as
character 0 (as the organisers count). Each technique span becomes an annotation labelled with the technique
(map it onto the scheme with a label map, or add the techniques with --label-map new); the annotator is
"ptc" unless --annotator says otherwise.

Round trip: the article ID, the order of the technique lines and the SI spans are kept in the document's
metadata ("ptc"), so writing the same annotations back reproduces both label files byte for byte. The SI file
is the corpus's own list while the technique spans are unchanged; after edits it is derived from them (spans
that overlap or touch merged), since SI spans are the union of the technique spans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats._common import IdMaker, fragment, imported, join_label, read_text, write_text
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions, WriteOptions, reader, writer

_ARTICLE = re.compile(r"^article(?P<id>[^.]+)\.txt$")
TC_SUFFIX, SI_SUFFIX = ".task2-TC.labels", ".task1-SI.labels"


def _sniff(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return any(path.rglob("article*.labels")) and any(path.rglob("article*.txt"))
    return path.suffix.lower() == ".labels"


def _article_files(folder: Path) -> tuple[dict[str, Path], dict[str, list[Path]]]:
    articles: dict[str, Path] = {}
    labels: dict[str, list[Path]] = {}
    for path in sorted(folder.rglob("article*")):
        if any(part.startswith(".") for part in path.relative_to(folder).parts) or not path.is_file():
            continue
        match = _ARTICLE.match(path.name)
        if match:
            articles[match["id"]] = path
        elif path.name.endswith(".labels"):
            labels.setdefault(path.name[len("article") :].split(".", 1)[0], []).append(path)
    return articles, labels


@reader("ptc", extensions=("labels",), description="PTC / SemEval-2020 Task 11 span files", sniff=_sniff, folder=True)
def read_ptc(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    if path.is_dir():
        articles, labels = _article_files(path)
        if not articles:
            raise InputError("no article<ID>.txt files in this folder", str(path))
    else:
        match = re.match(r"^article([^.]+)\.", path.name)
        if not match:
            raise InputError("PTC files are named article<ID>.txt / article<ID>.<task>.labels", str(path))
        articles, labels = _article_files(path.parent)
        articles = {match[1]: articles[match[1]]} if match[1] in articles else {}
        if not articles:
            raise InputError(f"article{match[1]}.txt is not beside this file", str(path))
    for article_id, txt in articles.items():
        yield _article(article_id, txt, labels.get(article_id, []), options)


def _article(article_id: str, txt: Path, label_files: list[Path], options: ReadOptions) -> DocumentBundle:
    text, encoding = read_text(txt)
    technique_lines: list[list[Any]] = []
    si_spans: list[list[int]] = []
    annotator = options.annotator or "ptc"
    fragments_of = []
    for label_file in label_files:
        for number, fields in _rows(label_file):
            if fields[0] != article_id:
                raise InputError(
                    f"line for article {fields[0]} in the file of article {article_id}", str(label_file), number
                )
            if len(fields) == 4:
                _, technique, start, end = fields
                frag = fragment(
                    text, _int(start, label_file, number), _int(end, label_file, number), None, str(label_file), number
                )
                technique_lines.append([technique, frag.start, frag.end])
                fragments_of.append((technique, frag))
            elif len(fields) == 3:
                si_spans.append([_int(fields[1], label_file, number), _int(fields[2], label_file, number)])
                fragment(text, si_spans[-1][0], si_spans[-1][1], None, str(label_file), number)
            else:
                raise InputError("a PTC line has 3 (SI) or 4 (TC) tab-separated fields", str(label_file), number)
    doc = Document(
        text=text,
        title=title_from(text, f"article{article_id}"),
        encoding=encoding,
        newline=newline_style(text),
        source=str(txt),
        metadata={
            "ptc": {
                "article_id": article_id,
                "techniques": technique_lines,
                "si": si_spans,
                "files": sorted({_kind(p) for p in label_files}),
            }
        },
    )
    ids = IdMaker(doc, "ptc")
    annotations = [imported(doc, ids, annotator, technique, [frag]) for technique, frag in fragments_of]
    return DocumentBundle(doc, annotations)


def _kind(path: Path) -> str:
    return "si" if path.name.endswith(SI_SUFFIX) else "tc" if path.name.endswith(TC_SUFFIX) else path.name


def _int(value: str, path: Path, line: int) -> int:
    try:
        return int(value)
    except ValueError:
        raise InputError(f"offset '{value}' is not a whole number", str(path), line) from None


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", str(path)) from None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, line.rstrip("\r").split("\t")


# -- writing ---------------------------------------------------------------------------------------------


@writer("ptc", extensions=("labels",), description="PTC / SemEval-2020 Task 11 span files", folder=True)
def write_ptc(bundles: Iterable[DocumentBundle], path: Path, options: WriteOptions) -> int:
    path.mkdir(parents=True, exist_ok=True)
    count = 0
    for bundle in bundles:
        doc = bundle.document
        meta = doc.metadata.get("ptc") or {}
        article_id = str(meta.get("article_id") or int(doc.uuid.replace("-", "")[:12], 16))
        spans = [(join_label(a.label, a.subtype), f.start, f.end) for a in bundle.annotations for f in a.fragments]
        ordered = _in_original_order(spans, meta.get("techniques") or [])
        write_text(path / f"article{article_id}.txt", doc.text, doc.encoding)
        tc = "".join(f"{article_id}\t{label}\t{start}\t{end}\n" for label, start, end in ordered)
        (path / f"article{article_id}{TC_SUFFIX}").write_text(tc, encoding="utf-8", newline="\n")
        kept_si = meta.get("si")
        if kept_si is not None and sorted(map(tuple, meta.get("techniques") or [])) == sorted(spans):
            si = [tuple(s) for s in kept_si]
        else:
            si = merged_spans([(start, end) for _, start, end in spans])
        lines = "".join(f"{article_id}\t{start}\t{end}\n" for start, end in si)
        (path / f"article{article_id}{SI_SUFFIX}").write_text(lines, encoding="utf-8", newline="\n")
        count += 1
    return count


def _in_original_order(spans: list[tuple[str, int, int]], original: list[list[Any]]) -> list[tuple[str, int, int]]:
    """spans in the order the corpus listed them; spans it did not list follow, by position."""
    pending = sorted(spans, key=lambda s: (s[1], s[2], s[0]))
    ordered = []
    for technique, start, end in original:
        key = (technique, start, end)
        if key in pending:
            pending.remove(key)
            ordered.append(key)
    return ordered + pending


def merged_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted(set(spans)):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]
