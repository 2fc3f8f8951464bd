"""Build KWS Workbench's installable packages for this OS and print their sizes (``make package``).

    python packaging/build.py                    # bundle + .deb + .tar.gz (Linux), bundle (+ .app) elsewhere
    python packaging/build.py training-deb       # the training runtime and its .deb (Linux)
    python packaging/build.py bundle deb --deb-compression gzip --dist /tmp/out

Targets: ``bundle`` (the PyInstaller one-folder bundle; on macOS also ``KWS Workbench.app``), ``deb`` and ``tar``
(Linux), ``training`` (the TensorFlow runtime folder ``kws-workbench-training/``), ``training-deb`` (Linux) and
``training-tar`` (the runtime as a .tar.gz for a per-user install), ``icons`` (re-render the icons from the
SVG), ``all``. Outputs go to ``dist/`` and intermediate files to ``build/packaging/`` unless told otherwise;
nothing is written into the source tree except by ``icons``. A package over its size budget fails the build.
Run it with the project's virtual environment (PyInstaller installed: the ``package`` extra).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from kwspack import deb_package, elf_deps, icons, manifest, tarball  # noqa: E402
from kwspack.bundle import build_bundle  # noqa: E402

MB = 1_000_000
TRAINING_TAR_TOP = "training-runtime"  # unpacked into the user data folder, see frozen/training_runtime.py
BUNDLE_BUDGET_MB = 250
DEB_BUDGET_MB = 100
DEFAULT_TARGETS = ("bundle", "deb", "tar")
ALL_TARGETS = ("bundle", "deb", "tar", "training", "training-deb", "training-tar")
LINUX_TARGETS = frozenset({"deb", "tar", "training-deb"})
TRAINING_TARGETS = frozenset({"training", "training-deb", "training-tar"})
TRAINING_DIR = "kws-workbench-training"  # the runtime folder in --dist (the Windows installer's component)
APP_SUMMARY = "workbench for tiny keyword-spotting models on microcontrollers"
APP_DESCRIPTION = """\
KWS Workbench streams the microphone through a bit-exact copy of the EFR32 audio
frontend into an int8 keyword-spotting model and the firmware's detection logic,
shows the live spectrogram, scores and detections, tunes the detection parameters
while you speak and estimates per layer what a model costs on the board.

This package carries its own Python, Qt and LiteRT in /opt/kws-workbench and
installs the kws and kws-workbench commands. Training needs the separate
kws-workbench-training package (TensorFlow)."""
TRAINING_SUMMARY = "training runtime (TensorFlow) for KWS Workbench"
TRAINING_DESCRIPTION = """\
TensorFlow and the packages it needs, built for the Python and numpy of the
kws-workbench package of the same version, in /opt/kws-workbench/training.
With it installed, `kws train` and the workbench's Train workspace work."""


@dataclass(frozen=True)
class Built:
    kind: str
    path: Path
    budget_mb: int | None = None

    @property
    def size_mb(self) -> float:
        if self.path.is_dir():
            return sum(p.lstat().st_size for p in self.path.rglob("*")) / MB
        return self.path.stat().st_size / MB

    @property
    def over_budget(self) -> bool:
        return self.budget_mb is not None and self.size_mb > self.budget_mb


def platform_tag() -> str:
    return manifest.build_manifest()["platform"]


def _step(message: str) -> float:
    print(f"build: {message}", flush=True)
    return time.monotonic()


def build_app_deb(bundle: Path, work: Path, dist: Path, compression: str) -> Path:
    needs = elf_deps.system_needs(bundle)
    package = deb_package.DebPackage(
        name=deb_package.PACKAGE, version=manifest.workbench_version(), architecture=deb_package.architecture(),
        depends=tuple(elf_deps.depends(needs, deb_package.APP_EXTRA_DEPENDS)), summary=APP_SUMMARY,
        description=APP_DESCRIPTION, recommends=deb_package.APP_RECOMMENDS,
        suggests=(deb_package.TRAINING_PACKAGE,))
    root = deb_package.stage_app(bundle, HERE / "linux", ROOT / "resources" / "icons", work / "deb-app")
    return deb_package.build_deb(package, root, dist, compression)


def build_training_deb(runtime: Path, work: Path, dist: Path, compression: str) -> Path:
    version = manifest.workbench_version()
    needs = elf_deps.system_needs(runtime)
    package = deb_package.DebPackage(
        name=deb_package.TRAINING_PACKAGE, version=version, architecture=deb_package.architecture(),
        depends=(f"{deb_package.PACKAGE} (= {version})", *elf_deps.depends(needs)),
        summary=TRAINING_SUMMARY, description=TRAINING_DESCRIPTION)
    root = deb_package.stage_training(runtime, work / "deb-training")
    return deb_package.build_deb(package, root, dist, compression)


def app_tarball(bundle: Path, work: Path, dist: Path) -> Path:
    """The bundle plus ``share/`` (menu entry, icons, metainfo) and INSTALL.txt, for a per-user install."""
    top = f"kws-workbench-{manifest.workbench_version()}"
    share = work / "tar-share"
    if share.exists():
        shutil.rmtree(share)
    deb_package.stage_desktop_files(HERE / "linux", ROOT / "resources" / "icons", share)
    extra = {"share": share, "INSTALL.txt": HERE / "linux" / "INSTALL-tarball.txt"}
    return tarball.write_tar_gz(bundle, dist / f"{top}-{platform_tag()}.tar.gz", top, extra)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    p.add_argument("targets", nargs="*", metavar="TARGET",
                   help=f"what to build: {', '.join(ALL_TARGETS)}, icons, all (default: {' '.join(DEFAULT_TARGETS)})")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    p.add_argument("--work", type=Path, default=ROOT / "build" / "packaging",
                   help="folder for intermediate files (default: build/packaging/)")
    p.add_argument("--deb-compression", choices=deb_package.COMPRESSIONS, default="zstd",
                   help="compression of the .deb packages (default: zstd, 10x faster than xz for 1.5x the size; "
                   "xz for releases)")
    p.add_argument("--reuse-bundle", action="store_true",
                   help="package the bundle already in --dist instead of rebuilding it")
    args = p.parse_args(argv)
    unknown = set(args.targets) - {*ALL_TARGETS, "icons", "all"}
    if unknown:
        p.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    return args


def build_app(targets: set[str], args: argparse.Namespace, dist: Path, work: Path) -> list[Built]:
    built = []
    bundle = dist / "kws-workbench"
    if "bundle" in targets or (targets & {"deb", "tar"} and not (args.reuse_bundle and bundle.is_dir())):
        started = _step("PyInstaller bundle")
        bundle = build_bundle(dist, work)
        print(f"build: bundle done in {time.monotonic() - started:.0f} s", flush=True)
        built.append(Built("bundle", bundle, BUNDLE_BUDGET_MB))
    if "deb" in targets:
        started = _step(f".deb ({args.deb_compression})")
        built.append(Built(".deb", build_app_deb(bundle, work, dist, args.deb_compression), DEB_BUDGET_MB))
        print(f"build: .deb done in {time.monotonic() - started:.0f} s", flush=True)
    if "tar" in targets:
        _step(".tar.gz")
        built.append(Built(".tar.gz", app_tarball(bundle, work, dist)))
    return built


def build_training(targets: set[str], args: argparse.Namespace, dist: Path, work: Path) -> list[Built]:
    from kwspack.runtime_builder import build_runtime

    started = _step("training runtime")
    runtime = build_runtime(dist / TRAINING_DIR).folder
    built = [Built("training runtime", runtime)]
    if "training-deb" in targets:
        built.append(Built("training .deb", build_training_deb(runtime, work, dist, args.deb_compression)))
    if "training-tar" in targets:
        name = f"kws-workbench-training-{manifest.workbench_version()}-{platform_tag()}.tar.gz"
        built.append(Built("training .tar.gz", tarball.write_tar_gz(runtime, dist / name, TRAINING_TAR_TOP)))
    print(f"build: training runtime done in {time.monotonic() - started:.0f} s", flush=True)
    return built


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    targets = set(args.targets or DEFAULT_TARGETS)
    if "all" in targets:
        targets = set(ALL_TARGETS)
    if "icons" in targets:
        written = icons.render_all(ROOT / "resources" / "icons" / "kws-workbench.svg", ROOT / "resources" / "icons")
        print(f"build: {len(written)} icon files written to resources/icons/")
        targets.discard("icons")
    if not sys.platform.startswith("linux") and targets & LINUX_TARGETS:
        print(f"build: {', '.join(sorted(targets & LINUX_TARGETS))} are built on Linux only; see "
              "packaging/README.md for the Windows installer and the macOS .dmg", file=sys.stderr)
        targets -= LINUX_TARGETS
    dist, work = args.dist.resolve(), args.work.resolve()
    built = build_app(targets, args, dist, work)
    if targets & TRAINING_TARGETS:
        built += build_training(targets, args, dist, work)
    for item in built:
        budget = f"  (budget {item.budget_mb} MB{': OVER' if item.over_budget else ''})" if item.budget_mb else ""
        print(f"{item.kind:<18} {item.size_mb:8.1f} MB  {item.path}{budget}")
    return 1 if any(item.over_budget for item in built) else 0


if __name__ == "__main__":
    sys.exit(main())
