"""The participant server: phones join by QR code, post notes, vote and rate, live.

- :func:`create_app` builds the ASGI app for an engine and a join token, and
  :func:`rotate_token` gives it a new one (a new QR code; phones already in stay in);
- :class:`ParticipantServer` runs it with uvicorn inside the caller's event loop;
- :func:`serve_in_app` (in ``launch``) does both as a worker of the Textual app and
  returns the join link.
"""

from sessionkit.web.guards import ApiError
from sessionkit.web.launch import serve_in_app
from sessionkit.web.limits import WebLimits
from sessionkit.web.routes import create_app, new_token, rotate_token
from sessionkit.web.server import ParticipantServer, ServerError, free_port_near

__all__ = [
    "ApiError",
    "ParticipantServer",
    "ServerError",
    "WebLimits",
    "create_app",
    "free_port_near",
    "new_token",
    "rotate_token",
    "serve_in_app",
]
