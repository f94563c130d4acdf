"""GET /api/v3/clubs/{id}/requests (extension): pending requests to join a private club, for its admins."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.clubs import service
from stride.clubs.views import ClubActivityAthleteView, JoinRequestView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/clubs/<club_id>/requests",
    summary="List Club Join Requests",
    description="Admins only (403), in athlete-id order.",
    tags=["Clubs"],
    responses=error_responses(403, 404, 422),
)
def list_join_requests(
    club_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[JoinRequestView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    found, athletes = service.list_requests(caller, club_id, page, per_page)
    views = []
    for request in found:
        athlete = athletes.get(request.athlete_id)
        lastname = (athlete.lastname[:1] + ".") if athlete and athlete.lastname else ""
        who = ClubActivityAthleteView(
            id=request.athlete_id, firstname=athlete.firstname if athlete else "", lastname=lastname
        )
        views.append(JoinRequestView(athlete=who, requested_at=request.requested_at))
    return views


handler = api_handler(app)
