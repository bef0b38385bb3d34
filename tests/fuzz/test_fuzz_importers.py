"""Every importer fed generated bad input: a clear error naming the file (never another exception), and the
database byte-for-byte unchanged. The default suite runs every format with every mutation; `pytest -m fuzz`
runs 10,000+ random cases."""

import os

import pytest

from annotator.formats import registry
from tests.fuzz.cases import MUTATIONS, Fuzzer


def _assert_clean(fuzzer: Fuzzer) -> None:
    result = fuzzer.result
    assert result.crashes == [], result.crashes[:5]
    assert result.unclear == [], result.unclear[:5]
    assert result.db_changes == [], result.db_changes[:5]


def test_every_readable_format_has_a_seed(tmp_path) -> None:
    fuzzer = Fuzzer(tmp_path)
    try:
        assert set(fuzzer.seeds) == {f.name for f in registry.formats() if f.read is not None}
        for seed in fuzzer.seeds.values():  # the seeds themselves are valid: the mutations are what breaks them
            fuzzer.run(seed.fmt, "none", seed.root)
        assert fuzzer.result.accepted == len(fuzzer.seeds), fuzzer.result
    finally:
        fuzzer.close()


def test_sample_of_bad_input_every_format_every_mutation(tmp_path) -> None:
    fuzzer = Fuzzer(tmp_path, seed=int(os.environ.get("FUZZ_SEED", "0")))
    try:
        for fmt in sorted(fuzzer.seeds):
            for mutation in sorted(MUTATIONS):
                fuzzer.case(fmt, mutation)
        _assert_clean(fuzzer)
        assert fuzzer.result.rejected > fuzzer.result.cases // 2  # the mutations do break files
    finally:
        fuzzer.close()


@pytest.mark.fuzz
def test_ten_thousand_cases(tmp_path) -> None:
    fuzzer = Fuzzer(tmp_path, seed=int(os.environ.get("FUZZ_SEED", "1")))
    try:
        for _ in range(int(os.environ.get("FUZZ_CASES", "10000"))):
            fuzzer.case()
        print(f"\nfuzz: {fuzzer.result.cases} cases, {fuzzer.result.rejected} rejected, {fuzzer.result.accepted} valid")
        _assert_clean(fuzzer)
    finally:
        fuzzer.close()
