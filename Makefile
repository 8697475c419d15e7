# volltrack: `make demo` runs the whole pipeline on synthetic data; `make test` runs every test.
# Both run `setup` first, which is idempotent: a second run reuses the environment and the jar.
# Python 3.11-3.13 (PYTHON=python3.12 make ...); requirements-lock.txt is resolved on 3.11.

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

# The exact versions of requirements-lock.txt (reproducible CI), then the few packages whose metadata pins what we
# replace (requirements-no-deps.txt: tf-keras, which asks for the `tensorflow` distribution while the lock holds the
# same release's CPU-only `tensorflow-cpu`; n2v, which asks for csbdeep < 0.8), then volltrack itself without
# dependencies (the lock already holds the extras napari, fiji and dev). Wheels are unpacked under .venv-tmp/ (not a
# possibly small /tmp), and on CI without pip's cache (its copy of every wheel would double the disk used).
PIP_TMP := $(CURDIR)/.venv-tmp
PIP_INSTALL = TMPDIR=$(PIP_TMP) $(PIP) install -q $(if $(CI),--no-cache-dir,)
$(VENV)/.installed: pyproject.toml requirements-lock.txt requirements-no-deps.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@mkdir -p $(PIP_TMP)
	$(PIP_INSTALL) --upgrade pip setuptools wheel
	$(PIP_INSTALL) -r requirements-lock.txt
	$(PIP_INSTALL) --no-deps -r requirements-no-deps.txt
	$(PIP_INSTALL) --no-deps -e .
	@rm -rf $(PIP_TMP)
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

# The napari tests (an OpenGL context) run in their own pytest process: TensorFlow >= 2.16 and Mesa's OpenGL
# (llvmpipe under Xvfb) crash when loaded into one process, whichever comes first.
PYTEST_SPLIT := $(PY) -m pytest -m napari && $(PY) -m pytest -m "not napari"

test-python: setup
	$(PYTEST_SPLIT)

test: setup lint
	mvn -B test
	$(PYTEST_SPLIT)

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
	rm -rf $(VENV) $(PIP_TMP) java/*/target python/volltrack/jars $(DEMO_OUT)
