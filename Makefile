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

bench:
	@bash scripts/setup.sh test
	.venv/bin/python benchmarks/run_all.py

package:
	@bash scripts/setup.sh test
	.venv/bin/python packaging/build.py

package-training:
	@bash scripts/setup.sh test
	.venv/bin/python packaging/build.py training-deb training-tar

clean:
	rm -rf build dist .venv *.egg-info
