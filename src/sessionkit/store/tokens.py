"""A run's join tokens, kept in its folder (``join-token``), so a resumed run keeps its QR
code, and a code the facilitator replaced stays replaced after a restart.

The file is one token per line: the current one (phones join with it) first, then the
retired ones, newest first. A retired token no longer lets anyone join, but the phones
that joined with it go on working (see :func:`sessionkit.web.rotate_token`), so they are
kept for as long as the run is.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sessionkit.store.files import atomic_write
from sessionkit.store.layout import JOIN_TOKEN_FILE, ROOM_TOKEN_FILE

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,128}")


@dataclass(frozen=True)
class JoinTokens:
    current: str
    """What the QR code holds: joining needs it."""
    retired: tuple[str, ...] = ()
    """Earlier codes, newest first: good for the phones that joined with them only."""


def new_join_token() -> str:
    """128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def read_join_tokens(folder: Path) -> JoinTokens | None:
    """The run's tokens, or ``None`` if it has none yet (or the file cannot be read)."""
    try:
        lines = (folder / JOIN_TOKEN_FILE).read_text(encoding="ascii").split()
    except (OSError, UnicodeError):
        return None
    tokens = [line for line in lines if _TOKEN.fullmatch(line)]
    if not tokens:
        return None
    return JoinTokens(tokens[0], tuple(dict.fromkeys(t for t in tokens[1:] if t != tokens[0])))


def write_join_tokens(folder: Path, tokens: JoinTokens) -> None:
    """Keep ``tokens`` in the run's folder (atomically, private to the user). Raises OSError."""
    text = "\n".join((tokens.current, *tokens.retired))
    atomic_write(folder / JOIN_TOKEN_FILE, text.encode("ascii"), mode=0o600)


def join_tokens(folder: Path) -> JoinTokens:
    """The run's tokens, made the first time they are asked for.

    A token that cannot be kept is still used for this session (phones can join now); the
    next start makes another one.
    """
    found = read_join_tokens(folder)
    if found is not None:
        return found
    made = JoinTokens(new_join_token())
    try:
        write_join_tokens(folder, made)
    except OSError:
        log.exception("could not keep the join token in %s", folder)
    return made


def replace_join_token(folder: Path) -> JoinTokens:
    """A new current token, the old one retired, kept before it is returned.

    Raises ``OSError`` if it cannot be kept: a new code that a restart would undo (bringing
    the replaced one back) is worse than none, so the caller tells the facilitator instead.
    """
    before = join_tokens(folder)
    after = JoinTokens(new_join_token(), (before.current, *before.retired))
    write_join_tokens(folder, after)
    return after


def room_token(folder: Path) -> str:
    """The run's room-page token (``room-token``), made the first time it is asked for.

    Kept like the join token, so a resumed run's room page reconnects by itself; it is a
    separate secret, so nobody who can join (or reads the join QR code) can open the page.
    A token that cannot be kept is still used for this session.
    """
    try:
        found = (folder / ROOM_TOKEN_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeError):
        found = ""
    if _TOKEN.fullmatch(found):
        return found
    made = new_join_token()
    try:
        atomic_write(folder / ROOM_TOKEN_FILE, made.encode("ascii"), mode=0o600)
    except OSError:
        log.exception("could not keep the room token in %s", folder)
    return made
