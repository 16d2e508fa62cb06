"""``--state DIR``: the node's state on disk, as a log of committed entries in SQLite.

Each entry is one committed change: a signed transaction (its borsh bytes, whose whole
receipt tree ran before it was written), a ``sandbox_patch_state`` (its records) or produced
blocks.  Each is written by ONE sqlite transaction (WAL journal, ``synchronous=FULL``: the
commit is on disk before the node answers), so a kill at any moment leaves whole entries
only; on start the node replays them in order through the same code path.

Why a log and not snapshots of the state: an entry costs one small row whatever the state's
size, while a snapshot costs the state (contract code included) per commit or needs a diff of
the runtime's internals, which the node may not read (public surface only).  The price is
replay time on start, proportional to history: measured by tests/node/measure_store.py
(docs/node.md has the figures).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 1


class Store:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / "node.sqlite"
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.closed = False
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS log (seq INTEGER PRIMARY KEY, "
                        "kind TEXT NOT NULL, body BLOB NOT NULL)")
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif row[0] != str(SCHEMA_VERSION):
            from near_safe.errors import UsageError

            raise UsageError(f"{self.path} holds node state of schema {row[0]}, this near-safe "
                             f"reads schema {SCHEMA_VERSION}: use another --state folder")

    def meta(self, key: str, default=None):
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def entries(self):
        """``(kind, body bytes)`` in commit order."""
        for kind, body in self.db.execute("SELECT kind, body FROM log ORDER BY seq"):
            yield kind, bytes(body)

    def append(self, kind: str, body: bytes) -> None:
        """Write one entry in its own sqlite transaction (durable when this returns)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("INSERT INTO log (kind, body) VALUES (?, ?)", (kind, body))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM log").fetchone()[0]

    def close(self) -> None:
        self.closed = True
        self.db.close()
