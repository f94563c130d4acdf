"""POST /api/v3/push/devices: register the caller's phone for push (registering again is harmless)."""

from aws_lambda_powertools.event_handler import Response, content_types

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.notifications import service
from stride.notifications.models import Platform
from stride.notifications.views import DeviceRequest, DeviceView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/push/devices",
    summary="Register Push Device",
    tags=["Notifications"],
    responses={201: {"description": "Registered"}, **error_responses(403, 422)},
)
def register_device(body: DeviceRequest) -> Response[DeviceView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    device = service.register_device(caller, Platform(body.platform), body.token)
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=DeviceView.from_domain(device))


handler = api_handler(app)
