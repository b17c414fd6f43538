"""sessionkit: run service-design workshops from a terminal."""

__version__ = "0.1.0"
