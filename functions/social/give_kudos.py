"""POST /api/v3/activities/{id}/kudos: give kudos (Stride extension). 201 the first time, 200 when already given."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.metrics import MetricUnit

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics
from stride.social import reactions
from stride.social.reaction_views import KudosView

app = make_resolver()
_KUDOS_SCHEMA = {"content": {"application/json": {"schema": KudosView.model_json_schema()}}}


@app.post(
    "/api/v3/activities/<activity_id>/kudos",
    summary="Give Kudos",
    description="One kudos per athlete per activity: giving it again answers 200 and changes nothing. "
    "Never on one's own activity (403).",
    tags=["Social"],
    responses={
        201: {"description": "Kudos given", **_KUDOS_SCHEMA},
        200: {"description": "Already given, nothing changed", **_KUDOS_SCHEMA},
        **error_responses(403, 404, 409, 422),
    },
)
def give_kudos(activity_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    given = reactions.give_kudos(caller, activity_id, correlation_id=app.current_event.request_context.request_id)
    if given:
        metrics.add_metric(name="KudosGiven", unit=MetricUnit.Count, value=1)
    view = KudosView(activity_id=activity_id, athlete_id=caller.athlete_id, given=given)
    return Response(
        status_code=201 if given else 200, content_type=content_types.APPLICATION_JSON, body=view.model_dump_json()
    )


handler = api_handler(app)
