"""Web pages: the article's text without the page's boilerplate, its metadata, and nothing fetched or run."""

import socket
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.formats.html import read_html
from annotator.formats.registry import ReadOptions, detect

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_b9b24f8ad2796175.txt"

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Minister resigns over tax plan | Daily Planet</title>
<meta name="author" content="Lois Lane">
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://dailyplanet.example/politics/minister-resigns">
<script src="https://tracker.example/t.js"></script>
<script>document.title = "SCRIPT RAN"; fetch("https://tracker.example/ping");</script>
<style>body { font-family: serif }</style>
</head><body>
<header><nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/newsfeed">Newsfeed</a>
<a href="/login">Log in</a></nav></header>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience.</p>
<button>Accept all cookies</button></div>
<main><article>
<h1>Minister resigns over tax plan</h1>
<p class="byline">By Lois Lane, 5 March 2024</p>
<figure><img src="https://images.example/minister.jpg" alt="The minister">
<figcaption>© AFP 2024 / Photo credit: Jane Photographer</figcaption></figure>
<p>The finance minister resigned on Tuesday after the cabinet rejected her plan to raise taxes on large
companies by 5%, ending a week of open disagreement inside the government.</p>
<p>"I cannot defend a budget I do not believe in," she told reporters outside parliament, adding that she
would stay on as an ordinary member and vote with the government on most other matters.</p>
<p>Opposition leaders called the resignation a sign of a government in disarray, while business groups
welcomed the decision and said the tax rise would have cost thousands of jobs across the country.</p>
<p>The prime minister is expected to name a successor before the budget is presented next month.</p>
</article></main>
<aside class="newsletter"><h3>Newsletter</h3><a href="/subscribe">Subscribe</a> to our daily briefing.</aside>
<section id="comments" class="comments"><h2>Comments</h2>
<div class="comment"><p>Reader123: Great article! This government is a disaster.</p></div>
<div class="comment"><p>To participate in the discussion log in or register</p></div></section>
<footer><p>© 2024 Daily Planet. All rights reserved.</p></footer>
</body></html>
"""


def read(path: Path, **options) -> object:
    [bundle] = list(read_html(path, ReadOptions(**options)))
    return bundle.document


def test_article_text_and_metadata_without_boilerplate(tmp_path) -> None:
    path = tmp_path / "minister.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = read(path)
    assert "The finance minister resigned on Tuesday" in doc.text
    assert "successor before the budget" in doc.text
    for boilerplate in (
        "Subscribe",
        "Accept all cookies",
        "We use cookies",
        "Newsfeed",
        "Log in",
        "Reader123",
        "log in or register",
        "All rights reserved",
        "SCRIPT RAN",
        "font-family",
    ):
        assert boilerplate not in doc.text, boilerplate
    assert (doc.title, doc.author, doc.published, doc.outlet) == (
        "Minister resigns over tax plan",
        "Lois Lane",
        "2024-03-05",
        "Daily Planet",
    )
    assert doc.source == "https://dailyplanet.example/politics/minister-resigns"
    assert doc.language == "en-GB"
    assert doc.metadata["source_format"] == "html" and doc.metadata["file"] == str(path)
    assert doc.sha256 and doc.newline in ("lf", "none")


def test_full_text_option_keeps_the_whole_page(tmp_path) -> None:
    path = tmp_path / "minister.htm"
    path.write_text(PAGE, encoding="utf-8")
    doc = read(path, full_text=True)
    assert "Subscribe" in doc.text and "Reader123" in doc.text and "Accept all cookies" in doc.text
    assert "The finance minister resigned" in doc.text
    assert "SCRIPT RAN" not in doc.text and "font-family" not in doc.text  # scripts and styles are not text
    assert doc.metadata["extraction"] == "full page"


def test_nothing_is_fetched_and_no_entity_is_expanded(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET CONTENT")
    page = PAGE.replace("<!DOCTYPE html>", f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>').replace(
        "<p>The prime minister", '<iframe src="https://evil.example/"></iframe><p>&xxe; The prime minister'
    )
    path = tmp_path / "hostile.html"
    path.write_text(page, encoding="utf-8")
    opened = []

    def no_network(*args, **kwargs):
        opened.append(args)
        raise AssertionError("the importer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for full in (False, True):
        doc = read(path, full_text=full)
        assert "TOP SECRET" not in doc.text and "The prime minister" in doc.text
    assert opened == []


def test_a_page_without_article_text_is_refused_with_a_hint(tmp_path) -> None:
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>Gallery</title></head><body><div><img src='a.jpg'></div>"
        "<script>var x = 1;</script></body></html>"
    )
    with pytest.raises(InputError, match="no article text found in this page; try the option"):
        read(path)


def test_declared_legacy_encoding_is_honoured(tmp_path) -> None:
    page = PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1252">').replace(
        "The finance minister", "Die Finanzministerin, Frau Müller, trat zurück. The finance minister"
    )
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("cp1252"))
    doc = read(path)
    assert "Frau Müller" in doc.text and doc.encoding == "cp1252"


def test_html_is_detected_by_extension(tmp_path) -> None:
    for name in ("a.html", "b.HTM", "c.xhtml"):
        (tmp_path / name).write_text(PAGE)
        assert detect(tmp_path / name).name == "html"


def test_the_seed_article_rendered_as_a_news_page_loses_its_boilerplate(tmp_path) -> None:
    """The project's seed is a scraped page; put back the page structure it was scraped from and extract."""
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent (../shared is only beside the project on the team's machines)")
    lines = SEED.read_text(encoding="utf-8").split("\n")
    esc = __import__("html").escape
    body = "".join(f"<p>{esc(line)}</p>\n" for line in lines[9:23] + lines[26:32] if line.strip())
    page = (
        f"<html lang='en'><head><title>{esc(lines[4])}</title>"
        "<meta property='og:site_name' content='Sputnik International'></head><body>"
        f"<header><nav>{''.join(f'<a href=/x>{esc(x)}</a>' for x in lines[0:3])}</nav></header>"
        f"<main><article><h1>{esc(lines[4])}</h1>"
        f"<figure><img src='/tokyo.jpg'><figcaption>{esc(lines[6])}<br>{esc(lines[7])}</figcaption></figure>"
        f"<div class='subscribe'><button>{esc(lines[8])}</button></div>{body}</article></main>"
        f"<aside class='related'><a href=/r>{esc(lines[23])}</a> {esc(lines[24])} {esc(lines[25])}</aside>"
        f"<footer><div class='newsfeed'>{esc(lines[32])} {esc(lines[33])}</div>"
        f"<div class='comments'>{esc(lines[34])} <a href='/login'>{esc(lines[35])}</a></div>"
        f"<div>{esc(lines[36])} {esc(lines[37])} {esc(lines[38])}</div></footer></body></html>"
    )
    path = tmp_path / "sputnik.html"
    path.write_text(page, encoding="utf-8")
    doc = read(path)
    assert "Ahead of the NATO summit in Lithuania" in doc.text
    assert "Jens Stoltenberg was the driving force" in doc.text
    for boilerplate in ("Subscribe", "Newsfeed", "log in or register", "© AFP 2023", "Заголовок", "Chats"):
        assert boilerplate not in doc.text, boilerplate
    assert doc.outlet == "Sputnik International" and doc.title.startswith("China Comes First")
