"""What the database's own rules mean, in words: a refused write becomes a French sentence.

Services check these rules before writing; this table speaks when one slips through (an import,
a race between two writers, a bug), so that nobody ever reads a constraint name.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import N_, _

# constraint name (as the naming convention spells it) → (field, message)
MEANINGS: dict[str, tuple[str, str]] = {
    "ck_communes_insee_code_length": ("insee_code", N_("INSEE code: it has five characters.")),
    "uq_communes_insee_code": ("insee_code", N_("INSEE code: another commune already has it.")),
    "ck_communes_population_positive": ("population", N_("Population: cannot be negative.")),
    "ck_communes_name_not_empty": ("name", N_("Name: this field is required.")),
    "ck_communes_metropole_code": ("metropole", N_("Intercommunality: unknown value.")),
    "ck_contacts_role_code": ("role", N_("Role: unknown value.")),
    "ck_contacts_full_name_not_empty": ("full_name", N_("Name: this field is required.")),
    "uq_projects_code": ("code", N_("Code: another project already has this code.")),
    "ck_projects_domain_code": ("domain", N_("Domain: unknown value.")),
    "ck_projects_status_code": ("status", N_("Status: unknown value.")),
    "ck_projects_progress_percent": (
        "progress",
        N_("Progress: a percentage lies between 0 and 100."),
    ),
    "ck_projects_end_after_start": ("end_date", N_("End: the end cannot come before the start.")),
    "ck_projects_title_not_empty": ("title", N_("Title: this field is required.")),
    "ck_participations_cost_share_percent": (
        "cost_share",
        N_("Cost share: a percentage lies between 0 and 100."),
    ),
    "uq_participations_project_id": (
        "commune_id",
        N_("Participating communes: a commune takes part only once."),
    ),
    "ck_milestones_title_not_empty": ("title", N_("Milestone: this field is required.")),
    "uq_ppi_lines_project_id": ("project_id", N_("PPI: this project already has a line.")),
    "ck_ap_revisions_amount_positive": ("amount", N_("AP: the amount must be positive.")),
    "ck_payment_credits_amount_positive": ("amount", N_("CP: an amount cannot be negative.")),
    "uq_payment_credits_line_id": ("year", N_("CP: this year already has its credits.")),
    "ck_payment_credits_year_range": ("year", N_("CP: the year lies between 1972 and 2100.")),
    "ck_meetings_kind_code": ("kind", N_("Kind: unknown value.")),
    "ck_meetings_status_code": ("status", N_("Status: unknown value.")),
    "ck_meetings_duration_positive": (
        "duration_minutes",
        N_("Duration: a meeting lasts at least one minute."),
    ),
    "ck_meetings_title_not_empty": ("title", N_("Title: this field is required.")),
    "uq_meeting_communes_meeting_id": ("communes", N_("Communes: a commune is listed only once.")),
    "ck_commitments_status_code": ("status", N_("Status: unknown value.")),
    "ck_commitments_title_not_empty": ("title", N_("Commitment: this field is required.")),
    "ck_commitments_due_after_made": (
        "due_date",
        N_("Due date: the due date cannot come before the day the commitment was made."),
    ),
    "ck_agenda_items_outcome_code": ("outcome", N_("Outcome: unknown value.")),
    "ck_agenda_items_duration_positive": ("duration_minutes", N_("Duration: cannot be negative.")),
    "ck_agenda_items_position_positive": ("position", N_("Position: cannot be negative.")),
    "ck_agenda_items_title_not_empty": ("title", N_("Item: this field is required.")),
    "ck_exchanges_channel_code": ("channel", N_("Channel: unknown value.")),
    "ck_exchanges_direction_code": ("direction", N_("Direction: unknown value.")),
    "ck_exchanges_subject_not_empty": ("subject", N_("Subject: this field is required.")),
    "ck_mandate_stakes_priority_code": ("priority", N_("Priority: unknown value.")),
    "ck_mandate_stakes_progress_percent": (
        "progress",
        N_("Progress: a percentage lies between 0 and 100."),
    ),
    "ck_mandate_stakes_action_not_empty": ("action", N_("Action: this field is required.")),
    "uq_stake_projects_stake_id": (
        "projects",
        N_("Projects: a project answers a stake only once."),
    ),
}

# SQLite names the columns of a failed UNIQUE or NOT NULL rule, not the rule.
_SQLITE_UNIQUE = {
    "communes.insee_code": "uq_communes_insee_code",
    "projects.code": "uq_projects_code",
    "participations.project_id, participations.commune_id": "uq_participations_project_id",
    "ppi_lines.project_id": "uq_ppi_lines_project_id",
    "payment_credits.line_id, payment_credits.year": "uq_payment_credits_line_id",
    "meeting_communes.meeting_id, meeting_communes.commune_id": "uq_meeting_communes_meeting_id",
    "stake_projects.stake_id, stake_projects.project_id": "uq_stake_projects_stake_id",
}
_NAME = re.compile(r"(?:CHECK constraint failed: |constraint \")(\w+)")
_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")
_NOT_NULL = re.compile(r"NOT NULL constraint failed: \w+\.(\w+)|column \"(\w+)\".*not-null")


def explain(error: IntegrityError) -> UserError:
    """The refused write as a ``UserError`` naming the field, in the current language."""
    detail = str(error.orig)
    meaning = meaning_of(detail)
    if meaning is not None:
        return meaning
    return UserError(_("The database refused this change: {detail}").format(detail=detail))


def meaning_of(detail: str) -> UserError | None:
    """What a database's refusal (SQLite's or PostgreSQL's words) means; ``None`` if unknown."""
    name = None
    if match := _NAME.search(detail):
        name = match.group(1)
    elif match := _UNIQUE.search(detail):
        name = _SQLITE_UNIQUE.get(match.group(1).strip())
    if name is not None and name in MEANINGS:
        field, message = MEANINGS[name]
        return UserError(_(message), field)
    if match := _NOT_NULL.search(detail):
        field = match.group(1) or match.group(2)
        return UserError(_("{field}: this field is required.").format(field=field), field)
    if "FOREIGN KEY" in detail or "foreign key" in detail:
        return UserError(_("This record points to another one that does not exist (any more)."))
    return None
