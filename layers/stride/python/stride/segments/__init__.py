"""Segments: geometry, the H3 geo index, matching (G); segment store and API (S); efforts (M); boards (L).

See docs/segments.md. ``cells`` imports only h3 (API functions load it); ``geometry`` and ``matching`` use numpy.
"""
