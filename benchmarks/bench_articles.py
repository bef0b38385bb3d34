"""Scraped-article figures: import with furniture detection against the same import without it, and how much
the detector marks on clean articles (false positives) and on pages of known article text and furniture (recall).

The furniture lines below are written for this benchmark after the kinds seen on news sites (navigation,
calls to subscribe, cookie notices, image credits, share buttons, teasers, comment prompts, footers); the
article texts come from the public corpora in ../shared/data (BASIL and PTC) and the project's seed.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

from annotator.formats import scraped
from annotator.formats.registry import ReadOptions
from annotator.formats.scraped import boilerplate_ranges
from annotator.services import importing
from annotator.services.project import Project
from benchmarks.registry import Measurement, figure

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seeds" / "000_b9b24f8ad2796175.txt"
PTC = SHARED / "data" / "ptc_semeval2020_task11" / "train-articles"
BASIL = SHARED / "data" / "basil" / "articles"

HEAD = [
    "Home",
    "World",
    "Politics",
    "Business",
    "Opinion",
    "Menu",
    "Search",
    "Sign in",
    "Newsletters",
    "Live TV",
    "Home | World | Politics | Business | Tech | Science | Health | Sport",
    "Skip to main content",
    "Subscribe for $1 a week",
    "Advertisement",
    "Breaking News",
    "We use cookies to personalise content and ads, to provide social media features and to analyse our traffic. "
    "We also share information about your use of our site with our partners.",
    "Accept all cookies",
    "Manage preferences",
    "Enjoy unlimited access to award-winning journalism from anywhere in the world.",
]
AROUND_HEADLINE = [
    "© Reuters / Jane Photographer",
    "Photo: AP Photo/John Smith",
    "Image caption, Protesters gathered outside the building on Monday",
    "Share this article",
    "Share on Facebook Share on Twitter Share via Email",
    "Published 11 July 2023, 09:30 BST",
    "Updated: July 11, 2023 at 2:14 p.m. ET",
    "5 min read",
    "Listen to this article",
    "Save",
    "Comments (12)",
]
IN_BODY = [
    "Advertisement",
    "READ MORE: Ministers clash over spending plans",
    "Related: How the budget vote unfolded",
    "Story continues below advertisement",
    "Sign up for our daily newsletter",
    "Click here to subscribe",
]
FOOTER = [
    "Newsfeed",
    "To participate in the discussion",
    "log in or register",
    "Most read",
    "More on this story",
    "Topics",
    "Politics, Economy, Elections",
    "Follow us on Facebook, Twitter and Instagram",
    "Sign up to our newsletter and get the day's top stories in your inbox every morning.",
    "© 2024 Daily Planet Media Group. All rights reserved.",
    "About us | Contact | Terms of use | Privacy policy | Cookie settings",
    "Do you have a story for us? Email our newsroom.",
    "Related articles",
    "Loading comments…",
    "Back to top",
]


def _basil_articles() -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of each BASIL article."""
    found = []
    for path in sorted(BASIL.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(sentences) for sentences in data.get("body-paragraphs", []) if sentences]
        if data.get("title") and paragraphs:
            found.append((data["title"], paragraphs))
    return found


def assembled_pages(seed: int = 15) -> list[tuple[str, list[tuple[int, int]]]]:
    """Pages of known article text and known furniture lines: (text, the furniture's [start, end) ranges)."""
    rng = random.Random(seed)
    pages = []
    for title, paragraphs in _basil_articles():
        parts: list[tuple[str, bool]] = [(line, True) for line in rng.sample(HEAD, rng.randint(2, 6))]
        parts.append((title, False))
        parts += [(line, True) for line in rng.sample(AROUND_HEADLINE, rng.randint(1, 4))]
        breaks = set(rng.sample(range(2, max(3, len(paragraphs) - 1)), min(2, max(0, len(paragraphs) - 3))))
        for number, paragraph in enumerate(paragraphs):
            if number in breaks:
                parts.append((rng.choice(IN_BODY), True))
            parts.append((paragraph, False))
        parts += [(line, True) for line in rng.sample(FOOTER, rng.randint(3, 8))]
        text, furniture = "", []
        for line, is_furniture in parts:
            if is_furniture:
                furniture.append((len(text), len(text) + len(line)))
            text += line + "\n"
        pages.append((text, furniture))
    return pages


def _covered(ranges: list[tuple[int, int]], within: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e, we) - max(s, ws)) for s, e in ranges for ws, we in within)


def _import_seconds(folder: Path, database: Path, keep: bool) -> float:
    project = Project.open(database)
    options = ReadOptions(extra={"keep_boilerplate": keep})
    importing.count_files([folder])  # warm the format registry, as a running app has it
    start = time.perf_counter()
    report = importing.import_paths(project, [folder], "bench", options=options)
    elapsed = time.perf_counter() - start
    project.close()
    assert len(report.imported) == 1_000 and not report.failed, report.summary()
    return elapsed


@figure("import_scraped_1k_s", target="within 2x the floor (the same import with --keep-boilerplate)")
def import_scraped_1k() -> Measurement:
    seed = SEED.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i in range(1_000):  # the seed's shape, each text distinct so that none is a duplicate
            (folder / f"{i:04d}.txt").write_text(seed.replace("Ahead of", f"Story {i}: ahead of", 1), "utf-8")
        boilerplate_ranges(seed)  # first use loads jusText's stop lists and dateparser's locales
        floor = _import_seconds(folder, Path(tmp) / "kept.sqlite", keep=True)
        value = _import_seconds(folder, Path(tmp) / "marked.sqlite", keep=False)
        # for the detail: the text reader as it was before scraped texts were analysed at all
        analysing, scraped.apply = scraped.apply, lambda doc, options, **_: doc
        try:
            bare = _import_seconds(folder, Path(tmp) / "bare.sqlite", keep=True)
        finally:
            scraped.apply = analysing
    return Measurement(
        value,
        floor,
        "the same import with keep_boilerplate (headline, date, outlet still guessed), s",
        f"{value / floor:.2f}x the floor; {value / bare:.2f}x the import without any analysis ({bare:.2f} s)",
    )


@figure("boilerplate_false_positive_pct", target="<= 1% of the characters of clean PTC articles")
def boilerplate_false_positive_pct() -> Measurement:
    total = marked = 0
    for path in sorted(PTC.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        total += len(text)
        marked += sum(end - start for start, end in boilerplate_ranges(text))
    return Measurement(
        100 * marked / total, detail=f"{marked} of {total} characters in {len(list(PTC.glob('*.txt')))} articles"
    )


@figure("boilerplate_recall_pct", target="(report; higher is better)")
def boilerplate_recall_pct() -> Measurement:
    furniture_chars = found = article_chars = article_marked = 0
    pages = assembled_pages()
    for text, furniture in pages:
        ranges = boilerplate_ranges(text)
        furniture_chars += sum(end - start for start, end in furniture)
        found += _covered(ranges, furniture)
        marked = sum(end - start for start, end in ranges)
        article_chars += len(text) - sum(end - start for start, end in furniture)
        article_marked += marked - _covered(ranges, furniture)
    return Measurement(
        100 * found / furniture_chars,
        detail=f"{len(pages)} BASIL articles with furniture around them; "
        f"{100 * article_marked / article_chars:.2f}% of their article characters marked",
    )
