"""POST /api/v3/activities/{id}/comments: comment on an activity (Stride extension), answering Strava's Comment.

``text`` comes as a JSON body ``{"text": ...}``, a form field or a query parameter (Strava's writes take form or
query fields); it is trimmed and must then be 1 to 1,000 characters. ``@username`` mentions athletes who may see
the activity; they are returned in ``mentions``.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.metrics import MetricUnit

from stride.errors import ErrorDetail, MalformedRequestError
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.bodies import body_field
from stride.http.faults import error_responses
from stride.observability import logger, metrics
from stride.social import reactions
from stride.social.reaction_views import CommentView

app = make_resolver()


def _body_text() -> str | None:
    """``text`` from a JSON or form body, if the request has one."""
    text = body_field(app.current_event, "text", "Comment", '{"text": "..."}')
    if text is not None and not isinstance(text, str):
        raise MalformedRequestError(
            'Bad Request: the body must be {"text": "..."}', [ErrorDetail("Comment", "text", "invalid")]
        )
    return text


@app.post(
    "/api/v3/activities/<activity_id>/comments",
    summary="Create Comment",
    description='`text` as a JSON body `{"text": "..."}`, a form field or a query parameter; 1 to 1,000 characters '
    "after trimming. `@username` mentions an athlete who may see the activity.",
    tags=["Social"],
    status_code=201,
    responses=error_responses(400, 403, 404, 409, 422),
)
def add_comment(
    activity_id: Annotated[int, Path(gt=0, lt=2**63)],
    text: Annotated[str | None, Query(description="The comment (or send it in the body)")] = None,
) -> CommentView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    from_body = _body_text()
    rendered = reactions.add_comment(
        caller,
        activity_id,
        from_body if from_body is not None else text,
        correlation_id=app.current_event.request_context.request_id,
    )
    metrics.add_metric(name="CommentAdded", unit=MetricUnit.Count, value=1)
    return CommentView.from_domain(rendered)


handler = api_handler(app)
