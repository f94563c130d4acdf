"""GET /api/v3/athletes/{id}: another athlete's summary, as much as their privacy lets the caller see."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.accounts import avatars, service
from stride.accounts.views import AthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get("/api/v3/athletes/<athlete_id>", summary="Get Athlete", tags=["Athletes"], responses=error_responses(404, 422))
def get_athlete_by_id(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> AthleteView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    athlete, detail = service.get_athlete(caller, athlete_id)
    return AthleteView.from_domain(athlete, detail, avatars.picture_url(athlete))


handler = api_handler(app)
