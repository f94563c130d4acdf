"""Scoring (the consumer of activity and segment effort events): find the athlete's live participations by key,
replace the activity's (or effort's) contribution in each, and write the difference in one transaction per
participation. Reaching the goal marks the participation complete and publishes ``challenge.completed``.

Idempotent: a fact is applied once per source (activity or effort) and event time (``seen``), so a duplicate
delivery reads one Query and writes nothing; a retried event whose transaction committed finds it applied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from stride.challenges import rules as R
from stride.challenges.models import Participation
from stride.events.contracts import (
    ActivitySnapshot,
    ChallengeCompletedEvent,
    DomainEvent,
    SegmentEffortSnapshot,
)
from stride.store import keys
from stride.store.challenges import ChallengeRepository, ParticipationWrite

Publish = Callable[[Sequence[DomainEvent]], None]
_RETRIES = 5

_repository: ChallengeRepository | None = None


def get_repository() -> ChallengeRepository:
    global _repository  # noqa: PLW0603 - built once per warm container
    if _repository is None:
        _repository = ChallengeRepository()
    return _repository


def _default_publish(events: Sequence[DomainEvent]) -> None:
    from stride.events.publisher import publish  # noqa: PLC0415 - boto3 events client only when needed

    publish(events)


@dataclass
class Outcome:
    participations: int = 0  # live participations read
    changed: int = 0  # participations written
    stale: int = 0  # already applied (duplicates, late events)
    completed: int = 0  # challenge.completed published


def activity_facts(snapshot: ActivitySnapshot | None) -> R.ActivityFacts | None:
    if snapshot is None:
        return None
    return R.ActivityFacts(
        sport_type=snapshot.sport_type,
        start_date=snapshot.start_date,
        start_date_local=snapshot.start_date_local,
        visibility=snapshot.visibility,
        distance=snapshot.distance,
        moving_time=snapshot.moving_time,
        total_elevation_gain=snapshot.total_elevation_gain,
    )


def effort_facts(effort: SegmentEffortSnapshot, present: bool) -> R.EffortFacts:
    return R.EffortFacts(
        segment_id=effort.segment_id,
        sport_type=effort.sport_type,
        start_date=effort.start_date,
        start_date_local=effort.start_date_local,
        elapsed_time=effort.elapsed_time,
        present=present and effort.visibility != "only_me" and not effort.hidden,
    )


def completed_event(p: Participation) -> ChallengeCompletedEvent:
    """Deterministic id: a re-publish after a failure is the same event (notifications write once per id)."""
    digest = hashlib.sha256(f"challenge.completed#{p.challenge_id}#{p.athlete_id}".encode()).hexdigest()[:32]
    return ChallengeCompletedEvent(
        event_id=digest,
        challenge_id=p.challenge_id,
        athlete_id=p.athlete_id,
        challenge_name=p.challenge_name,
        completed_at=p.completed_at or datetime.now(UTC),
    )


def recompute(p: Participation, applied: R.Applied, now: datetime) -> Participation:
    """The participation after a change: score, leaderboard entry, completion (once, never taken back)."""
    value = R.score(p.rules.kind, applied.contributions)
    entry_sk = None if value is None else keys.challenge_entry_sk(R.ordered_score(p.rules.kind, value), p.athlete_id)
    completed_at, pending = p.completed_at, p.completion_pending
    if completed_at is None and R.goal_reached(p.rules, value):
        completed_at, pending = now, True
    return replace(
        p,
        contributions=applied.contributions,
        seen=applied.seen,
        score=value,
        entry_sk=entry_sk,
        completed_at=completed_at,
        completion_pending=pending,
    )


def _involved(p: Participation, source: str, contribution: R.Contribution | None, instants: list[datetime]) -> bool:
    """Whether a fact concerns this participation at all: it counts now, it counted before, or it was seen, or it
    lies in the window (an edit that takes it out of a sport filter must still be remembered)."""
    if contribution is not None or source in p.contributions or source in p.seen:
        return True
    return any(p.rules.in_window(moment) for moment in instants)


def _apply_one(
    repo: ChallengeRepository,
    p: Participation,
    change_for: Callable[[Participation], R.Change],
    now: datetime,
) -> tuple[Participation | None, bool]:
    """Apply to one participation, re-reading on a concurrent change. (new state or None, stale)."""
    current: Participation | None = p
    for _ in range(_RETRIES):
        if current is None:  # the athlete left meanwhile
            return None, False
        applied = R.apply_change(current.contributions, current.seen, change_for(current))
        if applied.stale:
            return None, True
        updated = recompute(current, applied, now)
        write = ParticipationWrite(updated, before_rev=current.rev, old_entry_sk=current.entry_sk)
        if repo.commit(write):
            return replace(updated, rev=(current.rev or 0) + 1), False
        current = repo.participation(p.athlete_id, p.challenge_id, p.rules.end_epoch)
    raise RuntimeError("participation kept changing; the event will be retried")


def publish_pending(repo: ChallengeRepository, p: Participation, publish: Publish, outcome: Outcome) -> None:
    if not p.completion_pending:
        return
    publish([completed_event(p)])
    repo.clear_pending(p)
    outcome.completed += 1


def _score(
    athlete_id: int,
    source: str,
    instants: list[datetime],
    contribution_of: Callable[[R.Rules], R.Contribution | None],
    wants: Callable[[R.Rules], bool],
    at: datetime,
    repo: ChallengeRepository | None,
    publish: Publish | None,
    now: datetime | None,
) -> Outcome:
    repo = repo or get_repository()
    publish = publish or _default_publish
    now = now or datetime.now(UTC)
    outcome = Outcome()
    earliest = min(int(moment.timestamp()) for moment in instants)
    ends_after = max(earliest + 1, R.scoring_floor(now))
    at_ms = int(at.timestamp() * 1000)
    for p in repo.live_participations(athlete_id, ends_after):
        outcome.participations += 1
        state: Participation | None = p
        if wants(p.rules):
            contribution = contribution_of(p.rules)
            if _involved(p, source, contribution, instants):

                def change_for(current: Participation) -> R.Change:
                    return R.Change(source, contribution_of(current.rules), at_ms)

                written, stale = _apply_one(repo, p, change_for, now)
                outcome.stale += int(stale)
                if written is not None:
                    outcome.changed += 1
                    state = written
        if state is not None:
            publish_pending(repo, state, publish, outcome)
    return outcome


def score_activity(  # noqa: PLR0913 - the event's parts and the ports
    before: ActivitySnapshot | None,
    after: ActivitySnapshot | None,
    occurred_at: datetime,
    *,
    repo: ChallengeRepository | None = None,
    publish: Publish | None = None,
    now: datetime | None = None,
) -> Outcome:
    """activity.created (before None), activity.updated, activity.deleted (after None)."""
    snapshot = after or before
    if snapshot is None:
        return Outcome()
    facts = activity_facts(after)
    instants = [s.start_date for s in (before, after) if s is not None]
    return _score(
        snapshot.athlete_id,
        f"a{snapshot.activity_id}",
        instants,
        lambda rules: R.activity_contribution(rules, facts),
        lambda rules: rules.kind is not R.Kind.SEGMENT_TIME,
        occurred_at,
        repo,
        publish,
        now,
    )


def score_effort(
    effort: SegmentEffortSnapshot,
    present: bool,
    occurred_at: datetime,
    *,
    repo: ChallengeRepository | None = None,
    publish: Publish | None = None,
    now: datetime | None = None,
) -> Outcome:
    """segment.effort.recorded (present unless only_me or hidden) and segment.effort.removed (never present)."""
    facts = effort_facts(effort, present)
    return _score(
        effort.athlete_id,
        f"e{effort.effort_id}",
        [effort.start_date],
        lambda rules: R.effort_contribution(rules, facts),
        lambda rules: rules.kind is R.Kind.SEGMENT_TIME and rules.segment_id == effort.segment_id,
        occurred_at,
        repo,
        publish,
        now,
    )
