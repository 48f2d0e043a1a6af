"""Index URLs as they may be shown: without the credentials pip's configured URLs can carry.

Kept apart from `transport` so that what only prints a URL (lockfiles, the scanner's messages) does
not load the HTTP stack.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def redact(url: str) -> str:
    """The URL without user:password, for messages (pip's configured index URLs may carry credentials)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
