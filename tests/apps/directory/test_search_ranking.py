"""The specialty + place search ranks the narrow index rows before reading entries; it must page exactly
like the straightforward join-everything query, ties on distance (a clinic's providers share one
address) included."""

from __future__ import annotations

import random

import pytest

import apps.directory.selectors as selectors
from apps.directory.selectors import DirectoryQuery, directory_search
from memberhub.directory.synthetic import (
    QUERY_LANGS,
    TAXONOMY,
    sample_point,
    weighted,
    write_synthetic_directories,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic_pair(pair, tmp_path):  # type: ignore[no-untyped-def]
    from apps.directory.services import directory_import, directory_rebuild_pair

    files = write_synthetic_directories(out_dir=tmp_path, rows=1500, seed=11)
    for plan, path in ((pair.medicare_plan, files["A"]), (pair.medi_cal_plan, files["B"])):
        run = directory_import(plan=plan, paths=[str(path)], schedule_rebuild=False)
        assert run.status == "succeeded", run.errors[:3]
    directory_rebuild_pair(pair=pair)
    return pair


def _pages(pair, query: DirectoryQuery, limit: int) -> list[list[tuple[str, float]]]:  # type: ignore[no-untyped-def]
    pages, cursor = [], None
    while True:
        page = directory_search(pair=pair, query=query, cursor=cursor, limit=limit)
        pages.append([(str(r["id"]), r["distance_miles"]) for r in page.results])
        cursor = page.next_cursor
        if cursor is None or len(pages) > 50:
            return pages


def test_ranked_search_pages_like_the_full_join(synthetic_pair, monkeypatch):
    rng = random.Random(5)
    queries = []
    for _ in range(25):
        lat, lon = sample_point(rng)
        queries.append(
            DirectoryQuery(
                specialty_codes=(weighted(rng, TAXONOMY)[0],),
                language=rng.choice([None, weighted(rng, QUERY_LANGS)[0]]),
                accepting=rng.choice([None, True]),
                near=(lat, lon),
                radius_miles=rng.choice([5.0, 25.0, 100.0]),
            )
        )
    ranked = [_pages(synthetic_pair, q, limit=3) for q in queries]
    # the reference: any entry-only filter sends the query down the join-everything path
    plain_filters = selectors._entry_filters
    monkeypatch.setattr(
        selectors, "_entry_filters", lambda query, params: ["TRUE", *plain_filters(query, params)]
    )
    reference = [_pages(synthetic_pair, q, limit=3) for q in queries]
    assert ranked == reference
    flat = [row for pages in ranked for page in pages for row in page]
    assert len(flat) > 100  # the queries found something to page through
    distances = [d for pages in ranked for page in pages for _, d in page]
    assert len(distances) > len(set(distances))  # and ties on distance were among them


def test_ranked_search_has_a_fixed_number_of_queries(synthetic_pair, django_assert_num_queries):
    query = DirectoryQuery(specialty_codes=("207Q00000X",), near=(34.05, -118.25), radius_miles=25.0)
    with django_assert_num_queries(1):
        directory_search(pair=synthetic_pair, query=query, limit=5)
