"""Search at scale: an FTS5 query against a LIKE scan over the same text."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from sitiv_desktop.context import open_context
from sitiv_desktop.services.search import search
from tests.benchmarks.common import Figure, median_seconds

QUERIES = ("venissieux", "echeance", "fibre ecoles", "portail", "telephonie")
LIKE_SCAN = text(
    "SELECT count(*) FROM search_index WHERE title LIKE :pattern OR body LIKE :pattern"
)


def run(data_dir: Path, repeats: int) -> list[Figure]:
    context = open_context(data_dir)
    try:
        with context.database.read_session() as session:

            def searches() -> None:
                for query in QUERIES:
                    search(session, query, limit=50)

            def scans() -> None:
                for query in QUERIES:
                    session.execute(LIKE_SCAN, {"pattern": f"%{query.split()[0]}%"}).scalar()

            per_query = median_seconds(searches, repeats) / len(QUERIES) * 1000
            floor = median_seconds(scans, repeats) / len(QUERIES) * 1000
    finally:
        context.close()
    return [
        Figure(
            "search",
            per_query,
            "ms/query",
            floor=floor,
            floor_label="LIKE scan",
            target="≤ 20 ms",
            met=per_query <= 20,
        )
    ]
