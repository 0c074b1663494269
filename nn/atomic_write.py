"""Writing a file atomically at exactly a given path: a temp file in the same directory, fsync, `os.replace`.

Temp files are named `.chainrule-<first 12 hex digits of the SHA-256 of the target's name>-<8 random hex>.tmp`
(36 characters whatever the target), so every valid target name works, even one of 255 bytes, and the temp
files of one target are recognisable. A save that is killed between creating its temp file and renaming it
leaves that file behind (no portable scheme avoids that: O_TMPFILE is Linux-only), so each save first deletes
the leftovers of the same target that are older than STALE_AFTER seconds; a younger one may belong to a save
still running in another process and is left alone. Leftovers of chainrule's previous scheme
(`.<name>.<8 chars>.tmp`, from `tempfile.mkstemp`) are deleted by the same rule.

An existing target keeps its permission bits. A new one gets the usual mode of new files (0o666 minus the
umask): the OS applies the umask when the temp file is created, so the process umask is never changed
(changing it, even briefly, would affect files created meanwhile by other threads).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
import time
from pathlib import Path

STALE_AFTER = 300.0  # seconds: far longer than writing and fsyncing any model file takes


def temp_prefix(path: Path) -> str:
    """The start of the names of `path`'s temp files (which live next to it)."""
    return f".chainrule-{hashlib.sha256(os.fsencode(path.name)).hexdigest()[:12]}-"


def remove_stale_temps(path: Path) -> None:
    """Delete temp files of `path` left by killed saves (best effort: errors are ignored)."""
    pattern = re.compile(re.escape(temp_prefix(path)) + r"[0-9a-f]{8}\.tmp|" +
                         re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if pattern.fullmatch(entry.name):
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_AFTER:
                        os.unlink(entry.path)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to exactly `path`: readers see the old file or the new one, never a partial one."""
    path = Path(path)
    remove_stale_temps(path)
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    temp = path.parent / f"{temp_prefix(path)}{secrets.token_hex(4)}.tmp"
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as f:
            if mode is not None:
                os.chmod(temp, mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if os.name == "posix":  # make the rename itself durable
        with contextlib.suppress(OSError):
            folder = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
