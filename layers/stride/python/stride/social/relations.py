"""How one athlete stands to others: the facts ``stride.policy`` decides on (AP24).

One BatchGetItem answers for up to 25 other athletes (4 keys each): does the viewer follow them, has either
blocked the other, has the viewer muted them. Items that are absent mean "no".
"""

from __future__ import annotations

from collections.abc import Iterable

from stride.policy import STRANGER, Relation
from stride.store import keys
from stride.store.errors import translated
from stride.store.models import StrideItem

_KEYS_PER_OTHER = 4
_MAX_KEYS = 100  # BatchGetItem's limit


def _keys(viewer_id: int, other_id: int) -> list[tuple[str, str]]:
    return [
        (keys.following_pk(viewer_id), keys.athlete_sk(other_id)),
        (keys.blocks_pk(viewer_id), keys.athlete_sk(other_id)),
        (keys.blocks_pk(other_id), keys.athlete_sk(viewer_id)),
        (keys.mutes_pk(viewer_id), keys.athlete_sk(other_id)),
    ]


def relations(viewer_id: int, others: Iterable[int]) -> dict[int, Relation]:
    """The relation from ``viewer_id`` to each of ``others`` (the viewer to themself is ``STRANGER``)."""
    wanted = sorted({other for other in others if other != viewer_id})
    found: set[tuple[str, str]] = set()
    per_batch = _MAX_KEYS // _KEYS_PER_OTHER
    for start in range(0, len(wanted), per_batch):
        batch = [key for other in wanted[start : start + per_batch] for key in _keys(viewer_id, other)]
        with translated("Athlete"):
            found |= {(item.PK, item.SK) for item in StrideItem.batch_get(batch)}
    answer: dict[int, Relation] = {}
    for other in wanted:
        following, blocks, blocked_by, mutes = _keys(viewer_id, other)
        answer[other] = Relation(
            follows=following in found,
            blocked=blocks in found or blocked_by in found,
            muted=mutes in found,
        )
    return answer


def relation(viewer_id: int, other_id: int) -> Relation:
    if viewer_id == other_id:
        return STRANGER
    return relations(viewer_id, [other_id])[other_id]
