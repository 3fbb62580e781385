"""Any records → export → import changes nothing, for every kind an import reads, in xlsx and CSV.

Texts are drawn from the whole of Unicode (control characters and CR aside: the services refuse
the first, and XML turns the second into a line feed), including text that a spreadsheet would
take for a formula; amounts up to the largest kept, to the cent; every status and domain.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from sitiv_desktop.context import Context
from sitiv_desktop.domain.enums import CommitmentStatus, ProjectDomain, ProjectStatus
from sitiv_desktop.domain.transfers import ImportKind
from sitiv_desktop.services.imports import import_file
from sitiv_desktop.services.spreadsheets import ExportKind, export_spreadsheet
from sitiv_desktop.store import models
from tests.unit.test_bad_files import dump
from tests.unit.transfer_data import empty_copy

EXCLUDED = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n") + "\x7f\r"
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=EXCLUDED),
    max_size=30,
).map(str.strip)
TRIGGERED = st.sampled_from(["=", "+", "-", "@", "'", "''", "'=", "\t"]).flatmap(
    lambda start: TEXT.map(lambda rest: (start + rest).strip() or start.strip() or "=")
)
ANY_TEXT = st.one_of(TEXT, TRIGGERED)
TITLE = ANY_TEXT.filter(bool)
DAY = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))
CENTS = st.integers(min_value=1, max_value=99_999_999_999_999)


@pytest.fixture(scope="module")
def copy() -> Iterator[Context]:
    with tempfile.TemporaryDirectory() as folder:
        opened = empty_copy(Path(folder) / "data")
        yield opened
        opened.close()


def _reset(context: Context) -> tuple[uuid.UUID, uuid.UUID]:
    with context.database.session() as session:
        for model in (
            models.PaymentCredit,
            models.ApRevision,
            models.PpiLine,
            models.Commitment,
            models.Participation,
            models.Project,
        ):
            session.execute(delete(model))
        communes = sorted(session.query(models.Commune).all(), key=lambda c: c.name)
        return communes[0].id, communes[1].id


def _round_trip(context: Context, kind: str, suffix: str, folder: Path) -> None:
    path = folder / f"{kind}-{uuid.uuid4().hex}.{suffix}"
    with context.database.read_session() as session:
        export_spreadsheet(session, ExportKind(kind), path)
    before = dump(context.paths.database)
    preview = import_file(context.database, ImportKind(kind), path)
    assert not preview.problems, [str(p) for p in preview.problems]
    assert not preview.changes, [str(c) for c in preview.changes]
    assert not preview.missing_columns and not preview.unknown_columns
    assert dump(context.paths.database) == before
    path.unlink()


PROJECTS = st.lists(
    st.tuples(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-=+@", min_size=1, max_size=12),
        TITLE,
        st.sampled_from(list(ProjectDomain)),
        st.sampled_from(list(ProjectStatus)),
        ANY_TEXT,
        ANY_TEXT,
        st.integers(0, 100),
        st.none() | DAY,
        st.integers(0, 3),
        st.booleans(),
    ),
    max_size=6,
    unique_by=lambda project: project[0],
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(projects=PROJECTS, suffix=st.sampled_from(["xlsx", "csv"]))
def test_projects_round_trip(copy: Context, tmp_path: Path, projects: list, suffix: str) -> None:  # type: ignore[type-arg]
    first, second = _reset(copy)
    with copy.database.session() as session:
        for (
            code,
            title,
            domain,
            status,
            description,
            partners,
            progress,
            start,
            shares,
            owned,
        ) in projects:
            project = models.Project(
                code=code,
                title=title,
                domain=domain.value,
                status=status.value,
                description=description,
                partners=partners,
                progress=progress,
                start_date=start,
                end_date=start + dt.timedelta(days=400) if start else None,
                owner_commune_id=first if owned else None,
            )
            session.add(project)
            if shares:
                project.participations.append(
                    models.Participation(commune_id=second, cost_share=shares * 20)
                )
    _round_trip(copy, "projects", suffix, tmp_path)


COMMITMENTS = st.lists(
    st.tuples(
        st.booleans(),
        TITLE.filter(lambda title: len(title) <= 200),
        DAY,
        st.none() | st.integers(0, 900),
        st.sampled_from(list(CommitmentStatus)),
        st.integers(0, 30),
        ANY_TEXT,
        ANY_TEXT,
        ANY_TEXT,
        ANY_TEXT,
    ),
    max_size=6,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(commitments=COMMITMENTS, suffix=st.sampled_from(["xlsx", "csv"]))
def test_commitments_round_trip(
    copy: Context,
    tmp_path: Path,
    commitments: list,  # type: ignore[type-arg]
    suffix: str,
) -> None:
    first, second = _reset(copy)
    seen: set[tuple[bool, str, dt.date]] = set()
    with copy.database.session() as session:
        for (
            which,
            title,
            made_on,
            due,
            status,
            closed,
            promised,
            responsible,
            text,
            evidence,
        ) in commitments:
            key = (which, " ".join(title.casefold().split()), made_on)
            if key in seen:
                continue
            seen.add(key)
            session.add(
                models.Commitment(
                    commune_id=first if which else second,
                    title=title,
                    made_on=made_on,
                    due_date=made_on + dt.timedelta(days=due) if due is not None else None,
                    status=status.value,
                    closed_on=made_on + dt.timedelta(days=closed) if status.is_closed else None,
                    promised_by=promised,
                    responsible=responsible,
                    description=text,
                    evidence=evidence if status is CommitmentStatus.KEPT else "",
                )
            )
    _round_trip(copy, "commitments", suffix, tmp_path)


PPI = st.lists(
    st.tuples(
        st.dictionaries(st.integers(1972, 2100), st.integers(0, 99_999_999_999_999), max_size=3),
        st.none() | st.tuples(DAY, CENTS),
        ANY_TEXT,
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(lines=PPI, suffix=st.sampled_from(["xlsx", "csv"]))
def test_ppi_round_trip(copy: Context, tmp_path: Path, lines: list, suffix: str) -> None:  # type: ignore[type-arg]
    first, _second = _reset(copy)
    with copy.database.session() as session:
        for index, (credits, vote, note) in enumerate(lines):
            project = models.Project(
                code=f"P-{index}",
                title=f"Projet {index}",
                domain=ProjectDomain.NETWORK.value,
                status="idea",
                description="",
                partners="",
                progress=0,
                owner_commune_id=first,
            )
            session.add(project)
            session.flush()
            line = models.PpiLine(project_id=project.id, note=note)
            session.add(line)
            session.flush()
            for year, cents in credits.items():
                session.add(models.PaymentCredit(line_id=line.id, year=year, amount_cents=cents))
            if vote is not None:
                session.add(
                    models.ApRevision(
                        line_id=line.id, voted_on=vote[0], amount_cents=vote[1], note=""
                    )
                )
    _round_trip(copy, "ppi", suffix, tmp_path)
