"""A link becomes a document: web pages fetched (services/web_fetch.py) and imported like a saved page.

An HTML page goes through the HTML reader (trafilatura: title, author, date, site name; the article with its
furniture marked), a text/plain one through the scraped-text detection. The document's source is the address
the page was finally fetched from; metadata keeps the address asked for, the redirects and the fetch time.
A PDF, an image or anything else that is not a page is refused with the reason; so are other schemes.

A batch (several URLs, or a file of them, one per line) imports each page in its own transaction and goes on
after a failure; the ImportReport names each failed address (and its line in the file) and why.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import Document
from annotator.core.text import newline_style
from annotator.formats import scraped
from annotator.formats.decoding import decode_text, strip_bom
from annotator.formats.html import page_document
from annotator.formats.plaintext import title_from
from annotator.formats.registry import DocumentBundle, ReadOptions
from annotator.services import collections, documents
from annotator.services.documents import AddOutcome
from annotator.services.importing import ImportReport
from annotator.services.project import Project
from annotator.services.web_fetch import Fetched, FetchError, FetchLimits, fetch, looks_like_url

ProgressFn = Callable[[int, str], bool]  # (done, what is being fetched) -> False to cancel, as import_paths'

HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SIGNATURES = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"RIFF", "an image or media file"),
    (b"PK\x03\x04", "a zip archive or office file"),
)


def page_bundle(fetched: Fetched, options: ReadOptions | None = None) -> DocumentBundle:
    """The document of a fetched page (no database): refused unless it is an HTML page or plain text."""
    options = options or ReadOptions()
    where = fetched.final_url
    what = _refused_kind(fetched)
    if what:
        raise FetchError(f"{what}, not a web page", where)
    text, encoding = _decode(fetched)
    if fetched.media_type == "text/plain":
        doc = Document(
            text=text,
            title=title_from(text, where),
            encoding=encoding,
            newline=newline_style(text),
            metadata={"source_format": "text"},
        )
        doc = scraped.apply(doc, options)
    else:
        doc = page_document(text, encoding, where, options)
    metadata = {k: v for k, v in doc.metadata.items() if k != "file"}
    if doc.source and doc.source != where:
        metadata["canonical_url"] = doc.source  # the address the page gives for itself
    metadata.update(url=where, fetched=fetched.fetched_at)
    if fetched.redirects:
        metadata.update(requested_url=fetched.url, redirects=list(fetched.redirects))
    title = doc.title if doc.title and doc.title != Path(where).stem else _title_from_url(where)
    return DocumentBundle(replace(doc, source=where, title=title or where, metadata=metadata))


def pasted_document(html: str = "", text: str = "", options: ReadOptions | None = None, url: str = "") -> Document:
    """The document of pasted content (no database): its HTML flavour when there is one, whole, with what
    trafilatura leaves out of the article marked; else its plain text as a scraped text. url: the page it was
    copied from, when the clipboard says."""
    options = options or ReadOptions()
    doc: Document | None = None
    if html.strip():
        try:
            doc = page_document(html, "utf-8", "clipboard", replace(options, full_text=True))
        except InputError:
            doc = None  # HTML without visible text (an image copied with its markup): try the plain flavour
    if doc is None:
        if not text.strip():
            raise InputError("the clipboard holds no text to make a document from")
        base = Document(text=text, title=title_from(text, "Pasted article"), newline=newline_style(text))
        doc = scraped.apply(base, options)
    metadata = {k: v for k, v in doc.metadata.items() if k != "file"}
    metadata.update(source_format="clipboard html" if doc.metadata.get("file") else "clipboard text")
    metadata["pasted"] = datetime.now(UTC).isoformat(timespec="seconds")
    title = doc.title if doc.title != "clipboard" else title_from(doc.text, "Pasted article")
    return replace(doc, source=url or doc.source or "clipboard", title=title, metadata=metadata)


def _refused_kind(fetched: Fetched) -> str:
    head = fetched.body[:16].lstrip()
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return what
    media = fetched.media_type
    if media in HTML_TYPES or media == "text/plain":
        return ""
    if media == "application/pdf":
        return "a PDF"
    if media.startswith(("image/", "audio/", "video/")):
        return f"{'an' if media[0] in 'aeiou' else 'a'} {media.split('/')[0]} ({media})"
    if media in ("", "application/octet-stream") and re.search(
        rb"<(?:!doctype\s+html|html|body|p)\b", fetched.body[:4096], re.I
    ):
        return ""  # no type given, but it is a page
    return f"not HTML (the server says {media or 'nothing about its type'})"


def _decode(fetched: Fetched) -> tuple[str, str]:
    """Text of the answer: in the charset the server declares, else the one the page declares, when Python
    knows it and the bytes fit it; otherwise detected (formats/decoding: BOM, UTF-8, then charset-normalizer)."""
    declared = [fetched.charset]
    if fetched.media_type != "text/plain":
        match = _META_CHARSET.search(fetched.body[:4096])
        declared.append(match.group(1).decode("ascii") if match else "")
    has_bom = fetched.body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    for name in filter(None, declared):
        try:
            codec = codecs.lookup(name).name
            if not has_bom:
                return fetched.body.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            continue  # an unknown name or a wrong one: try the next, then detect
    try:
        return decode_text(fetched.body, fetched.final_url)
    except InputError as exc:
        raise FetchError(exc.reason, fetched.final_url) from None


def _title_from_url(url: str) -> str:
    last = [part for part in url.split("?")[0].split("/") if part][-1:]
    return re.sub(r"\.[a-z]{2,5}$", "", last[0]).replace("-", " ").replace("_", " ") if last else url


# -- batches ------------------------------------------------------------------------------------------


def read_url_list(path: Path) -> list[tuple[int, str]]:
    """(line number, URL) of each line of a file of URLs; blank lines and lines starting with # are skipped."""
    try:
        text, _ = decode_text(path.read_bytes(), str(path))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    found = []
    for number, line in enumerate(strip_bom(text).splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            found.append((number, line))
    if not found:
        raise InputError("holds no addresses (one URL per line)", str(path))
    return found


def import_urls(
    project: Project,
    urls: Iterable[str | tuple[str, str]],
    actor: str,
    options: ReadOptions | None = None,
    progress: ProgressFn | None = None,
    collection: str | None = None,
    limits: FetchLimits | None = None,
) -> ImportReport:
    """Fetch and import each URL (or (where, URL): where names it in the report, e.g. "urls.txt:3").

    progress(done, url) is called before each page; returning False cancels before that page."""
    report = ImportReport()
    for done, item in enumerate(urls):
        where, url = item if isinstance(item, tuple) else (item, item)
        if progress is not None and progress(done, url) is False:
            report.cancelled = True
            break
        try:
            bundle = page_bundle(fetch(url, limits), options)
            _store(project, bundle, actor, collection, where, report)
        except FetchError as exc:
            moved = f" (moved to {exc.path})" if exc.path and exc.path != url else ""
            prefix = f"{where}: " if where != url else ""
            report.failed.append((where, f"{prefix}{url}{moved}: {exc.reason}"))
        except AnnotatorError as exc:  # e.g. a page with no article text, or the database refusing the write
            report.failed.append((where, f"{where}: {exc}" if where not in str(exc) else str(exc)))
    return report


def import_url_file(project: Project, path: Path, actor: str, **kwargs: object) -> ImportReport:
    """Import every URL of a file, one per line; failures are reported with their line number."""
    entries = [(f"{path}:{number}", url) for number, url in read_url_list(path)]
    return import_urls(project, entries, actor, **kwargs)  # type: ignore[arg-type]


def import_addresses(
    project: Project, urls: list[str], url_files: list[Path], actor: str, **kwargs: object
) -> ImportReport:
    """URLs given one by one and files listing more (one per line), in one batch; an unreadable list file is
    reported as failed and the rest goes on."""
    entries: list[str | tuple[str, str]] = list(urls)
    report = ImportReport()
    for path in url_files:
        try:
            entries += [(f"{path}:{number}", url) for number, url in read_url_list(path)]
        except InputError as exc:
            report.failed.append((str(path), str(exc)))
    report.merge(import_urls(project, entries, actor, **kwargs))  # type: ignore[arg-type]
    return report


def count_addresses(urls: list[str], url_files: list[Path]) -> int:
    """How many pages import_addresses will fetch, for a progress bar (unreadable lists count none)."""
    total = len(urls)
    for path in url_files:
        try:
            total += len(read_url_list(path))
        except InputError:
            pass
    return total


def split_addresses(items: Iterable[str]) -> tuple[list[str], list[str]]:
    """(URLs, file paths) among command-line arguments."""
    urls, paths = [], []
    for item in items:
        (urls if looks_like_url(item) else paths).append(item)
    return urls, paths


# -- the one place this module touches project data (re-point after the storage redesign) -------------------


def store_document(project: Project, doc: Document, actor: str, collection: str | None = None) -> AddOutcome:
    """Store one fetched or pasted document through the documents service, in its own transaction (a text
    already in the project is not stored again: the outcome names the document it repeats)."""
    outcome = documents.add_document(project, doc, actor)
    if collection:
        kept = outcome.duplicate_of.uuid if outcome.duplicate_of is not None else doc.uuid
        collections.add_documents(project, collection, [kept], actor)
    return outcome


def _store(
    project: Project, bundle: DocumentBundle, actor: str, collection: str | None, where: str, report: ImportReport
) -> None:
    outcome = store_document(project, bundle.document, actor, collection)
    if outcome.duplicate_of is not None:
        report.duplicates.append((where, outcome.duplicate_of.uuid))
        report.titles[outcome.duplicate_of.uuid] = outcome.duplicate_of.title
    else:
        report.imported.append((where, bundle.document.uuid))
