"""Key strings of live tracking (AP73-AP89): stored data depends on them, so each one is pinned exactly."""

from stride.store import keys


def test_session_and_its_item_collection() -> None:
    assert keys.live_session_pk(42) == "LIVE#42"
    assert keys.share_sk(7) == "SHARE#7"
    assert keys.cheer_sk(8) == "CHEER#8"


def test_one_open_session_per_athlete_marker() -> None:
    assert (keys.athlete_pk(5), keys.LIVE_CURRENT) == ("ATH#5", "LIVE#CURRENT")


def test_athlete_sessions_index_sorts_by_start() -> None:
    assert keys.athlete_live_sessions_pk(5) == "ATH#5#LIVE"
    assert keys.athlete_live_sessions_sk(1_800_000_000, 9) == "01800000000#0000000000000000009"
    assert keys.athlete_live_sessions_sk(999, 1) < keys.athlete_live_sessions_sk(1000, 0)


def test_share_links_by_token_hash() -> None:
    assert keys.live_share_pk("ab" * 32) == "LIVESHARE#" + "ab" * 32


def test_connections_and_watch_topics() -> None:
    assert keys.live_connection_pk("L0SM9cOFvHcCIhw=") == "LIVECONN#L0SM9cOFvHcCIhw="
    assert keys.live_watch_pk("SES#42") == "LIVEWATCH#SES#42"
    assert keys.live_watch_pk("ATH#5") == "LIVEWATCH#ATH#5"
    assert keys.connection_sk("abc") == "CONN#abc"


def test_groups() -> None:
    assert keys.live_group_pk(3) == "LIVEGRP#3"
    assert keys.member_sk(5) == "MEMBER#5"
