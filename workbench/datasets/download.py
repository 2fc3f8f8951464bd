"""Download one large file resumably, check it, and only then put it in place (any URL, any file).

Why not ``urllib.request.urlretrieve``: a 2.3 GB dataset (or a firmware image) over a flaky link must
survive a dropped connection, a cancel and a restart of the program without starting over, and must
never leave a truncated file where a complete one is expected. So:

* bytes go to ``DEST.part``; a later call (or a retry after a dropped connection) asks the server for
  the rest with an HTTP ``Range`` request and appends; a server that ignores ranges (200) restarts it;
* a response that ends before its announced length is a dropped connection (``http.client`` does not
  raise for that): the attempt is retried, up to ``retries`` times in a row without progress, as are timeouts
  of a connection that was made (no answer to the request, a stall mid-file), resets and HTTP 5xx/429;
* a server that cannot be reached at all -- its name does not resolve, it refuses the connection, or no
  connection is made within ``connect_timeout_s`` (a host or firewall that drops the packets without a word) --
  fails at once when nothing has come in this call: a machine offline or a mistyped address is not fixed by
  waiting out the retries (15 s of pauses, and for a silent host a timeout each: minutes), and the sentence says
  what to check (once bytes came, it is a server gone for a moment: retried);
* connecting has a timeout of its own, shorter than the one for reading (``timeout_s``): a server that answers
  at all makes the connection in well under a second, while a busy one may take long over a response;
* with ``sha256`` the finished ``.part`` is hashed; a mismatch deletes it (resuming a corrupt file can
  never fix it) and fails; only a verified (or unverified, when no checksum is given) file is renamed
  to ``DEST`` in one atomic step;
* ``cancel`` (a :class:`threading.Event`) stops between chunks and keeps the ``.part`` for resuming.

Nothing here knows about datasets: the board firmware cache can use :func:`download` as it is.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from workbench import __version__
from workbench.core.atomic_write import create_folder
from workbench.core.errors import SettingsError, WorkbenchError

PART_SUFFIX = ".part"
CHUNK_BYTES = 1 << 16
HASH_CHUNK_BYTES = 1 << 20
DEFAULT_RETRIES = 5
DEFAULT_TIMEOUT_S = 30.0  # the wait for the response and for each chunk of it
DEFAULT_CONNECT_TIMEOUT_S = 10.0  # the wait for a connection: four SYNs (Linux sends them at 0, 1, 3 and 7 s)
RETRY_DELAY_S = 1.0  # times the attempt number: 1 s, 2 s, 3 s ...
PROGRESS_INTERVAL_S = 0.1
SCHEMES = ("http", "https", "file")
HTTP_PARTIAL = 206
HTTP_RANGE_NOT_SATISFIABLE = 416
RETRYABLE_HTTP = frozenset({408, 425, 429, 500, 502, 503, 504})
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")
_UNSATISFIED_RANGE = re.compile(r"bytes\s+\*/(\d+)")

DOWNLOAD_PHASE = "download"
VERIFY_PHASE = "verify"


class DownloadError(WorkbenchError):
    """The file could not be fetched, written or verified."""


class DownloadCancelled(DownloadError):
    """``cancel`` was set; the partial file is kept for resuming."""


@dataclass(frozen=True)
class DownloadProgress:
    phase: str  # "download" or "verify" (other users may add their own, e.g. "extract")
    done_bytes: int
    total_bytes: Optional[int]  # None while the server has not said
    resumed_from: int = 0  # bytes that were already there when this call started
    attempt: int = 1


ProgressCallback = Callable[[DownloadProgress], None]


class _Retry(Exception):
    """One attempt failed in a way a new attempt (with a Range request) can fix."""


class _Unreachable(_Retry):
    """The server could not be reached at all (module docstring): ``cause`` what happened, ``check`` what to check.
    Retried only once this call has downloaded something."""

    def __init__(self, failure: str, cause: str, check: str) -> None:
        super().__init__(failure)
        self.cause, self.check = cause, check


def normalise_sha256(value: str | None) -> str | None:
    """Lower-case hex digest, or None; raises :class:`SettingsError` for anything else."""
    if value is None:
        return None
    text = value.strip().lower()
    if not _SHA256_HEX.match(text):
        raise SettingsError(f"{value!r} is not a SHA-256 checksum (64 hexadecimal digits).")
    return text


def part_path(dest: str | Path) -> Path:
    """Where the partial download of ``dest`` is kept."""
    dest = Path(dest)
    return dest.with_name(dest.name + PART_SUFFIX)


def _cancelled(cancel: threading.Event | None) -> bool:
    return cancel is not None and cancel.is_set()


def sha256_of(path: str | Path, progress: ProgressCallback | None = None,
              cancel: threading.Event | None = None) -> str:
    """Hex SHA-256 of a file (``verify`` progress; cancellable)."""
    path = Path(path)
    digest = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    last = 0.0
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK_BYTES):
            if _cancelled(cancel):
                raise DownloadCancelled(f"Checking {path.name} was cancelled.")
            digest.update(chunk)
            done += len(chunk)
            now = time.monotonic()
            if progress is not None and (now - last >= PROGRESS_INTERVAL_S or done == total):
                last = now
                progress(DownloadProgress(VERIFY_PHASE, done, total))
    return digest.hexdigest()


def _check_url(url: str) -> None:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in SCHEMES:
        raise SettingsError(f"Cannot download {url!r}: only {', '.join(SCHEMES)} URLs are supported.")


class _HTTPConnection(http.client.HTTPConnection):
    """An HTTP connection that waits ``connect_timeout_s`` for the connection (with an HTTPS one's handshake, and a
    proxy's tunnel) and its ``timeout`` for everything after it. ``http.client`` has one timeout for both."""

    def __init__(self, *args: Any, connect_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connect_timeout_s = connect_timeout_s

    def connect(self) -> None:
        read_timeout = self.timeout
        self.timeout = self.connect_timeout_s
        try:
            super().connect()
        finally:
            self.timeout = read_timeout
        self.sock.settimeout(read_timeout)


class _HTTPSConnection(_HTTPConnection, http.client.HTTPSConnection):
    """:class:`_HTTPConnection` over TLS (the handshake is part of connecting)."""


class _HTTPHandler(urllib.request.HTTPHandler):
    """urllib's HTTP handler with :class:`_HTTPConnection`'s connect timeout."""

    def __init__(self, connect_timeout_s: float) -> None:
        super().__init__()
        self.connect_timeout_s = connect_timeout_s

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPConnection, connect_timeout_s=self.connect_timeout_s), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    """urllib's HTTPS handler (its default certificate checks) with :class:`_HTTPSConnection`'s connect timeout."""

    def __init__(self, connect_timeout_s: float) -> None:
        super().__init__()
        self.connect_timeout_s = connect_timeout_s

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_HTTPSConnection, connect_timeout_s=self.connect_timeout_s), req)


def _open(url: str, offset: int, timeout_s: float, connect_timeout_s: float) -> http.client.HTTPResponse:
    """The response to a GET of ``url`` from byte ``offset``. A connection not made in time raises a URLError whose
    reason is a TimeoutError; a timeout once connected (no response) raises the TimeoutError itself (urllib)."""
    headers = {"User-Agent": f"kws-workbench/{__version__}", "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    opener = urllib.request.build_opener(_HTTPHandler(connect_timeout_s), _HTTPSHandler(connect_timeout_s))
    return opener.open(urllib.request.Request(url, headers=headers), timeout=timeout_s)


def _length(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def _plan(response: http.client.HTTPResponse, offset: int) -> tuple[int, int | None] | None:
    """(where the body starts in the file, total file size or None), or None for a range not asked for."""
    status = getattr(response, "status", None) or 200
    if offset and status == HTTP_PARTIAL:
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if match and int(match.group(1)) == offset:
            total = match.group(3)
            return offset, (int(total) if total != "*" else None)
        return None
    length = _length(response.headers.get("Content-Length"))
    return 0, length


def _failure_text(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        exc = exc.reason if isinstance(exc.reason, BaseException) else exc
    return (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__).strip()


def _unreachable(url: str, exc: urllib.error.URLError, connect_timeout_s: float) -> _Unreachable | None:
    """An unreachable server (its name does not resolve, it refuses the connection, no connection is made within
    ``connect_timeout_s``) as :class:`_Unreachable`; None for any other failure."""
    reason = exc.reason
    where = urllib.parse.urlsplit(url)
    if isinstance(reason, socket.gaierror):
        return _Unreachable(_failure_text(exc), f"the host name {where.hostname or where.netloc} does not resolve "
                            f"({_failure_text(exc)})", "the host name in the URL and that this machine is online")
    if isinstance(reason, ConnectionRefusedError):
        return _Unreachable(_failure_text(exc), f"{where.netloc} refused the connection",
                            "the host and port in the URL and that the server there is running")
    if isinstance(reason, TimeoutError):  # while connecting (_open): not one packet came back
        return _Unreachable(_failure_text(exc), f"{where.netloc} did not answer (no connection within "
                            f"{connect_timeout_s:g} s)", "the host and port in the URL, that this machine is online "
                            "and that no firewall or proxy blocks the connection")
    return None


def _unreachable_sentence(url: str, part: Path, unreachable: _Unreachable) -> str:
    """One sentence: the download cannot start (or resume), why, what to check, and the bytes kept if any."""
    have = part.stat().st_size if part.is_file() else 0
    kept = f" ({have} bytes are kept in {part} to resume from)" if have else ""
    return (f"The download of {url} cannot {'resume' if have else 'start'}: {unreachable.cause}; check "
            f"{unreachable.check}, then run it again{kept}.")


def _what_is_kept(part: Path) -> str:
    """What a failed download leaves, as it is: a ``.part`` to resume from, or nothing (no byte ever came,
    e.g. a server that never answered) -- then there is nothing to resume, only the address to check."""
    have = part.stat().st_size if part.is_file() else 0
    if have:
        return f"{have} bytes are kept in {part}: run it again to resume"
    return "nothing was downloaded: check the URL and the network connection, then run it again"


def download(url: str, dest: str | Path, sha256: str | None = None, *,
             progress: ProgressCallback | None = None, cancel: threading.Event | None = None,
             retries: int = DEFAULT_RETRIES, timeout_s: float = DEFAULT_TIMEOUT_S,
             connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S, retry_delay_s: float = RETRY_DELAY_S) -> Path:
    """Fetch ``url`` into ``dest`` (resumable, verified, atomic; see the module docstring).

    An existing ``dest`` whose checksum matches (or any existing ``dest`` when no checksum is given)
    is kept as it is. Raises :class:`DownloadError` (one sentence), :class:`DownloadCancelled`, or
    :class:`SettingsError` for a bad URL or checksum.
    """
    _check_url(url)
    expected = normalise_sha256(sha256)
    dest = Path(dest)
    part = part_path(dest)
    if dest.is_file() and (expected is None or sha256_of(dest, progress, cancel) == expected):
        return dest
    create_folder(dest.parent, error=DownloadError)
    resumed_from = part.stat().st_size if part.is_file() else 0
    failures = 0
    attempt = 0
    fetched = False  # whether any attempt of this call has brought bytes
    while True:
        attempt += 1
        if _cancelled(cancel):
            raise DownloadCancelled(f"The download of {dest.name} was cancelled; run it again to resume.")
        before = part.stat().st_size if part.is_file() else 0
        try:
            _attempt(url, part, timeout_s, connect_timeout_s, progress, cancel, resumed_from, attempt)
            break
        except _Retry as exc:
            progressed = (part.stat().st_size if part.is_file() else 0) > before
            fetched = fetched or progressed
            if isinstance(exc, _Unreachable) and not fetched:  # retrying cannot help (module docstring)
                raise DownloadError(_unreachable_sentence(url, part, exc)) from None
            failures = 0 if progressed else failures + 1
            if failures > retries:
                raise DownloadError(f"The download of {url} failed {failures} times in a row ({exc}); "
                                    f"{_what_is_kept(part)}.") from None
            delay = retry_delay_s * max(1, failures)
            if cancel is not None:
                cancel.wait(delay)
            else:
                time.sleep(delay)
    if expected is not None:
        actual = sha256_of(part, progress, cancel)
        if actual != expected:
            part.unlink(missing_ok=True)
            raise DownloadError(f"The file downloaded from {url} is not the expected one (SHA-256 {actual}, "
                                f"expected {expected}); the corrupt copy was deleted.")
    try:
        os.replace(part, dest)
    except OSError as exc:
        raise DownloadError(f"Cannot move the download into place as {dest}: {exc.strerror or exc}.") from None
    return dest


def _write_failure(part: Path, exc: OSError) -> str:
    """One sentence for a part that cannot be written: which file, why, and that a second run resumes where it
    stopped (what was written is kept)."""
    return (f"Cannot write {part}: {exc.strerror or exc}. What was downloaded is kept: make room (or make the folder "
            "writable) and run the same command again to resume.")


def _attempt(url: str, part: Path, timeout_s: float, connect_timeout_s: float, progress: ProgressCallback | None,
             cancel: threading.Event | None, resumed_from: int, attempt: int) -> None:
    """One request: append the rest of the file to ``part``; raises _Retry for transient failures."""
    offset = part.stat().st_size if part.is_file() else 0
    try:
        response = _open(url, offset, timeout_s, connect_timeout_s)
    except urllib.error.HTTPError as exc:
        if exc.code == HTTP_RANGE_NOT_SATISFIABLE and offset:
            match = _UNSATISFIED_RANGE.match(exc.headers.get("Content-Range", "") if exc.headers else "")
            if match and int(match.group(1)) == offset:
                return  # the part is already complete
            part.unlink(missing_ok=True)  # longer than the file: start over
            raise _Retry("the partial file did not match the server's file") from None
        if exc.code in RETRYABLE_HTTP:
            raise _Retry(f"HTTP {exc.code} {exc.reason}") from None
        raise DownloadError(f"The server refused {url}: HTTP {exc.code} {exc.reason}.") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, FileNotFoundError):
            raise DownloadError(f"Cannot download {url}: the file does not exist.") from None
        unreachable = _unreachable(url, exc, connect_timeout_s) if isinstance(exc, urllib.error.URLError) else None
        raise (unreachable or _Retry(_failure_text(exc))) from None
    with response:
        plan = _plan(response, offset)
        if plan is None:
            part.unlink(missing_ok=True)
            raise _Retry("the server answered with a range that was not asked for")
        start, total = plan
        done = start
        last = 0.0
        try:
            fh = part.open("ab" if start else "wb")
        except OSError as exc:
            raise DownloadError(_write_failure(part, exc)) from None
        try:
            with fh:  # closing flushes the last chunk: a full disk may show only there
                while True:
                    if _cancelled(cancel):
                        raise DownloadCancelled(f"The download of {part.name[:-len(PART_SUFFIX)]} was cancelled; "
                                                "run it again to resume.")
                    try:
                        chunk = response.read(CHUNK_BYTES)
                    except (http.client.HTTPException, OSError) as exc:
                        fh.flush()
                        raise _Retry(_failure_text(exc)) from None
                    if not chunk:
                        break
                    fh.write(chunk)
                    done += len(chunk)
                    now = time.monotonic()
                    if progress is not None and (now - last >= PROGRESS_INTERVAL_S or done == total):
                        last = now
                        progress(DownloadProgress(DOWNLOAD_PHASE, done, total, resumed_from, attempt))
        except OSError as exc:  # writing, flushing or closing the part (the network's errors are _Retry above)
            raise DownloadError(_write_failure(part, exc)) from None
        if total is not None and done < total:
            raise _Retry(f"the connection closed after {done} of {total} bytes")
        if total is not None and done > total:
            part.unlink(missing_ok=True)
            raise _Retry(f"the server sent {done} bytes for a {total}-byte file")
        if progress is not None:
            progress(DownloadProgress(DOWNLOAD_PHASE, done, total if total is not None else done,
                                      resumed_from, attempt))
