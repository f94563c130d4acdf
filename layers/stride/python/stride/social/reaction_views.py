"""API shapes of kudos and comments: Strava's Comment (plus ``mentions``) and SummaryAthlete for kudoers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from stride.accounts import avatars
from stride.accounts.views import AthleteView
from stride.social.reactions import Listed, RenderedComment


class MentionView(BaseModel):
    id: int
    username: str


class CommentView(BaseModel):
    """Strava's Comment; ``mentions`` is a Stride extension (athletes the text mentions who may see the activity)."""

    id: int
    activity_id: int
    text: str
    athlete: AthleteView
    created_at: datetime
    mentions: list[MentionView] = Field(default_factory=list, description="Stride extension: resolved @mentions")

    @classmethod
    def from_domain(cls, rendered: RenderedComment) -> CommentView:
        comment = rendered.comment
        return cls(
            id=comment.id,
            activity_id=comment.activity_id,
            text=comment.text,
            athlete=athlete_view(rendered.author),
            created_at=comment.created_at,
            mentions=[MentionView(id=m.athlete_id, username=m.username) for m in rendered.mentions],
        )


class CommentRequest(BaseModel):
    """A new comment; ``text`` may also come as a form field or a query parameter, as Strava's writes take them."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="1 to 1,000 characters after trimming; `@username` mentions an athlete")


class KudosView(BaseModel):
    """The caller's kudos on an activity (Stride extension)."""

    activity_id: int
    athlete_id: int
    given: bool = Field(description="true when given by this request, false when it had been given already")


def athlete_view(listed: Listed) -> AthleteView:
    return AthleteView.from_domain(listed.athlete, listed.detail, avatars.picture_url(listed.athlete))
