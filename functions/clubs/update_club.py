"""PUT /api/v3/clubs/{id} (extension): admins change the club's fields (only those sent; null clears an optional
one). Answers Strava's DetailedClub."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from stride.clubs import service
from stride.clubs.views import DetailedClubView, UpdateClubRequest
from stride.errors import InvalidInputError
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()
_REQUIRED = ("name", "sport_type", "timezone", "private", "activity_types")


@app.put(
    "/api/v3/clubs/<club_id>",
    summary="Update Club",
    description="Admins only (403). A new `timezone` applies to activities scored from then on.",
    tags=["Clubs"],
    responses=error_responses(400, 403, 404, 422),
)
def update_club(
    club_id: Annotated[int, Path(gt=0, lt=2**63)], body: Annotated[UpdateClubRequest, Body()]
) -> DetailedClubView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    changes = body.model_dump(exclude_unset=True)
    for name in _REQUIRED:
        if name in changes and changes[name] is None:
            raise InvalidInputError.about(f"{name} cannot be null", "Club", name, "invalid")
    if not changes:
        raise InvalidInputError.about("nothing to change", "Club", "body", "empty")
    return DetailedClubView.from_standing(service.update_club(caller, club_id, changes))


handler = api_handler(app)
