"""PUT /api/v3/athlete: update the signed-in athlete (JSON body, or Strava-style query parameters)."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import ValidationError

from stride.accounts import avatars, service
from stride.accounts.views import AthleteUpdateRequest, AthleteView
from stride.errors import ErrorDetail, InvalidInputError
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.put("/api/v3/athlete", summary="Update Athlete", tags=["Athletes"], responses=error_responses(400, 403, 422))
def update_athlete(
    body: Annotated[AthleteUpdateRequest | None, Body()] = None,
    weight: Annotated[float | None, Query(description="kilograms (Strava's parameter)")] = None,
    firstname: Annotated[str | None, Query()] = None,
    lastname: Annotated[str | None, Query()] = None,
    city: Annotated[str | None, Query()] = None,
    state: Annotated[str | None, Query()] = None,
    country: Annotated[str | None, Query()] = None,
    sex: Annotated[Literal["M", "F"] | None, Query()] = None,
) -> AthleteView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    from_query = {
        name: value
        for name, value in {
            "weight": weight,
            "firstname": firstname,
            "lastname": lastname,
            "city": city,
            "state": state,
            "country": country,
            "sex": sex,
        }.items()
        if value is not None
    }
    try:
        merged = AthleteUpdateRequest.model_validate(
            {**from_query, **(body.model_dump(exclude_unset=True) if body else {})}
        )
    except ValidationError as exc:
        raise InvalidInputError(
            "invalid athlete fields",
            [ErrorDetail("Athlete", ".".join(map(str, e["loc"])), e["type"]) for e in exc.errors()],
        ) from exc
    athlete, detail = service.update_profile(
        caller, merged.model_dump(exclude_unset=True), correlation_id=logger.get_correlation_id()
    )
    return AthleteView.from_domain(athlete, detail, avatars.picture_url(athlete))


handler = api_handler(app)
