"""Clubs: members, admins, join requests, the club feed, weekly leaderboards and group events (docs/clubs.md)."""
