"""Athletes as live answers show them (id and names)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from stride.live.views import LiveAthleteView
from stride.store.athletes import AthleteRepository


@cache
def _repository() -> AthleteRepository:
    return AthleteRepository()


def summaries(athlete_ids: Iterable[int]) -> dict[int, LiveAthleteView]:
    wanted = set(athlete_ids)
    found = _repository().get_many(wanted)
    return {
        a: LiveAthleteView(id=a, firstname=found[a].firstname, lastname=found[a].lastname)
        if a in found
        else LiveAthleteView(id=a, firstname="", lastname="")
        for a in wanted
    }


def summary(athlete_id: int) -> LiveAthleteView:
    return summaries([athlete_id])[athlete_id]
