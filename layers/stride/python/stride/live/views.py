"""Request and answer shapes of the live routes (JSON), and their mapping from the domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from stride.live.models import MAX_CHOSEN, Group, Session
from stride.live.track import LiveState, Point

MAX_POINTS = 600
MAX_NAME = 255


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(ms: int | None) -> str | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ---------------------------------------------------------------- requests
class StartSessionRequest(BaseModel):
    sport_type: str = Field(min_length=1, max_length=40, description="A Strava SportType, e.g. Ride or Run")
    name: str | None = Field(default=None, max_length=MAX_NAME)
    audience: Literal["followers", "chosen", "only_me"] = "followers"
    athlete_ids: list[Annotated[int, Field(gt=0, lt=2**63)]] = Field(default_factory=list, max_length=MAX_CHOSEN)


class PointRequest(BaseModel):
    time: float = Field(gt=0, description="epoch seconds, millisecond precision")
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    altitude: float | None = Field(default=None, ge=-1000, le=10000)
    heartrate: int | None = Field(default=None, ge=0, le=300)
    cadence: int | None = Field(default=None, ge=0, le=400)
    watts: int | None = Field(default=None, ge=0, le=5000)
    speed: float | None = Field(default=None, ge=0, le=200)

    def to_point(self) -> Point:
        return Point(
            round(self.time * 1000), self.lat, self.lng, self.altitude, self.heartrate, self.cadence, self.watts,
            self.speed,
        )  # fmt: skip


class PointsRequest(BaseModel):
    points: list[PointRequest] = Field(min_length=1, max_length=MAX_POINTS)
    battery: int | None = Field(default=None, ge=0, le=100)


class ShareRequest(BaseModel):
    expires_in: int = Field(default=86_400, ge=60, le=86_400, description="seconds")


class CheerRequest(BaseModel):
    text: str = Field(min_length=1, max_length=140)


class GroupRequest(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    athlete_ids: list[Annotated[int, Field(gt=0, lt=2**63)]] = Field(default_factory=list, max_length=MAX_CHOSEN)


class JoinGroupRequest(BaseModel):
    session_id: int = Field(gt=0, lt=2**63)


# ---------------------------------------------------------------- answers
class LiveAthleteView(BaseModel):
    id: int
    resource_state: int = 1
    firstname: str
    lastname: str


class PositionView(BaseModel):
    time: str
    lat: float
    lng: float
    altitude: float | None


class LiveStateView(BaseModel):
    point_count: int
    distance: float
    moving_time: int
    elapsed_time: int
    average_speed: float
    pace: float | None
    heartrate: int | None
    battery: int | None
    last_seen: str | None
    position: PositionView | None

    @classmethod
    def from_domain(cls, state: LiveState, position: Point | None) -> LiveStateView:
        return cls(
            point_count=state.point_count,
            distance=round(state.distance, 1),
            moving_time=round(state.moving_time),
            elapsed_time=round(state.elapsed_time),
            average_speed=round(state.average_speed, 3),
            pace=None if state.pace is None else round(state.pace, 1),
            heartrate=state.heartrate,
            battery=state.battery,
            last_seen=iso_ms(state.last_seen_ms),
            position=None
            if position is None
            else PositionView(
                time=iso_ms(position.time_ms) or "", lat=position.lat, lng=position.lng, altitude=position.altitude
            ),
        )


def last_position(state: LiveState) -> Point | None:
    if state.last_ms is None or state.lat is None or state.lng is None:
        return None
    return Point(state.last_ms, state.lat, state.lng, state.altitude)


class TrackView(BaseModel):
    time: list[float]
    latlng: list[list[float]]
    altitude: list[float | None]

    @classmethod
    def from_points(cls, points: Sequence[Point]) -> TrackView:
        return cls(
            time=[p.time_ms / 1000 for p in points],
            latlng=[[p.lat, p.lng] for p in points],
            altitude=[p.altitude for p in points],
        )


class LiveSessionView(BaseModel):
    id: int
    athlete: LiveAthleteView
    sport_type: str
    name: str | None
    status: str
    audience: str
    started_at: str
    updated_at: str
    group_id: int | None
    upload_id: int | None
    activity_id: int | None
    state: LiveStateView
    track: TrackView | None = None

    @classmethod
    def from_domain(
        cls,
        session: Session,
        athlete: LiveAthleteView,
        *,
        position: Point | None,
        activity_id: int | None = None,
        track: Sequence[Point] | None = None,
    ) -> LiveSessionView:
        return cls(
            id=session.id,
            athlete=athlete,
            sport_type=session.sport_type,
            name=session.name,
            status=session.status.value,
            audience=session.audience.value,
            started_at=_iso(session.started_at) or "",
            updated_at=_iso(session.updated_at) or "",
            group_id=session.group_id,
            upload_id=session.upload_id,
            activity_id=activity_id,
            state=LiveStateView.from_domain(session.state, position),
            track=None if track is None else TrackView.from_points(track),
        )


class ShareView(BaseModel):
    id: int
    token: str
    url: str
    expires_at: str


class CheerView(BaseModel):
    id: int
    session_id: int
    text: str
    athlete: LiveAthleteView
    created_at: str


class AcceptedView(BaseModel):
    session_id: int
    accepted: int


class GroupMemberView(BaseModel):
    athlete_id: int
    session_id: int
    status: str
    position: PositionView | None
    distance: float
    gap_distance: float
    gap_time: float | None


class LiveGroupView(BaseModel):
    id: int
    name: str
    owner_id: int
    members: list[GroupMemberView]

    @classmethod
    def from_domain(cls, group: Group, members: list[GroupMemberView]) -> LiveGroupView:
        return cls(id=group.id, name=group.name, owner_id=group.owner_id, members=members)
