"""extract_tar(): real tar archives, including hostile ones; all-or-nothing into a new folder."""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
import threading
from pathlib import Path

import pytest

from dataset_builders import make_dataset, pack_dataset, speaker_names
from workbench.datasets.archive import CorruptArchiveError, NotATarArchiveError, UnsafeArchiveError, extract_tar
from workbench.datasets.download import DownloadCancelled, DownloadError
from workbench.datasets.layout import scan_dataset


def build_archive(path: Path, members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return path


def file_member(name: str, data: bytes = b"x") -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


def link_member(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def dataset_archive(tmp_path: Path) -> Path:
    """A small dataset packed as the official archive is: ./word/<file> at the top level."""
    source = make_dataset(tmp_path / "source", {"yes": speaker_names(3), "no": speaker_names(2)},
                          background=["white_noise.wav"])
    (source / "validation_list.txt").write_text("yes/00000000_nohash_0.wav\n")
    return pack_dataset(source, tmp_path / "small.tar.gz")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".partial"))


def test_extracts_a_dataset_archive_with_a_marker(tmp_path: Path) -> None:
    archive = dataset_archive(tmp_path)
    reports = []
    dest = extract_tar(archive, tmp_path / "out" / "data", marker=(".done.json", {"name": "small"}),
                       progress=reports.append)
    index = scan_dataset(dest)
    assert index.words() == {"no": 4, "yes": 6} and len(index.background) == 1
    assert index.split_rules[dest].startswith("lists:")
    assert json.loads((dest / ".done.json").read_text()) == {"name": "small"}
    assert reports[-1].phase == "extract" and reports[-1].done_bytes == reports[-1].total_bytes
    assert leftovers(dest.parent) == []


def test_an_existing_empty_folder_is_used_but_a_full_one_is_refused(tmp_path: Path) -> None:
    archive = dataset_archive(tmp_path)
    (tmp_path / "empty").mkdir()
    extract_tar(archive, tmp_path / "empty")
    assert (tmp_path / "empty" / "yes").is_dir()
    with pytest.raises(DownloadError, match="not empty"):
        extract_tar(archive, tmp_path / "empty")


@pytest.mark.parametrize("members, message", [
    ([file_member("ok.txt"), file_member("../evil.txt")], "outside the destination"),
    ([file_member("/evil-absolute.txt")], "outside the destination"),
    ([file_member("a/../../evil.txt")], "outside the destination"),
    ([link_member("link", "../../etc"), file_member("link/passwd")], "link 'link' points outside"),
    ([link_member("abs", "/etc/passwd")], "points outside"),
    ([link_member("hard", "../outside.txt", tarfile.LNKTYPE)], "hard link"),
    ([link_member("dev", "", tarfile.CHRTYPE)], "special file"),
])
def test_unsafe_archives_are_refused_and_nothing_is_left(tmp_path: Path, members, message: str) -> None:
    archive = build_archive(tmp_path / "evil.tar.gz", members)
    dest = tmp_path / "out" / "data"
    with pytest.raises(UnsafeArchiveError, match=message):
        extract_tar(archive, dest)
    assert not dest.exists() and leftovers(dest.parent) == []
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "out" / "evil.txt").exists()


def test_links_inside_the_destination_are_fine(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "links.tar", [file_member("words/yes.txt", b"yes"),
                                                     link_member("alias.txt", "words/yes.txt"),
                                                     link_member("hard.txt", "words/yes.txt", tarfile.LNKTYPE)],
                            mode="w")
    dest = extract_tar(archive, tmp_path / "data")
    assert (dest / "alias.txt").read_text() == "yes" and (dest / "hard.txt").read_text() == "yes"


def test_a_truncated_archive_leaves_nothing(tmp_path: Path) -> None:
    archive = dataset_archive(tmp_path)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    dest = tmp_path / "data"
    with pytest.raises(DownloadError, match="not a complete tar archive"):
        extract_tar(archive, dest)
    assert not dest.exists() and leftovers(tmp_path) == []
    (tmp_path / "noise.tar.gz").write_bytes(b"this is not an archive")
    with pytest.raises(DownloadError, match="not a complete tar archive"):
        extract_tar(tmp_path / "noise.tar.gz", dest)


def test_cancel_leaves_nothing(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "many.tar", [file_member(f"w/{i}.txt", b"x" * 1000) for i in range(50)],
                            mode="w")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelled):
        extract_tar(archive, tmp_path / "data", cancel=cancel)
    assert not (tmp_path / "data").exists() and leftovers(tmp_path) == []


def plain_tar(path: Path, count: int = 6) -> tuple[bytes, list[int]]:
    """An uncompressed tar of ``count`` small files, and the offset of each member's header."""
    build_archive(path, [file_member(f"w/{i}.txt", b"x" * 700) for i in range(count)], mode="w")
    with tarfile.open(path) as tar:
        offsets = [m.offset for m in tar.getmembers()]
    return path.read_bytes(), offsets


def test_a_damaged_block_in_the_middle_is_not_taken_for_the_end(tmp_path: Path) -> None:
    """tarfile stops without a word at a header it cannot read: the members after it must not be lost quietly."""
    data, offsets = plain_tar(tmp_path / "plain.tar")
    damaged = bytearray(data)
    damaged[offsets[3]:offsets[3] + tarfile.BLOCKSIZE] = b"\xa5" * tarfile.BLOCKSIZE
    with tarfile.open(fileobj=io.BytesIO(bytes(damaged))) as tar:
        assert len(tar.getmembers()) == 3  # what made a damaged archive look complete
    (tmp_path / "damaged.tar").write_bytes(bytes(damaged))
    (tmp_path / "damaged.tar.gz").write_bytes(gzip.compress(bytes(damaged)))  # the gzip layer itself is fine
    for archive in (tmp_path / "damaged.tar", tmp_path / "damaged.tar.gz"):
        with pytest.raises(CorruptArchiveError, match=r"is damaged: its tar blocks stop being readable after"):
            extract_tar(archive, tmp_path / "data", marker=(".done.json", {}))
        assert not (tmp_path / "data").exists() and leftovers(tmp_path) == []


def test_a_gzip_checksum_error_is_not_ignored(tmp_path: Path) -> None:
    archive = dataset_archive(tmp_path)
    data = bytearray(archive.read_bytes())
    data[-8] ^= 0xFF  # the gzip trailer's CRC-32: only read when the stream is read to its end
    archive.write_bytes(bytes(data))
    with pytest.raises(CorruptArchiveError, match=r"not a complete tar archive \(CRC check failed"):
        extract_tar(archive, tmp_path / "data", marker=(".done.json", {}))
    assert not (tmp_path / "data").exists() and leftovers(tmp_path) == []


def test_an_archive_cut_at_a_member_boundary_is_cut_short(tmp_path: Path) -> None:
    data, offsets = plain_tar(tmp_path / "plain.tar")
    (tmp_path / "cut.tar").write_bytes(data[:offsets[4]])  # ends cleanly after a member, no end marker
    with pytest.raises(CorruptArchiveError, match=r"is cut short: it ends after [\d,]+ bytes of data without"):
        extract_tar(tmp_path / "cut.tar", tmp_path / "data")
    assert not (tmp_path / "data").exists()
    assert (extract_tar(tmp_path / "plain.tar", tmp_path / "data") / "w" / "5.txt").is_file()


def test_the_dataset_folder_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        dest = extract_tar(dataset_archive(tmp_path), tmp_path / "data")
    finally:
        os.umask(umask)
    assert dest.stat().st_mode & 0o777 == 0o755  # not mkdtemp's 0o700


def test_a_file_that_is_no_tar_archive_is_said_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "page.tar.gz").write_bytes(b"<html>moved</html>\n" * 5000)
    with pytest.raises(NotATarArchiveError, match="not a complete tar archive") as refused:
        extract_tar(tmp_path / "page.tar.gz", tmp_path / "data")
    assert "\n" not in str(refused.value) and "does not even start as one" in str(refused.value)
    assert isinstance(refused.value, CorruptArchiveError) and leftovers(tmp_path) == []
    assert not (tmp_path / "data").exists()
