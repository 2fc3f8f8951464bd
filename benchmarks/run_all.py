"""Runs the benchmark scripts in this directory one after another; each prints its figures and its baseline.

``make bench`` runs this. The long ones are left out unless asked for (``--all`` or ``--only``): they are
worth running on purpose, not as part of a quick look at the machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LONG = {  # script -> why it is not run by default
    "bench_synthetic_keywords.py": "trains models from scratch on real and synthetic speech: hours of CPU",
    "bench_package.py": "builds the .deb and .tar.gz first: several minutes",
}


def scripts() -> list[Path]:
    return sorted(HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="also run the long benchmarks: " +
                        "; ".join(f"{name} ({why})" for name, why in LONG.items()))
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run these (e.g. calibration engine)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    every = scripts()
    if args.list:
        for script in every:
            print(f"{script.name:<32} {'(long: ' + LONG[script.name] + ')' if script.name in LONG else ''}")
        return 0
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        wanted = {n if n.endswith(".py") else f"{n}.py" for n in wanted}
        unknown = wanted - {s.name for s in every}
        if unknown:
            parser.error(f"no such benchmark: {', '.join(sorted(unknown))} (see --list)")
        chosen = [s for s in every if s.name in wanted]
    else:
        chosen = [s for s in every if args.all or s.name not in LONG]
    status = 0
    for script in chosen:
        print(f"== {script.name}", flush=True)
        status |= subprocess.call([sys.executable, str(script)])
    skipped = [s.name for s in every if s not in chosen and s.name in LONG and not args.only]
    if skipped:
        print(f"(not run: {', '.join(skipped)}; --all runs them)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
