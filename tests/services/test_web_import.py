"""A link becomes a document: pages served from 127.0.0.1, every bad answer refused with its reason."""

from __future__ import annotations

import pytest

from annotator.formats.registry import ReadOptions
from annotator.services import documents, web_import
from annotator.services.web_fetch import FetchError, FetchLimits, fetch, looks_like_url
from tests import page_server

QUICK = FetchLimits(timeout=0.5, deadline=5, max_bytes=2**20, max_redirects=3)


@pytest.fixture
def site(monkeypatch):
    page_server.loopback_only(monkeypatch)
    with page_server.serve() as base:
        yield base


def titles(project) -> list[str]:
    return sorted(r.title for r in documents.list_documents(project))


def test_a_page_imports_with_its_metadata_and_address(project, site) -> None:
    report = web_import.import_urls(project, [f"{site}/article.html"], "alice")
    assert not report.failed and len(report.imported) == 1
    [(where, uuid)] = report.imported
    doc = documents.get_document(project, uuid)
    assert where == f"{site}/article.html" and doc.source == f"{site}/article.html"
    assert (doc.title, doc.author, doc.outlet, doc.published) == (
        "Minister resigns over tax plan",
        "Lois Lane",
        "Daily Planet",
        "2024-03-05",
    )
    assert "The finance minister resigned on Tuesday" in doc.text and "All rights reserved" not in doc.text
    assert doc.metadata["url"] == f"{site}/article.html" and doc.metadata["fetched"].startswith("20")
    assert doc.boilerplate == () and "file" not in doc.metadata and "redirects" not in doc.metadata


def test_redirects_are_followed_and_recorded(project, site) -> None:
    report = web_import.import_urls(project, [f"{site}/moved-twice"], "alice")
    [(_, uuid)] = report.imported
    doc = documents.get_document(project, uuid)
    assert doc.source == f"{site}/article.html"
    assert doc.metadata["requested_url"] == f"{site}/moved-twice"
    assert doc.metadata["redirects"] == [f"{site}/moved", f"{site}/article.html"]


def test_a_plain_text_page_is_read_as_scraped_text(project, site) -> None:
    report = web_import.import_urls(project, [f"{site}/scraped.txt"], "alice")
    doc = documents.get_document(project, report.imported[0][1])
    assert doc.text == page_server.SCRAPED
    assert (doc.title, doc.published) == ("Ministers Clash Over Spending Plans Before Budget Vote", "2024-03-05")
    marked = [doc.text[s:e] for s, e in doc.boilerplate]
    assert marked == [
        "Home\nPolitics\nMenu",
        "Published 05.03.2024\nShare",
        "To participate in the discussion\nlog in or register",
    ]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/broken", "HTTP 500 Internal Server Error"),
        ("/slow", "timed out after 0.5 s"),
        ("/loop-a", "redirect loop"),
        ("/to-ftp", "the redirect target is ftp:; only http and https pages can be imported"),
        ("/paper.pdf", "a PDF, not a web page"),
        ("/pdf-as-html", "a PDF, not a web page"),
        ("/photo", "an image, not a web page"),
        ("/photo-untyped", "an image, not a web page"),
        ("/data.json", "not HTML (the server says application/json), not a web page"),
        ("/big", "over the 1 MB limit"),
        ("/big-unannounced", "over the 1 MB limit"),
        ("/gallery", "no article text found in this page"),
    ],
)
def test_each_bad_answer_is_refused_with_its_reason_and_nothing_is_stored(project, site, path, reason) -> None:
    url = f"{site}{path}"
    report = web_import.import_urls(project, [url], "alice", limits=QUICK)
    assert not report.imported and len(report.failed) == 1
    [(where, message)] = report.failed
    assert where == url and url in message and reason in message, message
    assert documents.list_documents(project) == []


def test_other_schemes_and_unreachable_hosts_are_refused(project, site) -> None:
    port = page_server.closed_port()
    cases = {
        "file:///etc/passwd": "the address is file:; only http and https pages can be imported",
        "ftp://127.0.0.1/article.html": "the address is ftp:; only http and https",
        "javascript:alert(1)": "the address is javascript:",
        f"http://127.0.0.1:{port}/article.html": "cannot reach the host",
        "http:///no-host": "the address names no host",
    }
    report = web_import.import_urls(project, list(cases), "alice", limits=QUICK)
    assert [where for where, _ in report.failed] == list(cases)
    for (where, message), reason in zip(report.failed, cases.values(), strict=True):
        assert message.startswith(where) and reason in message, message
    assert documents.list_documents(project) == []


def test_an_unknown_charset_falls_back_to_the_page_declaration_then_to_detection(project, site) -> None:
    report = web_import.import_urls(project, [f"{site}/legacy", f"{site}/undeclared"], "alice")
    assert not report.failed
    [(_, declared)] = report.imported
    doc = documents.get_document(project, declared)
    assert "Frau Müller" in doc.text and "Über die Nachfolge" in doc.text and doc.encoding == "cp1252"
    # read without any declaration, the page gives the same text: a duplicate of the first
    assert report.duplicates == [(f"{site}/undeclared", declared)]


def test_a_file_of_urls_goes_on_after_failures_and_names_each_line(project, site, tmp_path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(
        f"# reading list\n{site}/article.html\n\n{site}/missing\n{site}/scraped.txt\nftp://x/y\n{site}/article-again.html\n",
        encoding="utf-8",
    )
    seen = []
    report = web_import.import_url_file(
        project, listing, "alice", progress=lambda done, url: seen.append((done, url)) or True, collection="web"
    )
    assert [where for where, _ in report.imported] == [f"{listing}:2", f"{listing}:5"]
    assert [where for where, _ in report.duplicates] == [f"{listing}:7"]
    assert [m for _, m in report.failed] == [
        f"{listing}:4: {site}/missing: HTTP 404 Not Found",
        f"{listing}:6: ftp://x/y: the address is ftp:; only http and https pages can be imported",
    ]
    assert [done for done, _ in seen] == [0, 1, 2, 3, 4] and seen[1][1] == f"{site}/missing"
    from annotator.services import collections

    assert sorted(collections.document_uuids(project, "web")) == sorted(u for _, u in report.imported)
    assert len(titles(project)) == 2


def test_cancel_stops_before_the_next_page(project, site) -> None:
    urls = [f"{site}/article.html", f"{site}/scraped.txt"]
    report = web_import.import_urls(project, urls, "alice", progress=lambda done, _url: done < 1)
    assert report.cancelled and len(report.imported) == 1 and titles(project) == ["Minister resigns over tax plan"]


def test_batch_values_and_keep_boilerplate_pass_through(project, site) -> None:
    options = ReadOptions(extra={"keep_boilerplate": True, "outlet": "The Planet", "published": "2024-03-09"})
    report = web_import.import_urls(project, [f"{site}/scraped.txt"], "alice", options)
    doc = documents.get_document(project, report.imported[0][1])
    assert (doc.outlet, doc.published) == ("The Planet", "2024-03-09") and "boilerplate" not in doc.metadata


def test_an_empty_url_list_is_refused(tmp_path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text("# nothing yet\n\n", encoding="utf-8")
    with pytest.raises(web_import.InputError, match="holds no addresses"):
        web_import.read_url_list(listing)


def test_fetch_alone_and_what_counts_as_an_address(site) -> None:
    got = fetch(f"{site}/moved", QUICK)
    assert (got.status, got.final_url, got.redirects, got.media_type, got.charset) == (
        200,
        f"{site}/article.html",
        (f"{site}/article.html",),
        "text/html",
        "utf-8",
    )
    with pytest.raises(FetchError, match="more than 1 redirects"):
        fetch(f"{site}/moved-twice", FetchLimits(max_redirects=1))
    for text in ("https://example.org/a", "ftp://x/y", "file:/etc/passwd", "HTTP://X"):
        assert looks_like_url(text)
    for text in ("articles/a.txt", "C:\\news\\a.html", "/tmp/a.html", "notes:1.txt"):
        assert not looks_like_url(text)
    assert web_import.split_addresses(["a.txt", "https://x/y"]) == (["https://x/y"], ["a.txt"])
