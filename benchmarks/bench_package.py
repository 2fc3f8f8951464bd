"""Installed package vs source install: sizes, and cold start of the installed launchers.

Figures printed:
* sizes: the PyInstaller bundle (goal <= 250 MB), the .deb (goal <= 100 MB), the .tar.gz, the installed tree;
* cold start, each as the median of ``--runs`` fresh processes (and the first run, page cache as it was),
  for the installed launchers (the .deb unpacked into a scratch root) and, as the baseline measured in the
  same run, the source install's ``.venv/bin`` entry points:
  - ``kws --version`` (interpreter start, CLI import);
  - ``kws-workbench --self-test`` (engine import, model load, the bundled sample through the live path);
  - ``kws-workbench`` to its first mapped window on a private Xvfb (goal <= 1.5 s for the installed app).

The packages are taken from ``--dist`` when a .deb is there, else built into a temporary folder first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "packaging"))
from x11_window_probe import private_x_server, time_to_first_window  # noqa: E402

MB = 1_000_000
BUNDLE_GOAL_MB = 250
DEB_GOAL_MB = 100
START_GOAL_S = 1.5
WINDOW_TIMEOUT_S = 60.0
COMMAND_TIMEOUT_S = 300
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.lstat().st_size for p in path.rglob("*")) / MB
    return path.stat().st_size / MB


def user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES and not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_CACHE_HOME=str(home / ".cache"), LANG="C.UTF-8")
    return env


def build(dist: Path, work: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), *args, "--dist", str(dist),
                    "--work", str(work)], check=True, stdout=sys.stderr)


def timed_runs(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return times


def window_runs(command: list[str], env: dict[str, str], display: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        seconds = time_to_first_window(command, env, display, WINDOW_TIMEOUT_S)
        if seconds is None:
            raise SystemExit(f"{' '.join(command)} opened no window within {WINDOW_TIMEOUT_S:.0f} s")
        times.append(seconds)
    return times


def describe(times: list[float]) -> str:
    return f"{statistics.median(times):6.2f} s median (first {times[0]:.2f} s, {len(times)} runs)"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the packages are (default: dist/)")
    p.add_argument("--runs", type=int, default=5, help="fresh processes per measurement (default 5)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="kws-bench-package-") as tmp_name:
        tmp = Path(tmp_name)
        dist = args.dist
        if not list(dist.glob("kws-workbench_*.deb")):
            dist = tmp / "dist"
            print(f"no .deb in {args.dist}: building the packages first (a few minutes)", flush=True)
            build(dist, tmp / "work")
        deb = sorted(dist.glob("kws-workbench_*.deb"))[-1]
        root = tmp / "root"
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        app = root / "opt" / "kws-workbench"
        tarballs = sorted(dist.glob("kws-workbench-*.tar.gz"))
        print("sizes")
        print(f"  bundle        : {size_mb(dist / 'kws-workbench'):7.1f} MB   goal <= {BUNDLE_GOAL_MB} MB")
        print(f"  .deb          : {size_mb(deb):7.1f} MB   goal <= {DEB_GOAL_MB} MB  ({deb.name})")
        if tarballs:
            print(f"  .tar.gz       : {size_mb(tarballs[-1]):7.1f} MB")
        print(f"  installed     : {size_mb(root):7.1f} MB")

        home = tmp / "home"
        home.mkdir()
        env = user_env(home)
        venv = ROOT / ".venv" / "bin"
        print("cold start (installed .deb vs source install, same run)")
        for label, program, program_args in (("kws --version", "kws", ["--version"]),
                                             ("kws-workbench --self-test", "kws-workbench", ["--self-test"])):
            installed_times = timed_runs([str(app / program), *program_args], env, args.runs)
            source_times = timed_runs([str(venv / program), *program_args], env, args.runs)
            print(f"  {label:<26} installed {describe(installed_times)}")
            print(f"  {'':<26} source    {describe(source_times)}")
        with private_x_server() as display:
            installed = window_runs([str(app / "kws-workbench")], env, display, args.runs)
            source = window_runs([str(venv / "kws-workbench")], env, display, args.runs)
        verdict = "OK" if statistics.median(installed) <= START_GOAL_S else "OVER"
        label = "kws-workbench to a window"
        print(f"  {label:<26} installed {describe(installed)}   goal <= {START_GOAL_S} s: {verdict}")
        print(f"  {'':<26} source    {describe(source)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
