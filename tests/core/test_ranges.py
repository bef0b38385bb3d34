"""Range sets (a document's boilerplate) against the plain set of positions they cover."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core import ranges
from annotator.core.errors import InputError
from annotator.core.model import Document

pair = st.tuples(st.integers(0, 60), st.integers(1, 20)).map(lambda p: (p[0], p[0] + p[1]))


def covered(rs) -> set[int]:
    return {i for s, e in rs for i in range(s, e)}


@given(st.lists(pair, max_size=8), pair)
def test_operations_agree_with_sets_of_positions(given_ranges, extra) -> None:
    rs = ranges.normalised(given_ranges)
    assert covered(rs) == covered(given_ranges)
    assert all(a[1] < b[0] for a, b in zip(rs, rs[1:], strict=False))  # sorted, disjoint, not even touching
    assert covered(ranges.added(rs, *extra)) == covered(rs) | covered([extra])
    assert covered(ranges.removed(rs, *extra)) == covered(rs) - covered([extra])
    assert ranges.overlaps(rs, *extra) == bool(covered(rs) & covered([extra]))
    assert covered(ranges.complement(rs, 90)) == set(range(90)) - covered(rs)


def test_bad_ranges_are_refused_with_the_reason() -> None:
    with pytest.raises(InputError, match=r"0 <= start < end, got 5\.\.5"):
        ranges.normalised([(5, 5)])
    with pytest.raises(InputError, match="the text has 4 characters"):
        Document("Text", boilerplate=((0, 9),))
    assert Document("😀 Subscribe now\r\nBody", boilerplate=((2, 11), (0, 2))).boilerplate == ((0, 11),)
