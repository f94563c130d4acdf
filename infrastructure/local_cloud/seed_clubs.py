"""Demo clubs for `make run`, through the public API: alice's open club that bob joins (with a group ride), and
alice's private club where carol's request waits for an admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests


def seed_clubs(api_url: str, headers_of: dict[str, dict[str, str]], ids: dict[str, int]) -> list[int]:
    """Create the demo clubs; answers their ids (the open one first)."""

    def call(method: str, user: str, path: str, **kwargs: object) -> dict:
        response = requests.request(method, f"{api_url}{path}", headers=headers_of[user], timeout=30, **kwargs)  # type: ignore[arg-type]
        response.raise_for_status()
        return response.json() if response.content else {}

    riders = call(
        "POST",
        "alice",
        "/api/v3/clubs",
        json={
            "name": "Riverside Riders",
            "description": "Easy loops along the river, every weekend.",
            "sport_type": "cycling",
            "timezone": "Europe/Helsinki",
            "city": "Helsinki",
            "country": "Finland",
            "activity_types": ["Ride", "Run"],
        },
    )["id"]
    call("POST", "bob", f"/api/v3/clubs/{riders}/join")
    saturday = datetime.now(UTC) + timedelta(days=(5 - datetime.now(UTC).weekday()) % 7 or 7)
    call(
        "POST",
        "alice",
        f"/api/v3/clubs/{riders}/group_events",
        json={
            "title": "Saturday coffee ride",
            "description": "No drop, 40 km, coffee at the halfway point.",
            "start_date_local": saturday.strftime("%Y-%m-%dT09:00:00"),
            "timezone": "Europe/Helsinki",
            "address": "Kauppatori, Helsinki",
            "start_latlng": [60.1675, 24.9525],
            "sport_type": "Ride",
        },
    )
    inner = call(
        "POST",
        "alice",
        "/api/v3/clubs",
        json={"name": "Inner Circle", "sport_type": "running", "timezone": "Europe/Helsinki", "private": True},
    )["id"]
    if "carol" in headers_of:
        call("POST", "carol", f"/api/v3/clubs/{inner}/join")  # waits for alice's approval
    return [riders, inner]
