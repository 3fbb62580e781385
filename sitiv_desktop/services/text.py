"""Comparing what people type with what is stored: case and accents do not matter."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = re.compile(r"(\d+)")


def fold(text: str) -> str:
    """« Vénissieux » and « VENISSIEUX » fold to the same key."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def natural_key(text: str) -> str:
    """A key that sorts the way people read: « Phase 2 » before « phase 10 », accents aside."""
    return _DIGITS.sub(lambda match: match.group(1).zfill(12), fold(text))
