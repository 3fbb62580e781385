"""The demo from the command line, then listing and searching it, as the README shows."""

from __future__ import annotations

import json

from tests.e2e.conftest import Runner


def test_demo_then_list_and_search(sitiv: Runner) -> None:
    made = sitiv("demo", "--seed", "1")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Données de démonstration créées")

    communes = json.loads(sitiv("list", "communes", "--json").stdout)
    assert {c["name"]: c["insee_code"] for c in communes}["Vénissieux"] == "69259"
    assert len(communes) == 8

    hits = json.loads(sitiv("search", "venissieux", "--json").stdout)
    assert hits[0]["title"] == "Vénissieux" and hits[0]["kind"] == "commune"
    assert all("Vénissieux" in hit["commune_names"] for hit in hits)

    again = sitiv("demo", "--seed", "1")
    assert again.returncode == 2
    assert "--replace" in again.stderr

    projects = json.loads(sitiv("list", "projects", "--commune", "69259", "--json").stdout)
    assert projects and all(
        p["owner_name"] == "Vénissieux"
        or "Vénissieux" in [share["commune_name"] for share in p["participations"]]
        or p["owner_name"] == "Le syndicat"
        for p in projects
    )
