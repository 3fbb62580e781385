"""The service refuses to run as a role that could step over row-level security."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from sitiv_desktop.errors import UserError
from sitiv_desktop.i18n import _
from sitiv_desktop.store.database import make_engine
from sitiv_desktop.store.migration import HEAD_REVISION
from sitiv_desktop.sync.service.backend import unreachable


def check_service_role(url: str) -> None:
    """On PostgreSQL: not a superuser, no BYPASSRLS, owner of no table; on any backend: a
    database set up by ``server init`` at this version."""
    engine = make_engine(make_url(url))
    try:
        with engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if engine.dialect.name == "postgresql":
                superuser, bypass = connection.execute(
                    text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
                ).one()
                owned = connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                        " AND tableowner = current_user"
                    )
                )
                if superuser or bypass or owned:
                    raise UserError(
                        _(
                            "The sync service must connect as its own role, not as the "
                            "database's owner or a superuser: use the role « server init » made."
                        ),
                        "database",
                    )
    except (OperationalError, DBAPIError) as error:
        if "alembic_version" in str(error):
            raise UserError(
                _("This database is not set up for the sync service: run « server init »."),
                "database",
            ) from error
        raise unreachable(error) from error
    finally:
        engine.dispose()
    if revision != HEAD_REVISION:
        raise UserError(
            _("This database is not at this version's schema: run « server init » again."),
            "database",
        )
