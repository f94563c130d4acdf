"""Live tracking: sessions, points through Kinesis, live state, watchers over WebSocket, safety links, cheers,
group sync and live segments. See docs/live.md."""
