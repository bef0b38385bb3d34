"""Regenerates samples.jsonl: five invented news articles annotated by alice and bob, who partly disagree.

The articles, outlets and people are written for this project. Annotations are given by quoted text (and an
occurrence number when a phrase repeats) and turned into code-point offsets here, so the file stays right
when an article is edited. Run: python samples/build_samples.py
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

STAMP = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc).isoformat()

ARTICLES = [
    {
        "key": "transit",
        "title": "City council approves 40% bus fare rise despite protests",
        "outlet": "The Harbour Courier",
        "author": "Mara Lindqvist",
        "published": "2026-10-14",
        "text": (
            "City council approves 40% bus fare rise despite protests\n\n"
            "The city council voted 7 to 4 on Tuesday to raise the single bus fare from €2.50 to €3.50, "
            "the steepest increase in two decades.\n\n"
            "Transport councillor Ilse Barend said the rise was \"the only responsible way to keep buses running\" "
            "after fuel costs climbed 18% this year. According to the transit authority, ridership fell by "
            "a tenth after the last increase in 2019.\n\n"
            "Critics call the decision a reckless betrayal of working families. \"People who clean our offices "
            "at night will pay for this,\" said Tomas Reyes, who leads the Riders' Union. He warned that "
            "the higher fares will push thousands back into cars.\n\n"
            "The new fares take effect in January. The council will review the policy after one year."
        ),
    },
    {
        "key": "windfarm",
        "title": "Offshore wind farm promises 900 jobs, fishermen fear for their grounds",
        "outlet": "Northfield Daily",
        "author": "Owen Achterberg",
        "published": "2026-09-30",
        "text": (
            "Offshore wind farm promises 900 jobs, fishermen fear for their grounds\n\n"
            "A consortium led by Veldstra Energy won approval on Monday to build 60 turbines off the northern "
            "coast. The company says the project will create 900 jobs during construction and power "
            "400,000 homes.\n\n"
            "\"This is the biggest investment our region has seen in a generation,\" said regional governor "
            "Hanna Oyelaran. Economists at Northfield University estimate the farm could add 0.3% to regional output.\n\n"
            "Fishermen are less enthusiastic. An anonymous skipper told this paper the turbines would "
            "\"turn the best cod grounds into an industrial zone\". The fishers' association said it will appeal.\n\n"
            "Construction is expected to begin in 2028 and will likely drive up local rents."
        ),
    },
    {
        "key": "meals",
        "title": "Free school meals: a lifeline or a costly gesture?",
        "outlet": "Civic Ledger",
        "author": "Editorial Board",
        "published": "2026-10-02",
        "text": (
            "Free school meals: a lifeline or a costly gesture?\n\n"
            "The education ministry's plan to give every primary pupil a free hot lunch is a welcome, "
            "long-overdue step. Hungry children cannot learn, and the evidence from pilot schools is clear: "
            "attendance rose by 4% where lunches were free.\n\n"
            "Yet the ministry has been vague about the bill. Finance officials put the annual cost at €310 "
            "million, a figure the opposition says is a fantasy. Opposition spokesperson Daniel Kowal claimed "
            "the true cost \"will be double by 2030\".\n\n"
            "Parents we spoke to were overwhelmingly in favour. 😊 One mother in Eastbrook said it would save "
            "her family €80 a month.\n\n"
            "The scheme deserves support, but the ministry must publish its sums."
        ),
    },
    {
        "key": "housing",
        "title": "Refugee housing plan splits Riverside residents",
        "outlet": "Riverside Post",
        "author": "Lena Okafor",
        "published": "2026-08-21",
        "text": (
            "Refugee housing plan splits Riverside residents\r\n\r\n"
            "The municipality will convert the former Elm Street barracks into homes for 250 refugees, "
            "officials announced on Thursday.\r\n\r\n"
            "Mayor Pieter Sandoval said the town had \"a moral duty to help people fleeing war\". "
            "A municipal report found that the site can be ready within six months.\r\n\r\n"
            "Some residents say they were ignored. \"Nobody asked us,\" said shopkeeper Greta Holm, adding "
            "that the plan was pushed through behind closed doors. Police figures show crime in the district "
            "has fallen for five years in a row.\r\n\r\n"
            "A public meeting is scheduled for next week."
        ),
    },
    {
        "key": "privacy",
        "title": "Lawmakers pass sweeping data-privacy bill",
        "outlet": "The Morning Lantern",
        "author": "Ravi Duarte",
        "published": "2026-11-05",
        "text": (
            "Lawmakers pass sweeping data-privacy bill\n\n"
            "Parliament passed a bill on Wednesday that bans the sale of location data without consent and "
            "fines violators up to 4% of annual turnover.\n\n"
            "The bill's sponsor, Senator Amira Haddad, said it \"gives citizens back control over their digital "
            "lives\". Tech industry group DigitalForward warned that the rules will stifle innovation and cost "
            "small firms dearly.\n\n"
            "Privacy advocates welcomed the vote but said enforcement will be the real test. Regulators "
            "currently employ only 40 inspectors for the whole country.\n\n"
            "The law takes effect in 18 months."
        ),
    },
]

# (article key, label, subtype, quoted text, occurrence, attributes, note); alice first, bob's differences after.
ALICE = [
    ("transit", "claim", "statistical", "raise the single bus fare from €2.50 to €3.50", 1, {"check_worthy": True}, ""),
    ("transit", "attribution", "source", "Transport councillor Ilse Barend", 1, {"source_type": "official"}, ""),
    ("transit", "attribution", "cue", "said", 1, {}, ""),
    ("transit", "attribution", "content", "the only responsible way to keep buses running", 1, {"quote": "direct"}, ""),
    ("transit", "claim", "statistical", "fuel costs climbed 18% this year", 1, {"check_worthy": True}, ""),
    ("transit", "opinion", "loaded_language", "reckless betrayal of working families", 1,
     {"polarity": "negative", "intensity": "high", "holder": "critics"}, "unnamed critics"),
    ("transit", "attribution", "source", "Tomas Reyes", 1, {"source_type": "citizen"}, ""),
    ("transit", "claim", "prediction", "the higher fares will push thousands back into cars", 1, {"check_worthy": True}, ""),
    ("transit", "framing", "economic", "after fuel costs climbed 18% this year", 1, {"tone": "pro"}, ""),
    ("transit", "genre", "reporting", None, 0, {}, ""),
    ("transit", "primary_frame", "economic", None, 0, {}, ""),
    ("windfarm", "claim", "statistical", "the project will create 900 jobs during construction", 1, {"check_worthy": True}, ""),
    ("windfarm", "attribution", "source", "regional governor Hanna Oyelaran", 1, {"source_type": "official"}, ""),
    ("windfarm", "opinion", "explicit_opinion", "This is the biggest investment our region has seen in a generation", 1,
     {"polarity": "positive", "intensity": "high", "holder": "Hanna Oyelaran"}, ""),
    ("windfarm", "attribution", "source", "An anonymous skipper", 1, {"source_type": "anonymous"}, ""),
    ("windfarm", "opinion", "loaded_language", "turn the best cod grounds into an industrial zone", 1,
     {"polarity": "negative", "intensity": "high"}, ""),
    ("windfarm", "framing", "economic", "create 900 jobs during construction and power 400,000 homes", 1, {"tone": "pro"}, ""),
    ("windfarm", "opinion", "speculation", "will likely drive up local rents", 1, {"polarity": "negative"}, ""),
    ("windfarm", "genre", "reporting", None, 0, {}, ""),
    ("meals", "opinion", "explicit_opinion", "a welcome, long-overdue step", 1, {"polarity": "positive", "holder": "author"}, ""),
    ("meals", "claim", "statistical", "attendance rose by 4% where lunches were free", 1, {"check_worthy": True}, ""),
    ("meals", "claim", "statistical", "put the annual cost at €310 million", 1, {"check_worthy": True}, ""),
    ("meals", "attribution", "source", "Opposition spokesperson Daniel Kowal", 1, {"source_type": "official"}, ""),
    ("meals", "attribution", "content", "will be double by 2030", 1, {"quote": "direct"}, ""),
    ("meals", "framing", "fairness_and_equality", "Hungry children cannot learn", 1, {"tone": "pro"}, ""),
    ("meals", "genre", "opinion", None, 0, {}, ""),
    ("housing", "attribution", "source", "Mayor Pieter Sandoval", 1, {"source_type": "official"}, ""),
    ("housing", "framing", "morality", "a moral duty to help people fleeing war", 1, {"tone": "pro"}, ""),
    ("housing", "attribution", "source", "shopkeeper Greta Holm", 1, {"source_type": "citizen"}, ""),
    ("housing", "opinion", "loaded_language", "pushed through behind closed doors", 1, {"polarity": "negative"}, ""),
    ("housing", "claim", "statistical", "crime in the district has fallen for five years in a row", 1, {"check_worthy": True}, ""),
    ("housing", "genre", "reporting", None, 0, {}, ""),
    ("privacy", "claim", "factual", "bans the sale of location data without consent", 1, {"check_worthy": False}, ""),
    ("privacy", "attribution", "source", "Senator Amira Haddad", 1, {"source_type": "official"}, ""),
    ("privacy", "attribution", "source", "Tech industry group DigitalForward", 1, {"source_type": "expert"}, ""),
    ("privacy", "claim", "prediction", "the rules will stifle innovation", 1, {"check_worthy": True}, ""),
    ("privacy", "framing", "legality_constitutionality_and_jurisprudence", "fines violators up to 4% of annual turnover", 1,
     {"tone": "neutral"}, ""),
    ("privacy", "genre", "reporting", None, 0, {}, ""),
]

BOB = [
    ("transit", "claim", "statistical", "raise the single bus fare from €2.50 to €3.50", 1, {"check_worthy": True}, ""),
    ("transit", "attribution", "source", "Ilse Barend", 1, {"source_type": "official"}, "boundary: name only"),
    ("transit", "attribution", "content", "the only responsible way to keep buses running", 1, {"quote": "direct"}, ""),
    ("transit", "claim", "causal", "fuel costs climbed 18% this year", 1, {"check_worthy": True}, ""),
    ("transit", "opinion", "explicit_opinion", "reckless betrayal of working families", 1,
     {"polarity": "negative", "intensity": "high"}, ""),
    ("transit", "attribution", "source", "Tomas Reyes", 1, {"source_type": "citizen"}, ""),
    ("transit", "opinion", "speculation", "the higher fares will push thousands back into cars", 1, {"polarity": "negative"}, ""),
    ("transit", "genre", "reporting", None, 0, {}, ""),
    ("transit", "primary_frame", "quality_of_life", None, 0, {}, ""),
    ("windfarm", "claim", "statistical", "the project will create 900 jobs", 1, {"check_worthy": True}, ""),
    ("windfarm", "attribution", "source", "regional governor Hanna Oyelaran", 1, {"source_type": "official"}, ""),
    ("windfarm", "opinion", "explicit_opinion", "This is the biggest investment our region has seen in a generation", 1,
     {"polarity": "positive", "intensity": "medium"}, ""),
    ("windfarm", "attribution", "source", "An anonymous skipper", 1, {"source_type": "anonymous"}, ""),
    ("windfarm", "opinion", "loaded_language", "turn the best cod grounds into an industrial zone", 1,
     {"polarity": "negative", "intensity": "high"}, ""),
    ("windfarm", "claim", "statistical", "add 0.3% to regional output", 1, {"check_worthy": True}, ""),
    ("windfarm", "genre", "reporting", None, 0, {}, ""),
    ("meals", "opinion", "explicit_opinion", "a welcome, long-overdue step", 1, {"polarity": "positive", "holder": "author"}, ""),
    ("meals", "claim", "statistical", "attendance rose by 4% where lunches were free", 1, {"check_worthy": True}, ""),
    ("meals", "opinion", "loaded_language", "a fantasy", 1, {"polarity": "negative"}, ""),
    ("meals", "attribution", "source", "Daniel Kowal", 1, {"source_type": "official"}, ""),
    ("meals", "attribution", "content", "will be double by 2030", 1, {"quote": "direct"}, ""),
    ("meals", "framing", "health_and_safety", "Hungry children cannot learn", 1, {"tone": "pro"}, ""),
    ("meals", "genre", "opinion", None, 0, {}, ""),
    ("housing", "attribution", "source", "Mayor Pieter Sandoval", 1, {"source_type": "official"}, ""),
    ("housing", "framing", "morality", "a moral duty to help people fleeing war", 1, {"tone": "pro"}, ""),
    ("housing", "opinion", "loaded_language", "pushed through behind closed doors", 1, {"polarity": "negative"}, ""),
    ("housing", "claim", "statistical", "crime in the district has fallen for five years in a row", 1, {"check_worthy": True}, ""),
    ("housing", "genre", "reporting", None, 0, {}, ""),
    ("privacy", "claim", "factual", "bans the sale of location data without consent", 1, {"check_worthy": False}, ""),
    ("privacy", "attribution", "source", "Senator Amira Haddad", 1, {"source_type": "official"}, ""),
    ("privacy", "claim", "prediction", "the rules will stifle innovation and cost small firms dearly", 1, {"check_worthy": True}, ""),
    ("privacy", "framing", "economic", "cost small firms dearly", 1, {"tone": "anti"}, ""),
    ("privacy", "genre", "reporting", None, 0, {}, ""),
]

# (article key, annotator, type, from quoted text, to quoted text)
RELATIONS = [
    ("transit", "alice", "attributed_to", "the only responsible way to keep buses running", "Transport councillor Ilse Barend"),
    ("transit", "alice", "cue_of", "said", "Transport councillor Ilse Barend"),
    ("transit", "alice", "attributed_to", "the higher fares will push thousands back into cars", "Tomas Reyes"),
    ("meals", "alice", "attributed_to", "will be double by 2030", "Opposition spokesperson Daniel Kowal"),
    ("transit", "bob", "attributed_to", "the only responsible way to keep buses running", "Ilse Barend"),
    ("meals", "bob", "attributed_to", "will be double by 2030", "Daniel Kowal"),
]

STATUS = {"alice": "done", "bob": "in_progress"}


def locate(text: str, quote: str, occurrence: int) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def stable_id(*parts: object) -> str:
    return str(uuid5(NAMESPACE_URL, "media-annotator-samples/" + "/".join(map(str, parts))))


def build() -> list[dict[str, object]]:
    records = []
    for article in ARTICLES:
        text = article["text"]
        doc_id = stable_id(article["key"])
        annotations, by_quote = [], {}
        for annotator, rows in (("alice", ALICE), ("bob", BOB)):
            for key, label, subtype, quote, occurrence, attributes, note in rows:
                if key != article["key"]:
                    continue
                fragments = []
                if quote is not None:
                    start, end = locate(text, quote, occurrence)
                    fragments = [{"start": start, "end": end, "text": text[start:end]}]
                ann_id = stable_id(key, annotator, label, subtype, quote)
                by_quote[(annotator, quote)] = ann_id
                annotations.append({
                    "id": ann_id, "annotator": annotator, "label": label, "subtype": subtype,
                    "fragments": fragments, "attributes": attributes, "note": note, "origin": "manual",
                    "created": STAMP, "modified": STAMP,
                })  # fmt: skip
        relations = [
            {"id": stable_id(key, who, kind, a, b), "type": kind, "from": by_quote[(who, a)], "to": by_quote[(who, b)],
             "annotator": who, "created": STAMP}
            for key, who, kind, a, b in RELATIONS if key == article["key"]
        ]  # fmt: skip
        records.append({
            "format": "media-annotator", "version": 1, "id": doc_id, "title": article["title"], "text": text,
            "outlet": article["outlet"], "author": article["author"], "published": article["published"],
            "language": "en", "source": "samples", "metadata": {"sample": True},
            "newline": "crlf" if "\r\n" in text else "lf", "encoding": "utf-8", "created": STAMP,
            "annotations": annotations, "relations": relations, "status": STATUS,
        })  # fmt: skip
    return records


if __name__ == "__main__":
    out = Path(__file__).with_name("samples.jsonl")
    with out.open("w", encoding="utf-8", newline="\n") as f:
        for record in build():
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
