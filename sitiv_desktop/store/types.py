"""Column types reused across the models, so each rule is written once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from sqlalchemy import Date, DateTime, Integer, String, Text, Uuid
from sqlalchemy.orm import mapped_column
from uuid6 import uuid7

from sitiv_desktop.domain.enums import LabelledEnum


def new_id() -> uuid.UUID:
    """A time-ordered UUID made on the client: two laptops offline never collide."""
    return uuid.UUID(bytes=uuid7().bytes)


RecordId = Annotated[uuid.UUID, mapped_column(Uuid, primary_key=True, default=new_id)]
ShortText = Annotated[str, mapped_column(String(200))]
LongText = Annotated[str, mapped_column(Text, default="")]
Day = Annotated[dt.date, mapped_column(Date)]
Moment = Annotated[dt.datetime, mapped_column(DateTime)]
Cents = Annotated[int, mapped_column(Integer)]


def code_check(column: str, enum: type[LabelledEnum]) -> str:
    """A CHECK expression allowing only the enum's codes in ``column``."""
    codes = ", ".join(f"'{code}'" for code in enum.codes())
    return f"{column} IN ({codes})"
