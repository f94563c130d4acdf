"""POST /api/v3/clubs/{id}/join: join an open club, or ask to join a private one (its admins decide). Answers
Strava's former ``{success, active, membership}``."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.clubs import service
from stride.clubs.views import MembershipView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/clubs/<club_id>/join",
    summary="Join Club",
    description="An open club: `membership` member at once. A private club: `membership` pending until an admin "
    "approves. Joining again changes nothing. Activities count from the moment of joining.",
    tags=["Clubs"],
    responses=error_responses(404, 409, 422),
)
def join_club(club_id: Annotated[int, Path(gt=0, lt=2**63)]) -> MembershipView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    return MembershipView.from_domain(service.join(caller, club_id))


handler = api_handler(app)
