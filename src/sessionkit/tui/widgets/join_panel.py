"""The room view's join panel: the Wi-Fi to join first (with ``--wifi``), then the
session's QR code, its address, and the short code in big letters for typing instead.

The QR codes are drawn in exact black and white, never under a tint, and only when what
they hold changes (see :mod:`sessionkit.qr`). What the panel shows is a :class:`JoinView`,
so the room screen decides (by the screen's size and the ``j`` key) and this only draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from sessionkit.netaddr import WifiNetwork, join_code, root_of, spaced_code, token_of
from sessionkit.qr import qr_text, size
from sessionkit.tui.room_words import both, say
from sessionkit.tui.safe import literal
from sessionkit.tui.widgets.big_code import big_code


@dataclass(frozen=True)
class JoinView:
    url: str
    open_now: bool
    """Joining is open: otherwise the room sees that, instead of a code that would fail."""
    wifi: WifiNetwork | None = None
    """Shown first, when given."""
    show_session: bool = True
    """The session's code (with the Wi-Fi's, or after it when both do not fit)."""
    after_wifi: bool = False
    """The Wi-Fi's code was shown first (on a screen too narrow for both): say "then"."""
    short: bool = False
    """A screen too short for the big letters: the short code goes in one line with the
    address (docked on top of the code on a ``-short`` screen: see the stylesheet)."""
    language: str = "en"
    """The run's ``--language``: the panel's words (tui/room_words.py)."""


def fits_side_by_side(url: str, wifi: WifiNetwork, width: int, board: int = 20) -> bool:
    """Do the two codes fit next to each other, leaving ``board`` columns for the board?"""
    return size(wifi.payload())[0] + size(url)[0] + 4 + board <= width


URL_MAX = 50
"""The address's widest line under a tall screen's code (#room-url in the stylesheet)."""


def url_room(url: str, short: bool) -> int:
    """How many cells the join address has on its line: the code's width on a short
    screen (the address is on top of it), else up to :data:`URL_MAX`."""
    width = size(url)[0]
    return width if short else max(width, URL_MAX)


def with_code(template: str, code: str) -> Content:
    """One of the panel's lines with the short code in bold where it says ``{code}``
    (twice in cy+en: once in each language)."""
    pieces = template.split("{code}")
    out = Content(pieces[0])
    for piece in pieces[1:]:
        out = Content.assemble(out, (code, "bold"), piece)
    return out


class JoinPanel(Horizontal):
    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: JoinView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="room-wifi"):
            yield Static(id="room-wifi-qr")
            yield Static(id="room-wifi-text")
        with Vertical(id="room-session"):
            yield Static(id="room-qr")
            yield Static(id="room-url")
            yield Static(id="room-code")

    def show(self, view: JoinView) -> None:
        if view == self._drawn:  # drawn again only when something in it changes
            return
        self._drawn = view
        wifi, lang = view.wifi, view.language
        self.query_one("#room-wifi").display = wifi is not None
        if wifi is not None:
            self.query_one("#room-wifi-qr", Static).update(qr_text(wifi.payload()))
            # Two lines at most, so the code still fits whole on an 80x24 screen.
            first = say("First, join the Wi-Fi:", lang) + " "
            text = Content.assemble((first, "bold"), literal(wifi.ssid))
            if wifi.password:
                password = say("Password:", lang) + " "
                text = Content.assemble(text, "\n", (password, "bold"), literal(wifi.password))
            self.query_one("#room-wifi-text", Static).update(text)
        session = self.query_one("#room-session")
        session.display = view.show_session
        if not view.show_session:
            return
        for part in ("#room-url", "#room-code"):
            self.query_one(part).display = view.open_now
        if not view.open_now:
            closed = Content.styled(say("Joining is closed.", lang), "bold")
            self.query_one("#room-qr", Static).update(closed)
            return
        self.query_one("#room-qr", Static).update(qr_text(view.url))
        then = wifi is not None or view.after_wifi
        heading = say("Then join the session:", lang) if then else join_heading(lang)
        token = token_of(view.url)
        code = spaced_code(join_code(token)) if token else ""
        root = literal(root_of(view.url))
        # A join address wrapped onto two lines cannot be typed from the wall: one too
        # long for its line is left out, and the short code and the root address (short
        # enough) are what people type instead; the QR code still holds it all.
        whole = not code or len(view.url) <= url_room(view.url, view.short)
        address = Content.styled(heading, "bold")
        if whole:
            address = Content.assemble(address, "\n", literal(view.url))
        if code and view.short:
            # In cy+en a line each: one line would wrap, maybe inside the code.
            typed = say("or type {code} at" if whole else "type {code} at", lang, "\n")
            address = Content.assemble(address, "\n", with_code(typed, code), "\n", root)
        self.query_one("#room-url", Static).update(address)
        self.query_one("#room-code").display = bool(code) and not view.short
        if code and not view.short:
            go = say("Or go to" if whole else "Go to", lang)
            self.query_one("#room-code", Static).update(
                Content.assemble(
                    go + " ",
                    root,
                    "\n",
                    with_code(say("and type the code {code}:", lang, "\n"), code),
                    "\n",
                    big_code(code),
                )
            )


def join_heading(language: str) -> str:
    """ "Join on your phone:" (the room page's words, with a colon after each language's)."""
    return both("Join on your phone:", say("Join on your phone", "cy") + ":", language)
