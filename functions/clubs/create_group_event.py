"""POST /api/v3/clubs/{id}/group_events (extension): an admin posts a group ride or run: title, description,
start (wall clock + time zone, or UTC), meeting point (lat/lng, address) and an optional route (polyline, segment
id or route id). Answers 201 and the event."""

from datetime import UTC
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from stride.clubs import rules, service
from stride.clubs.views import CreateGroupEventRequest, GroupEventView
from stride.errors import InvalidInputError
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


def _start(body: CreateGroupEventRequest):  # noqa: ANN202 - a datetime
    if (body.start_date is None) == (body.start_date_local is None):
        raise InvalidInputError.about(
            "give one of start_date_local (with timezone) or start_date", "GroupEvent", "start_date", "invalid"
        )
    try:
        if body.start_date_local is not None:
            return rules.local_to_utc(body.start_date_local.replace(tzinfo=None), body.timezone)
        assert body.start_date is not None  # noqa: S101 - checked above
        if body.start_date.tzinfo is None:
            return body.start_date.replace(tzinfo=UTC)
        return body.start_date.astimezone(UTC)
    except rules.RuleError as exc:
        raise InvalidInputError.about(str(exc), "GroupEvent", exc.field, "invalid") from exc


@app.post(
    "/api/v3/clubs/<club_id>/group_events",
    summary="Create Group Event",
    description="Admins only (403). The start must lie in the coming year (422). At most one route: polyline, "
    "segment_id or route_id.",
    tags=["Clubs"],
    status_code=201,
    responses=error_responses(400, 403, 404, 422),
)
def create_group_event(
    club_id: Annotated[int, Path(gt=0, lt=2**63)], body: Annotated[CreateGroupEventRequest, Body()]
) -> GroupEventView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    if sum(x is not None for x in (body.polyline, body.segment_id, body.route_id)) > 1:
        raise InvalidInputError.about(
            "give at most one of polyline, segment_id, route_id", "GroupEvent", "route", "invalid"
        )
    if body.start_latlng is not None and not -90 <= body.start_latlng[0] <= 90:
        raise InvalidInputError.about("latitude must lie within -90..90", "GroupEvent", "start_latlng", "invalid")
    fields = service.EventFields(
        title=body.title,
        start_date=_start(body),
        timezone=body.timezone,
        description=body.description,
        sport_type=body.sport_type,
        address=body.address,
        start_latlng=body.start_latlng or [],
        route_id=body.route_id,
        segment_id=body.segment_id,
        polyline=body.polyline,
    )
    return GroupEventView.from_domain(service.create_group_event(caller, club_id, fields))


handler = api_handler(app)
