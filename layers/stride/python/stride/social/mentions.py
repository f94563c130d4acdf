"""``@username`` mentions in a comment's text: a pure parser (no storage; ``stride.social.reactions`` resolves them).

A mention is ``@`` followed by a username (letters, digits, ``_``, ``-``, ``.``, starting and ending with a letter,
digit or ``_``), standing on its own: not glued to a word before it (``a@b.com`` is an address) nor followed by
another ``@`` or more name characters (``@bob@example.com`` is an address too). Trailing punctuation is not part
of the name (``@bob.`` and ``@bob,`` mention ``bob``). Names compare case-insensitively, as the user pool does.
"""

from __future__ import annotations

import re

MAX_MENTIONS = 10  # names past the tenth distinct one are not resolved (bounds the reads of one comment)
MAX_USERNAME = 64

_INNER = MAX_USERNAME - 2  # characters between a name's first and last
_MENTION = re.compile(
    r"(?<![\w@.+\-/])"  # not inside a word, an address, a path or after another @
    rf"@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]{{0,{_INNER}}}[A-Za-z0-9_])?)"
    r"(?![\w@]|[.\-][A-Za-z0-9_])"  # the whole name: no address after it, no longer name
)


def mentioned_usernames(text: str, limit: int = MAX_MENTIONS) -> list[str]:
    """The distinct usernames mentioned in ``text``, lower case, in order of first appearance, at most ``limit``."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        seen.setdefault(match.group(1).lower(), None)
        if len(seen) >= limit:
            break
    return list(seen)
