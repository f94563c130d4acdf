"""DELETE /api/v3/push/devices: unregister the caller's phone (the same body as registering; 204 either way)."""

from aws_lambda_powertools.event_handler import Response

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.notifications import service
from stride.notifications.models import Platform
from stride.notifications.views import DeviceRequest
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/push/devices",
    summary="Unregister Push Device",
    tags=["Notifications"],
    responses={204: {"description": "Not registered any more"}, **error_responses(403, 422)},
)
def unregister_device(body: DeviceRequest) -> Response[None]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    service.unregister_device(caller, Platform(body.platform), body.token)
    return Response(status_code=204)


handler = api_handler(app)
