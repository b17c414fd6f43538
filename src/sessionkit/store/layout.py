"""The names of the files in a run folder and the record's format markers.

The folder layout itself is explained in :mod:`sessionkit.store`.
"""

from __future__ import annotations

RUN_FORMAT = "sessionkit.run"
SNAPSHOT_FORMAT = "sessionkit.snapshot"
FORMAT_VERSION = 1

RUN_FILE = "run.toml"
PLAN_FILE = "plan.toml"
METHODS_DIR = "methods"
JOURNAL_FILE = "journal.jsonl"
TORN_FILE = "journal.jsonl.torn"
SNAPSHOT_FILE = "snapshot.toml"
EXPORTS_DIR = "exports"
LOCK_FILE = ".lock"
JOIN_TOKEN_FILE = "join-token"
ROOM_TOKEN_FILE = "room-token"
REPAIRS_FILE = "repairs.toml"
REPAIRS_FORMAT = "sessionkit.repairs"
DAMAGED_JOURNAL = "journal.damaged-{time}.jsonl"
DAMAGED_SNAPSHOT = "snapshot.damaged-{time}.toml"
