"""Where the room page is: its addresses, and a QR code for a second screen to open it.

The room page (a web page for the projector, served by the participant server on its own
token) shows only what the room may see. This screen is for the facilitator: on the
laptop, open the first address in a browser on the projector's display; on a smart TV or
another computer, scan the code or type the second. A full screen, not a dialog, since a
QR code under a dialog's tint does not scan.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from sessionkit.netaddr import RoomLink
from sessionkit.qr import qr_text
from sessionkit.tui.safe import literal


class RoomPageScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,b,q,enter", "close", "Back", show=False)
    ]

    def __init__(self, link: RoomLink) -> None:
        super().__init__()
        self.link = link

    def compose(self) -> ComposeResult:
        link = self.link
        with Vertical(id="room-page"):
            yield Static(
                Content.styled("The room page: for a projector or a second screen", "bold"),
                id="room-page-title",
            )
            yield Static(
                Content.assemble(
                    "On this laptop, open in a browser on the projector's display ",
                    Content.styled("(F11: full screen)", "dim"),
                    ":\n  ",
                    literal(link.local_url, "bold"),
                )
            )
            if link.other_url:
                yield Static(
                    Content.assemble(
                        "From another screen on the same network, scan or type:\n  ",
                        literal(link.other_url, "bold"),
                    )
                )
                yield Static(qr_text(link.other_url), id="room-page-qr")
                yield Static(
                    Content.styled("(a taller terminal shows a QR code to scan)", "dim"),
                    id="room-page-qr-hint",
                )
            yield Static(
                Content.styled(
                    "It shows only what the room may see. Keep the address off the wall: "
                    "anyone with it can watch.  esc back",
                    "dim",
                )
            )

    def action_close(self) -> None:
        self.app.pop_screen()
