"""POST /api/v3/clubs/{id}/requests/{athlete_id} (extension): an admin approves a join request; the athlete is a
member from now on. Answers the new member as ClubAthlete."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.clubs import service
from stride.clubs.views import ClubAthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.store.athletes import AthleteRepository

app = make_resolver()


@app.post(
    "/api/v3/clubs/<club_id>/requests/<athlete_id>",
    summary="Approve Club Join Request",
    description="Admins only (403); no such request: 404.",
    tags=["Clubs"],
    responses=error_responses(403, 404, 409, 422),
)
def approve_join_request(
    club_id: Annotated[int, Path(gt=0, lt=2**63)], athlete_id: Annotated[int, Path(gt=0, lt=2**63)]
) -> ClubAthleteView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    member = service.decide_request(caller, club_id, athlete_id, approve=True)
    assert member is not None  # noqa: S101 - approve always answers the member
    return ClubAthleteView.from_domain(member, AthleteRepository().get(athlete_id))


handler = api_handler(app)
