"""Database-server store addresses (`postgresql://user@host/db`): the checks that need no database library.

Stdlib only, so the Excel button can check its Settings sheet without importing SQLAlchemy. A password never
comes from a workbook (anyone who can open the plan could read it): `check_store_setting` refuses a URL that
holds one; the password comes from the environment (PGPASSWORD), `~/.pgpass` (`%APPDATA%\\postgresql\\pgpass.conf`
on Windows), or whatever the server accepts without one (Kerberos/GSSAPI, SSPI, certificates).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from sheetsync.errors import ConfigError


def is_database_url(value: str | os.PathLike[str]) -> bool:
    """`scheme://…` with a scheme of letters (and + -), not a Windows drive or UNC path."""
    text = os.fspath(value).strip()
    scheme, sep, _ = text.partition("://")
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").replace("-", "").isalnum()


def has_password(url: str) -> bool:
    """The URL carries a password (`user:secret@host`), even an empty one (`user:@host`)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    userinfo, at, _ = parts.netloc.rpartition("@")
    return bool(at) and ":" in userinfo


def redact(url: str) -> str:
    """The URL with any password left out (for messages, `Repository.location` and history)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return "a database URL that cannot be parsed"
    userinfo, at, hostinfo = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return text
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{hostinfo}"))


def check_store_setting(value: str, *, where: str = "the Settings sheet") -> str:
    """The store named in a workbook, checked: a database URL must not hold a password. Returns the value stripped.

    Raises `ConfigError` (one line naming `where`, e.g. "ActionPlan.xlsm, Settings!B4") when it does.
    """
    text = value.strip()
    if is_database_url(text) and has_password(text):
        raise ConfigError(f"{where}: the store URL {redact(text)} includes a password, and a workbook is no place "
                          "for one (anyone who opens the plan can read it)",
                          hint="Remove it from the URL and set PGPASSWORD, or put it in your .pgpass file")
    return text


__all__ = ["check_store_setting", "has_password", "is_database_url", "redact"]
