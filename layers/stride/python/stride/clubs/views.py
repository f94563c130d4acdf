"""API shapes of clubs: Strava's SummaryClub, DetailedClub, ClubAthlete and ClubActivity, and Stride's extensions
(requests, weekly leaderboard, group events in the shape Strava's former group events API had)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from stride.accounts.models import Athlete
from stride.clubs.models import Club, FeedEntry, Member
from stride.clubs.service import BoardRow, ClubBoard, JoinAnswer, SeenEvent, Standing

SportType = Literal["cycling", "running", "triathlon", "other"]
ActivityType = Annotated[str, Field(min_length=1, max_length=40)]
MetricName = Literal["distance", "moving_time", "elevation", "activities"]


def _last_initial(athlete: Athlete | None) -> str:
    return (athlete.lastname[:1] + ".") if athlete and athlete.lastname else ""


# ---------------------------------------------------------------- requests


class CreateClubRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    sport_type: SportType = "cycling"
    timezone: str = Field("UTC", min_length=1, max_length=64, description="IANA name; weeks run Monday-Sunday here")
    description: str | None = Field(None, max_length=2000)
    activity_types: list[ActivityType] = Field(default_factory=list, max_length=20)
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=100, pattern=r"^[a-z0-9-]+$")
    private: bool = False


class UpdateClubRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=100)
    sport_type: SportType | None = None
    timezone: str | None = Field(None, min_length=1, max_length=64)
    description: str | None = Field(None, max_length=2000)
    activity_types: list[ActivityType] | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    state: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=100)
    url: str | None = Field(None, max_length=100, pattern=r"^[a-z0-9-]+$")
    private: bool | None = None


class CreateGroupEventRequest(BaseModel):
    """A group ride or run. ``start_date_local`` is the wall clock in ``timezone`` (or give ``start_date`` in UTC).
    The route is a polyline, a segment id or a route id (any one, optional)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=100)
    description: str | None = Field(None, max_length=2000)
    start_date_local: datetime | None = None
    start_date: datetime | None = None
    timezone: str = Field(min_length=1, max_length=64)
    sport_type: str = Field("Ride", min_length=1, max_length=40)
    address: str | None = Field(None, max_length=200)
    start_latlng: list[Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]] | None = Field(
        None, min_length=2, max_length=2, description="[lat, lng] of the meeting point"
    )
    route_id: int | None = Field(None, gt=0, lt=2**63)
    segment_id: int | None = Field(None, gt=0, lt=2**63)
    polyline: str | None = Field(None, max_length=20000, description="Google encoded polyline, precision 5")


# ---------------------------------------------------------------- Strava shapes


class SummaryClubView(BaseModel):
    id: int
    resource_state: int = 2
    name: str
    profile_medium: str = ""
    profile: str = ""
    cover_photo: str | None = None
    cover_photo_small: str | None = None
    activity_types: list[str] = []
    sport_type: SportType
    city: str | None = None
    state: str | None = None
    country: str | None = None
    private: bool
    member_count: int
    featured: bool = False
    verified: bool = False
    url: str | None = None

    @classmethod
    def from_domain(cls, club: Club) -> SummaryClubView:
        return cls(
            id=club.id,
            name=club.name,
            activity_types=club.activity_types,
            sport_type=club.sport_type,
            city=club.city,
            state=club.state,
            country=club.country,
            private=club.private,
            member_count=club.member_count,
            url=club.url,
        )


class DetailedClubView(SummaryClubView):
    resource_state: int = 3
    description: str | None = None
    club_type: str = "casual_club"
    membership: Literal["member", "pending"] | None = None
    admin: bool = False
    owner: bool = False
    following_count: int | None = None
    timezone: str = Field(description="Stride extension: the weekly leaderboard runs Monday-Sunday here")

    @classmethod
    def from_standing(cls, seen: Standing) -> DetailedClubView:
        base = SummaryClubView.from_domain(seen.club).model_dump(exclude={"resource_state"})
        membership: Literal["member", "pending"] | None = (
            "member" if seen.member else ("pending" if seen.pending else None)
        )
        return cls(
            **base,
            description=seen.club.description,
            membership=membership,
            admin=bool(seen.member and seen.member.is_admin),
            owner=seen.club.owner_id == (seen.member.athlete_id if seen.member else None),
            timezone=seen.club.timezone,
        )


class ClubAthleteView(BaseModel):
    id: int = Field(description="Stride extension: the athlete's id (admins act on members by it)")
    resource_state: int = 2
    firstname: str
    lastname: str
    member: str = "member"
    membership: str = "member"
    admin: bool
    owner: bool

    @classmethod
    def from_domain(cls, member: Member, athlete: Athlete | None) -> ClubAthleteView:
        return cls(
            id=member.athlete_id,
            firstname=athlete.firstname if athlete else "",
            lastname=_last_initial(athlete),
            admin=member.is_admin,
            owner=member.role == "owner",
        )


class ClubActivityAthleteView(BaseModel):
    id: int = Field(description="Stride extension")
    resource_state: int = 2
    firstname: str
    lastname: str


class ClubActivityView(BaseModel):
    id: int = Field(description="Stride extension: the activity's id")
    resource_state: int = 2
    athlete: ClubActivityAthleteView
    name: str
    distance: float
    moving_time: int
    elapsed_time: int
    total_elevation_gain: float
    type: str
    sport_type: str
    workout_type: int | None = None
    start_date: datetime = Field(description="Stride extension")

    @classmethod
    def from_domain(cls, entry: FeedEntry, athlete: Athlete | None) -> ClubActivityView:
        data = entry.entry
        return cls(
            id=entry.activity_id,
            athlete=ClubActivityAthleteView(
                id=entry.athlete_id, firstname=athlete.firstname if athlete else "", lastname=_last_initial(athlete)
            ),
            name=str(data["name"]),
            distance=float(data["distance"]),  # type: ignore[arg-type]
            moving_time=int(data["moving_time"]),  # type: ignore[call-overload]
            elapsed_time=int(data["elapsed_time"]),  # type: ignore[call-overload]
            total_elevation_gain=float(data["total_elevation_gain"]),  # type: ignore[arg-type]
            type=str(data["type"]),
            sport_type=str(data["sport_type"]),
            start_date=datetime.fromisoformat(str(data["start_date"])),
        )


# ---------------------------------------------------------------- extensions


class MembershipView(BaseModel):
    """Strava's former join/leave answer."""

    success: bool = True
    active: bool
    membership: Literal["member", "pending"] | None

    @classmethod
    def from_domain(cls, answer: JoinAnswer) -> MembershipView:
        return cls(active=answer.active, membership=answer.membership)


class JoinRequestView(BaseModel):
    athlete: ClubActivityAthleteView
    requested_at: datetime


class BoardEntryView(BaseModel):
    rank: int
    athlete: ClubActivityAthleteView
    distance: float = Field(description="metres")
    moving_time: int = Field(description="seconds")
    elevation_gain: float = Field(description="metres")
    activities: int


class ClubLeaderboardView(BaseModel):
    club_id: int
    week: str = Field(description="ISO week, Monday to Sunday in the club's time zone")
    metric: MetricName
    starts: datetime
    ends: datetime
    entry_count: int
    entries: list[BoardEntryView]
    athlete_entry: BoardEntryView | None

    @classmethod
    def from_domain(cls, board: ClubBoard) -> ClubLeaderboardView:
        def row(entry: BoardRow) -> BoardEntryView:
            athlete = board.athletes.get(entry.athlete_id)
            totals = entry.totals
            return BoardEntryView(
                rank=entry.rank,
                athlete=ClubActivityAthleteView(
                    id=entry.athlete_id, firstname=athlete.firstname if athlete else "", lastname=_last_initial(athlete)
                ),
                distance=float(totals.get("distance", 0)),
                moving_time=int(totals.get("moving_time", 0)),
                elevation_gain=totals.get("elevation", 0) / 10,
                activities=int(totals.get("activities", 0)),
            )

        return cls(
            club_id=board.club.id,
            week=board.week,
            metric=board.metric,
            starts=board.starts,
            ends=board.ends,
            entry_count=board.entry_count,
            entries=[row(e) for e in board.entries],
            athlete_entry=row(board.athlete_entry) if board.athlete_entry else None,
        )


class GroupEventView(BaseModel):
    """In the shape of Strava's former ``/group_events/{id}``, plus the meeting point's address and the route."""

    id: int
    resource_state: int = 3
    title: str
    description: str | None
    club_id: int
    organizing_athlete: dict[str, int]
    activity_type: str
    created_at: datetime
    start_date: datetime
    start_date_local: datetime
    timezone: str
    address: str | None
    start_latlng: list[float]
    route_id: int | None
    segment_id: int | None
    polyline: str | None
    joined: bool
    joined_count: int
    upcoming_occurrences: list[datetime]

    @classmethod
    def from_domain(cls, seen: SeenEvent) -> GroupEventView:
        from zoneinfo import ZoneInfo

        e = seen.event
        local = e.start_date.astimezone(ZoneInfo(e.timezone)).replace(tzinfo=None)
        return cls(
            id=e.id,
            title=e.title,
            description=e.description,
            club_id=e.club_id,
            organizing_athlete={"id": e.organizer_id, "resource_state": 1},
            activity_type=e.sport_type,
            created_at=e.created_at,
            start_date=e.start_date,
            start_date_local=local,
            timezone=e.timezone,
            address=e.address,
            start_latlng=e.start_latlng,
            route_id=e.route_id,
            segment_id=e.segment_id,
            polyline=e.polyline,
            joined=seen.joined,
            joined_count=e.joined_count,
            upcoming_occurrences=[e.start_date],
        )
