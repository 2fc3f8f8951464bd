"""download(): real HTTP against a local server -- resume, dropped connections, checksums, cancel."""

from __future__ import annotations

import hashlib
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from file_server import FileServer
from workbench.core.errors import SettingsError
from workbench.datasets.download import (
    DownloadCancelled,
    DownloadError,
    DownloadProgress,
    download,
    part_path,
    sha256_of,
)

PAYLOAD = os.urandom(300_000) + bytes(range(256)) * 400  # > several chunks
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()
FAST = {"retry_delay_s": 0.01, "timeout_s": 10.0}


@pytest.fixture()
def server():
    with FileServer() as srv:
        srv.state.files["/data.bin"] = PAYLOAD
        yield srv


def test_downloads_verifies_and_reports_progress(server: FileServer, tmp_path: Path) -> None:
    reports: list[DownloadProgress] = []
    dest = download(server.url("/data.bin"), tmp_path / "sub" / "data.bin", DIGEST.upper(),
                    progress=reports.append, **FAST)
    assert dest.read_bytes() == PAYLOAD and not part_path(dest).exists()
    phases = [r.phase for r in reports]
    assert "download" in phases and phases[-1] == "verify"
    last_download = [r for r in reports if r.phase == "download"][-1]
    assert last_download.done_bytes == last_download.total_bytes == len(PAYLOAD)
    assert server.state.requests == [("/data.bin", None)]


def test_a_dropped_connection_is_resumed_with_a_range_request(server: FileServer, tmp_path: Path) -> None:
    server.state.drops = [100_000, 100_000]
    dest = download(server.url("/data.bin"), tmp_path / "data.bin", DIGEST, **FAST)
    assert dest.read_bytes() == PAYLOAD
    assert server.state.requests == [("/data.bin", None), ("/data.bin", "bytes=100000-"),
                                     ("/data.bin", "bytes=200000-")]


def test_an_interrupted_download_resumes_in_a_later_call(server: FileServer, tmp_path: Path) -> None:
    server.state.drops = [123_456, 0]  # a drop, then a connection that delivers nothing
    dest = tmp_path / "data.bin"
    with pytest.raises(DownloadError, match="run it again to resume"):
        download(server.url("/data.bin"), dest, DIGEST, retries=0, **FAST)
    assert part_path(dest).stat().st_size == 123_456 and not dest.exists()
    assert server.state.requests == [("/data.bin", None), ("/data.bin", "bytes=123456-")]
    reports: list[DownloadProgress] = []
    download(server.url("/data.bin"), dest, DIGEST, progress=reports.append, **FAST)
    assert dest.read_bytes() == PAYLOAD
    assert server.state.requests[-1] == ("/data.bin", "bytes=123456-")
    assert reports[0].resumed_from == 123_456


def test_repeated_drops_without_progress_give_up_and_keep_the_part(server: FileServer, tmp_path: Path) -> None:
    server.state.drops = [0] * 100
    with pytest.raises(DownloadError, match="failed 3 times in a row"):
        download(server.url("/data.bin"), tmp_path / "data.bin", DIGEST, retries=2, **FAST)
    assert len(server.state.requests) == 3


def test_a_bad_checksum_deletes_the_download(server: FileServer, tmp_path: Path) -> None:
    dest = tmp_path / "data.bin"
    with pytest.raises(DownloadError, match="not the expected one"):
        download(server.url("/data.bin"), dest, "0" * 64, **FAST)
    assert not dest.exists() and not part_path(dest).exists()


def test_a_server_that_ignores_ranges_restarts_the_file(server: FileServer, tmp_path: Path) -> None:
    dest = tmp_path / "data.bin"
    part_path(dest).write_bytes(b"stale bytes from somewhere else")
    server.state.ignore_range = True
    download(server.url("/data.bin"), dest, DIGEST, **FAST)
    assert dest.read_bytes() == PAYLOAD
    assert server.state.requests[0][1] == f"bytes={len(b'stale bytes from somewhere else')}-"


def test_a_complete_part_is_finished_without_downloading_again(server: FileServer, tmp_path: Path) -> None:
    dest = tmp_path / "data.bin"
    part_path(dest).write_bytes(PAYLOAD)
    download(server.url("/data.bin"), dest, DIGEST, **FAST)
    assert dest.read_bytes() == PAYLOAD and server.state.requests == [("/data.bin", f"bytes={len(PAYLOAD)}-")]


def test_an_existing_verified_file_is_kept(server: FileServer, tmp_path: Path) -> None:
    dest = tmp_path / "data.bin"
    dest.write_bytes(PAYLOAD)
    download(server.url("/data.bin"), dest, DIGEST, **FAST)
    assert server.state.requests == []
    dest.write_bytes(b"corrupt")
    download(server.url("/data.bin"), dest, DIGEST, **FAST)
    assert dest.read_bytes() == PAYLOAD and len(server.state.requests) == 1


def test_cancel_stops_and_keeps_the_part(server: FileServer, tmp_path: Path) -> None:
    cancel = threading.Event()

    def progress(report: DownloadProgress) -> None:
        if report.done_bytes > 0:
            cancel.set()

    dest = tmp_path / "data.bin"
    with pytest.raises(DownloadCancelled):
        download(server.url("/data.bin"), dest, DIGEST, progress=progress, cancel=cancel, **FAST)
    assert 0 < part_path(dest).stat().st_size < len(PAYLOAD) and not dest.exists()


def test_http_errors_and_bad_arguments_are_one_sentence(server: FileServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(server.url("/missing.bin"), tmp_path / "x", **FAST)
    server.state.fail_status = 503
    with pytest.raises(DownloadError, match="HTTP 503"):
        download(server.url("/data.bin"), tmp_path / "x", retries=1, **FAST)
    assert len(server.state.requests) == 3  # 404 once; 503 retried once
    with pytest.raises(SettingsError, match="SHA-256"):
        download(server.url("/data.bin"), tmp_path / "x", "abc")
    with pytest.raises(SettingsError, match="only http"):
        download("ftp://example.com/x", tmp_path / "x")
    with pytest.raises(DownloadError, match="refused the connection"):
        download("http://127.0.0.1:9/nothing", tmp_path / "x", retries=0, **FAST)  # connection refused
    assert not (tmp_path / "x").exists()


def test_file_urls_work_for_local_mirrors(tmp_path: Path) -> None:
    source = tmp_path / "mirror" / "data.bin"
    source.parent.mkdir()
    source.write_bytes(PAYLOAD)
    dest = download(source.as_uri(), tmp_path / "data.bin", DIGEST)
    assert sha256_of(dest) == DIGEST
    with pytest.raises(DownloadError, match="does not exist"):
        download((tmp_path / "nope.bin").as_uri(), tmp_path / "y", retries=0, **FAST)


def test_a_failure_says_what_is_kept_as_it_is(server: FileServer, tmp_path: Path) -> None:
    """Bytes that came are kept and resumable; when none came there is no .part to speak of."""
    server.state.fail_status = 503
    with pytest.raises(DownloadError, match="nothing was downloaded: check the URL") as failed:
        download(server.url("/data.bin"), tmp_path / "x", retries=1, **FAST)
    assert "kept" not in str(failed.value) and not part_path(tmp_path / "x").exists()
    server.state.fail_status = None
    server.state.drops = [1000] + [0] * 100  # some bytes, then no progress at all
    with pytest.raises(DownloadError, match=r"1000 bytes are kept in .*data\.bin\.part: run it again to resume"):
        download(server.url("/data.bin"), tmp_path / "data.bin", DIGEST, retries=1, **FAST)
    assert part_path(tmp_path / "data.bin").stat().st_size == 1000


def test_a_full_disk_names_the_part_keeps_it_and_resumes_once_there_is_room(server: FileServer, tmp_path: Path) -> None:
    """The last chunk may fail only when the file is closed (a buffered write): the same one sentence then."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from small_disk import mounted_tmpfs, resize

    with mounted_tmpfs(tmp_path / "disk", "200k") as disk:  # less than the payload
        dest = disk / "data.bin"
        with pytest.raises(DownloadError) as raised:
            download(server.url("/data.bin"), dest, DIGEST, **FAST)
        message = str(raised.value)
        assert message.startswith(f"Cannot write {part_path(dest)}: No space left on device. What was downloaded is "
                                  "kept: make room (or make the folder writable) and run the same command again to "
                                  "resume.")
        kept = part_path(dest).stat().st_size
        assert 0 < kept < len(PAYLOAD) and not dest.exists()
        resize(disk, "2m")
        assert download(server.url("/data.bin"), dest, DIGEST, **FAST).read_bytes() == PAYLOAD
        assert server.state.requests[-1] == ("/data.bin", f"bytes={kept}-")


@pytest.fixture()
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses download() takes between its attempts (one per retry), taken at once."""
    taken: list[float] = []
    monkeypatch.setattr(time, "sleep", taken.append)
    return taken


@pytest.fixture()
def refusing_address() -> Iterator[str]:
    """host:port of a local socket that is bound but does not listen: every connection to it is refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        host, port = bound.getsockname()
        yield f"{host}:{port}"


def test_a_refused_connection_fails_at_once_saying_what_to_check(refusing_address: str, tmp_path: Path,
                                                                 pauses: list[float]) -> None:
    """No server listens there: waiting the retries' 15 s cannot change that, so the first refusal is the answer."""
    url = f"http://{refusing_address}/data.bin"
    with pytest.raises(DownloadError) as refused:
        download(url, tmp_path / "data.bin", DIGEST)
    assert str(refused.value) == (f"The download of {url} cannot start: {refusing_address} refused the connection; "
                                  "check the host and port in the URL and that the server there is running, then run "
                                  "it again.")
    assert pauses == [] and list(tmp_path.iterdir()) == []


def test_a_name_that_does_not_resolve_fails_at_once_saying_what_to_check(tmp_path: Path, pauses: list[float]) -> None:
    """A host under .invalid never resolves (RFC 2606), as no name does on a machine offline."""
    url = "http://kws-workbench-mirror.invalid/data.bin"
    with pytest.raises(DownloadError) as unresolved:
        download(url, tmp_path / "data.bin", DIGEST)
    message = str(unresolved.value)
    assert message.startswith(f"The download of {url} cannot start: the host name kws-workbench-mirror.invalid does "
                              "not resolve ("), message
    assert message.endswith("); check the host name in the URL and that this machine is online, then run it again.")
    assert pauses == [] and list(tmp_path.iterdir()) == []


def test_a_refusal_names_the_part_an_earlier_call_left(refusing_address: str, tmp_path: Path,
                                                       pauses: list[float]) -> None:
    dest = tmp_path / "data.bin"
    part_path(dest).write_bytes(PAYLOAD[:1000])
    url = f"http://{refusing_address}/data.bin"
    with pytest.raises(DownloadError) as refused:
        download(url, dest, DIGEST)
    assert str(refused.value) == (f"The download of {url} cannot resume: {refusing_address} refused the connection; "
                                  "check the host and port in the URL and that the server there is running, then run "
                                  f"it again (1000 bytes are kept in {part_path(dest)} to resume from).")
    assert pauses == [] and part_path(dest).read_bytes() == PAYLOAD[:1000]


def test_a_server_gone_after_bytes_came_in_this_call_is_retried(tmp_path: Path, pauses: list[float]) -> None:
    """Bytes came, then the server went (its connection dropped mid-file, every next one refused): a server gone
    for a moment, retried as a dropped connection is."""
    with FileServer() as server:
        server.state.files["/data.bin"] = PAYLOAD
        server.state.drops = [1000]

        def stop_the_server(report: DownloadProgress) -> None:
            if report.done_bytes and not pauses:  # the first bytes: the server stops listening
                server.__exit__(None, None, None)

        dest = tmp_path / "data.bin"
        with pytest.raises(DownloadError) as failed:
            download(server.url("/data.bin"), dest, DIGEST, progress=stop_the_server, retries=2)
    assert str(failed.value) == (f"The download of {server.url('/data.bin')} failed 3 times in a row (Connection "
                                 f"refused); 1000 bytes are kept in {part_path(dest)}: run it again to resume.")
    assert len(pauses) == 3  # after the drop, and after two refusals


CONNECT_TIMEOUT_S = 0.5  # the SYN Linux drops is sent again only after 1 s: no connection can come in time
SILENT_SERVER_TIMEOUT_S = 0.3  # how long a connected download waits for the silent server's response


def _drops_connections_when_full() -> bool:
    """Whether a listening socket whose accept queue is full drops new connections' SYNs without a word (Linux
    with net.ipv4.tcp_abort_on_overflow = 0, its default) rather than resetting them."""
    if not sys.platform.startswith("linux"):
        return False
    setting = Path("/proc/sys/net/ipv4/tcp_abort_on_overflow")
    return not setting.is_file() or setting.read_text().strip() == "0"


@pytest.fixture()
def silent_address() -> Iterator[str]:
    """host:port of a local server whose queue of connections waiting to be accepted is full: every new
    connection's SYN is dropped, as a host behind a firewall that drops packets does. A connection is never made."""
    if not _drops_connections_when_full():
        pytest.skip("a full accept queue drops SYNs only on Linux with net.ipv4.tcp_abort_on_overflow = 0")
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(0)  # room for one connection waiting to be accepted
        host, port = listening.getsockname()
        with socket.create_connection((host, port), timeout=10.0):  # takes that room; it is never accepted
            yield f"{host}:{port}"


def test_a_host_that_never_answers_fails_after_one_attempt_saying_what_to_check(silent_address: str, tmp_path: Path,
                                                                                 pauses: list[float]) -> None:
    """Not one packet back: waiting out the retries (a timeout each) cannot change that. Connecting has its own
    timeout, which the sentence names."""
    url = f"http://{silent_address}/data.bin"
    with pytest.raises(DownloadError) as silent:
        download(url, tmp_path / "data.bin", DIGEST, connect_timeout_s=CONNECT_TIMEOUT_S)
    assert str(silent.value) == (f"The download of {url} cannot start: {silent_address} did not answer (no connection "
                                 f"within {CONNECT_TIMEOUT_S:g} s); check the host and port in the URL, that this "
                                 "machine is online and that no firewall or proxy blocks the connection, then run it "
                                 "again.")
    assert pauses == [] and list(tmp_path.iterdir()) == []


def test_a_server_that_connects_but_does_not_respond_is_retried(tmp_path: Path, pauses: list[float]) -> None:
    """The connection is made (the kernel completes it for a listening socket) but no response comes: a busy server,
    retried after a timeout of reading as before."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(8)  # never accepted: the requests are received by the kernel and never answered
        host, port = listening.getsockname()
        url = f"http://{host}:{port}/data.bin"
        with pytest.raises(DownloadError) as failed:
            download(url, tmp_path / "data.bin", DIGEST, retries=1, timeout_s=SILENT_SERVER_TIMEOUT_S,
                     connect_timeout_s=CONNECT_TIMEOUT_S)
    assert str(failed.value) == (f"The download of {url} failed 2 times in a row (timed out); nothing was "
                                 "downloaded: check the URL and the network connection, then run it again.")
    assert len(pauses) == 1
