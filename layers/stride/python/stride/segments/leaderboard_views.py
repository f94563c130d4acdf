"""JSON views of leaderboards and records (extensions in Strava's former leaderboard shape)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from stride.accounts.models import Athlete
from stride.segments.leaderboards import BoardEffort
from stride.segments.records import AthleteRecords, Leaderboard, Ranked


class LeaderboardEntryView(BaseModel):
    athlete_id: int
    athlete_name: str
    elapsed_time: int  # seconds (ranked to the millisecond)
    moving_time: int
    start_date: str
    start_date_local: str
    rank: int
    effort_id: int
    activity_id: int


class TitleView(BaseModel):
    athlete_id: int
    athlete_name: str
    elapsed_time: int
    effort_id: int
    activity_id: int
    start_date: str


class LocalLegendView(BaseModel):
    athlete_id: int
    athlete_name: str
    effort_count: int  # efforts in the last 90 days


class TitlesView(BaseModel):
    kom: TitleView | None = None  # fastest man (rides: KOM; runs: the men's CR)
    qom: TitleView | None = None  # fastest woman (rides: QOM; runs: the women's CR)
    cr: TitleView | None = None  # fastest overall, whatever the sex (also athletes who give none)
    local_legend: LocalLegendView | None = None


class LeaderboardView(BaseModel):
    entry_count: int
    effort_count: int
    kom_type: Literal["kom", "cr"]
    entries: list[LeaderboardEntryView]
    athlete_entry: LeaderboardEntryView | None
    titles: TitlesView


class SegmentPRView(BaseModel):
    pr_rank: int
    effort_id: int
    activity_id: int
    elapsed_time: int
    moving_time: int
    start_date: str
    start_date_local: str


class SegmentRecordsView(BaseModel):
    segment_id: int
    efforts: list[SegmentPRView]  # the athlete's 3 fastest, fastest first


class BestEffortPRView(BaseModel):
    name: str
    elapsed_time: int
    activity_id: int
    start_date: str


class AthleteRecordsView(BaseModel):
    athlete_id: int
    segments: list[SegmentRecordsView]
    best_efforts: list[BestEffortPRView] | None  # the athlete's own only


def _utc(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds(ms: int) -> int:
    return round(ms / 1000)


def athlete_name(athlete: Athlete | None) -> str:
    if athlete is None:
        return ""
    return f"{athlete.firstname} {athlete.lastname}".strip() or athlete.username


def entry_view(ranked: Ranked, athletes: dict[int, Athlete]) -> LeaderboardEntryView:
    effort = ranked.effort
    return LeaderboardEntryView(
        athlete_id=ranked.athlete_id,
        athlete_name=athlete_name(athletes.get(ranked.athlete_id)),
        elapsed_time=_seconds(effort.elapsed_ms),
        moving_time=_seconds(effort.moving_ms),
        start_date=_utc(effort.start),
        start_date_local=effort.local,
        rank=ranked.rank,
        effort_id=effort.effort_id,
        activity_id=effort.activity_id,
    )


def _title_view(title: dict[str, Any] | None, athletes: dict[int, Athlete]) -> TitleView | None:
    if not title:
        return None
    return TitleView(
        athlete_id=title["athlete_id"],
        athlete_name=athlete_name(athletes.get(title["athlete_id"])),
        elapsed_time=_seconds(title["elapsed_ms"]),
        effort_id=title["effort_id"],
        activity_id=title["activity_id"],
        start_date=_utc(title["start"]),
    )


def leaderboard_view(board: Leaderboard) -> LeaderboardView:
    athletes = board.athletes
    legend = None
    if board.local_legend:
        athlete_id, count = board.local_legend
        legend = LocalLegendView(
            athlete_id=athlete_id, athlete_name=athlete_name(athletes.get(athlete_id)), effort_count=count
        )
    return LeaderboardView(
        entry_count=board.entry_count,
        effort_count=board.effort_count,
        kom_type="cr" if board.kom_type == "cr" else "kom",
        entries=[entry_view(r, athletes) for r in board.entries],
        athlete_entry=entry_view(board.athlete_entry, athletes) if board.athlete_entry else None,
        titles=TitlesView(
            kom=_title_view(board.titles.get("kom"), athletes),
            qom=_title_view(board.titles.get("qom"), athletes),
            cr=_title_view(board.titles.get("cr"), athletes),
            local_legend=legend,
        ),
    )


def _pr_view(rank: int, effort: BoardEffort) -> SegmentPRView:
    return SegmentPRView(
        pr_rank=rank,
        effort_id=effort.effort_id,
        activity_id=effort.activity_id,
        elapsed_time=_seconds(effort.elapsed_ms),
        moving_time=_seconds(effort.moving_ms),
        start_date=_utc(effort.start),
        start_date_local=effort.local,
    )


def records_view(records: AthleteRecords) -> AthleteRecordsView:
    return AthleteRecordsView(
        athlete_id=records.athlete_id,
        segments=[
            SegmentRecordsView(segment_id=segment_id, efforts=[_pr_view(i, e) for i, e in enumerate(prs, start=1)])
            for segment_id, prs in records.segments
        ],
        best_efforts=None
        if records.best_efforts is None
        else [
            BestEffortPRView(
                name=r.name, elapsed_time=r.elapsed_time, activity_id=r.activity_id, start_date=r.start_date
            )
            for r in records.best_efforts
        ],
    )
