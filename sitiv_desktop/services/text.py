"""Comparing what people type with what is stored: case and accents do not matter."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """« Vénissieux » and « VENISSIEUX » fold to the same key."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()
