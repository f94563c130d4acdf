"""Follows, follow requests, blocks, mutes, kudos and comments."""
