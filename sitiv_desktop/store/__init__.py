"""The local store: SQLAlchemy models, sessions, Alembic migrations."""
