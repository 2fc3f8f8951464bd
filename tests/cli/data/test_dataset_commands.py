"""`kws dataset info` and `kws dataset download` (against a real local HTTP server)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from dataset_builders import make_dataset, pack_dataset, speaker_names, write_clip  # noqa: E402
from file_server import FileServer  # noqa: E402

from tests.cli.installed_kws import run_kws  # noqa: E402
from workbench.child_command import EXIT_CANCELLED  # noqa: E402
from workbench.cli.main import main  # noqa: E402
from workbench.datasets.install import MARKER_FILE  # noqa: E402
from workbench.datasets.layout import scan_dataset  # noqa: E402

ARCHIVE_PATH = "/data/speech_commands_v0.02.tar.gz"


@pytest.fixture()
def two_datasets(tmp_path: Path) -> tuple[Path, Path]:
    speech = make_dataset(tmp_path / "speech", {"yes": speaker_names(6), "no": speaker_names(5),
                                                 "go": speaker_names(4), "left": speaker_names(3, clips_each=1),
                                                 "_silence_": ["1.wav", "2.wav", "3.wav"]},
                          background=["pink_noise.wav"])
    (speech / "go" / "broken_nohash_0.wav").write_bytes(b"RIFF....WAVEfmt nonsense")
    takes = make_dataset(tmp_path / "takes", {"yes": [f"yes_20240102-1000{s:02d}.wav" for s in range(4)]})
    return speech, takes


def test_info_text_counts_classes_speakers_and_unreadable_files(capsys, two_datasets) -> None:
    speech, takes = two_datasets
    assert main(["dataset", "info", str(speech), str(takes), "--keywords", "yes,no", "--words"]) == 0
    out = capsys.readouterr().out
    lines: dict[str, list[str]] = {}
    for line in out.splitlines():  # the class table comes first; --words repeats some names later
        if line.strip():
            lines.setdefault(line.split()[0], line.split())
    assert lines["yes"][4] == "16" and lines["no"][4] == "10"
    assert lines["_unknown_"][4] == "11" and "go, left" in out  # 8 go + 3 left, broken go skipped
    assert lines["_silence_"][4] == "3"
    assert "1 file cannot be read and is skipped" in out and "broken_nohash_0.wav" in out
    assert "4 clips without a _nohash_ speaker id" in out
    assert str(speech) in out and str(takes) in out and "hash of speaker" in out
    assert len(lines["left"]) == 4 and sum(map(int, lines["left"][1:])) == 3  # the --words table


def test_info_says_that_clips_without_a_speaker_id_are_grouped_by_file_name(capsys, tmp_path: Path) -> None:
    """left/rec00.wav and right/rec00.wav are one speaker (the rule that keeps them in one split): the sentence
    says so and counts the speakers they make, rather than "count as one speaker each" beside 30 speakers."""
    names = [f"rec{i:02d}.wav" for i in range(30)]
    recorded = make_dataset(tmp_path / "recorded", {"left": names, "right": names})
    assert main(["dataset", "info", str(recorded), "--keywords", "left,right"]) == 0
    out = capsys.readouterr().out
    assert "60 clips (1:00), 30 speakers (60 clips without a _nohash_ speaker id are grouped by file name into " \
           "30 speakers: the same name in several word folders counts as one speaker)" in out
    assert "one speaker each" not in out


def test_info_counts_one_of_a_kind_in_the_singular(capsys, tmp_path: Path) -> None:
    """A dataset of one speaker's one clip read "1 clips (0:01), 1 speakers"."""
    one = make_dataset(tmp_path / "one", {"yes": speaker_names(1, clips_each=1), "left": ["rec00.wav"]},
                       background=["pink_noise.wav"])
    assert main(["dataset", "info", str(one), "--keywords", "yes,left"]) == 0
    out = capsys.readouterr().out
    assert ("2 clips (0:02), 2 speakers (1 clip without a _nohash_ speaker id is grouped by file name into 1 "
            "speaker: the same name in several word folders counts as one speaker)") in out
    assert "background noise: 1 file (0:03)" in out
    (one / "left" / "rec00.wav").unlink()
    assert main(["dataset", "info", str(one), "--keywords", "yes"]) == 0
    assert "\n1 clip (0:01), 1 speaker\n" in capsys.readouterr().out


def test_info_says_when_a_synthetic_sets_manifest_cannot_be_read(capsys, two_datasets) -> None:
    """Counted with the default yes/no without a word, a set made for other words would look like a yes/no set."""
    speech, _ = two_datasets
    (speech / "synth.json").write_text("{garbage")
    assert main(["dataset", "info", str(speech)]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith(f"kws: warning: {speech / 'synth.json'} cannot be read (")
    assert captured.err.rstrip().endswith("so yes, no are counted as keywords; choose them with --keywords")
    assert main(["dataset", "info", str(speech), "--keywords", "yes,no"]) == 0 and capsys.readouterr().err == ""


def test_evaluate_says_how_many_files_it_could_not_read(capsys, two_datasets, reference_model_path) -> None:
    speech, _ = two_datasets
    assert main(["dataset", "info", str(speech)]) == 0
    assert "kws: note" not in capsys.readouterr().err  # info lists them itself
    assert main(["evaluate", str(reference_model_path), "--dataset", str(speech), "--split", "all", "--format",
                 "json", "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    assert ("kws: note: 1 file in the dataset folders cannot be read and is skipped (kws dataset info lists "
            "them)\n") in err
    unreadable = json.loads(out)["workbench"]["unreadable"]
    assert [Path(u["path"]).name for u in unreadable] == ["broken_nohash_0.wav"]


def test_info_refuses_a_keyword_without_a_word_folder(capsys, two_datasets) -> None:
    """A class of 0 clips and exit 0 would hide a typo that kws train refuses."""
    speech, takes = two_datasets
    for keywords, named, hint in (("YES", "'YES'", " (did you mean yes?)"),
                                  ("yes,nope", "'nope'", " (did you mean no?)"), ("yes,xyzzy", "'xyzzy'", "")):
        assert main(["dataset", "info", str(speech), str(takes), "--keywords", keywords]) == 2, keywords
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err == (
            f"kws: error: No word folder {named} with clips in {speech}, {takes}{hint}: choose --keywords among "
            "the dataset's words (kws dataset info DIR --words lists them).\n")
    assert main(["dataset", "info", str(speech), "--keywords", "go,left,_silence_"]) == 0


def test_info_lists_a_wav_cut_short_as_unreadable(capsys, two_datasets) -> None:
    """The help promises files that cannot be read are listed and skipped: a WAV whose header announces more
    audio than the file holds is one (kws evaluate cannot decode it), not a clip."""
    speech, _ = two_datasets
    whole = next((speech / "yes").glob("*.wav")).read_bytes()
    (speech / "yes" / "cut_nohash_0.wav").write_bytes(whole[:100])
    assert main(["dataset", "info", str(speech), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {c["label"]: c["total"] for c in data["classes"]}["yes"] == 12  # six speakers, two clips each
    reasons = {Path(u["path"]).name: u["reason"] for u in data["unreadable"]}
    assert sorted(reasons) == ["broken_nohash_0.wav", "cut_nohash_0.wav"]
    assert reasons["cut_nohash_0.wav"].startswith("truncated: its WAV header announces")

def test_info_json_is_the_summary(capsys, two_datasets) -> None:
    speech, takes = two_datasets
    assert main(["dataset", "info", str(speech), str(takes), "--keywords", "yes,go,_silence_", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["keywords"] == ["yes", "go"]
    assert [c["label"] for c in data["classes"]] == ["yes", "go", "_unknown_", "_silence_"]
    assert {c["label"]: c["total"] for c in data["classes"]} == {"yes": 16, "go": 8, "_unknown_": 13,
                                                                  "_silence_": 3}
    assert data["clips"] == 40 and data["background_files"] == 1
    assert data["duration_s"] == pytest.approx(40.0) and data["background_duration_s"] == pytest.approx(3.0)
    assert data["speakers"]["total"] == 6 + 4  # word speakers 0-5 and four takes; silence has none
    assert sum(data["speakers"][s] for s in ("training", "validation", "testing")) == data["speakers"]["total"]
    assert [Path(u["path"]).name for u in data["unreadable"]] == ["broken_nohash_0.wav"]
    for item in data["classes"]:
        assert sum(item["counts"].values()) == item["total"]


def test_info_split_options(capsys, two_datasets) -> None:
    speech, _ = two_datasets
    assert main(["dataset", "info", str(speech), "--split-method", "stratified", "--validation-percent", "30",
                 "--testing-percent", "20", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["split_rules"].values()) == ["stratified by speaker: validation 30 %, testing 20 %"]
    assert main(["dataset", "info", str(speech), "--validation-percent", "80", "--testing-percent", "30"]) == 2
    assert capsys.readouterr().err.startswith("kws: error: The validation and testing percentages")


def test_info_errors_are_one_line(capsys, tmp_path: Path) -> None:
    write_clip(tmp_path / "flat" / "a.wav")
    for argv in (["dataset", "info", str(tmp_path / "missing")], ["dataset", "info", str(tmp_path / "flat")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("kws: error: ") and err.count("\n") == 1


@pytest.fixture()
def archive_server(tmp_path: Path):
    source = make_dataset(tmp_path / "source", {"yes": speaker_names(3), "no": speaker_names(2)},
                          background=["white_noise.wav"])
    (source / "testing_list.txt").write_text("yes/00000001_nohash_0.wav\n")
    data = pack_dataset(source, tmp_path / "built.tar.gz").read_bytes()
    with FileServer() as server:
        server.state.files[ARCHIVE_PATH] = data
        yield server, hashlib.sha256(data).hexdigest()


def test_download_resumes_verifies_and_unpacks(capsys, archive_server, tmp_path: Path) -> None:
    server, digest = archive_server
    size = len(server.state.files[ARCHIVE_PATH])
    server.state.drops = [size // 3]  # the connection drops a third of the way in
    dest = tmp_path / "datasets" / "speech_commands"
    argv = ["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url", server.url(ARCHIVE_PATH),
            "--sha256", digest]
    assert main(argv) == 0
    out = capsys.readouterr()
    assert "is ready in" in out.out and "downloading" in out.err
    assert [r for _, r in server.state.requests] == [None, f"bytes={size // 3}-"]
    index = scan_dataset(dest)
    assert index.words() == {"no": 4, "yes": 6} and [c.split for c in index.clips].count("testing") == 1
    assert json.loads((dest / MARKER_FILE).read_text())["sha256"] == digest
    assert sorted(p.name for p in dest.parent.iterdir()) == ["speech_commands"]  # archive deleted, no temp
    assert main(argv) == 0 and "already holds" in capsys.readouterr().out
    assert len(server.state.requests) == 2


def test_download_with_a_bad_checksum_keeps_nothing(capsys, archive_server, tmp_path: Path) -> None:
    server, digest = archive_server
    dest = tmp_path / "datasets" / "speech_commands"
    code = main(["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url",
                 server.url(ARCHIVE_PATH), "--sha256", "f" * 64])
    assert code == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("kws: error: ") and "not the expected one" in err and digest in err
    assert not dest.exists() and list(dest.parent.iterdir()) == []


def test_download_checks_the_official_checksum_for_mirrors(capsys, archive_server, tmp_path: Path) -> None:
    server, _ = archive_server
    dest = tmp_path / "sc"
    code = main(["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url", server.url(ARCHIVE_PATH),
                 "--keep-archive"])
    assert code == 2 and "af14739ee7dc311471de98f5f9d2c9191b18aedfe957f4a6ff791c709868ff58" in capsys.readouterr().err
    assert not dest.exists()


def test_download_refuses_a_folder_in_use(capsys, archive_server, tmp_path: Path) -> None:
    server, digest = archive_server
    dest = tmp_path / "busy"
    write_clip(dest / "yes" / "mine.wav")
    assert main(["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url",
                 server.url(ARCHIVE_PATH), "--sha256", digest]) == 2
    assert "not an empty folder" in capsys.readouterr().err and server.state.requests == []


def test_download_progress_bar_from_the_entry_point(archive_server, tmp_path: Path) -> None:
    server, digest = archive_server
    dest = tmp_path / "sc"
    proc = run_kws("dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url",
                   server.url(ARCHIVE_PATH), "--sha256", digest, "--keep-archive")
    assert proc.returncode == 0, proc.stderr
    assert "100.0%" in proc.stderr and "extracting" in proc.stderr
    assert (tmp_path / "speech_commands_v0.02.tar.gz").is_file() and (dest / "yes").is_dir()


def _damaged(data: bytes) -> bytes:
    """The archive with its gzip checksum broken: every byte downloads, nothing can be trusted."""
    damaged = bytearray(data)
    damaged[-8] ^= 0xFF
    return bytes(damaged)


def test_a_damaged_archive_is_not_installed_and_not_kept(capsys, archive_server, tmp_path: Path) -> None:
    server, _ = archive_server
    data = server.state.files[ARCHIVE_PATH] = _damaged(server.state.files[ARCHIVE_PATH])
    dest = tmp_path / "datasets" / "sc"
    argv = ["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url", server.url(ARCHIVE_PATH),
            "--sha256", hashlib.sha256(data).hexdigest()]  # a mirror's own checksum: the download passes it
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("kws: error: ") and "not a complete tar archive (CRC check failed" in err
    assert err.endswith("; it matches the expected SHA-256, so downloading it again would bring the same bytes: "
                        "check --url and --sha256 (the archive was deleted).")
    assert list(dest.parent.iterdir()) == []  # no dataset, no marker, no archive, no temporary folder
    assert main([*argv, "--keep-archive"]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.endswith(f"(the archive was kept as {dest.parent / 'speech_commands_v0.02.tar.gz'} (--keep-archive)).")
    assert len(server.state.requests) == 2  # downloaded afresh the second time


class _InterruptOnExtracting(io.StringIO):
    """A stderr that presses Ctrl+C (a real SIGINT) as soon as the extraction's progress is shown."""

    def write(self, text: str) -> int:
        if text.startswith("extracting"):
            os.kill(os.getpid(), signal.SIGINT)
        return super().write(text)


def test_ctrl_c_while_extracting_says_so(monkeypatch, archive_server, tmp_path: Path) -> None:
    server, digest = archive_server
    dest = tmp_path / "sc"
    stderr = _InterruptOnExtracting()
    monkeypatch.setattr(sys, "stderr", stderr)
    code = main(["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url", server.url(ARCHIVE_PATH),
                 "--sha256", digest])
    assert code == EXIT_CANCELLED and not dest.exists()
    assert stderr.getvalue().splitlines()[-1] == (
        f"kws: interrupted: the extraction was cancelled and nothing was unpacked into {dest}; the downloaded "
        "archive is kept, so running the same command again only unpacks it")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert main(["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url",
                 server.url(ARCHIVE_PATH), "--sha256", digest]) == 0
    assert (dest / "yes").is_dir() and len(server.state.requests) == 1  # only unpacked the second time


def test_a_file_that_is_no_archive_is_named_so_in_one_sentence(capsys, archive_server, tmp_path: Path) -> None:
    """Its own --sha256 matched, so the same bytes would come again: no "downloads it again" advice, and not
    tarfile's one-line-per-compression list."""
    server, _ = archive_server
    page = server.state.files[ARCHIVE_PATH] = b"<html>moved</html>\n" * 5000
    dest = tmp_path / "datasets" / "sc"
    argv = ["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url", server.url(ARCHIVE_PATH),
            "--sha256", hashlib.sha256(page).hexdigest()]
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == (f"kws: error: The file downloaded from {server.url(ARCHIVE_PATH)} matches the expected SHA-256 "
                   "but is not a tar archive, so downloading it again would not help: check --url and --sha256 "
                   "(the file was deleted).")
    assert list(dest.parent.iterdir()) == []
    assert main([*argv, "--keep-archive"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        f"(the file was kept as {dest.parent / 'speech_commands_v0.02.tar.gz'} (--keep-archive)).")


@pytest.mark.parametrize(("url", "cause", "check"), [
    ("http://127.0.0.1:9/speech_commands_v0.02.tar.gz", "127.0.0.1:9 refused the connection",
     "the host and port in the URL and that the server there is running"),
    ("http://kws-workbench-mirror.invalid/speech_commands_v0.02.tar.gz",  # never resolves (RFC 2606)
     "the host name kws-workbench-mirror.invalid does not resolve (", "the host name in the URL and that this "
     "machine is online"),
])
def test_an_unreachable_server_fails_at_once_and_promises_no_partial_file(capsys, tmp_path: Path, monkeypatch,
                                                                          url: str, cause: str, check: str) -> None:
    """No server there, or no network: the retries' pauses (15 s in all) could not change it, so none is taken."""
    import time

    pauses: list[float] = []
    monkeypatch.setattr(time, "sleep", pauses.append)  # the pauses between the retries, recorded
    dest = tmp_path / "datasets" / "sc"
    assert main(["dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url", url,
                 "--sha256", "f" * 64]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"kws: error: The download of {url} cannot start: {cause}") and err.count("\n") == 1, err
    assert err.endswith(f"; check {check}, then run it again.\n"), err
    assert "bytes are kept" not in err and "resume" not in err and pauses == []
    assert not dest.parent.exists() or list(dest.parent.iterdir()) == []


def test_sigterm_stops_a_download_as_ctrl_c_does(archive_server, tmp_path: Path) -> None:
    """A real child and a real SIGTERM (as ``timeout``, ``kill`` or the GUI send it): the message Ctrl+C gives,
    exit 130, the partial download kept for the next run."""
    import subprocess
    import time

    from workbench.child_command import kws_command

    server, digest = archive_server
    size = len(server.state.files[ARCHIVE_PATH])
    server.state.drops = [size // 50] * 49  # a slow download: a pause after every fiftieth of the file
    dest = tmp_path / "sc"
    part = tmp_path / "speech_commands_v0.02.tar.gz.part"
    child = subprocess.Popen(kws_command("dataset", "download", "speech_commands_v2", "--dest", str(dest), "--url",
                                         server.url(ARCHIVE_PATH), "--sha256", digest),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60  # a guard against a hang, not a timing assertion
        while not (part.is_file() and part.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.01)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == EXIT_CANCELLED, err
    assert err.splitlines()[-1] == ("kws: interrupted: the partial download is kept; run the same command again "
                                    "to resume")
    assert 0 < part.stat().st_size < size and not dest.exists()
