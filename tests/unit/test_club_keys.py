"""The exact keys of the clubs access patterns (AP110-AP129, docs/access-patterns.md)."""

from __future__ import annotations

from stride.store import keys


def test_club_and_membership_keys() -> None:
    assert keys.club_pk(7) == "CLUB#7"  # AP110, SK META
    assert keys.club_members_pk(7) == "CLUB#7#MEMBERS"  # AP111
    assert keys.athlete_sk(42) == "ATH#0000000000000000042"
    assert keys.club_admins_pk(7) == "CLUB#7#ADMINS"  # AP112 (GSI1)
    assert keys.athlete_clubs_pk(42) == "ATH#42#CLUBS"  # AP113
    assert keys.club_sk(7) == "CLUB#0000000000000000007"
    assert keys.club_from_sk(keys.club_sk(7)) == 7
    assert keys.club_requests_pk(7) == "CLUB#7#REQUESTS"  # AP115


def test_feed_and_contribution_keys() -> None:
    assert keys.club_feed_pk(7) == "CLUB#7#FEED"  # AP117, SK feed_sk
    assert keys.feed_sk(1_796_000_000, 9) == "01796000000#0000000000000000009"
    assert keys.club_feed_author_pk(7, 42) == "CLUB#7#FEED#ATH#42"  # AP118 (GSI1)
    assert keys.club_contribution_sk(9) == "CLUBACT#0000000000000000009"  # AP119, PK ATH#<a>


def test_weekly_board_keys_sort_as_numbers() -> None:
    assert keys.club_week_pk(7, "2026-W49") == "CLUB#7#WK#2026-W49"  # AP120
    assert keys.club_rank_pk(7, "2026-W49", "distance") == "CLUB#7#WK#2026-W49#distance"  # AP121
    assert keys.club_rank_sk(20_000, 42) == "000000020000#0000000000000000042"
    assert keys.club_rank_sk(9_999, 1) < keys.club_rank_sk(10_000, 1) < keys.club_rank_floor(10_001)
    assert keys.club_counts_pk(7, "2026-W49", "distance") == "CLUB#7#WK#2026-W49#distance#N"  # AP122
    assert keys.club_coarse_sk(3) == "C00000003"
    # AP123: the fine-bucket slice above 20,000 m up to 20,099 m holds 20,050 m but not 20,000 m or 20,100 m
    low, high = keys.club_rank_floor(20_001), keys.club_rank_floor(20_099) + "~"
    assert low <= keys.club_rank_sk(20_050, 5) <= high
    assert not low <= keys.club_rank_sk(20_000, 5) <= high
    assert not low <= keys.club_rank_sk(20_100, 5) <= high


def test_group_event_keys() -> None:
    assert keys.club_events_pk(7) == "CLUB#7#EVENTS"  # AP125
    assert keys.club_event_sk(1_796_000_000, 3) == "01796000000#0000000000000000003"
    assert keys.group_event_pk(3) == "GEVENT#3"  # AP126, SK META
    assert keys.rsvp_sk(42) == "RSVP#0000000000000000042"  # AP127
