"""How long work tells how far it is: a callable taking the share done (0 to 1) and a sentence
for the person waiting. The window's task state and the command line's progress bar are both one;
so is ``no_progress``, for callers that show nothing."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float, str], None]


def no_progress(fraction: float, text: str) -> None:
    """Progress that nobody watches."""
    del fraction, text
