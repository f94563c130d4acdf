"""The @mention parser, the comment text rule, and the key conditions of kudos, comments and usernames (AP30-AP34)."""

from __future__ import annotations

import pytest

from stride.errors import InvalidInputError
from stride.social.mentions import MAX_MENTIONS, MAX_USERNAME, mentioned_usernames
from stride.social.reactions import MAX_COMMENT_LENGTH, clean_text
from stride.store import keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nice run @bob!", ["bob"]),
        ("(@alice), @carol.", ["alice", "carol"]),
        ("@dave: thanks; @erin? @frank...", ["dave", "erin", "frank"]),
        ("great pace @user3-ab12c6.", ["user3-ab12c6"]),
        ("@bob.smith joined", ["bob.smith"]),
        ("@bob- and @carol_", ["bob", "carol_"]),
        ("@x", ["x"]),
        ("line\n@bob\tand @carol", ["bob", "carol"]),
    ],
)
def test_mentions_stand_alone_and_drop_trailing_punctuation(text: str, expected: list[str]) -> None:
    # Given a comment with @names among punctuation
    # When it is parsed
    # Then each name is read whole, without the punctuation after it
    assert mentioned_usernames(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "mail me at a@b.com",
        "write to bob@example.com or @carol@example.org",
        "Hi@bob",
        "naïve@bob",
        "see https://example.com/@bob",
        "@@bob",
        "@-bob @.bob",
        "an @ alone, and x@",
        "@" + "a" * (MAX_USERNAME + 1),
    ],
)
def test_addresses_and_malformed_names_are_not_mentions(text: str) -> None:
    # Given text with @ that is part of an address, a word, a path, or no name at all
    # When it is parsed
    # Then nothing is a mention
    assert mentioned_usernames(text) == []


def test_duplicates_count_once_case_insensitively_in_first_order() -> None:
    # Given the same athlete mentioned three times in different cases, around another
    text = "@Bob then @carol then @BOB and @bob"
    # When it is parsed
    # Then each name appears once, lower case, in order of first mention
    assert mentioned_usernames(text) == ["bob", "carol"]


def test_at_most_ten_distinct_mentions_are_kept() -> None:
    # Given fifteen distinct mentions, the first repeated in between
    text = " ".join(f"@u{i} @u0" for i in range(15))
    # When it is parsed
    names = mentioned_usernames(text)
    # Then the first ten distinct ones are kept, in order
    assert MAX_MENTIONS == 10
    assert names == [f"u{i}" for i in range(10)]


def test_a_name_of_the_longest_length_is_a_mention() -> None:
    name = "a" * MAX_USERNAME
    assert mentioned_usernames(f"hi @{name}") == [name]


@pytest.mark.parametrize(("text", "code"), [("", "blank"), ("   \n\t ", "blank"), (None, "blank")])
def test_blank_comments_are_refused(text: str | None, code: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        clean_text(text)
    assert raised.value.details[0].field == "text" and raised.value.details[0].code == code


def test_comment_length_is_counted_after_trimming() -> None:
    # Given exactly 1,000 characters surrounded by whitespace, and one more
    longest = "é" * MAX_COMMENT_LENGTH
    # Then the trimmed 1,000 pass and 1,001 are refused
    assert clean_text(f"  {longest}\n") == longest
    assert clean_text(" a ") == "a"
    with pytest.raises(InvalidInputError) as raised:
        clean_text(longest + "x")
    assert raised.value.details[0].code == "too long"


def test_key_conditions_of_kudos_comments_and_usernames() -> None:
    # AP30/AP31: one kudos per athlete in the activity's partition, listed by SK prefix
    assert keys.activity_pk(42) == "ACT#42"
    assert keys.kudos_sk(7) == "KUDOS#0000000000000000007"
    assert keys.kudos_sk(7).startswith(keys.KUDOS)
    # AP32/AP33: comments sort by their time-ordered id
    assert keys.comment_sk(9) == "COMMENT#0000000000000000009"
    assert keys.comment_sk(9) < keys.comment_sk(10) and keys.comment_sk(10).startswith(keys.COMMENT)
    # AP34 (written by AP03): usernames resolve case-insensitively
    assert keys.username_pk("Bob.Smith") == "USERNAME#bob.smith" == keys.username_pk("bob.smith")
    assert keys.IDENTITY_SK == "IDENTITY"
