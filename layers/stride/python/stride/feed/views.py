"""API shapes of the feed: each entry is Strava's SummaryActivity (the map trimmed for the reader)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from stride.activities.models import Activity
from stride.activities.views import MapView, SummaryActivityView
from stride.privacy.maps import SharedMap

# Location fields are never stored in a fanned-out entry: they are trimmed per reader at read time.
_LOCATION_FIELDS = {"map", "start_latlng", "end_latlng"}


def entry_json(activity: Activity) -> str:
    """The pre-rendered entry a fan-out stores: the summary without any location."""
    return SummaryActivityView.from_domain(activity).model_dump_json(exclude=_LOCATION_FIELDS)


def entry_view(activity: Activity, shared: SharedMap | None) -> SummaryActivityView:
    """The entry as a reader gets it: ``shared`` is the trimmed map, ``None`` for the owner (full map)."""
    view = SummaryActivityView.from_domain(activity)
    if shared is None:
        return view
    return view.model_copy(
        update={
            "map": MapView(id=view.map.id, summary_polyline=shared.summary_polyline, resource_state=2),
            "start_latlng": shared.start_latlng,
            "end_latlng": shared.end_latlng,
        }
    )


class FeedPageView(BaseModel):
    """Stride extension: one page of the home feed, newest first, and the token of the next page."""

    entries: list[SummaryActivityView]
    next_cursor: str | None = Field(
        description="Pass as ``cursor`` for the next page; null at the end of the feed. Opaque and signed."
    )
