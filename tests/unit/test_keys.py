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
