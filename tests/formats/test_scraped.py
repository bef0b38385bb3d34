"""Scraped articles: furniture marked as code-point ranges (the text never cut), headline, date, byline, outlet."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.model import Document
from annotator.formats import article_fields, scraped
from annotator.formats.html import page_document
from annotator.formats.plaintext import read_text
from annotator.formats.registry import ReadOptions
from tests.conftest import shared_data

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "000_b9b24f8ad2796175.txt"

BODY = [
    "The finance minister resigned on Tuesday after the cabinet rejected her plan to raise taxes on large "
    "companies, ending a week of open disagreement inside the government and within her own party.",
    "“I cannot defend a budget I do not believe in,” she told reporters outside parliament, adding that she "
    "would stay on as an ordinary member of the house and vote with the government on most other matters.",
    "Opposition leaders called the resignation a sign of a government in disarray, while business groups "
    "welcomed the decision and said that the tax rise would have cost thousands of jobs across the country.",
    "The prime minister is expected to name a successor before the budget is presented to parliament next month, "
    "and several of her colleagues have already said that they would be willing to take on the job.",
]
HEADLINE = "Minister Resigns Over Tax Plan After Cabinet Revolt"
FURNITURE_HEAD = ["Home", "Politics", "Newsletters", "Daily Planet", "Accept all cookies"]
FURNITURE_AROUND = ["© Reuters / Jane Photographer", "Photo of the minister - Daily Planet, 1920, 05.03.2024", "Share"]
FURNITURE_FOOT = ["Most read", "To participate in the discussion", "log in or register", "Back to top"]


def page(newline: str = "\n", head: list[str] | None = None, body: list[str] | None = None) -> str:
    lines = [*(FURNITURE_HEAD if head is None else head), HEADLINE, *FURNITURE_AROUND, *(body or BODY)]
    return newline.join([*lines, *FURNITURE_FOOT]) + newline


def marked(text: str, ranges: list[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in ranges]


def covered(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def overlaps(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in ranges)


def check_lines(text: str, ranges: list[tuple[int, int]], furniture: list[str], article: list[str]) -> None:
    for line in furniture:
        start = text.index(line)
        assert covered(ranges, start, start + len(line)), f"furniture not marked: {line!r}"
    for line in article:
        start = text.index(line)
        assert not overlaps(ranges, start, start + len(line)), f"article line marked: {line!r}"


def test_a_page_of_furniture_around_an_article_is_marked_line_by_line() -> None:
    text = page()
    found = scraped.analyse(text)
    check_lines(text, found.boilerplate, FURNITURE_HEAD + FURNITURE_AROUND + FURNITURE_FOOT, [HEADLINE, *BODY])
    assert marked(text, found.boilerplate) == [
        "\n".join(FURNITURE_HEAD),
        "\n".join(FURNITURE_AROUND),
        "\n".join(FURNITURE_FOOT),
    ]
    assert (found.headline, found.published, found.outlet) == (HEADLINE, "2024-03-05", "Daily Planet")


@pytest.mark.parametrize(
    "decorate",
    [
        pytest.param(lambda s: s.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda s: s.replace("\n", "\r"), id="cr"),
        pytest.param(lambda s: "\ufeff" + s, id="bom"),
        pytest.param(lambda s: s.replace("Home", "Home 😀🇩🇪").replace("tax rise", "tax rise 👍🏽"), id="emoji"),
        pytest.param(lambda s: s.replace("Back to top", "العودة إلى الأعلى"), id="rtl"),
        pytest.param(
            lambda s: s.replace("Politics", "Poli\u0301tics").replace("resigned", "re\u0301signed"), id="marks"
        ),
        pytest.param(lambda s: s.replace("\nShare\n", "\n   Share \t\n\n  \n"), id="spaces"),
    ],
)
def test_ranges_are_code_points_of_the_text_as_it_is(decorate) -> None:
    text = decorate(page())
    ranges = scraped.boilerplate_ranges(text)
    furniture = [line.strip() for line in text.lstrip("\ufeff").splitlines() if line.strip()]
    article = [line for line in furniture if line == HEADLINE or line.startswith(tuple(b[:20] for b in BODY))]
    assert len(article) == 1 + len(BODY)
    check_lines(text, ranges, [line for line in furniture if line not in article], article)
    for start, end in ranges:  # each range starts and ends on a visible character of a line
        assert not text[start].isspace() and not text[end - 1].isspace() and text[start] != "\ufeff"
        assert text[start - 1] in "\r\n\ufeff" if start else True
        assert text[end:].lstrip(" \t")[:1] in ("", "\r", "\n")


def test_a_text_without_furniture_stays_whole() -> None:
    for text in (
        HEADLINE + "\n\n" + "\n".join(BODY),
        "\n".join(BODY),
        "A good article.",
        "BOM title\r\nText with 😀 and e\u0301.\r\n",
        BODY[0],
    ):
        assert scraped.boilerplate_ranges(text) == [], text[:40]


def test_the_ptc_articles_clean_texts_are_nearly_all_article() -> None:
    folder = shared_data("ptc_semeval2020_task11", "train-articles")
    total = marked_chars = 0
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        total += len(text)
        marked_chars += sum(end - start for start, end in scraped.boilerplate_ranges(text))
        found = scraped.analyse(text)
        assert any(found.headline in line for line in text.split("\n")[:3]), path.name
        start = text.index(found.headline)
        assert not overlaps(found.boilerplate, start, start + len(found.headline)), f"{path.name}: title marked"
    assert marked_chars / total <= 0.01


def test_the_seed_furniture_marked_its_body_not_and_its_fields_guessed() -> None:
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent (../shared is only beside the project on the team's machines)")
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = scraped.analyse(text)
    assert found.headline == "China Comes First: Why NATO's Office in Japan Faces Uncertainty"
    assert (found.published, found.outlet) == ("2023-07-11", "Sputnik International")
    furniture = [lines[i] for i in (0, 1, 2, 6, 7, 8, *range(32, 39))]
    body = [line for line in lines[9:23] if line.strip()] + [line for line in lines[26:32] if line.strip()]
    check_lines(text, found.boilerplate, furniture, [found.headline, *body])


def test_the_text_reader_marks_guesses_and_never_changes_the_text(tmp_path) -> None:
    raw = "\ufeff" + page("\r\n").replace("Home", "Home 😀")
    path = tmp_path / "scraped.txt"
    path.write_bytes(raw.encode("utf-8"))
    [bundle] = read_text(path, ReadOptions())
    doc = bundle.document
    assert doc.text == raw and doc.newline == "crlf"
    assert (doc.title, doc.published, doc.outlet) == (HEADLINE, "2024-03-05", "Daily Planet")
    assert doc.metadata["guessed"] == ["title", "published", "outlet"]
    ranges = doc.boilerplate
    assert all(isinstance(r, tuple) and len(r) == 2 for r in ranges)
    assert (
        raw[ranges[0][0] : ranges[0][1]] == "Home 😀\r\nPolitics\r\nNewsletters\r\nDaily Planet\r\nAccept all cookies"
    )


def test_keep_boilerplate_marks_nothing_and_batch_values_override_guesses(tmp_path) -> None:
    path = tmp_path / "scraped.txt"
    path.write_text(page(), encoding="utf-8")
    [bundle] = read_text(path, ReadOptions(extra={"keep_boilerplate": True}))
    assert "boilerplate" not in bundle.document.metadata and bundle.document.title == HEADLINE
    options = ReadOptions(extra={"outlet": "The Planet", "published": "2024-03-06"})
    [bundle] = read_text(path, options)
    doc = bundle.document
    assert (doc.outlet, doc.published, doc.title) == ("The Planet", "2024-03-06", HEADLINE)
    assert doc.metadata["guessed"] == ["title"] and doc.boilerplate


def test_a_text_with_no_headline_keeps_its_first_line_as_title(tmp_path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("short note\nanother short note\n", encoding="utf-8")
    [bundle] = read_text(path, ReadOptions())
    assert bundle.document.title == "short note" and bundle.document.boilerplate == ()
    assert "guessed" not in bundle.document.metadata


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Skyline of central Tokyo - Sputnik International, 1920, 11.07.2023", "2023-07-11"),
        ("Published July 11, 2023", "2023-07-11"),
        ("2023-07-11T09:30", "2023-07-11T09:30"),
        ("Updated 11 July 2023", "2023-07-11"),
        ("11. Juli 2023", "2023-07-11"),
        ("11 июля 2023", "2023-07-11"),
        ("11.07.2023 14:03", "2023-07-11T14:03"),
        ("In April 2023, the year 1920 and 2023", ""),  # partial dates are no publication date
        ("Lithuania 12, 2023", ""),
        ("31.02.2023", ""),
        ("01.01.2999", ""),  # in the future
    ],
)
def test_publication_dates_in_local_forms(line: str, expected: str) -> None:
    text = f"{line}\n{HEADLINE}\n" + "\n".join(BODY)
    assert scraped.analyse(text).published == expected


def test_a_date_in_the_article_body_is_not_its_publication_date() -> None:
    body = [BODY[0].replace("on Tuesday", "on 4 March 2024"), *BODY[1:]]
    assert scraped.analyse(page(head=["Home"], body=body).replace("05.03.2024", "")).published == ""
    footer = page(head=["Home"]).replace("05.03.2024", "") + "Published: 2024-03-07\n"
    assert scraped.analyse(footer).published == "2024-03-07"


def test_bylines_are_read_before_the_article_and_on_short_lines() -> None:
    text = page(head=["Home", "By Lois Lane and Clark Kent"])
    assert scraped.analyse(text).author == "Lois Lane; Clark Kent"
    assert scraped.analyse(page(head=["Von Hans Müller, 5. März 2024"])).author == "Hans Müller"
    assert scraped.analyse(page()).author == ""


def test_the_headline_is_not_a_caption_a_menu_or_a_site_name() -> None:
    head = ["Daily Planet", "Home | World | Politics | Business | Sport", "Analysis", "By Lois Lane"]
    found = scraped.analyse(page(head=head))
    assert found.headline == HEADLINE
    caption_first = [
        "- Daily Planet, 1920",
        "Minister photographed - Daily Planet, 1920, 05.03.2024",
        "© AFP 2024 / Jane Photographer",
    ]
    assert scraped.analyse(page(head=caption_first)).headline == HEADLINE


def test_the_user_given_publication_date_is_checked() -> None:
    assert article_fields.parse_date("11.07.2023") == "2023-07-11"
    assert article_fields.parse_date("July 11, 2023") == "2023-07-11"
    with pytest.raises(InputError, match="--published: 'next tuesday-ish' is not a date"):
        article_fields.parse_date("next tuesday-ish")


def test_a_full_page_marks_what_trafilatura_leaves_out_of_the_article() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    html = (
        "<html lang='en'><head><title>Minister resigns</title><meta property='og:site_name' content='Daily Planet'>"
        "</head><body><nav><a href='/'>Home</a> <a href='/p'>Politics</a></nav>"
        "<div class='cookie-banner'><p>We use cookies to improve your experience.</p><button>Accept</button></div>"
        f"<main><article><h1>{HEADLINE}</h1>{paragraphs}</article></main>"
        "<footer><p>© 2024 Daily Planet. All rights reserved.</p></footer></body></html>"
    )
    doc = page_document(html, "utf-8", "page.html", ReadOptions(full_text=True))
    check_lines(doc.text, [tuple(r) for r in doc.boilerplate], ["Home Politics", "Accept"], BODY)
    assert covered(doc.boilerplate, doc.text.index("© 2024"), len(doc.text))
    assert doc.outlet == "Daily Planet" and "outlet" not in doc.metadata.get("guessed", [])
    kept = page_document(html, "utf-8", "page.html", ReadOptions(full_text=True, extra={"keep_boilerplate": True}))
    assert kept.text == doc.text and "boilerplate" not in kept.metadata


def test_apply_never_changes_text_or_identity() -> None:
    doc = Document(text=page(), title="old", metadata={"source_format": "text"})
    done = scraped.apply(doc, ReadOptions())
    assert (done.text, done.sha256, done.uuid) == (doc.text, doc.sha256, doc.uuid)
    assert done.metadata["source_format"] == "text" and doc.metadata == {"source_format": "text"}


LINES = st.sampled_from(
    [*FURNITURE_HEAD, *FURNITURE_AROUND, *FURNITURE_FOOT, HEADLINE, *BODY, "", "  ", "\ufeff", "Home 😀 e\u0301"]
)
BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", " \t\r\n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.one_of(LINES, st.text(max_size=80)), BREAKS), max_size=30))
def test_ranges_are_whole_lines_in_order_inside_the_text(parts) -> None:
    text = "".join(line + brk for line, brk in parts)
    ranges = scraped.boilerplate_ranges(text)
    assert ranges == sorted(ranges) and all(0 <= s < e <= len(text) for s, e in ranges)
    assert all(a[1] < b[0] for a, b in zip(ranges, ranges[1:], strict=False))  # apart, not touching
    line_starts = {line.start for line in scraped.lines_of(text)}
    line_ends = {line.end for line in scraped.lines_of(text)}
    assert all(s in line_starts and e in line_ends for s, e in ranges)
    assert scraped.analyse(text, mark=False).boilerplate == []
