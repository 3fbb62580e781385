"""Setting the links of a record (a meeting's communes, the projects that answer a stake)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

Link = TypeVar("Link")


def set_links(
    links: list[Link],
    wanted: Sequence[uuid.UUID],
    target: Callable[[Link], uuid.UUID],
    make: Callable[[uuid.UUID], Link],
) -> None:
    """Make ``links`` point at ``wanted`` (distinct ids, each known to exist), one link each.

    A link that stays keeps its row: the sync sees only the links removed and the new ones, not
    every link deleted and made again."""
    kept = set(wanted)
    for link in list(links):
        if target(link) not in kept:
            links.remove(link)
    present = {target(link) for link in links}
    links.extend(make(record_id) for record_id in wanted if record_id not in present)
