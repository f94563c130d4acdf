"""POST /api/v3/athletes/{id}/mute: hide an athlete's activities from the caller's feed (still followed)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import graph
from stride.social.views import RelationshipView

app = make_resolver()


@app.post(
    "/api/v3/athletes/<athlete_id>/mute",
    summary="Mute Athlete",
    description="Muting twice changes nothing. The muted athlete is not told.",
    tags=["Social"],
    responses=error_responses(403, 404, 409, 422),
)
def mute_athlete(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> RelationshipView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    state = graph.mute(caller, athlete_id, correlation_id=app.current_event.request_context.request_id)
    return RelationshipView(athlete_id=athlete_id, state=state)


handler = api_handler(app)
