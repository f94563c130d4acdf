"""Live segments: while a session runs, detect the athlete riding a segment they starred and tell them their
time against their PR as it happens.

When the session's first points arrive, the consumer loads the athlete's starred segments (at most
``MAX_SEGMENTS``, newest stars first: start, end, length, name) and their PR on each (from the leaderboards'
bests item) into the session item (``segments``). Then, point by point in time order:

- a segment *starts* at the first point within ``GATE`` metres of its start;
- it *finishes* at the first later point within ``GATE`` metres of its end, once the distance ridden since the
  start is at least ``MIN_SHARE`` of the segment's length (so a segment whose end lies near its start, or a
  U-turn, does not finish at once); the elapsed time is between those two points;
- an attempt is dropped when the distance ridden reaches ``MAX_SHARE`` of the segment's length plus
  ``GATE_SLACK`` without the end (the athlete left the segment).

This is the live approximation (times to the sample, no line crossings); the activity made at the finish
gets the exact efforts from stride.segments.matching. Late points (behind the last one known) do not take
part in detection: by then the moment has passed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from stride.live.track import Point
from stride.privacy.trim import distance

MAX_SEGMENTS = 50
GATE = 25.0  # m around a segment's start and end
MIN_SHARE = 0.8
MAX_SHARE = 1.5
GATE_SLACK = 200.0  # m


def _pair(values: Sequence[float]) -> tuple[float, float]:
    return float(values[0]), float(values[1])


@dataclass
class Candidate:
    id: int
    name: str
    start: tuple[float, float]
    end: tuple[float, float]
    distance: float
    pr_ms: int | None = None


@dataclass
class Attempt:
    start_ms: int
    ridden: float = 0.0
    last: tuple[float, float] | None = None


@dataclass
class Progress:
    candidates: list[Candidate] = field(default_factory=list)
    open: dict[int, Attempt] = field(default_factory=dict)

    def dumps(self) -> str:
        return json.dumps(
            {"candidates": [asdict(c) for c in self.candidates],
             "open": {str(k): asdict(v) for k, v in self.open.items()}},
            separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def loads(cls, text: str) -> Progress:
        raw = json.loads(text)
        candidates = [
            Candidate(c["id"], c["name"], _pair(c["start"]), _pair(c["end"]), c["distance"], c.get("pr_ms"))
            for c in raw.get("candidates", [])
        ]
        attempts = {
            int(k): Attempt(v["start_ms"], v["ridden"], _pair(v["last"]) if v.get("last") else None)
            for k, v in raw.get("open", {}).items()
        }
        return cls(candidates, attempts)


@dataclass(frozen=True)
class SegmentEvent:
    segment_id: int
    name: str
    phase: str  # started | finished
    elapsed_time: float | None = None
    pr_elapsed_time: float | None = None

    @property
    def delta(self) -> float | None:
        if self.elapsed_time is None or self.pr_elapsed_time is None:
            return None
        return round(self.elapsed_time - self.pr_elapsed_time, 1)

    def message(self, session_id: int) -> dict[str, Any]:
        body: dict[str, Any] = {"type": "segment", "session_id": session_id, "segment_id": self.segment_id,
                                "name": self.name, "phase": self.phase}  # fmt: skip
        if self.phase == "finished":
            body |= {"elapsed_time": self.elapsed_time, "pr_elapsed_time": self.pr_elapsed_time, "delta": self.delta}
        return body


def advance(progress: Progress, points: Sequence[Point]) -> list[SegmentEvent]:
    """Move every candidate along ``points`` (time order, all new); the starts and finishes that happened."""
    events: list[SegmentEvent] = []
    for point in points:
        here = (point.lat, point.lng)
        for candidate in progress.candidates:
            attempt = progress.open.get(candidate.id)
            if attempt is not None:
                if attempt.last is not None:
                    attempt.ridden += distance(attempt.last, here)
                attempt.last = here
                if attempt.ridden >= MIN_SHARE * candidate.distance and distance(here, candidate.end) <= GATE:
                    elapsed = round((point.time_ms - attempt.start_ms) / 1000, 1)
                    pr = None if candidate.pr_ms is None else round(candidate.pr_ms / 1000, 1)
                    events.append(SegmentEvent(candidate.id, candidate.name, "finished", elapsed, pr))
                    del progress.open[candidate.id]
                    if pr is None or elapsed < pr:
                        candidate.pr_ms = point.time_ms - attempt.start_ms
                elif attempt.ridden > MAX_SHARE * candidate.distance + GATE_SLACK:
                    del progress.open[candidate.id]
                continue
            if distance(here, candidate.start) <= GATE:
                progress.open[candidate.id] = Attempt(point.time_ms, 0.0, here)
                events.append(SegmentEvent(candidate.id, candidate.name, "started"))
    return events


def load(athlete_id: int) -> Progress:
    """The athlete's starred segments and PRs, when their session's first points arrive."""
    from stride.store.leaderboards import LeaderboardRepository
    from stride.store.segments import SegmentRepository

    segments = SegmentRepository()
    starred = segments.starred(athlete_id, limit=MAX_SEGMENTS)
    found = segments.get_many(starred)
    boards = LeaderboardRepository()
    candidates = []
    for segment_id in starred:
        segment = found.get(segment_id)
        if segment is None:
            continue
        bests = boards.bests(segment_id, athlete_id)
        pr = min((e.elapsed_ms for e in bests.efforts), default=None) if bests else None
        candidates.append(
            Candidate(
                segment.id, segment.name, _pair(segment.start_latlng), _pair(segment.end_latlng), segment.distance, pr
            )
        )
    return Progress(candidates)
