"""The stand-in's paging, explored: walking any list by any page size yields each element once, in order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from local.expedia.common import page

items = st.lists(st.tuples(st.sampled_from(["2026-11-24T09:00:00.000Z", "2026-11-24T10:00:00.000Z"]),
                           st.integers(0, 10_000)), unique_by=lambda t: t[1], max_size=40)


@settings(max_examples=200, deadline=None)
@given(items=items, limit=st.integers(1, 100), descending=st.booleans())
def test_walking_the_pages_yields_every_element_once_in_order(items, limit, descending):
    rows = [{"at": at, "seq": seq} for at, seq in items]
    key = lambda r: (r["at"], r["seq"])  # noqa: E731
    seen, cursor, pages = [], None, 0
    while True:
        answer = page(rows, limit, cursor, key=key, view=dict, descending=descending)
        assert answer["totalCount"] == len(rows)
        assert len(answer["elements"]) <= limit
        seen += answer["elements"]
        pages += 1
        cursor = answer["cursor"]
        if cursor is None:
            break
    assert seen == sorted(rows, key=key, reverse=descending)
    assert pages == max(1, -(-len(rows) // limit))
