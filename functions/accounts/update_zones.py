"""PUT /api/v3/athlete/zones (extension): set five custom heart-rate zones, or derive them from max heart rate."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from stride.accounts import service
from stride.accounts.views import ZonesUpdateRequest, ZonesView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.put("/api/v3/athlete/zones", summary="Update Zones", tags=["Athletes"], responses=error_responses(400, 403, 422))
def update_zones(body: Annotated[ZonesUpdateRequest, Body()]) -> ZonesView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    custom = [(z.min, z.max) for z in body.heart_rate.zones] if body.heart_rate else None
    heart_rate, power = service.set_heart_rate_zones(caller, custom, body.max_heartrate)
    return ZonesView.from_domain(heart_rate, power)


handler = api_handler(app)
