"""GET /api/v3/athlete/zones: the signed-in athlete's heart-rate and power zones (Strava's Zones)."""

from stride.accounts import service
from stride.accounts.views import ZonesView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get("/api/v3/athlete/zones", summary="Get Zones", tags=["Athletes"], responses=error_responses())
def get_zones() -> ZonesView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    heart_rate, power = service.get_zones(caller)
    return ZonesView.from_domain(heart_rate, power)


handler = api_handler(app)
