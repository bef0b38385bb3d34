"""BASIL (Fan et al., EMNLP 2019): article JSON + annotation JSON, phrase offsets relative to one sentence (import).

Layout: articles/<year>/<id>.json and annotations/<year>/<id>_ann.json (the corpus's own), or both files in one
folder. Reading takes the corpus folder, or one article file (its annotation file is looked up beside it or in
the corpus layout).

The document text is rebuilt as the title, a blank line, then the body paragraphs separated by blank lines, the
sentences of a paragraph joined by one space. A phrase annotation's "id" names its sentence ("p<N>" = the N-th
body sentence counting from 0 across paragraphs, or "title"); its start/end are code points inside that
sentence and are moved by the sentence's place in the rebuilt text; its "txt" must match (reported by file and
line otherwise).

Labels (BASIL's own names; map them onto the scheme with a label map, or add them with --label-map new):
* span "bias/lexical" or "bias/informational", with attributes polarity, aim, target, quote, speaker,
  indirect_target, indirect_sentiment (those given), and BASIL's notes as the note;
* document-level "relative_stance/<value>" (center, liberal, conservative, left, right);
  "author_feeling/<neg|neu|pos>" and "you_feeling/<value>" with attribute target (an entity, or "main event").
The article's notes, main event, entities, source outlet and triplet id are kept in the document metadata; the
triplet id is also the document's "story" (the three outlets' articles on one event), which the analysis pairs.
The annotator is "basil" unless --annotator says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import Document, Fragment
from annotator.formats._common import IdMaker, fragment, imported
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}
BIAS = {"lex": "lexical", "inf": "informational"}
_ATTRIBUTES = {
    "polarity": "polarity",
    "aim": "aim",
    "target": "target",
    "quote": "quote",
    "speaker": "speaker",
    "indirect-target-name": "indirect_target",
    "indirect-ally-opponent-sentiment": "indirect_sentiment",
}


def _sniff(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return (path / "articles").is_dir() and (path / "annotations").is_dir()
    return path.suffix.lower() == ".json" and (b'"body-paragraphs"' in head or b'"phrase-level-annotations"' in head)


@reader("basil", extensions=("json",), description="BASIL article + annotation JSON", sniff=_sniff, folder=True)
def read_basil(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    if path.is_dir():
        articles = sorted(p for p in path.rglob("*.json") if not p.name.endswith("_ann.json"))
        if not articles:
            raise InputError("no BASIL article files in this folder", str(path))
    elif path.name.endswith("_ann.json"):
        return  # read with its article
    else:
        articles = [path]
    for article in articles:
        yield read_article(article, _annotation_file(article), options)


def _annotation_file(article: Path) -> Path | None:
    name = f"{article.stem}_ann.json"
    candidates = [article.with_name(name)]
    if article.parent.parent.name == "articles":
        candidates.append(article.parents[2] / "annotations" / article.parent.name / name)
    return next((c for c in candidates if c.exists()), None)


def _load(path: Path) -> tuple[Any, str]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
        return json.loads(raw), raw
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", str(path), exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", str(path)) from None


def rebuild_text(article: dict[str, Any]) -> tuple[str, dict[str, int], dict[str, str]]:
    """(text, start of each unit, text of each unit); units are "title" and "p0", "p1", ... (body sentences)."""
    title = str(article.get("title", ""))
    parts, starts, units = [title], {"title": 0}, {"title": title}
    at, n = len(title), 0
    for paragraph in article.get("body-paragraphs") or []:
        at += 2
        parts.append("\n\n")
        for k, sentence in enumerate(paragraph):
            if k:
                parts.append(" ")
                at += 1
            starts[f"p{n}"], units[f"p{n}"] = at, sentence
            parts.append(sentence)
            at += len(sentence)
            n += 1
    return "".join(parts), starts, units


def read_article(article_path: Path, ann_path: Path | None, options: ReadOptions) -> DocumentBundle:
    article, _ = _load(article_path)
    if not isinstance(article, dict) or not isinstance(article.get("body-paragraphs"), list):
        raise InputError("not a BASIL article (no 'body-paragraphs')", str(article_path))
    text, starts, units = rebuild_text(article)
    source = str(article.get("source", "")).lower()
    keep = ("uuid", "triplet-uuid", "main-event", "main-entities", "keywords", "word-count", "source")
    doc = Document(
        text=text,
        title=str(article.get("title", "")),
        newline="lf",
        source=str(article.get("url") or article_path),
        outlet=OUTLETS.get(source, source),
        published=str(article.get("date", "")),
        metadata={
            "basil": {k: article[k] for k in keep if k in article},
            **({"story": str(article["triplet-uuid"])} if article.get("triplet-uuid") else {}),
        },
    )
    if ann_path is None:
        options.extra.setdefault("notes", []).append(f"{article_path}: no annotation file found; text only")
        return DocumentBundle(doc)
    data, raw = _load(ann_path)
    annotator = options.annotator or "basil"
    ids = IdMaker(doc, "basil")
    annotations = []
    for item in data.get("phrase-level-annotations") or []:
        line = _line_of(raw, item)
        unit = str(item.get("id", ""))
        if unit not in starts:
            raise InputError(f"annotation on unknown sentence '{unit}'", str(ann_path), line)
        try:
            start, end = int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            raise InputError("a phrase annotation needs whole-number start and end", str(ann_path), line) from None
        sentence = units[unit]
        fragment(sentence, start, end, item.get("txt"), str(ann_path), line)  # checks inside the sentence
        frag = Fragment(starts[unit] + start, starts[unit] + end)
        attributes = {ours: str(item[theirs]) for theirs, ours in _ATTRIBUTES.items() if item.get(theirs)}
        name = f"bias/{BIAS.get(str(item.get('bias')), str(item.get('bias') or 'unspecified'))}"
        annotations.append(
            imported(doc, ids, annotator, name, [frag], attributes=attributes, note=str(item.get("notes") or ""))
        )
    annotations += _article_level(doc, ids, annotator, data.get("article-level-annotations") or {})
    notes = (data.get("article-level-annotations") or {}).get("notes")
    if notes:
        doc.metadata["basil"]["notes"] = notes
    return DocumentBundle(doc, annotations)


def _article_level(doc: Document, ids: IdMaker, annotator: str, fields: dict[str, Any]) -> list:
    out = []
    for key, value in sorted(fields.items()):
        if not value or key == "notes":
            continue
        if key == "relative_stance":
            out.append(imported(doc, ids, annotator, f"relative_stance/{value}", []))
            continue
        for prefix in ("author_feeling_", "you_feeling_"):
            if key.startswith(prefix):
                target = key[len(prefix) :].replace("_", " ")
                label = prefix.rstrip("_")
                out.append(imported(doc, ids, annotator, f"{label}/{value}", [], attributes={"target": target}))
    return out


def _line_of(raw: str, item: dict[str, Any]) -> int | None:
    """The line of a phrase annotation in its file, found by its quoted text (for messages only)."""
    needle = json.dumps(item.get("txt", ""), ensure_ascii=False)[1:-1]
    at = raw.find(needle) if needle else -1
    return raw.count("\n", 0, at) + 1 if at >= 0 else None
