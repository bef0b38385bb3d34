"""Web pages: the article's main text and its metadata, extracted with trafilatura from the saved file.

Nothing in the page is ever fetched or run: the page is parsed from the string (lxml's HTML parser loads no
DTD, entity or resource), scripts are dropped, and no URL in it is opened. ReadOptions.full_text keeps the
whole visible text of the page instead of the extracted article, with the lines trafilatura left out of the
article marked as furniture (formats/scraped.py); in the extracted article, furniture trafilatura kept is
marked by the same detection as a scraped text's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats import scraped
from annotator.formats.decoding import decode_text, read_limited
from annotator.formats.limits import MAX_TEXT_BYTES
from annotator.formats.registry import DocumentBundle, ReadOptions, reader

_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.IGNORECASE)
_INVISIBLE = ("script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "canvas")
_BLOCKS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
)
_SPACES = re.compile(r"[^\S\n]+")


def page_language(html: str) -> str:
    match = _LANG.search(html[:8192])
    return match.group(1).replace("_", "-") if match else ""


def full_page_text(html: str) -> str:
    """Every visible line of the page, in order: for pages whose article extraction leaves too much out."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for element in list(root.iter(*_INVISIBLE)):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = (_SPACES.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def extract(html: str, full_text: bool = False) -> tuple[str, dict[str, Any]]:
    """(text, metadata) of a page: title, author, date, sitename, url, hostname, description, language."""
    result = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, include_images=False
    )
    found = result.as_dict() if result is not None and hasattr(result, "as_dict") else dict(result or {})
    text = full_page_text(html) if full_text else (found.get("text") or "")
    meta = {
        key: str(found[key]).strip()
        for key in ("title", "author", "date", "sitename", "url", "hostname", "description")
        if found.get(key)
    }
    if language := page_language(html):
        meta["language"] = language
    return text, meta


# our field -> trafilatura's metadata key: what the page states, which the text's guesses do not replace
_STATED = (("title", "title"), ("author", "author"), ("published", "date"), ("outlet", "sitename"))


def page_document(html: str, encoding: str, where: str, options: ReadOptions) -> Document:
    """The document of one page's HTML (where: the file or URL it came from, for messages and metadata)."""
    article, meta = extract(html)
    text = full_page_text(html) if options.full_text else article
    if not text.strip():
        hint = "" if options.full_text else "; try the option to keep the full page text"
        raise InputError(f"no article text found in this page{hint}", where)
    extra = {k: v for k, v in meta.items() if k in ("hostname", "description")}
    doc = Document(
        text=text,
        title=meta.get("title") or Path(where).stem,
        encoding=encoding,
        newline=newline_style(text),
        source=meta.get("url") or where,
        outlet=meta.get("sitename", ""),
        author=meta.get("author", ""),
        published=meta.get("date", ""),
        language=meta.get("language", ""),
        metadata={
            "source_format": "html",
            "file": where,
            "extraction": "full page" if options.full_text else "trafilatura",
            **extra,
        },
    )
    outside = scraped.outside_article(text, article) if options.full_text and article.strip() else None
    return scraped.apply(doc, options, known=tuple(ours for ours, key in _STATED if meta.get(key)), ranges=outside)


@reader("html", extensions=("html", "htm", "xhtml"), description="Web page (main text and metadata)")
def read_html(path: Path, options: ReadOptions) -> Iterator[DocumentBundle]:
    html, encoding = decode_text(read_limited(path, MAX_TEXT_BYTES, "page"), str(path))
    yield DocumentBundle(page_document(html, encoding, str(path), options))
