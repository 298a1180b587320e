"""Opening, migrating and closing the database, and the one way to write: `_write()`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import aiosqlite

from bot.crypto import Sealer
from bot.migrations import LATEST, MIGRATIONS
from bot.storage.records import StorageUnavailable

if TYPE_CHECKING:
    from bot.storage.postgres import Postgres

log = logging.getLogger(__name__)


def sql_statements(script: str) -> list[str]:
    """A migration script cut into whole statements, as SQLite itself reads them: a ';' inside
    a string, a comment or a trigger body does not end a statement."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"migration ends inside a statement: {current.strip()[:60]!r}")
    return statements


def _restrict_side_files(path: Path) -> None:
    """SQLite creates -wal and -shm with the process umask: make them owner-only too."""
    for suffix in ("-wal", "-shm"):
        side = Path(str(path) + suffix)
        if side.exists():
            os.chmod(side, 0o600)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class StoreBase:
    """The connections, the write lock and transactions: what every part of the repository uses."""

    # Seconds without a failed write before a fault is logged as over (see _write).
    RECOVERED_AFTER = 60.0

    def __init__(
        self,
        writer: aiosqlite.Connection | None,
        reader: aiosqlite.Connection | None,
        sealer: Sealer,
        path: Path,
        pg: Postgres | None = None,
    ) -> None:
        # SQLite: one writing and one reading connection. PostgreSQL: a pool (bot/storage/
        # postgres.py), and no file of ours to watch.
        self._w_conn = writer
        self._r_conn = reader
        self._pg = pg
        self.dialect = "postgresql" if pg is not None else "sqlite"
        self._sealer = sealer
        self._lock = asyncio.Lock()
        self.path = path
        self._closed = False
        # The file this store opened: if the path later names no file or another one (the
        # data directory deleted or replaced under a running bot), writes would go to a file
        # nobody will ever open again, so every write fails loudly instead (_check_file).
        self._identity = _identity(path) if pg is None else None
        self._fault: str | None = None  # the write fault in progress, logged once (_fault_seen)
        self._last_fault_at = 0.0
        self._clock: Callable[[], float] = time.monotonic  # seconds; only differences matter

    @property
    def _w(self) -> aiosqlite.Connection:
        assert self._w_conn is not None, "SQLite only"
        return self._w_conn

    @property
    def _r(self) -> aiosqlite.Connection:
        assert self._r_conn is not None, "SQLite only"
        return self._r_conn

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    async def open_url(
        cls, url: str, sealer: Sealer, *, clock: Callable[[], float] = time.monotonic
    ) -> Self:
        """Open the store a URL names: ``postgresql://...`` or ``sqlite:///path``."""
        if url.startswith(("postgresql://", "postgres://")):
            return await cls.open_postgres(url, sealer, clock=clock)
        if url.startswith("sqlite:///"):
            return await cls.open(Path(url[len("sqlite:///") :]), sealer, clock=clock)
        raise StorageUnavailable("the database URL must start with postgresql:// or sqlite:///")

    @classmethod
    async def open_postgres(
        cls, dsn: str, sealer: Sealer, *, clock: Callable[[], float] = time.monotonic
    ) -> Self:
        from bot.storage.postgres import ERRORS, OPEN_ERRORS, Postgres

        try:
            pg = await Postgres.connect(dsn)
        except ERRORS as exc:
            raise StorageUnavailable(f"cannot reach PostgreSQL: {type(exc).__name__}") from None
        store = cls(None, None, sealer, Path("postgresql"), pg=pg)
        store._clock = clock
        try:
            await pg.migrate(MIGRATIONS)
        except OPEN_ERRORS as exc:
            await pg.close()
            raise StorageUnavailable(f"cannot use PostgreSQL: {exc}") from None
        return store

    @classmethod
    async def open(
        cls,
        path: Path,
        sealer: Sealer,
        *,
        busy_timeout_ms: int = 5000,
        clock: Callable[[], float] = time.monotonic,
    ) -> Self:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Create the file 0600 before SQLite does, so it is never world-readable.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        try:
            writer = await aiosqlite.connect(path, isolation_level=None)
            reader = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageUnavailable(str(exc)) from None
        try:
            # Read the header before anything else: a corrupt or foreign file fails here, and
            # is left exactly as it was (no journal mode set, no migration written).
            await reader.execute("SELECT count(*) FROM sqlite_master")
            for conn in (writer, reader):
                await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                await conn.execute("PRAGMA foreign_keys = ON")
                await conn.execute("PRAGMA secure_delete = ON")
            await writer.execute("PRAGMA journal_mode = WAL")
            await writer.execute("PRAGMA synchronous = NORMAL")
            store = cls(writer, reader, sealer, path)
            store._clock = clock
            await store.migrate()
        except (sqlite3.Error, StorageUnavailable) as exc:
            # Close the connections (their threads would otherwise keep the process alive
            # forever) and report one clear fault: the bot then serves in degraded mode.
            await reader.close()
            await writer.close()
            raise StorageUnavailable(f"cannot use {path.name}: {exc}") from None
        _restrict_side_files(path)
        return store

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._pg is not None:
            await self._pg.close()
            return
        await self._r.close()
        await self._w.close()

    async def migrate(self) -> int:
        """Bring the schema to the latest version; returns the version it started from."""
        if self._pg is not None:
            return await self._pg.migrate(MIGRATIONS)
        async with self._lock:
            cur = await self._w.execute("PRAGMA user_version")
            row = await cur.fetchone()
            start = int(row[0]) if row else 0
            if start > LATEST:
                raise StorageUnavailable(
                    f"database schema {start} is newer than this trustbot ({LATEST})"
                )
            for version in range(start, LATEST):
                await self._w.execute("BEGIN IMMEDIATE")
                try:
                    for statement in sql_statements(MIGRATIONS[version]):
                        await self._w.execute(statement)
                    await self._w.execute(f"PRAGMA user_version = {version + 1}")
                    await self._w.execute("COMMIT")
                except BaseException:
                    await self._w.execute("ROLLBACK")
                    raise
            return start

    async def schema_version(self) -> int:
        if self._pg is not None:
            from bot.storage.postgres import ERRORS

            try:
                return await self._pg.schema_version()
            except ERRORS as exc:
                raise StorageUnavailable(f"{type(exc).__name__}: {exc}") from None
        cur = await self._r.execute("PRAGMA user_version")
        row = await cur.fetchone()
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[Any]:
        """One write transaction: an aiosqlite connection, or on PostgreSQL a PgConnection with
        the same calls (execute, executemany; cursors with fetchone, fetchall, rowcount)."""
        if self._closed:
            raise StorageUnavailable("storage is closed")
        if self._pg is not None:
            async with self._pg_write() as db:
                yield db
            return
        async with self._lock:
            self._check_file()
            try:
                await self._w.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._fault_seen(exc) from None
            try:
                yield self._w
            except sqlite3.Error as exc:
                # A fault inside the body (disk full, a read-only file, a lock lost) is the
                # database being unavailable too, not a bug: the caller's "can't reach my
                # memory" handling applies.
                await self._rollback()
                raise self._fault_seen(exc) from None
            except BaseException:
                await self._rollback()
                raise
            try:
                await self._w.execute("COMMIT")
            except sqlite3.Error as exc:
                await self._rollback()
                raise self._fault_seen(exc) from None
            if self._fault is not None:
                # A full disk lets small writes through while big ones fail: the fault is over
                # only after a quiet minute, so the log says so once, not at every flap.
                if self._clock() - self._last_fault_at >= self.RECOVERED_AFTER:
                    log.warning("database writes work again (the fault was: %s)", self._fault)
                    self._fault = None

    @asynccontextmanager
    async def _pg_write(self) -> AsyncIterator[Any]:
        from bot.storage.postgres import ERRORS

        assert self._pg is not None
        try:
            async with self._pg.write() as db:
                yield db
        except ERRORS as exc:
            raise self._fault_seen(f"{type(exc).__name__}: {exc}") from None
        if self._fault is not None and self._clock() - self._last_fault_at >= self.RECOVERED_AFTER:
            log.warning("database writes work again (the fault was: %s)", self._fault)
            self._fault = None

    async def lead_scheduler(self) -> bool:
        """Whether this process runs the scheduler. SQLite: always (one process). PostgreSQL:
        the replica holding the scheduler's lease (bot/storage/postgres.py)."""
        if self._pg is None:
            return True
        from bot.storage.postgres import ERRORS

        try:
            return await self._pg.lead_scheduler()
        except ERRORS as exc:
            raise StorageUnavailable(f"{type(exc).__name__}: {exc}") from None

    @asynccontextmanager
    async def person_lock(self, person: int) -> AsyncIterator[None]:
        """One person's updates are handled one at a time. Within a process the update
        processor sees to it; on PostgreSQL, replicas share the work, so an advisory lock on the
        person holds across them. SQLite has one process: nothing to do."""
        if self._pg is None:
            yield
            return
        from bot.storage.postgres import ERRORS

        async with contextlib.AsyncExitStack() as stack:
            with contextlib.suppress(*ERRORS):  # the database is down: handle it anyway
                await stack.enter_async_context(self._pg.person_lock(person))
            yield

    def _fault_seen(self, exc: sqlite3.Error | str) -> StorageUnavailable:
        """Log a write fault once when it starts (not once per update), and turn it into the
        StorageUnavailable every caller handles ("I can't reach my memory")."""
        kind = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        self._last_fault_at = self._clock()
        if self._fault != kind:
            self._fault = kind
            log.error(
                "database writes failing (%s): nothing new is kept, and people are told I "
                "can't reach my memory until it clears; crisis help still answers",
                kind,
            )
        return StorageUnavailable(kind)

    def _check_file(self) -> None:
        """Refuse to write when the database file is no longer the one opened."""
        if self._identity is None or _identity(self.path) == self._identity:
            return
        kind = f"the database file {self.path} was deleted or replaced while the bot ran"
        if self._fault != kind:
            self._fault = kind
            log.critical(
                "%s: nothing can be kept until the bot is restarted with its data directory "
                "restored from a backup (the encryption key is beside the database); "
                "writes to the old file would be lost",
                kind,
            )
        raise StorageUnavailable(kind)

    async def cap_size(self, max_bytes: int | None) -> None:
        """Stop the database file from growing past ``max_bytes`` (None: no cap). A write that
        needs more room then fails as on a full disk (``TRUSTBOT_DB_MAX_MB``). SQLite only: a
        PostgreSQL server's size is its administrator's to set."""
        if self._pg is not None:
            return
        cur = await self._r.execute("PRAGMA page_size")
        row = await cur.fetchone()
        await cur.close()
        page = int(row[0]) if row else 4096
        pages = 2**31 - 2 if max_bytes is None else max(1, max_bytes // page)
        async with self._lock:
            await self._w.execute(f"PRAGMA max_page_count = {int(pages)}")

    async def _rollback(self) -> None:
        """Roll back, if a transaction is still open (SQLite may have ended it already)."""
        try:
            if self._w.in_transaction:
                await self._w.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    async def _fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        if self._closed:
            raise StorageUnavailable("storage is closed")
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    async def _fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        if self._closed:
            raise StorageUnavailable("storage is closed")
        if self._pg is not None:
            from bot.storage.postgres import ERRORS

            try:
                return await self._pg.fetchall(sql, params)
            except ERRORS as exc:
                raise StorageUnavailable(f"{type(exc).__name__}: {exc}") from None
        # execute_fetchall reads to the end and closes the cursor, which ends the read
        # transaction: a half-read cursor kept the reader on an old snapshot, so a handler
        # could miss a write it had just made (found by bench/updates.py).
        try:
            return list(await self._r.execute_fetchall(sql, tuple(params)))
        except sqlite3.Error as exc:
            raise StorageUnavailable(str(exc)) from None

    async def checkpoint(self, attempts: int = 20) -> bool:
        """Fold the WAL back into the main file and truncate it: every erase calls this before
        the bot says it is done, so no deleted bytes linger in the WAL (``secure_delete`` has
        already zeroed them in the pages). A reader in the middle of a read can keep the
        checkpoint from finishing; it is tried again a few times (a read takes milliseconds).
        Returns whether it completed; if not, the next erase or a clean shutdown completes it.
        PostgreSQL has no such file beside the key: nothing to do there.
        """
        if self._pg is not None:
            return True
        for attempt in range(attempts):
            try:
                async with self._lock:
                    cur = await self._w.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    row = await cur.fetchone()
                    await cur.close()
            except sqlite3.Error as exc:
                raise StorageUnavailable(str(exc)) from None
            if row is not None and int(row[0]) == 0:
                return True
            await asyncio.sleep(0.005 * (attempt + 1))
        return False

    async def _bump(self, db: Any, day: str, name: str, n: int = 1) -> None:
        await db.execute(
            "INSERT INTO counters (day, name, n) VALUES (?, ?, ?) "
            "ON CONFLICT(day, name) DO UPDATE SET n = counters.n + excluded.n",
            (day, name, n),
        )
