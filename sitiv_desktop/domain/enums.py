"""The closed vocabularies of the domain.

Values are stable English codes stored in the database; ``label`` gives the French (or
English) word shown to users, through the shared gettext catalogue.
"""

from __future__ import annotations

from enum import StrEnum

from sitiv_desktop.i18n import N_, _


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members know the words users see for them."""

    @classmethod
    def _labels(cls) -> dict[str, str]:
        raise NotImplementedError

    @property
    def label(self) -> str:
        return _(self._labels()[self.value])

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)


class Metropole(LabelledEnum):
    LYON = "lyon"
    SAINT_ETIENNE = "saint_etienne"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "lyon": N_("Métropole de Lyon"),
            "saint_etienne": N_("Saint-Étienne Métropole"),
            "other": N_("Other"),
        }


class ContactRole(LabelledEnum):
    MAYOR = "mayor"
    DEPUTY = "deputy"
    GENERAL_DIRECTOR = "general_director"
    IT_DIRECTOR = "it_director"
    REFERENT = "referent"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "mayor": N_("Mayor"),
            "deputy": N_("Deputy mayor"),
            "general_director": N_("General director (DGS)"),
            "it_director": N_("IT director (DSI)"),
            "referent": N_("Digital referent"),
        }


class ProjectDomain(LabelledEnum):
    NETWORK = "network"
    BUSINESS_APPS = "business_apps"
    CITIZEN_PORTAL = "citizen_portal"
    SCHOOLS = "schools"
    GIS = "gis"
    TELEPHONY = "telephony"
    IDENTITY_SECURITY = "identity_security"
    HOSTING = "hosting"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "network": N_("Network"),
            "business_apps": N_("Business applications"),
            "citizen_portal": N_("Citizen portal"),
            "schools": N_("Schools"),
            "gis": N_("GIS"),
            "telephony": N_("Telephony"),
            "identity_security": N_("Identity and security"),
            "hosting": N_("Hosting"),
        }


class ProjectStatus(LabelledEnum):
    IDEA = "idea"
    STUDY = "study"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    SUSPENDED = "suspended"
    ABANDONED = "abandoned"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "idea": N_("Idea"),
            "study": N_("Study"),
            "in_progress": N_("In progress"),
            "delivered": N_("Delivered"),
            "suspended": N_("Suspended"),
            "abandoned": N_("Abandoned"),
        }


class CommitmentStatus(LabelledEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    KEPT = "kept"
    ABANDONED = "abandoned"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "open": N_("Open"),
            "in_progress": N_("In progress"),
            "kept": N_("Kept"),
            "abandoned": N_("Abandoned"),
        }

    @property
    def is_closed(self) -> bool:
        return self in (CommitmentStatus.KEPT, CommitmentStatus.ABANDONED)


class MeetingKind(LabelledEnum):
    MAYOR_MEETING = "mayor_meeting"
    SYNDICATE_COMMITTEE = "syndicate_committee"
    BUREAU = "bureau"
    STEERING_COMMITTEE = "steering_committee"
    TECHNICAL_COMMITTEE = "technical_committee"
    PPI_SEMINAR = "ppi_seminar"
    NEW_YEAR = "new_year"
    TECHNICAL_MEETING = "technical_meeting"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "mayor_meeting": N_("Meeting with the mayor"),
            "syndicate_committee": N_("Syndicate committee"),
            "bureau": N_("Bureau"),
            "steering_committee": N_("Steering committee"),
            "technical_committee": N_("Technical committee"),
            "ppi_seminar": N_("PPI seminar"),
            "new_year": N_("New Year address"),
            "technical_meeting": N_("Technical meeting"),
        }


class MeetingStatus(LabelledEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    HELD = "held"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "planned": N_("Planned"),
            "in_progress": N_("Under way"),
            "held": N_("Held"),
            "cancelled": N_("Cancelled"),
        }


class OutcomeKind(LabelledEnum):
    NONE = "none"
    INFORMATION = "information"
    DECISION = "decision"
    COMMITMENT = "commitment"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "none": N_("Not dealt with"),
            "information": N_("Information"),
            "decision": N_("Decision"),
            "commitment": N_("New commitment"),
        }


class ExchangeChannel(LabelledEnum):
    PHONE = "phone"
    EMAIL = "email"
    MEETING = "meeting"
    LETTER = "letter"
    VIDEO = "video"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {
            "phone": N_("Phone"),
            "email": N_("Email"),
            "meeting": N_("Meeting"),
            "letter": N_("Letter"),
            "video": N_("Video call"),
        }


class ExchangeDirection(LabelledEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"incoming": N_("Incoming"), "outgoing": N_("Outgoing")}


class Priority(LabelledEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @classmethod
    def _labels(cls) -> dict[str, str]:
        return {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
