"""The service's own tables, beside the domain's: accounts, grants, tokens and the change log."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

SERVICE_TABLES = MetaData()

USERS = Table(
    "sync_users",
    SERVICE_TABLES,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("last_failed_at", DateTime),
    Column("created_at", DateTime, nullable=False),
)
GRANTS = Table(
    "sync_grants",
    SERVICE_TABLES,
    Column("user_id", Uuid, ForeignKey("sync_users.id"), primary_key=True),
    Column("commune_id", Uuid, primary_key=True),
    Column("role", String(20), nullable=False),
)
TOKENS = Table(
    "sync_tokens",
    SERVICE_TABLES,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Uuid, ForeignKey("sync_users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime, nullable=False),
)
CHANGES = Table(
    "sync_changes",
    SERVICE_TABLES,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("change_id", String(32), nullable=False),
    Column("table_name", String(40), nullable=False),
    Column("row_id", String(32), nullable=False),
    Column("op", String(10), nullable=False),
    Column("data", Text, nullable=False),
    Column("old", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("committed_at", DateTime, nullable=False),
    Column("commune_ids", Text, nullable=False),
    Column("reshapes", Boolean, nullable=False, default=False),
)
CHANGE_COMMUNES = Table(
    "sync_change_communes",
    SERVICE_TABLES,
    Column("commune_id", Uuid, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
)
COUNTER = Table(
    "sync_counter",
    SERVICE_TABLES,
    Column("id", Integer, primary_key=True),
    Column("last_seq", BigInteger, nullable=False),
)
