"""Key strings of the single table: stored data depends on them, so each one is pinned exactly."""

from stride.store import keys


def test_athlete_partition_key() -> None:
    # Given an athlete id
    athlete_id = 1234567890123
    # When the partition key is built
    pk = keys.athlete_pk(athlete_id)
    # Then it is the ATH# prefix and the decimal id
    assert pk == "ATH#1234567890123"


def test_identity_partition_key() -> None:
    # Given a Cognito subject
    sub = "0b4e2f6a-1111-2222-3333-444455556666"
    # When the identity partition key is built
    pk = keys.identity_pk(sub)
    # Then it is the SUB# prefix and the subject, unchanged
    assert pk == "SUB#0b4e2f6a-1111-2222-3333-444455556666"


def test_sort_key_constants() -> None:
    # Given the sort keys of the athlete's item collection
    # When they are read
    # Then they are the documented literals
    assert keys.PROFILE == "PROFILE"
    assert keys.IDENTITY_SK == "IDENTITY"
    assert keys.ZONES == "ZONES"


def test_idempotency_partition_key() -> None:
    # Given a function name
    function_name = "stride-dev-UpdateAthleteFunction"
    # When the idempotency partition key is built
    pk = keys.idempotency_pk(function_name)
    # Then it is the IDEMPOTENCY# prefix and the function name
    assert pk == "IDEMPOTENCY#stride-dev-UpdateAthleteFunction"


def test_prefixes() -> None:
    # Given the prefixes
    # When they are read
    # Then each ends with '#', so ids never run into the prefix
    assert (keys.ATHLETE, keys.IDENTITY, keys.IDEMPOTENCY) == ("ATH#", "SUB#", "IDEMPOTENCY#")


def test_activity_and_upload_keys() -> None:
    # AP10-AP12, AP14-AP17: items keyed by their own id
    assert keys.upload_pk(382729601337458690) == "UPLOAD#382729601337458690"
    assert keys.activity_pk(7) == "ACT#7"
    assert keys.META == "META"


def test_activity_list_keys_sort_by_start_time_then_id() -> None:
    # AP13: GSI1 partition per athlete; zero-padded sort keys order as numbers do
    assert keys.athlete_activities_pk(42) == "ATH#42#ACT"
    early = keys.athlete_activities_sk(999_999_999, 5)
    late = keys.athlete_activities_sk(1_794_380_400, 1)
    assert early == "00999999999#0000000000000000005"
    assert early < late
    assert keys.athlete_activities_sk(1_794_380_400, 9) > late


def test_duplicate_markers() -> None:
    # AP14: one marker per file hash and per external id, under the athlete
    assert keys.file_hash_sk("ab" * 32) == "FILE#" + "ab" * 32
    assert keys.external_id_sk("garmin-123") == "EXTID#garmin-123"


def test_best_effort_keys_sort_fastest_first() -> None:
    # AP18: begins_with BEST#<name># and ascending order gives the fastest first
    fast = keys.best_effort_sk("5k", 1199, 3)
    slow = keys.best_effort_sk("5k", 1200, 1)
    assert fast == "BEST#5k#000001199#0000000000000000003"
    assert fast < slow and fast.startswith(keys.best_effort_prefix("5k"))
    assert not keys.best_effort_sk("5k", 1, 1).startswith(keys.best_effort_prefix("5"))


def test_stats_keys() -> None:
    # AP19-AP20: one item per period; days sort as dates for the BETWEEN of the last four weeks
    assert keys.STATS_ALL == "STATS#ALL"
    assert keys.stats_year_sk(2026) == "STATS#Y#2026"
    assert keys.stats_day_sk("2026-11-22") == "STATS#D#2026-11-22"
    assert keys.stats_day_sk("2026-10-26") < keys.stats_day_sk("2026-11-22")
    assert keys.stats_event_sk("e1") == "STATSEVT#e1"
