"""PUT /api/v3/athlete/privacy (extension): replace the signed-in athlete's privacy zones and hidden start/end."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.privacy import settings
from stride.privacy.views import PrivacyUpdateRequest, PrivacyView

app = make_resolver()


@app.put(
    "/api/v3/athlete/privacy",
    summary="Update Map Privacy",
    description="The whole settings: zones left out are deleted; a zone without id is new and gets one.",
    tags=["Athletes"],
    responses=error_responses(400, 403, 422),
)
def update_privacy(body: Annotated[PrivacyUpdateRequest, Body()]) -> PrivacyView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    privacy = settings.update_privacy(caller, [zone.to_input() for zone in body.zones], body.hide_start_end)
    return PrivacyView.from_domain(privacy)


handler = api_handler(app)
