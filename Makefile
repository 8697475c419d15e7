# volltrack: `make demo` runs the whole pipeline on synthetic data; `make test` runs every test.
# Both run `setup` first, which is idempotent: a second run reuses the environment and the jar.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MVN := mvn -B -q
ENGINE_VERSION := 0.1.0
ENGINE_JAR := java/btrackmate/target/btrackmate-$(ENGINE_VERSION)-all.jar
PACKAGE_JAR := python/volltrack/jars/btrackmate-$(ENGINE_VERSION)-all.jar
JAVA_SOURCES := $(shell find java -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' -type f 2>/dev/null) pom.xml
DEMO_OUT ?= demo-output

.PHONY: setup system-deps demo test test-java test-python lint bench fiji-dist wheel clean

setup: system-deps $(VENV)/.installed $(PACKAGE_JAR)

# Xvfb for the napari tests (needs root; skipped with a notice otherwise).
system-deps:
	@if ! command -v Xvfb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Xvfb and Qt's X libraries (apt-get)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb libxcb-icccm4 \
	      libxcb-keysyms1 libxcb-xinerama0 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 \
	      libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0 libegl1 libgl1 libdbus-1-3 >/dev/null) \
	      || echo "warning: could not install Xvfb; napari tests will be skipped"; \
	  else echo "warning: Xvfb missing and not root; napari tests will be skipped"; fi; \
	fi

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q -e ".[napari,fiji,dev]"
	@touch $@

$(ENGINE_JAR): $(JAVA_SOURCES)
	$(MVN) -DskipTests package
	@touch $@

$(PACKAGE_JAR): $(ENGINE_JAR)
	@mkdir -p $(dir $@)
	@rm -f python/volltrack/jars/btrackmate-*-all.jar
	cp $(ENGINE_JAR) $@

demo: setup
	$(VENV)/bin/volltrack doctor --skip-tensorflow || true
	$(VENV)/bin/volltrack run --demo --out $(DEMO_OUT)

test-java: setup
	mvn -B test

test-python: setup
	$(PY) -m pytest

test: setup lint
	mvn -B test
	$(PY) -m pytest

# Ruff, mypy (strict except the modules listed in pyproject.toml) and the import layers (import-linter); configured
# in pyproject.toml. Part of `make test`, and so of CI.
lint: setup
	$(VENV)/bin/ruff check python tests bench fiji-scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# `make bench BENCH_ARGS="--only tracker"` runs one benchmark; `--list` lists them (bench/README.md has the figures).
bench: setup
	$(PY) bench/run_all.py $(BENCH_ARGS)

# dist/volltrack-<version>.tar.gz and dist/volltrack-<version>-py3-none-any.whl with the engine jar inside
# (setup.py builds the jar with Maven when it is missing or older than the Java sources).
wheel: $(VENV)/.installed
	$(PY) -m build --no-isolation --outdir dist .

# Fiji distribution (Maven and a JDK only, no Python): dist/fiji/ laid out as in Fiji.app, and
# dist/fiji-update-site/ (db.xml.gz + files) to add in Fiji with Help > Update... > Manage update sites.
fiji-dist:
	$(MVN) -DskipTests package
	java -jar java/fiji-dist/target/fiji-dist-$(ENGINE_VERSION).jar --root . --out dist/fiji --site dist/fiji-update-site

clean:
	rm -rf $(VENV) java/*/target python/volltrack/jars $(DEMO_OUT)
