"""A budget's days and years lie within 1972–2100, whether typed in the window or imported."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from sitiv_desktop.context import Context
from sitiv_desktop.errors import UserError
from sitiv_desktop.services.budgets import ApVoteDraft, PpiLineDraft, save_ppi_line
from sitiv_desktop.store import models


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (
            {"new_votes": [ApVoteDraft(dt.date(9999, 12, 31), "1000")]},
            "Vote de l’AP\u00a0: la date du 31/12/9999 n’est pas comprise entre 1972 et 2100.",
        ),
        (
            {"cp_by_year": {2101: "1000"}},
            "CP\u00a0: l’année 2101 n’est pas comprise entre 1972 et 2100.",
        ),
    ],
)
def test_a_vote_or_cp_outside_the_years_of_the_plan_is_refused(
    filled: Context, draft: dict[str, object], expected: str
) -> None:
    with filled.database.session() as session:
        project_id = session.scalar(
            select(models.Project.id).where(models.Project.code == "GIV-2016-03")
        )
        with pytest.raises(UserError) as refused:
            save_ppi_line(session, PpiLineDraft(project_id, **draft))  # type: ignore[arg-type]
    assert refused.value.message == expected
