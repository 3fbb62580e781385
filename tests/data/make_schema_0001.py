"""Writes ``schema-0001.sqlite3``: a local copy made with the first schema, holding data.

Run once when that schema was the newest; the file is kept so that every later migration is
tested against a real old copy (``tests/unit/test_migration.py``).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from alembic import command

from sitiv_desktop.store.database import Database, sqlite_url
from sitiv_desktop.store.migration import alembic_config

ROWS = [
    "INSERT INTO communes VALUES ('0190c5a7a1e07000800000000000c001','Vénissieux','69259',67129,"
    "'Rhône','lyon','','1972-01-01','commune fondatrice')",
    "INSERT INTO communes VALUES ('0190c5a7a1e07000800000000000c002','Givors','69091',20121,"
    "'Rhône','lyon','',NULL,'')",
    "INSERT INTO projects VALUES ('0190c5a7a1e070008000000000000a01','VEN-2016-01',"
    "'Fibre des écoles','Raccorder les écoles','network','in_progress',"
    "'0190c5a7a1e07000800000000000c001','', '2016-01-01','2018-12-31',40)",
    "INSERT INTO commitments VALUES ('0190c5a7a1e070008000000000000b01',"
    "'0190c5a7a1e07000800000000000c001','Câbler le groupe scolaire','', 'Le président',"
    "'Le DSI','2016-02-01','2016-09-01','open',NULL,NULL,'0190c5a7a1e070008000000000000a01')",
    "INSERT INTO exchanges VALUES ('0190c5a7a1e070008000000000000d01',"
    "'0190c5a7a1e07000800000000000c002','2016-03-04','phone','incoming','Échéance du marché',"
    "'Le DGS rappelle l’échéance','', 'Le chargé de liaison',NULL,NULL)",
]


def main(target: Path) -> None:
    target.unlink(missing_ok=True)
    database = Database.open(sqlite_url(target))
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    database.dispose()
    with sqlite3.connect(target) as connection:
        for statement in ROWS:
            connection.execute(statement)
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("schema-0001.sqlite3")
    )
