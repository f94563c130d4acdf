"""PUT /api/v3/segments/{id}/starred: Strava's Star Segment (``starred=true|false`` as a form field, JSON body or
query parameter), answering the DetailedSegment. Needs the ``profile:write`` scope."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.errors import InvalidInputError
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.bodies import body_field
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import service
from stride.segments.views import DetailedSegmentView

app = make_resolver()
_TRUE, _FALSE = {"true", "1"}, {"false", "0"}


def _flag(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise InvalidInputError.about("starred must be true or false", "Segment", "starred", "invalid")


def _body_starred() -> object | None:
    """``starred`` from a JSON or form body, if the request has one."""
    return body_field(app.current_event, "starred", "Segment", '{"starred": true|false}')


@app.put(
    "/api/v3/segments/<segment_id>/starred",
    summary="Star Segment",
    description="`starred=true|false` as a form field (as Strava takes it), a JSON body or a query parameter. "
    "Starring twice or unstarring a segment that is not starred changes nothing.",
    tags=["Segments"],
    responses=error_responses(400, 403, 404, 409, 422),
)
def star_segment(
    segment_id: Annotated[int, Path(gt=0, lt=2**63)],
    starred: Annotated[str | None, Query(description="true or false (or send it in the body)")] = None,
) -> DetailedSegmentView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, segment_id=segment_id)
    raw = _body_starred()
    if raw is None:
        raw = starred
    if raw is None:
        raise InvalidInputError.about("starred (true or false) is required", "Segment", "starred", "missing")
    seen = service.set_starred(caller, segment_id, _flag(raw))
    return DetailedSegmentView.from_domain(seen.segment, seen.starred)


handler = api_handler(app)
