"""The facilitator's terminal app (Textual). Start with :class:`SessionkitApp`."""

from sessionkit.tui.app import SessionkitApp

__all__ = ["SessionkitApp"]
