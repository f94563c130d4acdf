"""Pure rules of the social graph: suggestion ranking, which athletes an event concerns, the graph's keys."""

from __future__ import annotations

from stride.social.suggestions import rank, targets
from stride.store import keys
from stride.store.social import block_key, follower_key, following_key, request_key


def test_friends_of_friends_rank_by_shared_connections_then_id() -> None:
    # Given athlete 1 follows 2, 3 and 4; 2 and 3 both follow 9, 4 follows 7 and 8, 3 follows 8
    their_following = {2: [9, 1], 3: [9, 8, 4], 4: [7, 8]}
    # When the suggestions are ranked
    ranked = rank(1, [2, 3, 4], their_following)
    # Then 8 and 9 (two shared each) come first in id order, then 7; never 1 itself nor 4, already followed
    assert ranked == [(8, 2), (9, 2), (7, 1)]


def test_no_followees_means_no_suggestions() -> None:
    # Given an athlete who follows nobody
    # When the suggestions are ranked
    # Then there are none
    assert rank(1, [], {5: [6]}) == []


def test_a_followee_listed_twice_counts_once() -> None:
    # Given a followee whose list repeats an athlete (a page boundary read twice)
    # When ranked
    # Then the repeat is one shared connection
    assert rank(1, [2], {2: [5, 5]}) == [(5, 1)]


def test_follow_changes_concern_the_follower_and_blocks_both_athletes() -> None:
    # Given the graph's events
    # When asked whose suggestions they change
    # Then a follow or unfollow names the follower; a block names both athletes; anything else nobody
    assert targets("athlete.followed", {"follower_id": 5, "followed_id": 6}) == [5]
    assert targets("athlete.unfollowed", {"follower_id": 5, "followed_id": 6, "reason": "block"}) == [5]
    assert targets("athlete.blocked", {"blocker_id": 5, "blocked_id": 6}) == [5, 6]
    assert targets("athlete.muted", {"muter_id": 5, "muted_id": 6}) == []


def test_edge_keys_are_the_documented_ones() -> None:
    # Given athletes 12 and 34
    # When the keys of the edges between them are built
    # Then they are those of docs/access-patterns.md (AP21-AP27)
    assert following_key(12, 34) == ("ATH#12#FOLLOWING", "ATH#0000000000000000034")
    assert follower_key(12, 34) == ("ATH#34#FOLLOWERS", "ATH#0000000000000000012")
    assert request_key(12, 34) == ("ATH#34#FOLLOWREQ", "ATH#0000000000000000012")
    assert block_key(12, 34) == ("ATH#12#BLOCKS", "ATH#0000000000000000034")
    assert (keys.mutes_pk(12), keys.muted_by_pk(34)) == ("ATH#12#MUTES", "ATH#34#MUTEDBY")
    assert keys.athlete_from_sk(following_key(12, 34)[1]) == 34
