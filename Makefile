# The default target does what CI does (.ci/run).
.PHONY: test serve build lint bench
test:
	bash .ci/run

serve:
	python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/orbat serve

build:
	.venv/bin/orbat build

lint:
	.venv/bin/ruff check orbat api tests bench

bench:
	.venv/bin/python -m pytest -q -m slow
