# The two commands of the README. Each sets everything up first (system packages when root,
# .venv/, the native build), so either works on a fresh Debian/Ubuntu machine.
.PHONY: run test setup bench package package-training clean

run:
	@bash scripts/setup.sh run
	.venv/bin/kws-workbench

test:
	@bash scripts/setup.sh test
	bash scripts/run_tests.sh

setup:
	@bash scripts/setup.sh test

# The benchmarks' own baselines (benchmarks/baselines.txt: MLTK's frontend) go into .venv here, with --no-deps
# (their dependencies would replace the workbench's), and only here: make run and make test never need them.
# An install that fails does not stop the run: the benchmark that needs the baseline reports why.
bench:
	@bash scripts/setup.sh test
	@.venv/bin/python -m pip install --quiet --no-deps -r benchmarks/baselines.txt || \
		echo "bench: benchmarks/baselines.txt could not be installed; the benchmarks that need it say why" >&2
	.venv/bin/python benchmarks/run_all.py

package:
	@bash scripts/setup.sh test
	.venv/bin/python packaging/build.py

package-training:
	@bash scripts/setup.sh test
	.venv/bin/python packaging/build.py training-deb training-tar

clean:
	rm -rf build dist .venv *.egg-info
