"""Interchange formats of other tools: importing 10,000 WebAnno TSV 3 documents as INCEpTION writes them.

Each document has 500 tokens in 25 sentences and three layers and a chain: named entities (one to three
tokens, some stacked), a custom opinion layer with two features, a relation layer between named entities, and
a coreference chain; about 100 annotations and relations per document, a million in all. The floor is the
same documents, annotations, relations and format data imported from the native JSONL in the same run (the
project is exported to JSONL after the TSV import, and that file imported into an empty project).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from annotator.formats import registry
from annotator.formats.registry import ReadOptions
from annotator.services import exporting, importing
from annotator.services.project import Project
from benchmarks.registry import Measurement, figure

DOCUMENTS = 10_000
TOKENS = 500
SENTENCE = 20
WORDS = ("The", "minister", "said", "taxes", "will", "rise", "by", "5%", "next", "year", "in", "Berlin", ".")
DKPRO = "de.tudarmstadt.ukp.dkpro.core.api"
HEADER = [
    "#FORMAT=WebAnno TSV 3.3",
    f"#T_SP={DKPRO}.ner.type.NamedEntity|identifier|value",
    "#T_SP=webanno.custom.Opinion|holder|polarity",
    f"#T_CH={DKPRO}.coref.type.CoreferenceLink|referenceType|referenceRelation",
    f"#T_RL=webanno.custom.Rel|value|BT_{DKPRO}.ner.type.NamedEntity",
    "",
    "",
]


def tsv_document(seed: int) -> str:
    """One document of TOKENS tokens: entities every ~10 tokens, opinions every ~25, relations between
    neighbouring entities, a chain over some of the entities."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(TOKENS)]
    cells = [["_"] * 8 for _ in words]  # identifier, value, holder, polarity, chain type and link, relation, base
    number = 0
    entities: list[int] = []  # first token of each entity
    k = 0
    while k < TOKENS - 3:
        length = rng.choice((1, 1, 2, 3))
        if (k % SENTENCE) + length <= SENTENCE:
            number += 1 if length > 1 else 0
            kind = rng.choice(("PER", "ORG", "LOC"))
            for t in range(k, k + length):
                suffix = f"[{number}]" if length > 1 else ""
                cells[t][0], cells[t][1] = f"Q{k}{suffix}", f"{kind}{suffix}"
            entities.append(k)
        k += rng.randint(6, 14)
    for k in range(3, TOKENS, 25):
        cells[k][2], cells[k][3] = "the\\_minister", rng.choice(("positive", "negative"))
    for a, b in zip(entities, entities[1:], strict=False):
        if rng.random() < 0.4 and not cells[b][1].endswith("]"):
            source = f"{a // SENTENCE + 1}-{a % SENTENCE + 1}"
            if cells[a][1].endswith("]"):
                source += f"[{cells[a][1].rsplit('[', 1)[1][:-1]}_0]"
            cells[b][6], cells[b][7] = "about", source
    links = [e for e in entities if not cells[e][1].endswith("]")][:: max(len(entities) // 5, 1)][:5]
    for n, e in enumerate(links, start=1):
        cells[e][4], cells[e][5] = "nam[1]", f"{'coref' if n < len(links) else '*'}->1-{n}"
    lines, offset = list(HEADER), 0
    for s in range(0, TOKENS, SENTENCE):
        sentence = words[s : s + SENTENCE]
        if s:
            lines.append("")
        lines.append("#Text=" + " ".join(sentence))
        for t, word in enumerate(sentence):
            row = cells[s + t]
            unit = f"{s // SENTENCE + 1}-{t + 1}\t{offset}-{offset + len(word)}\t{word}"
            lines.append("\t".join([unit, *row]) + "\t")
            offset += len(word) + 1
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, documents: int) -> None:
    folder.mkdir()
    for n in range(documents):
        (folder / f"doc{n:05d}.tsv").write_text(tsv_document(n), encoding="utf-8")


@figure("import_webanno_10k_docs_s", target="<= 2x import_webanno_10k_docs_s_floor")
def import_webanno_10k_docs(documents: int = DOCUMENTS) -> Measurement:
    registry.formats()
    options = {"label_map": "new"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tsv"
        write_corpus(folder, documents)
        project = Project.open(Path(tmp) / "tsv.sqlite")
        start = time.perf_counter()
        report = importing.import_paths(project, [folder], "bench", "webanno", ReadOptions(extra=dict(options)))
        value = time.perf_counter() - start
        assert not report.failed and len(report.imported) == documents, report.failed[:1]
        dataset = Path(tmp) / "same.jsonl"
        exporting.export(project, "jsonl", dataset)
        project.close()
        floor_project = Project.open(Path(tmp) / "jsonl.sqlite")
        start = time.perf_counter()
        again = importing.import_paths(floor_project, [dataset], "bench", "jsonl", ReadOptions(extra=dict(options)))
        floor = time.perf_counter() - start
        floor_project.close()
        assert not again.failed and again.annotations == report.annotations, again.failed[:1]
    relations = report.fidelity.kept[("webanno", "relation")] + report.fidelity.kept[("webanno", "chain")]
    detail = (
        f"{documents:,} documents of {TOKENS} tokens, {report.annotations:,} annotations, "
        f"about {relations:,} relations and chains"
    )
    return Measurement(value, floor, "the same documents and annotations imported from native JSONL, s", detail)
