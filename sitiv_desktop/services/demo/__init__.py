"""Demonstration data: the syndicate's member communes and plausible work around them, in French.

The communes are real (names, INSEE codes, départements, populations 2018, from
``resources/demo/communes.csv``); people, projects, commitments, meetings and exchanges are
invented. ``seed`` makes the data repeatable (identifiers included), ``scale`` multiplies all
but the communes, and ``today`` anchors what is late, due soon or upcoming, so that the demo
looks alive on the day it is made. The data is French whatever language the interface speaks.

The words are data files under ``resources/demo/`` (read by ``vocabulary``); ``generate`` draws
and writes, one module per kind of record draws it (``communes``, ``projects``,
``commitments``, ``meetings``, ``exchanges``), all from one seeded ``maker.Maker``.
"""

from sitiv_desktop.services.demo.generate import DemoSummary, generate_demo
from sitiv_desktop.services.demo.vocabulary import CONTACT_TITLES, FEMALE_NAMES, MALE_NAMES

__all__ = ["CONTACT_TITLES", "FEMALE_NAMES", "MALE_NAMES", "DemoSummary", "generate_demo"]
