"""The tokenizer: deterministic code-point offsets that cover no white space, on hard text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.review.tokens import token_texts, tokenize


def test_words_and_punctuation() -> None:
    assert token_texts("The minister said: taxes rise 4%.") == [
        "The",
        "minister",
        "said",
        ":",
        "taxes",
        "rise",
        "4",
        "%",
        ".",
    ]


def test_bom_and_crlf_are_not_tokens_and_offsets_count_them() -> None:
    text = "\ufeffOne\r\nTwo"
    starts, ends = tokenize(text)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [(1, 4), (6, 9)]


def test_combining_marks_stay_with_their_letter() -> None:
    assert token_texts("cafe\u0301 noe\u0308l") == ["cafe\u0301", "noe\u0308l"]
    assert token_texts("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]


def test_emoji_sequences_are_one_token_each() -> None:
    assert token_texts("ok 👍🏽 👩\u200d💻 ❤️!") == ["ok", "👍🏽", "👩\u200d💻", "❤️", "!"]


def test_right_to_left_and_cjk() -> None:
    assert token_texts("שלום, עולם") == ["שלום", ",", "עולם"]
    assert token_texts("日本語です。") == ["日本語です", "。"]


@given(st.text(max_size=200))
def test_tokens_are_ordered_disjoint_and_never_white_space(text: str) -> None:
    starts, ends = tokenize(text)
    assert all(s < e for s, e in zip(starts, ends, strict=True))
    assert all(e <= s for e, s in zip(ends[:-1], starts[1:], strict=True))
    covered = set().union(*(range(s, e) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)))
    assert all(not text[i].isspace() for i in covered)
    assert all(
        text[i].isspace() or text[i] == "\ufeff" or i in covered
        for i in range(len(text))
        if not (text[i] == "\u200d" or 0xD800 <= ord(text[i]) <= 0xDFFF)
    )
