"""API shapes of the social graph: athletes in lists are Strava's SummaryAthlete (``AthleteView``)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from stride.accounts import avatars
from stride.accounts.views import AthleteView
from stride.social.graph import FollowState, Listed
from stride.social.suggestions import Suggestion


class RelationshipView(BaseModel):
    """The caller's relationship to ``athlete_id`` after a follow, block or mute."""

    athlete_id: int
    state: FollowState = Field(
        description="`requested`: the athlete's profile is private, the follow waits for their approval"
    )


class SuggestedAthleteView(AthleteView):
    shared_connections: int = Field(description="How many athletes the caller follows follow this athlete")


def athlete_view(listed: Listed) -> AthleteView:
    return AthleteView.from_domain(listed.athlete, listed.detail, avatars.picture_url(listed.athlete))


def athlete_views(listed: list[Listed]) -> list[AthleteView]:
    return [athlete_view(entry) for entry in listed]


def suggestion_views(suggestions: list[Suggestion]) -> list[SuggestedAthleteView]:
    return [
        SuggestedAthleteView(
            **athlete_view(suggestion.listed).model_dump(),
            shared_connections=suggestion.shared_connections,
        )
        for suggestion in suggestions
    ]
