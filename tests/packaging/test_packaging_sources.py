"""The packaging sources themselves, without building anything: the menu entry and AppStream metadata validate
and name the id the application announces, the metainfo's newest release is the package version, the
committed icons are renderings of the SVG, and the frozen entry point's pure parts (program name, which
command lines need the training runtime, the runtime compatibility check) behave."""

from __future__ import annotations

import ast
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import workbench
from package_tools import REPO_ROOT, require_tool, run
from workbench.gui.app import DESKTOP_ID
from workbench.sweeps.on_ray import ray_session

LINUX = REPO_ROOT / "packaging" / "linux"
ICONS = REPO_ROOT / "resources" / "icons"
sys.path.append(str(REPO_ROOT / "packaging"))
sys.path.append(str(REPO_ROOT / "packaging" / "frozen"))
import kws_entry  # noqa: E402
import training_runtime  # noqa: E402
from kwspack import bundle, elf_deps, icons, requirements  # noqa: E402

MAX_MEAN_PIXEL_DIFFERENCE = 2.0  # renderers of other Qt versions anti-alias slightly differently


def test_desktop_files_carry_the_application_id() -> None:
    assert (LINUX / f"{DESKTOP_ID}.desktop").is_file() and (LINUX / f"{DESKTOP_ID}.metainfo.xml").is_file()
    root = ET.parse(LINUX / f"{DESKTOP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == DESKTOP_ID
    assert root.findtext("launchable") == f"{DESKTOP_ID}.desktop"
    assert f"Icon={DESKTOP_ID}\n" in (LINUX / f"{DESKTOP_ID}.desktop").read_text()


def test_newest_release_is_the_package_version() -> None:
    releases = ET.parse(LINUX / f"{DESKTOP_ID}.metainfo.xml").getroot().find("releases")
    assert releases is not None and releases[0].get("version") == workbench.__version__


def test_desktop_entry_validates() -> None:
    tool = require_tool("desktop-file-validate", "apt-get install desktop-file-utils")
    done = run([tool, LINUX / f"{DESKTOP_ID}.desktop"])
    assert (done.returncode, done.stdout.strip()) == (0, "")


def test_metainfo_validates() -> None:
    tool = require_tool("appstreamcli", "apt-get install appstream")
    done = run([tool, "validate", "--no-net", LINUX / f"{DESKTOP_ID}.metainfo.xml"])
    assert done.returncode == 0 and not re.search(r"^[EW]:", done.stdout, re.MULTILINE), done.stdout


@pytest.mark.parametrize("size", icons.PNG_SIZES)
def test_committed_icons_are_renderings_of_the_svg(size: int, qapp) -> None:
    from PySide6.QtGui import QImage

    committed = QImage(str(ICONS / icons.png_name(size)))
    fresh = QImage.fromData(icons.render_png(ICONS / "kws-workbench.svg", size))
    assert (committed.width(), committed.height()) == (size, size) == (fresh.width(), fresh.height())
    import numpy as np

    def pixels(image: QImage) -> np.ndarray:
        image = image.convertToFormat(QImage.Format.Format_RGBA8888)
        return np.frombuffer(image.constBits(), np.uint8, size * size * 4).astype(int)

    assert np.abs(pixels(committed) - pixels(fresh)).mean() <= MAX_MEAN_PIXEL_DIFFERENCE


def test_ico_and_icns_hold_the_pngs() -> None:
    ico = (ICONS / "kws-workbench.ico").read_bytes()
    assert ico[:6] == icons.ICO_HEADER.pack(0, 1, len(icons.ICO_SIZES))
    icns = (ICONS / "kws-workbench.icns").read_bytes()
    assert icns[:4] == b"icns" and int.from_bytes(icns[4:8], "big") == len(icns)
    assert icns.count(b"\x89PNG") == len(icons.ICNS_TYPES)


def test_program_name_chooses_the_role() -> None:
    assert kws_entry.program_name("/opt/kws-workbench/kws") == "kws"
    assert kws_entry.program_name("C:\\Program Files\\KWS Workbench\\KWS.EXE") == "kws"
    assert kws_entry.program_name("/Applications/KWS Workbench.app/Contents/MacOS/kws-workbench") == "kws-workbench"


def test_which_command_lines_need_the_training_runtime() -> None:
    assert training_runtime.needs_runtime(["train", "--dataset", "d", "--out", "o"])
    assert not training_runtime.needs_runtime(["train", "--help"])
    assert not training_runtime.needs_runtime(["detect", "x.wav"])
    assert not training_runtime.needs_runtime(["--version"])


def test_ray_child_processes_run_as_python_only_when_kws_sweep_asked() -> None:
    # what Ray starts with sys.executable (the bundle's kws): scripts with -u/-S/-s, modules, code
    assert kws_entry.python_invocation(["-u", "/r/log_monitor.py", "--logs-dir=x"]) == (
        "script", "/r/log_monitor.py", ["/r/log_monitor.py", "--logs-dir=x"], True)
    assert kws_entry.python_invocation(["-S", "-s", "/r/default_worker.py", "--node-ip-address=1"]) == (
        "script", "/r/default_worker.py", ["/r/default_worker.py", "--node-ip-address=1"], False)
    assert kws_entry.python_invocation(["-m", "ray.util.client.server", "--port=1"]) == (
        "module", "ray.util.client.server", ["ray.util.client.server", "--port=1"], False)
    assert kws_entry.python_invocation(["-c", "print(1)", "a"]) == ("code", "print(1)", ["-c", "a"], False)
    for cli in (["sweep", "s.toml"], ["--kws-worker", "train", "--spec", "x.py"], ["-u"], ["--version"], []):
        assert kws_entry.python_invocation(cli) is None
    assert kws_entry.PYTHON_MODE_VARIABLE == ray_session.FROZEN_PYTHON_MODE  # the variable kws sweep sets


def test_a_requirements_extras_are_followed() -> None:
    # ray[tune] must bring what Tune imports (fsspec, pandas, pyarrow...), not only Ray: the training runtime
    # is this closure, and without them kws sweep cannot import Tune in the packaged app
    pytest.importorskip("ray", reason="Ray is not installed (pip install kws-workbench[cluster])")
    assert {"fsspec", "pandas", "pyarrow", "tensorboardx"} <= set(requirements.closure(["ray[tune]"]))
    assert "pandas" not in requirements.closure(["ray"])  # (pandas is not one of Ray's own requirements)


def test_runtime_check(tmp_path: Path) -> None:
    bundle = {"python": "3.11", "platform": "linux-x86_64", "numpy": "2.4.6", "workbench": "0.1.0"}
    assert "damaged" in (training_runtime.check_runtime(tmp_path, bundle) or "")
    (tmp_path / "site-packages").mkdir()
    (tmp_path / "runtime.json").write_text(json.dumps({**bundle, "tensorflow": "2.21.0"}))
    assert training_runtime.check_runtime(tmp_path, bundle) is None
    (tmp_path / "runtime.json").write_text(json.dumps({**bundle, "python": "3.12"}))
    problem = training_runtime.check_runtime(tmp_path, bundle) or ""
    assert "python 3.12" in problem and "python 3.11" in problem


def test_the_missing_runtime_message_unpacks_the_archive_where_install_txt_does() -> None:
    """The archive's top folder already is training-runtime/: unpacked into training-runtime, as the message once
    said, it made training-runtime/training-runtime, which is not found. INSTALL.txt unpacks it into the user data
    folder, and so must the message."""
    build_script = ast.parse((REPO_ROOT / "packaging" / "build.py").read_text(encoding="utf-8"))
    tops = [ast.literal_eval(node.value) for node in build_script.body if isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["TRAINING_TAR_TOP"]]
    assert tops == [training_runtime.USER_RUNTIME_DIR]
    user_data = Path("/home/u/.local/share/kws-workbench")
    places = [Path("/opt/kws-workbench/training"), user_data / training_runtime.USER_RUNTIME_DIR]
    message = training_runtime.missing_message(places)
    assert f"archive (its top folder is training-runtime) into the user data folder {user_data} (looked in" in message
    assert f"into {places[-1]}" not in message
    install = (LINUX / "INSTALL-tarball.txt").read_text()
    assert re.search(r"tar -xzf kws-workbench-training-\S+ -C ~/\.local/share/kws-workbench$", install, re.MULTILINE)
    assert "archive" not in training_runtime.missing_message(places[:1])  # no user data folder known: the package


def test_the_build_finds_links_to_missing_files(tmp_path: Path) -> None:
    """What build_bundle refuses to ship: a link to a file the bundle does not hold (PyInstaller's top-level links
    to Qt's EGLFS libraries stayed when the spec left those libraries out)."""
    (tmp_path / "PySide6/Qt/lib").mkdir(parents=True)
    (tmp_path / "PySide6/Qt/lib/libQt6Core.so.6").write_bytes(b"")
    (tmp_path / "libQt6Core.so.6").symlink_to("PySide6/Qt/lib/libQt6Core.so.6")
    (tmp_path / "libQt6EglFsKmsSupport.so.6").symlink_to("PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6")
    (tmp_path / "PySide6/lib").symlink_to("Qt/lib")  # a link to a folder (followed by nothing)
    (tmp_path / "PySide6/Qt/lib/gone").symlink_to("nowhere")
    assert bundle.dangling_links(tmp_path) == [Path("PySide6/Qt/lib/gone"), Path("libQt6EglFsKmsSupport.so.6")]


def test_debian_package_naming_rule() -> None:
    assert elf_deps.naming_rule_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert elf_deps.naming_rule_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert elf_deps.naming_rule_package("libX11-xcb.so.1") == "libx11-xcb1"
    assert elf_deps.naming_rule_package("libdbus-1.so.3") == "libdbus-1-3"
