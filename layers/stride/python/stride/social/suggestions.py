"""Athletes to follow: friends of friends, ranked by how many of the athlete's followees follow them.

Computed off the request path by the ``compute_suggestions`` consumer (follow, unfollow and block events) and
stored as one item per athlete (AP29), so ``GET /athlete/suggestions`` is one GetItem plus the rendering.
Every read is bounded (``FOLLOWING_READ`` followees, ``FOLLOWING_READ`` of each, never a Scan), so an athlete
who follows thousands gets suggestions from the first ones only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stride.observability import logger, tracer
from stride.policy import STRANGER, Caller
from stride.social.graph import Listed, get_repository, render
from stride.social.relations import relations
from stride.store import keys
from stride.store.social import SocialRepository

FOLLOWING_READ = 200  # followees read for the athlete, and of each followee
KEPT = 50  # suggestions stored per athlete
NEIGHBOURS_REFRESHED = 25  # followers of a new follower whose suggestions a follow changes, refreshed too


@dataclass(frozen=True)
class Suggestion:
    listed: Listed
    shared_connections: int


def rank(
    athlete_id: int, following: Iterable[int], their_following: Mapping[int, Iterable[int]]
) -> list[tuple[int, int]]:
    """Friends of friends of ``athlete_id`` as (id, shared connections), most shared first, then by id.

    ``following`` is whom the athlete follows; ``their_following`` whom each of those follows. The athlete and
    the athletes they already follow are never suggested.
    """
    followed = set(following)
    shared: Counter[int] = Counter()
    for friend in followed:
        shared.update(set(their_following.get(friend, ())) - followed - {athlete_id})
    return sorted(shared.items(), key=lambda pair: (-pair[1], pair[0]))


def targets(detail_type: str, detail: Mapping[str, object]) -> list[int]:
    """Whose suggestions an event changes (the caller adds the follower's followers for follow changes)."""
    if detail_type in {"athlete.followed", "athlete.unfollowed"}:
        return [int(str(detail["follower_id"]))]
    if detail_type == "athlete.blocked":
        return [int(str(detail["blocker_id"])), int(str(detail["blocked_id"]))]
    return []


@tracer.capture_method(capture_response=False)
def compute(athlete_id: int, repository: SocialRepository | None = None) -> list[tuple[int, int]]:
    """Recompute and store ``athlete_id``'s suggestions from the graph as it is now (so replays are harmless)."""
    repo = repository or get_repository()
    following = repo.edge_ids(keys.following_pk(athlete_id), limit=FOLLOWING_READ)
    their_following = {friend: repo.edge_ids(keys.following_pk(friend), limit=FOLLOWING_READ) for friend in following}
    candidates = rank(athlete_id, following, their_following)[: KEPT * 2]
    # Follows beyond the first FOLLOWING_READ and blocks either way are only known by asking (AP24).
    standing = relations(athlete_id, [candidate for candidate, _ in candidates])
    ranked = [
        (candidate, shared)
        for candidate, shared in candidates
        if not standing.get(candidate, STRANGER).follows and not standing.get(candidate, STRANGER).blocked
    ][:KEPT]
    repo.save_suggestions(athlete_id, ranked)
    logger.info("suggestions computed", athlete_id=athlete_id, count=len(ranked))
    return ranked


def refresh_for_event(
    detail_type: str, detail: Mapping[str, object], repository: SocialRepository | None = None
) -> int:
    """Recompute every athlete the event concerns; all are tried, then the first failure is raised (the
    retry recomputes them all, which is harmless). Returns how many were recomputed."""
    repo = repository or get_repository()
    athletes = targets(detail_type, detail)
    if detail_type in {"athlete.followed", "athlete.unfollowed"}:
        # Paths through the follower changed for everyone who follows them.
        athletes += repo.edge_ids(keys.followers_pk(athletes[0]), limit=NEIGHBOURS_REFRESHED)
    failure: Exception | None = None
    done = 0
    for athlete_id in dict.fromkeys(athletes):
        try:
            compute(athlete_id, repo)
            done += 1
        except Exception as exc:  # noqa: BLE001 - recorded and re-raised after the others were tried
            logger.warning("suggestions not computed", athlete_id=athlete_id, error_type=type(exc).__name__)
            failure = failure or exc
    if failure is not None:
        raise failure
    return done


def for_caller(
    caller: Caller, page: int, per_page: int, repository: SocialRepository | None = None
) -> list[Suggestion]:
    """The stored suggestions, checked again at read time: anyone followed or blocked since is left out."""
    repo = repository or get_repository()
    stored = repo.suggestions(caller.athlete_id)
    standing = relations(caller.athlete_id, [other for other, _ in stored])
    fresh = [
        (other, shared)
        for other, shared in stored
        if not standing.get(other, STRANGER).follows and not standing.get(other, STRANGER).blocked
    ][(page - 1) * per_page : page * per_page]
    shared_by_id = dict(fresh)
    return [
        Suggestion(listed, shared_by_id[listed.athlete.id])
        for listed in render(caller, [other for other, _ in fresh], repo)
    ]
