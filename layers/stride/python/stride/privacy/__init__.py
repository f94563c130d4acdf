"""Map privacy: privacy zones, hidden start and end, hidden maps. Pure (stdlib only: API functions load it)."""
