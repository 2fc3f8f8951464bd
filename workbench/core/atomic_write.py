"""Write user files so that a crash or a full disk never leaves a half-written file behind.

Why: exported models, reports and settings are things people keep; a truncated file that still
looks valid is worse than no file. Data goes to a temporary file in the same directory (same file
system, so the final rename is atomic), is flushed to disk, then replaces the target in one step.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from workbench.core.errors import WorkbenchError


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically; returns the resolved path.

    Raises :class:`WorkbenchError` when the directory is missing or not writable.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise WorkbenchError(f"Cannot write {target}: the folder {directory} does not exist.")
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp_name, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
        tmp_name = ""
    except OSError as exc:
        raise WorkbenchError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    finally:
        if tmp_name:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Text variant of :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode(encoding))
