"""Demonstration data: the syndicate's member communes and plausible work around them, in French.

The communes are real (names, INSEE codes, départements, populations 2018, from
``resources/demo/communes.csv``); people, projects, commitments, meetings and exchanges are
invented. ``seed`` makes the data repeatable (identifiers included), ``scale`` multiplies all
but the communes, and ``today`` anchors what is late, due soon or upcoming, so that the demo
looks alive on the day it is made. The data is French whatever language the interface speaks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from babel.dates import format_date as babel_format_date
from sqlalchemy import delete, exists, insert, select, text
from sqlalchemy.orm import Session

from sitiv_desktop.domain.enums import (
    CommitmentStatus,
    ContactRole,
    ExchangeChannel,
    ExchangeDirection,
    MeetingKind,
    MeetingStatus,
    Metropole,
    OutcomeKind,
    Priority,
    ProjectDomain,
    ProjectStatus,
)
from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store import models

Progress = Callable[[float, str], None]
# The PPI runs from this many years before today's to this many after: the mandate begun
# in March 2026 (2026–2032) and the projects of the last one still being paid.
PPI_YEARS_BEFORE, PPI_YEARS_AFTER = 6, 3
BATCH_ROWS = 5000
# Share of the progress bar spent drawing the data; the rest is writing it.
DRAWING_SHARE = 0.3


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each table the demonstration data holds."""

    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _no_progress(fraction: float, text: str) -> None:
    """Callers that show no progress pass nothing."""


# --- the vocabulary ------------------------------------------------------------------------------

# Invented people: first names split so that titles agree (« présidente », « chargé »).
FEMALE_NAMES = (
    "Agnès", "Anne", "Camille", "Céline", "Chloé", "Claire", "Élise", "Estelle", "Françoise",
    "Hélène", "Inès", "Isabelle", "Karima", "Léa", "Maëlle", "Martine", "Nadia", "Pascale",
    "Sandrine", "Séverine", "Sophie", "Valérie", "Yasmina", "Zoé",
)  # fmt: skip
MALE_NAMES = (
    "Benoît", "Bernard", "Daniel", "Djamel", "Fabrice", "François", "Gérard", "Jacques",
    "Jérôme", "Julien", "Laurent", "Malik", "Mathieu", "Nicolas", "Noël", "Olivier", "Philippe",
    "Rachid", "Stéphane", "Thierry",
)  # fmt: skip
LAST_NAMES = (
    "Arnaud", "Benali", "Bertrand", "Blanc", "Bonnet", "Chevalier", "Clément", "Da Silva",
    "Dubois", "Durand", "Faure", "Fontaine", "Garnier", "Girard", "Guérin", "Haddad", "Lambert",
    "Lefèvre", "Lemoine", "Marchand", "Martin", "Mercier", "Meunier", "Morel", "Nguyen",
    "Perrin", "Picard", "Roche", "Rousseau", "Roux", "Vidal", "Giraud", "Brun", "Ferrand",
    "Besson", "Charrier", "Delorme", "Jacquet", "Maréchal", "Poncet", "Tissot", "Vial",
)  # fmt: skip


@dataclass(frozen=True)
class _Subject:
    """A kind of project, and the words to speak of it: « le portail » / « du portail »."""

    domain: ProjectDomain
    title: str
    the: str
    of_the: str
    description: str


def _subjects(domain: ProjectDomain, *entries: tuple[str, str, str, str]) -> list[_Subject]:
    return [_Subject(domain, *entry) for entry in entries]


SUBJECTS: tuple[_Subject, ...] = (
    *_subjects(
        ProjectDomain.NETWORK,
        (
            "Fibre optique entre les bâtiments communaux",
            "la fibre entre les bâtiments",
            "de la fibre entre les bâtiments",
            "Relier par fibre optique la mairie, les écoles et les équipements sportifs, pour "
            "remplacer des liaisons louées plus lentes et plus chères.",
        ),
        (
            "Wifi public dans les équipements municipaux",
            "le wifi public",
            "du wifi public",
            "Offrir un accès sans fil gratuit dans les médiathèques, les gymnases et les halls "
            "d’accueil, en conservant les journaux de connexion comme la loi l’exige.",
        ),
        (
            "Renouvellement des commutateurs de la mairie",
            "le renouvellement des commutateurs",
            "du renouvellement des commutateurs",
            "Remplacer les équipements réseau arrivés en fin de support et cloisonner le réseau "
            "des services pour mieux le protéger.",
        ),
        (
            "Raccordement très haut débit des écoles",
            "le raccordement des écoles",
            "du raccordement des écoles",
            "Porter chaque groupe scolaire au très haut débit, pour les usages numériques en "
            "classe et les évaluations nationales en ligne.",
        ),
    ),
    *_subjects(
        ProjectDomain.BUSINESS_APPS,
        (
            "Nouveau logiciel d’état civil",
            "le logiciel d’état civil",
            "du logiciel d’état civil",
            "Remplacer l’application d’état civil, reprendre les actes déjà numérisés et "
            "échanger les données d’état civil par voie électronique avec les notaires.",
        ),
        (
            "Gestion électronique du courrier",
            "la gestion du courrier",
            "de la gestion du courrier",
            "Enregistrer, numériser et distribuer le courrier entrant aux services, avec un suivi "
            "des réponses et de leurs délais.",
        ),
        (
            "Logiciel de gestion financière",
            "le logiciel financier",
            "du logiciel financier",
            "Changer d’outil de gestion financière et de suivi des marchés publics, et préparer "
            "le passage à la nomenclature comptable M57.",
        ),
        (
            "Dématérialisation des actes administratifs",
            "la dématérialisation des actes",
            "de la dématérialisation des actes",
            "Transmettre délibérations et arrêtés au contrôle de légalité par voie électronique "
            "et faire signer les parapheurs en ligne.",
        ),
    ),
    *_subjects(
        ProjectDomain.CITIZEN_PORTAL,
        (
            "Portail citoyen et démarches en ligne",
            "le portail citoyen",
            "du portail citoyen",
            "Ouvrir aux habitants un compte unique pour leurs démarches : inscriptions, "
            "réservations de salles, signalements sur l’espace public, suivi des demandes.",
        ),
        (
            "Prise de rendez-vous en ligne pour les titres d’identité",
            "la prise de rendez-vous en ligne",
            "de la prise de rendez-vous en ligne",
            "Réserver en ligne un créneau pour une carte d’identité ou un passeport, avec un "
            "rappel par SMS pour réduire les rendez-vous manqués.",
        ),
        (
            "Paiement en ligne de la restauration scolaire",
            "le paiement en ligne",
            "du paiement en ligne",
            "Proposer aux familles de payer la cantine et le périscolaire en ligne, par carte "
            "bancaire ou par prélèvement.",
        ),
        (
            "Refonte du site internet de la ville",
            "le site internet",
            "du site internet",
            "Reconstruire le site de la ville pour qu’il se lise sur mobile, soit accessible aux "
            "personnes handicapées et mène directement aux démarches en ligne.",
        ),
    ),
    *_subjects(
        ProjectDomain.SCHOOLS,
        (
            "Écrans numériques interactifs dans les écoles élémentaires",
            "les écrans numériques des écoles",
            "des écrans numériques des écoles",
            "Équiper les classes élémentaires d’écrans interactifs, former les enseignants "
            "volontaires et en assurer la maintenance avec le syndicat.",
        ),
        (
            "Environnement numérique de travail des écoles",
            "l’environnement numérique de travail",
            "de l’environnement numérique de travail",
            "Donner aux élèves, aux familles et aux enseignants un espace en ligne commun : "
            "cahier de textes, messagerie, ressources pédagogiques.",
        ),
        (
            "Classes mobiles de tablettes",
            "les classes mobiles",
            "des classes mobiles",
            "Mettre à la disposition des écoles des chariots de tablettes partagées, "
            "administrées à distance par le syndicat.",
        ),
        (
            "Renouvellement du parc informatique des écoles",
            "le parc informatique des écoles",
            "du parc informatique des écoles",
            "Remplacer les postes des salles informatiques et des directions d’école, en donnant "
            "une seconde vie aux matériels réformés.",
        ),
    ),
    *_subjects(
        ProjectDomain.GIS,
        (
            "Système d’information géographique intercommunal",
            "le SIG intercommunal",
            "du SIG intercommunal",
            "Partager un SIG entre les services de l’urbanisme, de la voirie et des espaces "
            "verts, alimenté par les données cadastrales.",
        ),
        (
            "Cartographie des réseaux communaux",
            "la cartographie des réseaux",
            "de la cartographie des réseaux",
            "Numériser les plans de l’éclairage public et des réseaux communaux pour répondre "
            "dans les délais aux déclarations de travaux.",
        ),
        (
            "Plan interactif de la commune",
            "le plan interactif",
            "du plan interactif",
            "Publier sur le site de la ville un plan des équipements publics, des travaux en "
            "cours et des bureaux de vote.",
        ),
    ),
    *_subjects(
        ProjectDomain.TELEPHONY,
        (
            "Téléphonie sur IP des services municipaux",
            "la téléphonie sur IP",
            "de la téléphonie sur IP",
            "Remplacer l’autocommutateur de la mairie par une téléphonie sur IP hébergée par le "
            "syndicat, avec messagerie vocale et renvoi vers les mobiles.",
        ),
        (
            "Renouvellement de la flotte mobile",
            "la flotte mobile",
            "de la flotte mobile",
            "Renouveler les téléphones des agents de terrain dans le cadre d’un marché groupé "
            "passé par le syndicat.",
        ),
        (
            "Accueil téléphonique mutualisé",
            "l’accueil téléphonique",
            "de l’accueil téléphonique",
            "Mettre en place un numéro d’accueil unique qui oriente les appels vers les services "
            "et mesure le taux de réponse.",
        ),
    ),
    *_subjects(
        ProjectDomain.IDENTITY_SECURITY,
        (
            "Annuaire unique et authentification des agents",
            "l’annuaire des agents",
            "de l’annuaire des agents",
            "Créer un compte unique par agent, avec une double authentification pour le travail "
            "à distance, et automatiser les arrivées et les départs.",
        ),
        (
            "Plan de sauvegarde et de reprise d’activité",
            "le plan de reprise d’activité",
            "du plan de reprise d’activité",
            "Sauvegarder hors site les données des services et tester chaque année la reprise "
            "des applications essentielles.",
        ),
        (
            "Mise en conformité RGPD des traitements",
            "la mise en conformité RGPD",
            "de la mise en conformité RGPD",
            "Tenir le registre des traitements, informer les usagers et s’appuyer sur le "
            "délégué à la protection des données mutualisé par le syndicat.",
        ),
        (
            "Vidéoprotection des bâtiments publics",
            "la vidéoprotection",
            "de la vidéoprotection",
            "Installer des caméras aux abords des bâtiments publics sensibles, dans le cadre "
            "autorisé par la préfecture.",
        ),
    ),
    *_subjects(
        ProjectDomain.HOSTING,
        (
            "Hébergement des serveurs au centre de données du syndicat",
            "l’hébergement des serveurs",
            "de l’hébergement des serveurs",
            "Migrer les serveurs des salles informatiques communales vers le centre de données "
            "du syndicat, secouru et climatisé.",
        ),
        (
            "Virtualisation des postes de travail",
            "la virtualisation des postes",
            "de la virtualisation des postes",
            "Servir les postes des agents depuis le centre de données pour simplifier la "
            "maintenance et prolonger la vie du matériel.",
        ),
        (
            "Messagerie collaborative mutualisée",
            "la messagerie collaborative",
            "de la messagerie collaborative",
            "Offrir à tous les agents une messagerie, un agenda partagé et un espace de documents "
            "communs, hébergés en France.",
        ),
    ),
)
# Plausible amounts of a programme authorisation, in euros, by domain.
AMOUNTS: dict[ProjectDomain, tuple[int, int]] = {
    ProjectDomain.NETWORK: (60_000, 650_000),
    ProjectDomain.BUSINESS_APPS: (30_000, 380_000),
    ProjectDomain.CITIZEN_PORTAL: (25_000, 260_000),
    ProjectDomain.SCHOOLS: (40_000, 520_000),
    ProjectDomain.GIS: (20_000, 220_000),
    ProjectDomain.TELEPHONY: (30_000, 300_000),
    ProjectDomain.IDENTITY_SECURITY: (15_000, 260_000),
    ProjectDomain.HOSTING: (80_000, 900_000),
}
PARTNERS: dict[ProjectDomain, tuple[str, ...]] = {
    ProjectDomain.NETWORK: ("{metropole}", "Région Auvergne-Rhône-Alpes", ""),
    ProjectDomain.BUSINESS_APPS: ("", "Préfecture", ""),
    ProjectDomain.CITIZEN_PORTAL: ("", "Caisse d’allocations familiales", ""),
    ProjectDomain.SCHOOLS: ("Éducation nationale", "Éducation nationale ; {metropole}"),
    ProjectDomain.GIS: ("{metropole}", "Service du cadastre", ""),
    ProjectDomain.TELEPHONY: ("", ""),
    ProjectDomain.IDENTITY_SECURITY: ("Préfecture", "", ""),
    ProjectDomain.HOSTING: ("", "Caisse des dépôts", ""),
}
MILESTONES = (
    "Expression des besoins",
    "Consultation et choix du prestataire",
    "Déploiement pilote",
    "Formation des agents",
    "Mise en service générale",
)
AP_REVISION_REASONS = (
    "extension du périmètre à de nouveaux sites",
    "actualisation des prix du marché",
    "ajout d’une tranche optionnelle",
    "reprise de données plus lourde que prévu",
)
COMMITMENT_TITLES = (
    "Remettre l’étude de faisabilité {of_the}",
    "Chiffrer {the} avant le prochain comité syndical",
    "Présenter le calendrier {of_the} au maire",
    "Organiser une démonstration {of_the} pour les élus",
    "Rendre compte de l’avancement {of_the} en conseil municipal",
    "Tenir l’échéance de mise en service {of_the}",
    "Transmettre la convention de financement {of_the}",
    "Former les agents concernés par {the}",
)
IN, OUT = ExchangeDirection.INCOMING, ExchangeDirection.OUTGOING
PHONE, EMAIL, LETTER, VIDEO, MEETING = (
    ExchangeChannel.PHONE,
    ExchangeChannel.EMAIL,
    ExchangeChannel.LETTER,
    ExchangeChannel.VIDEO,
    ExchangeChannel.MEETING,
)
# Subject, summary, who wrote to whom, and the ways it may have come.
EXCHANGES: tuple[tuple[str, str, ExchangeDirection, tuple[ExchangeChannel, ...]], ...] = (
    (
        "Point sur l’échéance {of_the}",
        "Le DGS de {commune} demande où en est {the} ; l’échéance prévue lui est rappelée et "
        "un point d’étape écrit lui sera adressé.",
        IN,
        (PHONE, EMAIL),
    ),
    (
        "Question du maire sur {the}",
        "Le maire de {commune} souhaite une présentation {of_the} lors de la prochaine "
        "rencontre avec le syndicat.",
        IN,
        (PHONE, EMAIL, LETTER),
    ),
    (
        "Incident signalé : {the}",
        "Les services de {commune} signalent une panne ; le syndicat intervient dans la journée "
        "et rétablit le service.",
        IN,
        (PHONE, EMAIL),
    ),
    (
        "Demande de devis : {the}",
        "{commune} demande un chiffrage détaillé {of_the} avant ses arbitrages budgétaires.",
        IN,
        (EMAIL, LETTER),
    ),
    (
        "Relevé de la réunion technique",
        "La DSI de {commune} valide les choix techniques {of_the} ; le calendrier est confirmé.",
        OUT,
        (EMAIL, VIDEO, MEETING),
    ),
    (
        "Invitation à la mise en service",
        "{commune} invite la présidence du syndicat à la mise en service {of_the}.",
        IN,
        (LETTER, EMAIL),
    ),
    (
        "Convention de participation",
        "Envoi à {commune} de la convention qui fixe sa participation au financement {of_the}.",
        OUT,
        (LETTER, EMAIL),
    ),
    (
        "Retour des agents sur {the}",
        "Les agents d’accueil de {commune} sont satisfaits {of_the} ; deux demandes "
        "d’évolution sont notées.",
        IN,
        (MEETING, VIDEO, PHONE),
    ),
)
FOLLOW_UPS = (
    "",
    "",
    "Relancer dans quinze jours.",
    "Réponse écrite à préparer.",
    "À inscrire à l’ordre du jour de la prochaine rencontre.",
)
# Mandate plans, as they are written: axis → line → actions, each answered by some domains.
STAKES: tuple[tuple[str, str, str, tuple[ProjectDomain, ...]], ...] = (
    (
        "Une ville proche de ses habitants",
        "Simplifier les démarches",
        "Proposer cinquante démarches en ligne d’ici la fin du mandat",
        (ProjectDomain.CITIZEN_PORTAL,),
    ),
    (
        "Une ville proche de ses habitants",
        "Simplifier les démarches",
        "Permettre le paiement en ligne de tous les services municipaux",
        (ProjectDomain.CITIZEN_PORTAL,),
    ),
    (
        "Une ville proche de ses habitants",
        "Mieux accueillir",
        "Ouvrir un accueil unique avec prise de rendez-vous en ligne",
        (ProjectDomain.CITIZEN_PORTAL, ProjectDomain.TELEPHONY),
    ),
    (
        "Une ville proche de ses habitants",
        "Mieux accueillir",
        "Joindre la mairie par un numéro unique",
        (ProjectDomain.TELEPHONY,),
    ),
    (
        "Réussir l’école",
        "Équiper les écoles",
        "Équiper chaque classe élémentaire d’un écran numérique",
        (ProjectDomain.SCHOOLS,),
    ),
    (
        "Réussir l’école",
        "Équiper les écoles",
        "Raccorder toutes les écoles au très haut débit",
        (ProjectDomain.NETWORK, ProjectDomain.SCHOOLS),
    ),
    (
        "Réussir l’école",
        "Former au numérique",
        "Ouvrir un espace numérique de travail aux familles",
        (ProjectDomain.SCHOOLS,),
    ),
    (
        "Une administration moderne et sûre",
        "Sécuriser le système d’information",
        "Garantir la reprise d’activité en moins de 48 heures",
        (ProjectDomain.IDENTITY_SECURITY, ProjectDomain.HOSTING),
    ),
    (
        "Une administration moderne et sûre",
        "Sécuriser le système d’information",
        "Protéger les données personnelles des habitants",
        (ProjectDomain.IDENTITY_SECURITY,),
    ),
    (
        "Une administration moderne et sûre",
        "Dématérialiser",
        "Dématérialiser les actes et le courrier",
        (ProjectDomain.BUSINESS_APPS,),
    ),
    (
        "Une administration moderne et sûre",
        "Dématérialiser",
        "Doter tous les agents d’outils collaboratifs",
        (ProjectDomain.HOSTING,),
    ),
    (
        "Une ville durable",
        "Mieux connaître le territoire",
        "Publier les données du territoire en open data",
        (ProjectDomain.GIS,),
    ),
    (
        "Une ville durable",
        "Mieux connaître le territoire",
        "Cartographier les réseaux et le patrimoine communal",
        (ProjectDomain.GIS,),
    ),
    (
        "Une ville durable",
        "Réduire l’empreinte numérique",
        "Réduire la consommation électrique du parc informatique",
        (ProjectDomain.HOSTING, ProjectDomain.NETWORK),
    ),
    (
        "Une ville durable",
        "Réduire l’empreinte numérique",
        "Allonger la durée de vie des équipements",
        (ProjectDomain.SCHOOLS, ProjectDomain.HOSTING),
    ),
)
# The words users read, fixed in French: the data does not change with the interface language.
MEETING_NAMES: dict[MeetingKind, str] = {
    MeetingKind.MAYOR_MEETING: "Rencontre avec le maire",
    MeetingKind.SYNDICATE_COMMITTEE: "Comité syndical",
    MeetingKind.BUREAU: "Bureau syndical",
    MeetingKind.STEERING_COMMITTEE: "Comité de pilotage des DGS",
    MeetingKind.TECHNICAL_COMMITTEE: "Comité technique des DSI",
    MeetingKind.PPI_SEMINAR: "Séminaire PPI",
    MeetingKind.NEW_YEAR: "Cérémonie des vœux",
    MeetingKind.TECHNICAL_MEETING: "Réunion technique",
}
METROPOLE_NAMES = {
    Metropole.LYON: "Métropole de Lyon",
    Metropole.SAINT_ETIENNE: "Saint-Étienne Métropole",
}
# (kind, days from today, duration in minutes, hour, minute, place); one calendar per copy.
COLLECTIVE_MEETINGS: tuple[tuple[MeetingKind, tuple[int, ...], int, int, int, str], ...] = (
    (
        MeetingKind.SYNDICATE_COMMITTEE,
        (-250, -160, -75, 40),
        120,
        18,
        30,
        "Siège du syndicat, salle du comité",
    ),
    (MeetingKind.BUREAU, (-190, -100, -30, 18), 90, 17, 0, "Siège du syndicat, salle du bureau"),
    (
        MeetingKind.STEERING_COMMITTEE,
        (-140, -50, 35),
        120,
        9,
        30,
        "Siège du syndicat, salle du comité",
    ),
    (
        MeetingKind.TECHNICAL_COMMITTEE,
        (-120, -45, 12),
        120,
        14,
        0,
        "Siège du syndicat, salle technique",
    ),
)
MAYOR_MEETING_DAYS = (-200, -70)
TECHNICAL_MEETING_DAYS = (-60, -25, -8, 6)
INFO, DECIDE = OutcomeKind.INFORMATION, OutcomeKind.DECISION
# Agenda items of collective meetings: title, presenter's role, minutes, about a project or not,
# and what such an item ends with once dealt with.
COLLECTIVE_AGENDAS: dict[MeetingKind, tuple[tuple[str, str, int, bool, OutcomeKind], ...]] = {
    MeetingKind.SYNDICATE_COMMITTEE: (
        ("Approbation du procès-verbal de la séance précédente", "president", 5, False, DECIDE),
        ("Décision modificative du budget", "dgs", 15, False, DECIDE),
        ("Révision de l’autorisation de programme : {title}", "dgs", 15, True, DECIDE),
        ("Point d’avancement : {title}", "liaison", 20, True, INFO),
        ("Questions diverses", "president", 10, False, INFO),
    ),
    MeetingKind.BUREAU: (
        ("Préparation du prochain comité syndical", "president", 20, False, DECIDE),
        ("Point d’avancement : {title}", "liaison", 15, True, INFO),
        ("Arbitrage sur le calendrier : {title}", "dgs", 20, True, DECIDE),
        ("Ressources humaines du syndicat", "dgs", 15, False, INFO),
    ),
    MeetingKind.STEERING_COMMITTEE: (
        ("Tableau de bord du portefeuille de projets", "dgs", 20, False, INFO),
        ("Arbitrage : {title}", "dgs", 25, True, DECIDE),
        ("Calendrier des déploiements du trimestre", "technical", 20, False, INFO),
        ("Retour d’expérience : {title}", "liaison", 20, True, INFO),
    ),
    MeetingKind.TECHNICAL_COMMITTEE: (
        ("Choix d’architecture : {title}", "technical", 30, True, INFO),
        ("Sécurité : bilan des incidents du trimestre", "technical", 20, False, INFO),
        ("Montées de version à planifier", "technical", 20, False, DECIDE),
        ("Recette : {title}", "liaison", 25, True, DECIDE),
    ),
    MeetingKind.PPI_SEMINAR: (
        ("Bilan de l’exécution du PPI", "dgs", 60, False, INFO),
        ("Propositions de nouvelles lignes : {title}", "liaison", 45, True, INFO),
        ("Priorisation des projets par commune", "president", 90, False, DECIDE),
        ("Arbitrages et calendrier des autorisations de programme", "dgs", 60, False, DECIDE),
        ("Synthèse et suites à donner", "president", 30, False, INFO),
    ),
    MeetingKind.NEW_YEAR: (
        ("Allocution d’accueil", "president", 10, False, INFO),
        ("Les réalisations de l’année : {title}", "vice_president", 20, True, INFO),
        ("Les projets de l’année qui vient", "president", 20, False, INFO),
        ("Remerciements aux communes membres et au personnel", "president", 10, False, INFO),
    ),
}
OUTCOME_TEXTS: dict[OutcomeKind, tuple[str, ...]] = {
    OutcomeKind.INFORMATION: (
        "Le point est présenté ; pas d’observation.",
        "Information donnée ; le support est joint au relevé de décisions.",
        "Échanges nourris ; un point de suivi est demandé pour la prochaine séance.",
    ),
    OutcomeKind.DECISION: (
        "Adopté à l’unanimité.",
        "Adopté ; deux abstentions.",
        "Accord de principe ; décision définitive à la séance suivante.",
        "Validé sous réserve d’un chiffrage complémentaire.",
    ),
}
NOT_DEALT_WITH = "Point non traité faute de temps ; reporté à la séance suivante."


# --- the drawing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Commune:
    id: uuid.UUID
    name: str
    prefix: str
    slug: str
    population: int
    metropole: Metropole
    mayor: str
    general_director: str


@dataclass(frozen=True)
class _Project:
    id: uuid.UUID
    subject: _Subject
    title: str
    status: ProjectStatus
    # The commune that owns it, or None for the syndicate; ``communes`` are all it concerns.
    owner: _Commune | None
    communes: tuple[_Commune, ...]


@dataclass(frozen=True)
class _Commitment:
    id: uuid.UUID
    commune: _Commune
    title: str
    made_on: dt.date
    due: dt.date
    subject: _Subject


@dataclass(frozen=True)
class _Staff:
    """The syndicate's own people, invented: they promise, present and write."""

    president: str
    vice_president: str
    dgs: str
    technical: str
    liaisons: tuple[str, ...]
    # Each one's name with the title they sign with, by role: « Claire Dubois (présidente) ».
    titled: Mapping[str, str]
    titled_liaisons: tuple[str, ...]

    def by_role(self, role: str, rng: random.Random) -> str:
        return self.titled.get(role) or rng.choice(self.titled_liaisons)


def _hire_staff(maker: _Maker) -> _Staff:
    def hire(title: str, feminine_title: str) -> tuple[str, str]:
        feminine = maker.rng.random() < 0.5
        name = maker.person(feminine)
        return name, f"{name} ({feminine_title if feminine else title})"

    president = hire("président du syndicat", "présidente du syndicat")
    vice_president = hire("vice-président du syndicat", "vice-présidente du syndicat")
    dgs = hire("DGS du syndicat", "DGS du syndicat")
    technical = hire("responsable technique", "responsable technique")
    liaisons = [hire("chargé de liaison", "chargée de liaison") for _ in range(4)]
    return _Staff(
        president[0],
        vice_president[0],
        dgs[0],
        technical[0],
        tuple(name for name, _titled in liaisons),
        {
            "president": president[1],
            "vice_president": vice_president[1],
            "dgs": dgs[1],
            "technical": technical[1],
        },
        tuple(titled for _name, titled in liaisons),
    )


class _Maker:
    """Draws everything from one seeded generator, so that a seed gives the same rows."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.rows: dict[type[models.Base], list[dict[str, Any]]] = {}
        self.ppi_years = range(today.year - PPI_YEARS_BEFORE, today.year + PPI_YEARS_AFTER + 1)
        self._people: set[str] = set()

    def id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model: type[models.Base], **values: Any) -> uuid.UUID:
        record_id = self.id()
        self.rows.setdefault(model, []).append({"id": record_id, **values})
        return record_id

    def person(self, feminine: bool | None = None) -> str:
        """A new person: one person, one role (a name never comes twice in one copy)."""
        if feminine is None:
            feminine = self.rng.random() < 0.5
        for _attempt in range(50):
            first = self.rng.choice(FEMALE_NAMES if feminine else MALE_NAMES)
            name = f"{first} {self.rng.choice(LAST_NAMES)}"
            if name not in self._people:
                break
        self._people.add(name)
        return name

    def days_from_today(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))


def generate_demo(
    session: Session,
    seed: int = 1,
    scale: int = 1,
    replace: bool = False,
    progress: Progress = _no_progress,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill the local copy with demonstration data; refuses a copy that holds data already.

    With ``replace``, the data already there is deleted first, in the same transaction.
    """
    if scale < 1:
        raise UserError(_("--scale: give a whole number of at least 1."), "scale")
    if not replace and _holds_data(session):
        raise UserError(
            _("The local copy already holds data; add --replace to replace it."), "replace"
        )
    progress(0.0, _("Preparing the demonstration data"))
    maker = _Maker(seed, today or dt.date.today())
    staff = _hire_staff(maker)
    communes = _make_communes(maker)
    counters = _Counters()
    for copy in range(scale):
        projects = _make_projects(maker, communes, counters)
        commitments = _make_commitments(maker, communes, projects, staff)
        _make_meetings(maker, communes, projects, commitments, staff)
        _make_exchanges(maker, communes, projects, commitments, staff)
        _make_stakes(maker, communes, projects)
        progress(DRAWING_SHARE * (copy + 1) / scale, _("Preparing the demonstration data"))
    _without_outbox(session, applying=True)
    if replace:
        _clear(session)
    summary = _insert(session, maker, progress)
    _without_outbox(session, applying=False)
    progress(1.0, _("Demonstration data written"))
    return summary


def _holds_data(session: Session) -> bool:
    return any(
        session.scalar(select(exists().select_from(table)))
        for table in models.Base.metadata.sorted_tables
    )


def _without_outbox(session: Session, applying: bool) -> None:
    """Demonstration data stays on this laptop: neither its rows nor the deletions of ``replace``
    enter the outbox of the sync (whose triggers stand still while ``applying`` is set)."""
    session.execute(
        text("UPDATE sync_state SET applying = :applying WHERE id = 1"),
        {"applying": int(applying)},
    )


def _clear(session: Session) -> None:
    for table in reversed(models.Base.metadata.sorted_tables):
        session.execute(delete(table))
    # The sync's bookkeeping spoke of rows that are gone: forget it, so that a later sync starts
    # afresh and brings the shared data back in full instead of trusting an old cursor.
    for bookkeeping in ("sync_outbox", "sync_shadows", "sync_conflicts", "sync_refused", "history"):
        session.execute(text(f"DELETE FROM {bookkeeping}"))
    session.execute(text("UPDATE sync_state SET cursor = 0, last_sync_at = NULL WHERE id = 1"))


def _insert(session: Session, maker: _Maker, progress: Progress) -> DemoSummary:
    rank = {table.name: index for index, table in enumerate(models.Base.metadata.sorted_tables)}
    order = sorted(maker.rows, key=lambda model: rank[model.__tablename__])
    total = sum(len(rows) for rows in maker.rows.values())
    done = 0
    counts: dict[str, int] = {}
    connection = session.connection()
    tables = models.Base.metadata.tables
    for model in order:
        rows = maker.rows[model]
        for start in range(0, len(rows), BATCH_ROWS):
            batch = rows[start : start + BATCH_ROWS]
            # Core executemany: one statement per batch (the ORM splits rows by their None
            # columns into tens of thousands of statements).
            connection.execute(insert(tables[model.__tablename__]), batch)
            done += len(batch)
            fraction = DRAWING_SHARE + (1 - DRAWING_SHARE) * done / total
            progress(min(fraction, 0.99), _("Writing the demonstration data"))
        counts[model.__tablename__] = len(rows)
    return DemoSummary(counts)


# --- communes and their contacts -----------------------------------------------------------------


def _member_communes() -> list[dict[str, str]]:
    data = resources.files("sitiv_desktop") / "resources" / "demo" / "communes.csv"
    return list(csv.DictReader(io.StringIO(data.read_text("utf-8"))))


def _ascii(words: str) -> str:
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-").replace("'", "").replace("’", "")


# Project codes start with three letters per commune; the syndicate's own use SIT.
PREFIXES = {
    "69259": "VEN", "69256": "VAU", "69091": "GIV", "69096": "GRI",
    "69152": "PBE", "42186": "RDG", "69273": "COR", "42207": "SCH",
}  # fmt: skip
SYNDICATE_PREFIX = "SIT"


def _phone(maker: _Maker, mobile: bool = False) -> str:
    # Ranges the French regulator keeps for fiction, so that no real line ever rings.
    first = "06 39 98" if mobile else "04 65 71"
    return f"{first} {maker.rng.randint(10, 99)} {maker.rng.randint(10, 99)}"


def _make_communes(maker: _Maker) -> list[_Commune]:
    made = []
    for row in _member_communes():
        metropole = Metropole.LYON if "Lyon" in row["intercommunalite"] else Metropole.SAINT_ETIENNE
        joined = dt.date(int(row["member_since"]), 1, 1) if row["member_since"] else None
        # Drawn as ``person()`` draws them, so that a seed gives the same people as before.
        feminine: dict[ContactRole, bool] = {}
        people: dict[ContactRole, str] = {}
        for role in ContactRole:
            feminine[role] = maker.rng.random() < 0.5
            people[role] = maker.person(feminine[role])
        commune_id = maker.add(
            models.Commune,
            name=row["name"],
            insee_code=row["insee_code"],
            population=int(row["population_2018"]),
            departement=row["departement"],
            metropole=metropole.value,
            mayor=people[ContactRole.MAYOR],
            joined_on=joined,
            note=_commune_note(row["note"]),
        )
        slug = _ascii(row["name"])
        for role, person in people.items():
            elected = role in (ContactRole.MAYOR, ContactRole.DEPUTY)
            maker.add(
                models.Contact,
                commune_id=commune_id,
                full_name=person,
                title=CONTACT_TITLES[role][feminine[role]],
                role=role.value,
                email=f"{_ascii(person).replace('-', '.', 1)}@mairie-{slug}.fr",
                phone=_phone(maker, mobile=elected),
            )
        made.append(
            _Commune(
                commune_id,
                row["name"],
                PREFIXES.get(row["insee_code"], slug[:3].upper()),
                slug,
                int(row["population_2018"]),
                metropole,
                people[ContactRole.MAYOR],
                people[ContactRole.GENERAL_DIRECTOR],
            )
        )
    return made


# The title each contact is addressed by, masculine and feminine: « Directrice générale des
# services ».
CONTACT_TITLES: dict[ContactRole, dict[bool, str]] = {
    ContactRole.MAYOR: {False: "Maire", True: "Maire"},
    ContactRole.DEPUTY: {
        False: "Adjoint au maire chargé du numérique",
        True: "Adjointe au maire chargée du numérique",
    },
    ContactRole.GENERAL_DIRECTOR: {
        False: "Directeur général des services",
        True: "Directrice générale des services",
    },
    ContactRole.IT_DIRECTOR: {
        False: "Directeur des systèmes d’information",
        True: "Directrice des systèmes d’information",
    },
    ContactRole.REFERENT: {False: "Référent numérique", True: "Référente numérique"},
}


def _commune_note(note: str) -> str:
    """The register's note, as a sentence: « Commune fondatrice. »"""
    sentences = [part.strip() for part in note.split(";") if part.strip()]
    return " ".join(f"{part[0].upper()}{part[1:]}." for part in sentences)


# --- projects, their milestones and their PPI lines ----------------------------------------------

STATUS_WEIGHTS = {
    ProjectStatus.IDEA: 1,
    ProjectStatus.STUDY: 2,
    ProjectStatus.IN_PROGRESS: 4,
    ProjectStatus.DELIVERED: 4,
    ProjectStatus.SUSPENDED: 1,
    ProjectStatus.ABANDONED: 1,
}
PROJECTS_PER_COMMUNE = 5
SYNDICATE_PROJECTS = 6


@dataclass
class _Counters:
    """Kept across the copies of a larger scale, so that codes stay unique."""

    # Per owner's prefix and subject: the phase of the project.
    phases: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Per owner's prefix and year: the number in the project's code.
    numbers: Counter[tuple[str, int]] = field(default_factory=Counter)


def _make_projects(maker: _Maker, communes: list[_Commune], counters: _Counters) -> list[_Project]:
    owners: list[_Commune | None] = [c for c in communes for _ in range(PROJECTS_PER_COMMUNE)]
    owners += [None] * SYNDICATE_PROJECTS
    made = []
    for owner in owners:
        subject = maker.rng.choice(SUBJECTS)
        status = maker.rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
        start, end, progress = _project_dates(maker, status)
        if owner is None:
            concerned = tuple(
                sorted(
                    maker.rng.sample(communes, maker.rng.randint(2, len(communes))),
                    key=communes.index,
                )
            )
        else:
            concerned = (owner,)
        prefix = owner.prefix if owner else SYNDICATE_PREFIX
        # A subject that comes back for the same owner is the next phase of its project.
        counters.phases[(prefix, subject.title)] += 1
        phase = counters.phases[(prefix, subject.title)]
        title = subject.title if phase == 1 else f"{subject.title} — phase {phase}"
        code_year = start.year if start else maker.today.year
        counters.numbers[(prefix, code_year)] += 1
        project_id = maker.add(
            models.Project,
            code=f"{prefix}-{code_year}-{counters.numbers[(prefix, code_year)]:02d}",
            title=title,
            description=_project_description(subject, owner, concerned),
            domain=subject.domain.value,
            status=status.value,
            owner_commune_id=owner.id if owner else None,
            partners=_partners(maker, subject, concerned),
            start_date=start,
            end_date=end,
            progress=progress,
        )
        if owner is None:
            _participations(maker, project_id, concerned)
        if start and end:
            _milestones(maker, project_id, status, start, end)
        if maker.rng.random() < 0.85:
            _ppi_line(maker, project_id, subject, status, start, end)
        made.append(_Project(project_id, subject, title, status, owner, concerned))
    return made


def _project_dates(
    maker: _Maker, status: ProjectStatus
) -> tuple[dt.date | None, dt.date | None, int]:
    """Start, end and progress: the PPI years for the start, today for what is still running."""
    if status is ProjectStatus.IDEA:
        return None, None, 0
    this_year = maker.today.year
    # Work delivered lately, so that each New Year address has deliveries to show.
    back = {
        ProjectStatus.STUDY: 1,
        ProjectStatus.IN_PROGRESS: 3,
        ProjectStatus.DELIVERED: 3,
    }.get(status, PPI_YEARS_BEFORE)
    start = dt.date(maker.rng.randint(this_year - back, this_year - 1), maker.rng.randint(1, 12), 1)
    yesterday = maker.days_from_today(-1)
    if status in (ProjectStatus.DELIVERED, ProjectStatus.ABANDONED):
        end = start + dt.timedelta(days=maker.rng.randint(180, 1000))
        end = max(start, min(end, yesterday))
        progress = 100 if status is ProjectStatus.DELIVERED else 5 * maker.rng.randint(0, 8)
        return start, end, progress
    later = (60, 540) if status is ProjectStatus.IN_PROGRESS else (120, 720)
    end = max(start, maker.days_from_today(maker.rng.randint(*later)))
    elapsed = (maker.today - start).days / max(1, (end - start).days)
    progress = {
        ProjectStatus.STUDY: 5 * maker.rng.randint(1, 4),
        ProjectStatus.SUSPENDED: 5 * maker.rng.randint(4, 12),
    }.get(status, 5 * round(min(95, max(10, 100 * elapsed)) / 5))
    return start, end, progress


def _project_description(
    subject: _Subject, owner: _Commune | None, concerned: Sequence[_Commune]
) -> str:
    if owner is not None:
        return (
            f"{subject.description} Maîtrise d’ouvrage : la commune de {owner.name} ; "
            "le syndicat l’accompagne et suit l’échéancier."
        )
    names = ", ".join(c.name for c in concerned[:-1]) + f" et {concerned[-1].name}"
    return (
        f"{subject.description} Projet porté par le syndicat pour {names}, qui en partagent "
        "le coût au prorata de leur population."
    )


def _partners(maker: _Maker, subject: _Subject, concerned: Sequence[_Commune]) -> str:
    chosen = maker.rng.choice(PARTNERS[subject.domain])
    return chosen.format(metropole=METROPOLE_NAMES[concerned[0].metropole])


def _participations(maker: _Maker, project_id: uuid.UUID, concerned: Sequence[_Commune]) -> None:
    """Cost shares in proportion to population, in whole percents that add up to 100."""
    population = sum(c.population for c in concerned)
    percents = [c.population * 100 // population for c in concerned]
    largest = max(range(len(concerned)), key=lambda index: concerned[index].population)
    percents[largest] += 100 - sum(percents)
    for commune, percent in zip(concerned, percents, strict=True):
        maker.add(
            models.Participation, project_id=project_id, commune_id=commune.id, cost_share=percent
        )


def _milestones(
    maker: _Maker, project_id: uuid.UUID, status: ProjectStatus, start: dt.date, end: dt.date
) -> None:
    steps = sorted(maker.rng.sample(range(len(MILESTONES) - 1), maker.rng.randint(2, 4)))
    steps.append(len(MILESTONES) - 1)
    span = (end - start).days
    for rank, step in enumerate(steps, start=1):
        due = start + dt.timedelta(days=span * rank // len(steps))
        done_on: dt.date | None = None
        if status is ProjectStatus.DELIVERED or (
            due < maker.today
            and status is not ProjectStatus.ABANDONED
            and maker.rng.random() < 0.85  # the others are late
        ):
            done_on = min(due + dt.timedelta(days=maker.rng.randint(-10, 20)), maker.today)
        elif status is ProjectStatus.ABANDONED and rank <= len(steps) // 2:
            done_on = due
        maker.add(
            models.Milestone,
            project_id=project_id,
            title=MILESTONES[step],
            due_date=due,
            done_on=done_on,
        )


def _ppi_line(
    maker: _Maker,
    project_id: uuid.UUID,
    subject: _Subject,
    status: ProjectStatus,
    start: dt.date | None,
    end: dt.date | None,
) -> None:
    """A PPI line, its AP votes (none yet for ideas and some studies) and its CP per year."""
    low, high = AMOUNTS[subject.domain]
    amount = maker.rng.randint(low // 1000, high // 1000) * 1000_00  # cents, whole thousands
    voted = status is not ProjectStatus.IDEA and maker.rng.random() < (
        0.5 if status is ProjectStatus.STUDY else 0.92
    )
    line_id = maker.add(
        models.PpiLine,
        project_id=project_id,
        note="" if voted else "Ligne inscrite au PPI ; autorisation de programme à voter.",
    )
    if not voted or start is None:
        return  # no payment credit is programmed before its AP is voted
    amount = _ap_votes(maker, line_id, amount, start)
    ppi_years = maker.ppi_years
    this_year = maker.today.year
    first_year = start.year if start else this_year + 1
    # Credits run to the end of the work: the year it ends, or stopped; open-ended work (ideas,
    # studies) is planned over the two coming years.
    last_year = end.year if end is not None else this_year + 2
    if status is ProjectStatus.ABANDONED and end is not None:
        # An abandoned project spent part of its AP, until the year it stopped.
        amount = amount * maker.rng.randint(20, 60) // 100
    elif status in (ProjectStatus.IN_PROGRESS, ProjectStatus.STUDY):
        last_year = max(last_year, this_year + 1)
    first_year = max(first_year, ppi_years[0])
    years = [year for year in ppi_years if first_year <= year <= last_year] or [first_year]
    for year, credit in zip(years, _split(maker, amount, len(years)), strict=True):
        maker.add(models.PaymentCredit, line_id=line_id, year=year, amount_cents=credit)


def _ap_votes(maker: _Maker, line_id: uuid.UUID, amount: int, start: dt.date) -> int:
    """The first vote before the project starts, sometimes a revision; the AP in force."""
    first_day = dt.date(maker.ppi_years[0] - 1, 1, 15)
    vote = _weekday(max(first_day, start - dt.timedelta(days=maker.rng.randint(30, 300))))
    maker.add(
        models.ApRevision,
        line_id=line_id,
        voted_on=vote,
        amount_cents=amount,
        note="Vote initial de l’autorisation de programme en comité syndical.",
    )
    revised_on = _weekday(vote + dt.timedelta(days=maker.rng.randint(300, 500)))
    if maker.rng.random() < 0.3 and revised_on < maker.today:
        amount = int(amount * maker.rng.uniform(1.05, 1.35)) // 1000_00 * 1000_00
        maker.add(
            models.ApRevision,
            line_id=line_id,
            voted_on=revised_on,
            amount_cents=amount,
            note=f"Révision votée en comité syndical : {maker.rng.choice(AP_REVISION_REASONS)}.",
        )
    return amount


def _split(maker: _Maker, amount_cents: int, parts: int) -> list[int]:
    """The AP spread over ``parts`` years, in whole hundreds of euros, adding up to the AP."""
    weights = [maker.rng.randint(1, 4) for _ in range(parts)]
    credits = [amount_cents * w // sum(weights) // 100_00 * 100_00 for w in weights]
    credits[-1] += amount_cents - sum(credits)
    return credits


# --- commitments ---------------------------------------------------------------------------------

COMMITMENTS_PER_COMMUNE = 10


def _projects_of(commune: _Commune, projects: Iterable[_Project]) -> list[_Project]:
    return [p for p in projects if commune in p.communes]


def _make_commitments(
    maker: _Maker, communes: list[_Commune], projects: list[_Project], staff: _Staff
) -> dict[uuid.UUID, list[_Commitment]]:
    """The commitments made outside meetings; those made in meetings come with the meetings."""
    made: dict[uuid.UUID, list[_Commitment]] = {}
    for commune in communes:
        mine = _projects_of(commune, projects)
        made[commune.id] = []
        for number in range(COMMITMENTS_PER_COMMUNE):
            made_on = maker.days_from_today(-maker.rng.randint(10, 600))
            # Each commune gets one late and one due-soon commitment, whatever the seed.
            due = {
                0: maker.days_from_today(-maker.rng.randint(3, 45)),
                1: maker.days_from_today(maker.rng.randint(3, 40)),
            }.get(number, made_on + dt.timedelta(days=maker.rng.randint(30, 300)))
            made_on = min(made_on, due - dt.timedelta(days=20))
            commitment = _commitment(
                maker,
                commune,
                maker.rng.choice(mine),
                staff,
                made_on,
                due,
                None,
                still_open=number < 2,
            )
            made[commune.id].append(commitment)
    return made


def _commitment(
    maker: _Maker,
    commune: _Commune,
    project: _Project,
    staff: _Staff,
    made_on: dt.date,
    due: dt.date,
    meeting_id: uuid.UUID | None,
    still_open: bool = False,
) -> _Commitment:
    status, closed_on = _commitment_state(maker, made_on, due, still_open)
    subject = project.subject
    title = maker.rng.choice(COMMITMENT_TITLES).format(the=subject.the, of_the=subject.of_the)
    promised_by = maker.rng.choice((staff.president, staff.vice_president, staff.dgs))
    responsible = maker.rng.choice((*staff.liaisons, staff.technical))
    where = "en rencontre avec le maire" if meeting_id else "lors d’un échange avec la commune"
    commitment_id = maker.add(
        models.Commitment,
        commune_id=commune.id,
        title=title,
        description=f"Engagement pris {where} de {commune.name}, demandé par "
        f"{commune.general_director if maker.rng.random() < 0.5 else commune.mayor}.",
        promised_by=promised_by,
        responsible=responsible,
        made_on=made_on,
        due_date=due,
        status=status.value,
        closed_on=closed_on,
        meeting_id=meeting_id,
        project_id=project.id,
        evidence=_evidence(closed_on) if status is CommitmentStatus.KEPT else "",
    )
    return _Commitment(commitment_id, commune, title, made_on, due, subject)


# What shows a commitment was kept, on the day it was (chosen by the day, not drawn, so that
# the rest of the data stays as the seed made it).
EVIDENCES = (
    "Procès-verbal de réception signé le {date}.",
    "Courrier de la présidence à la commune du {date}.",
    "Mise en service constatée avec la commune le {date}.",
    "Relevé de décisions transmis à la commune le {date}.",
)


def _evidence(closed_on: dt.date | None) -> str:
    if closed_on is None:
        return ""
    return EVIDENCES[closed_on.toordinal() % len(EVIDENCES)].format(date=_french_date(closed_on))


def _commitment_state(
    maker: _Maker, made_on: dt.date, due: dt.date, still_open: bool
) -> tuple[CommitmentStatus, dt.date | None]:
    """Mostly kept once due, some late, a few abandoned; closing dates never after today."""
    draw = maker.rng.random()
    open_status = maker.rng.choice((CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS))
    if still_open:
        return open_status, None
    if due < maker.today:
        kept, late = 0.7, 0.92
    else:
        kept, late = 0.15, 0.95
    closed_on = maker.between(made_on, min(due, maker.today))
    if draw < kept:
        return CommitmentStatus.KEPT, closed_on
    if draw < late:
        return open_status, None
    return CommitmentStatus.ABANDONED, closed_on


# --- meetings and their agendas ------------------------------------------------------------------


def _french_date(day: dt.date) -> str:
    """« 1er mars 2026 », « 12 mars 2026 »: French whatever the interface speaks."""
    written = babel_format_date(day, format="d MMMM y", locale="fr_FR")
    return f"1er{written[1:]}" if day.day == 1 else written


def _weekday(day: dt.date) -> dt.date:
    """Meetings fall on working days: a Saturday or a Sunday moves to the Monday."""
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


@dataclass(frozen=True)
class _Item:
    """An agenda item to write: what ``_Calendar.item`` needs besides its meeting."""

    title: str
    presenter: str
    minutes: int
    outcome: OutcomeKind = OutcomeKind.INFORMATION
    project_id: uuid.UUID | None = None
    commitment: _Commitment | None = None
    carried_from: uuid.UUID | None = None


@dataclass
class _Calendar:
    """The meetings of one copy; a series is one kind of meeting with the same communes."""

    maker: _Maker
    staff: _Staff
    # Items the last meeting of each series did not deal with, to carry to its next meeting.
    pending: dict[str, list[_Item]] = field(default_factory=dict)

    def meeting(
        self,
        kind: MeetingKind,
        title: str,
        at: dt.datetime,
        duration: int,
        place: str,
        communes: Sequence[_Commune],
        participants: str,
        speaker_notes: str = "",
    ) -> tuple[uuid.UUID, MeetingStatus]:
        maker = self.maker
        status = MeetingStatus.HELD if at.date() < maker.today else MeetingStatus.PLANNED
        if status is MeetingStatus.HELD and maker.rng.random() < 0.04:
            status = MeetingStatus.CANCELLED
        minutes = {
            MeetingStatus.HELD: "Relevé de décisions diffusé aux participants le "
            f"{_french_date(at.date() + dt.timedelta(days=3))}.",
            MeetingStatus.CANCELLED: "Séance annulée ; une nouvelle date sera proposée.",
        }.get(status, "")
        meeting_id = maker.add(
            models.Meeting,
            kind=kind.value,
            title=title,
            starts_at=at,
            duration_minutes=duration,
            place=place,
            status=status.value,
            participants=participants,
            minutes=minutes,
            speaker_notes=speaker_notes if status is not MeetingStatus.CANCELLED else "",
        )
        for commune in communes:
            maker.add(models.MeetingCommune, meeting_id=meeting_id, commune_id=commune.id)
        return meeting_id, status

    def agenda(
        self,
        series: str,
        meeting_id: uuid.UUID,
        status: MeetingStatus,
        items: Iterable[_Item],
        may_slip: bool = True,
    ) -> None:
        """The items carried over from the series' last meeting first, then ``items``.

        In a held meeting, an item may slip (not dealt with) and wait for the next one,
        unless ``may_slip`` is false (a ceremony, a seminar).
        """
        carried = self.pending.pop(series, [])
        titles = {item.title for item in carried}
        fresh = [item for item in items if item.title not in titles]
        for position, item in enumerate([*carried, *fresh]):
            slipped = (
                may_slip
                and status is MeetingStatus.HELD
                and item.outcome is not OutcomeKind.COMMITMENT
                and self.maker.rng.random() < 0.08
            )
            item_id = self._write(meeting_id, status, position, item, slipped)
            if slipped:
                self.pending.setdefault(series, []).append(
                    _Item(
                        item.title,
                        item.presenter,
                        item.minutes,
                        item.outcome,
                        item.project_id,
                        item.commitment,
                        carried_from=item_id,
                    )
                )

    def _write(
        self,
        meeting_id: uuid.UUID,
        status: MeetingStatus,
        position: int,
        item: _Item,
        slipped: bool,
    ) -> uuid.UUID:
        outcome, outcome_text = OutcomeKind.NONE, ""
        if slipped:
            outcome_text = NOT_DEALT_WITH
        elif status is MeetingStatus.HELD and item.outcome is OutcomeKind.COMMITMENT:
            title = item.commitment.title if item.commitment else item.title
            outcome, outcome_text = item.outcome, f"Engagement pris : {title}."
        elif status is MeetingStatus.HELD:
            outcome = item.outcome
            outcome_text = self.maker.rng.choice(OUTCOME_TEXTS[outcome])
        return self.maker.add(
            models.AgendaItem,
            meeting_id=meeting_id,
            position=position,
            title=item.title,
            presenter=item.presenter,
            duration_minutes=item.minutes,
            project_id=item.project_id,
            commitment_id=item.commitment.id if item.commitment else None,
            outcome=outcome.value,
            outcome_text=outcome_text,
            carried_from_id=item.carried_from,
        )


def _make_meetings(
    maker: _Maker,
    communes: list[_Commune],
    projects: list[_Project],
    commitments: dict[uuid.UUID, list[_Commitment]],
    staff: _Staff,
) -> None:
    calendar = _Calendar(maker, staff)
    today = maker.today
    vows_year = today.year - (0 if today >= dt.date(today.year, 1, 25) else 1)
    vows_days = [
        _weekday(dt.date(year, 1, maker.rng.randint(12, 22))) for year in (vows_year, vows_year + 1)
    ]
    # In the weeks before each vœux, the president meets the mayors: all but one of them.
    missed = [maker.rng.choice(communes) for _day in vows_days]
    for commune in communes:
        met = _mayor_meeting_days(
            maker, [day for day, skip in zip(vows_days, missed, strict=True) if skip != commune]
        )
        _mayor_meetings(calendar, commune, _projects_of(commune, projects), commitments, met)
    for kind, days, duration, hour, minute, place in COLLECTIVE_MEETINGS:
        for offset in days:
            day = _weekday(maker.days_from_today(offset + maker.rng.randint(-6, 6)))
            at = dt.datetime.combine(day, dt.time(hour, minute))
            title = f"{MEETING_NAMES[kind]} du {_french_date(day)}"
            _collective_meeting(calendar, kind, title, at, duration, place, communes, projects)
    # The PPI seminar is held in early December, the New Year address in mid-January.
    seminar_year = today.year - (0 if today >= dt.date(today.year, 12, 12) else 1)
    for year in (seminar_year, seminar_year + 1):
        at = dt.datetime.combine(_weekday(dt.date(year, 12, maker.rng.randint(3, 10))), NINE)
        title = f"Séminaire PPI {year + 1}"
        _collective_meeting(
            calendar, MeetingKind.PPI_SEMINAR, title, at, 420, HEADQUARTERS, communes, projects
        )
    for day in vows_days:
        at = dt.datetime.combine(day, EVENING)
        title = f"{MEETING_NAMES[MeetingKind.NEW_YEAR]} {day.year}"
        _collective_meeting(
            calendar,
            MeetingKind.NEW_YEAR,
            title,
            at,
            90,
            HEADQUARTERS,
            communes,
            projects,
            _speech_notes(day.year, len(communes)),
        )
    for offset in TECHNICAL_MEETING_DAYS:
        _technical_meeting(calendar, maker.rng.choice(projects), offset)


NINE, EVENING = dt.time(9, 0), dt.time(18, 30)
HEADQUARTERS = "Siège du syndicat, grande salle"


# French municipal elections come every six years, in March (2020, 2026, 2032…).
ELECTION_YEAR = 2026


def _speech_notes(year: int, communes: int) -> str:
    """The president's notes for the vœux of ``year``: words, not figures (the pack gives them)."""
    since_election = (year - ELECTION_YEAR) % 6
    mandate = {
        1: "- Premiers vœux du mandat : souhaiter la bienvenue aux équipes municipales élues en "
        f"mars {year - 1}.",
        0: f"- Derniers vœux du mandat avant les élections de mars {year} : remercier les élus "
        "qui ne se représentent pas.",
    }.get(since_election, "- Rappeler le cap du plan de mandat et ce qui reste à faire.")
    return (
        "Ouvrir par un mot pour les agents du syndicat et des communes, qui ont tenu les "
        "services numériques toute l’année.\n"
        f"- Remercier les maires des {communes} communes membres de leur confiance.\n"
        f"{mandate}\n"
        "- Conclure sur la mutualisation : faire ensemble ce qu’aucune commune ne ferait seule."
    )


def _personal_points(commune: _Commune) -> str:
    """The president's own points for a mayor meeting to come."""
    return (
        f"- Remercier {commune.mayor} de son accueil à l’hôtel de ville de {commune.name}.\n"
        "- Redire que le syndicat prévient la commune avant qu’une échéance ne glisse.\n"
        "- Proposer la visite d’un chantier en cours avec les élus de la commune."
    )


def _mayor_meeting_days(maker: _Maker, vows_days: list[dt.date]) -> list[dt.date]:
    """A spring and an autumn meeting, one in the weeks before each vœux, and one to come."""
    days = {
        _weekday(maker.days_from_today(offset + maker.rng.randint(-8, 8)))
        for offset in MAYOR_MEETING_DAYS
    }
    for vows in vows_days:
        room = (vows - maker.today).days - 3 if vows > maker.today else 60
        if room >= 7:
            days.add(_weekday(vows - dt.timedelta(days=maker.rng.randint(7, min(42, room)))))
    if max(days) <= maker.today:
        days.add(_weekday(maker.days_from_today(maker.rng.randint(20, 45))))
    return sorted(days)


def _mayor_meetings(
    calendar: _Calendar,
    commune: _Commune,
    mine: list[_Project],
    commitments: dict[uuid.UUID, list[_Commitment]],
    days: list[dt.date],
) -> None:
    """The meetings with the mayor: those held give rise to commitments."""
    maker, staff = calendar.maker, calendar.staff
    mayor = f"{commune.mayor} (maire)"
    for day in days:
        meeting_id, status = calendar.meeting(
            MeetingKind.MAYOR_MEETING,
            f"Rencontre avec le maire de {commune.name} — {_french_date(day)}",
            dt.datetime.combine(day, dt.time(maker.rng.choice((9, 10, 14, 16)), 0)),
            90,
            f"Hôtel de ville de {commune.name}, bureau du maire",
            [commune],
            f"{mayor}, {commune.general_director} (DGS), {staff.titled['president']}, "
            f"{staff.titled['dgs']}",
            _personal_points(commune) if day >= maker.today else "",
        )
        earlier = [c for c in commitments[commune.id] if c.made_on < day]
        # Two commitments may read alike: an agenda follows up each wording once.
        followed = list({c.title: c for c in earlier}.values())
        items = [
            _Item("Actualités de la commune", mayor, 10),
            *(
                _Item(
                    f"Point d’étape : {p.title}",
                    staff.by_role("liaison", maker.rng),
                    15,
                    project_id=p.id,
                )
                for p in maker.rng.sample(mine, min(2, len(mine)))
            ),
            *(
                _Item(f"Suivi d’engagement : {c.title}", staff.titled["dgs"], 10, commitment=c)
                for c in maker.rng.sample(followed, min(2, len(followed)))
            ),
            _Item("Enjeux du plan de mandat et numérique", mayor, 15),
        ]
        if status is MeetingStatus.HELD:
            # What the mayor asks for becomes a commitment, made at this meeting.
            for project in maker.rng.sample(mine, maker.rng.randint(1, min(2, len(mine)))):
                due = day + dt.timedelta(days=maker.rng.randint(30, 240))
                made = _commitment(maker, commune, project, staff, day, due, meeting_id)
                commitments[commune.id].append(made)
                items.append(
                    _Item(
                        f"Demande de la commune : {project.subject.the}",
                        mayor,
                        10,
                        OutcomeKind.COMMITMENT,
                        project.id,
                        made,
                    )
                )
        calendar.agenda(f"mayor-{commune.id}", meeting_id, status, items)


def _collective_meeting(
    calendar: _Calendar,
    kind: MeetingKind,
    title: str,
    at: dt.datetime,
    duration: int,
    place: str,
    communes: list[_Commune],
    projects: list[_Project],
    speaker_notes: str = "",
) -> None:
    maker, staff = calendar.maker, calendar.staff
    participants = {
        MeetingKind.STEERING_COMMITTEE: "Les directeurs généraux des services des communes "
        f"membres ; {staff.titled['dgs']}",
        MeetingKind.TECHNICAL_COMMITTEE: "Les directeurs des systèmes d’information des "
        f"communes membres ; {staff.titled['technical']}",
    }.get(
        kind,
        f"Les délégués des communes membres ; {staff.titled['president']}, "
        f"{staff.titled['vice_president']}, {staff.titled['dgs']}",
    )
    meeting_id, status = calendar.meeting(
        kind, title, at, duration, place, communes, participants, speaker_notes
    )
    # The New Year address shows what was delivered; the PPI seminar, what waits for a vote.
    wanted = {
        MeetingKind.NEW_YEAR: (ProjectStatus.DELIVERED,),
        MeetingKind.PPI_SEMINAR: (ProjectStatus.IDEA, ProjectStatus.STUDY),
    }.get(kind)
    fitting = [p for p in projects if wanted is None or p.status in wanted] or projects
    items = []
    for template, role, minutes, about_project, outcome in COLLECTIVE_AGENDAS[kind]:
        project = maker.rng.choice(fitting) if about_project else None
        items.append(
            _Item(
                template.format(title=project.title if project else ""),
                staff.by_role(role, maker.rng),
                minutes,
                outcome,
                project.id if project else None,
            )
        )
    ceremony = kind in (MeetingKind.NEW_YEAR, MeetingKind.PPI_SEMINAR)
    calendar.agenda(kind.value, meeting_id, status, items, may_slip=not ceremony)


def _technical_meeting(calendar: _Calendar, project: _Project, offset: int) -> None:
    """A working meeting on one project, with the communes it concerns and no other."""
    maker, staff = calendar.maker, calendar.staff
    day = _weekday(maker.days_from_today(offset + maker.rng.randint(-3, 3)))
    meeting_id, status = calendar.meeting(
        MeetingKind.TECHNICAL_MEETING,
        f"Réunion technique : {project.subject.the}",
        dt.datetime.combine(day, dt.time(maker.rng.choice((9, 14)), 30)),
        60,
        "Visioconférence" if maker.rng.random() < 0.4 else "Siège du syndicat, salle technique",
        project.communes,
        f"{staff.titled['technical']}, les référents numériques de "
        + ", ".join(c.name for c in project.communes),
    )
    presenter = staff.titled["technical"]
    items = [
        _Item(f"Recette : {project.title}", presenter, 25, DECIDE, project.id),
        _Item("Planning d’intervention sur site", presenter, 20, DECIDE, project.id),
        _Item("Points bloquants et risques", presenter, 15, INFO, project.id),
    ]
    calendar.agenda(f"technical-{project.id}", meeting_id, status, items)


# --- exchanges and mandate stakes ----------------------------------------------------------------

EXCHANGES_PER_COMMUNE = 40
STAKES_PER_COMMUNE = 5


def _make_exchanges(
    maker: _Maker,
    communes: list[_Commune],
    projects: list[_Project],
    commitments: dict[uuid.UUID, list[_Commitment]],
    staff: _Staff,
) -> None:
    for commune in communes:
        mine = _projects_of(commune, projects)
        for _number in range(EXCHANGES_PER_COMMUNE):
            if maker.rng.random() < 0.25:
                commitment = maker.rng.choice(commitments[commune.id])
                day = min(maker.today, commitment.made_on + dt.timedelta(maker.rng.randint(0, 60)))
                subject_line = f"Suivi d’engagement : {commitment.title}"
                summary = (
                    f"Point fait avec {commune.name} sur cet engagement ; l’échéance du "
                    f"{_french_date(commitment.due)} est rappelée."
                )
                project_id, commitment_id = None, commitment.id
                direction = maker.rng.choice(list(ExchangeDirection))
                channel = maker.rng.choice((PHONE, EMAIL, VIDEO))
            else:
                project = maker.rng.choice(mine)
                day = maker.days_from_today(-maker.rng.randint(1, 700))
                subject, summary, direction, channels = maker.rng.choice(EXCHANGES)
                channel = maker.rng.choice(channels)
                words = {"the": project.subject.the, "of_the": project.subject.of_the}
                subject_line = subject.format(**words)
                summary = summary.format(commune=commune.name, **words)
                project_id, commitment_id = project.id, None
            maker.add(
                models.Exchange,
                commune_id=commune.id,
                occurred_on=day,
                channel=channel.value,
                direction=direction.value,
                subject=subject_line,
                summary=summary,
                follow_up=maker.rng.choice(FOLLOW_UPS),
                author=maker.rng.choice(staff.liaisons),
                project_id=project_id,
                commitment_id=commitment_id,
            )


def _make_stakes(maker: _Maker, communes: list[_Commune], projects: list[_Project]) -> None:
    for commune in communes:
        mine = _projects_of(commune, projects)
        for axis, line, action, domains in maker.rng.sample(STAKES, STAKES_PER_COMMUNE):
            answering = [p for p in mine if p.subject.domain in domains]
            answering = maker.rng.sample(answering, min(len(answering), maker.rng.randint(1, 2)))
            statuses = {p.status for p in answering}
            if ProjectStatus.DELIVERED in statuses:
                progress = 5 * maker.rng.randint(12, 20)
            elif ProjectStatus.IN_PROGRESS in statuses:
                progress = 5 * maker.rng.randint(4, 12)
            else:
                progress = 5 * maker.rng.randint(0, 2)
            stake_id = maker.add(
                models.MandateStake,
                commune_id=commune.id,
                axis=axis,
                line=line,
                action=action,
                priority=maker.rng.choice(list(Priority)).value,
                progress=progress,
            )
            for project in answering:
                maker.add(models.StakeProject, stake_id=stake_id, project_id=project.id)
