"""Runs the benchmark scripts in this directory one after another; each prints its figures and its baseline.

``make bench`` runs this. The long ones (``LONG``: training, sweeps, synthetic speech, packages) are left
out unless asked for (``--all`` or ``--only``): they take minutes to hours of every CPU, worth running on
purpose, not as part of a quick look at the machine. ``--list`` says which run by default.
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
    "bench_training.py": "trains the default model end to end, goal <= 15 min on 2 cores: minutes of every CPU",
    "bench_sweeps.py": "starts a local Ray and trains 4 small models twice, as a sweep and in turn: minutes",
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
            why = LONG.get(script.name)
            print(f"{script.name:<32} {'runs by default' if why is None else 'long, not run by default: ' + why}")
        print("(make bench and run_all.py run the default ones; --all adds the long ones, --only NAME runs NAME)")
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
