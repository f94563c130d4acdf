"""POST /api/v3/athletes/{id}/follow: follow an athlete; a private profile gets a follow request instead."""

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
    "/api/v3/athletes/<athlete_id>/follow",
    summary="Follow Athlete",
    description="Following twice changes nothing. A private profile answers `requested` until it approves.",
    tags=["Social"],
    responses=error_responses(403, 404, 409, 422),
)
def follow_athlete(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> RelationshipView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    state = graph.follow(caller, athlete_id, correlation_id=app.current_event.request_context.request_id)
    return RelationshipView(athlete_id=athlete_id, state=state)


handler = api_handler(app)
