# lrlessons developer entry points (GNU make). `make` lists the targets.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV  := .venv
PY    := $(VENV)/bin/python
PIP   := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SITE_STAMP := $(VENV)/.installed-site
NODE_STAMP := site/node_modules/.installed
# Exact pin, always: an unpinned torch resolves to the multi-GB CUDA build on PyPI.
TORCH := torch==2.13.0
# torch's CPU build (about 200 MB, not gigabytes of CUDA packages on Linux), as environment.yml
# does: an *extra* index, so pip still sees PyPI and any index pip.conf names, and an unreachable
# CPU index only costs a warning and pip's retries (about 9 s). Only the torch line uses it (with
# --no-deps): each package looked up there would pay the retries again.
TORCH_INDEX := --extra-index-url https://download.pytorch.org/whl/cpu
# Exact versions of everything the tests run with (`make pins` writes it from the venv). Needs
# Python >= 3.11; `CONSTRAINTS=` (empty) installs the newest releases instead.
CONSTRAINTS ?= constraints.txt
PIN := $(if $(CONSTRAINTS),-c $(CONSTRAINTS))
# The JupyterLab settings learners get (.jupyter/), where JupyterLab and the server read them by
# default; postBuild installs the same files on Binder.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/lrlessons.json5
SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.py
# JupyterLab in Chinese (the zh-CN and zh-TW language packs are dependencies): see lab-settings.
LAB_SETTINGS_ROOT := $(VENV)/share/jupyter/lab
LAB_LOCALE_OVERRIDES := $(foreach l,zh_CN zh_TW,$(LAB_SETTINGS_ROOT)/settings-$(l)/overrides.d/lrlessons.json5)

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export KERAS_BACKEND := torch

# Lesson notebooks; nbval is skipped until there are some.
NOTEBOOKS := $(shell find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null)
NBVAL_ARGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
              -p no:cacheprovider
# Jupyter refuses to start as root unless told to.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)
LAB_ARGS ?=

.PHONY: help venv sysdeps lab lab-settings test check bench lint generate notebooks student nbgrader pins clean

help:
	@echo "make venv     create .venv and install lrlessons[keras,dev] (torch==2.13.0 CPU first),"
	@echo "              at the versions of constraints.txt"
	@echo "make sysdeps  apt-install fonts-noto-cjk and chromium if missing (.ci/sysdeps.sh)"
	@echo "make lab      JupyterLab on 127.0.0.1 at the course index (COURSE=zh|zh-Hant|en, LAB_ARGS=...);"
	@echo "              COURSE=zh / zh-Hant also shows JupyterLab itself in 简体中文 / 繁體中文"
	@echo "make test     install the test-only extra (paddle), pytest tests/ and the library's doctests, then nbval"
	@echo "              over notebooks/**/*.ipynb"
	@echo "make check    the edit-and-test loop (under 3 min): pytest tests/ and the doctests without"
	@echo "              the browser, site, slow and grading tests, and no nbval; make test before pushing"
	@echo "make nbgrader write the nbgrader course root nbgrader/ (nbgrader in .venv-grading, not in .venv)"
	@echo "make bench    run every benchmarks/*.py"
	@echo "make lint     ruff check lrlessons tests benchmarks"
	@echo "make generate   write notebooks/{en,zh,zh-Hant}/*.ipynb, README's and the guides' lesson tables"
	@echo "              from lessons/*.md and lessons/manifest.toml (no execution; unchanged cells"
	@echo "              keep their outputs), and the guides' exercise tables from lrlessons/check/;"
	@echo "              make generate CHECK=1 writes nothing and lists what is stale"
	@echo "make notebooks  generate, then execute every notebook and save its outputs (LESSON=05:"
	@echo "              only that lesson's two notebooks)"
	@echo "make student  write student versions (answers removed) to student/en and student/zh"
	@echo "make site     build the static website (every language in notebooks/) into _build/html"
	@echo "make pins     rewrite constraints.txt and environment.yml's pins from the venv"
	@echo "make clean    remove .venv, caches and build artifacts"

venv: $(STAMP)

# Reinstalls only when pyproject.toml or the pins change. torch goes in first, pinned, from the
# CPU index (then its dependencies, from PyPI), so every later install finds it satisfied and
# never resolves torch from the registry.
$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install --progress-bar off --no-deps $(TORCH_INDEX) $(PIN) $(TORCH)
	$(PIP) install --progress-bar off $(PIN) $(TORCH)
	$(PIP) install --progress-bar off $(PIN) -e ".[keras,dev]"
	touch $@

# The test-only extra (paddlepaddle, about 195 MB): `make test` needs it, `make lab` does not.
$(TEST_STAMP): $(STAMP)
	$(PIP) install --progress-bar off $(PIN) -e ".[keras,dev,paddle,site]"
	touch $@

# The `grading` extra (nbgrader) in its own venv: .venv-grading sees .venv's packages through a
# .pth (no second torch) and adds only nbgrader and what it pulls in, so nbgrader's server and lab
# extensions never load in a learner's `make lab` (nor on Binder, which installs no extras).
GRADING_VENV := .venv-grading
GRADING_STAMP := $(GRADING_VENV)/.installed
$(GRADING_STAMP): $(STAMP) $(CONSTRAINTS) constraints-grading.txt
	test -x $(GRADING_VENV)/bin/python || python3 -m venv $(GRADING_VENV)
	$(GRADING_VENV)/bin/python -c 'import site, sys; open(site.getsitepackages()[0] + \
	    "/lrlessons-course-venv.pth", "w").write(f"import site; site.addsitedir({sys.argv[1]!r})\n")' \
	    "$$($(PY) -c 'import site; print(site.getsitepackages()[0])')"
	$(GRADING_VENV)/bin/pip install -q --progress-bar off $(PIN) \
	    $(if $(CONSTRAINTS),-c constraints-grading.txt) \
	    "$$($(PY) -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["grading"][0])')"
	touch $@

# No Jupyter news prompt, a kernel shut down when its tab closes, idle kernels culled: see the
# comments in .jupyter/. Copies, so `make clean` (or deleting .venv) removes them.
lab-settings: $(LAB_OVERRIDES) $(SERVER_CONFIG) $(LAB_LOCALE_OVERRIDES)
$(LAB_OVERRIDES): .jupyter/overrides.json5
	mkdir -p $(@D) && cp $< $@
# JupyterLab's display language, per run and without touching the learner's own settings: an app
# settings directory per locale (settings-zh_CN, settings-zh_TW beside the default one) holds the
# course's overrides plus the translation plugin's locale; `make lab COURSE=zh` points JupyterLab
# at it with --LabApp.app_settings_dir. A language the learner picks in Settings -> Language is a
# user setting and still wins, as everywhere in JupyterLab.
$(LAB_SETTINGS_ROOT)/settings-%/overrides.d/lrlessons.json5: .jupyter/overrides.json5
	mkdir -p $(@D) && cp $< $@
	printf '{"@jupyterlab/translation-extension:plugin": {"locale": "%s"}}\n' $* \
	    > $(@D)/lrlessons-language.json
$(SERVER_CONFIG): .jupyter/jupyter_server_config.py
	mkdir -p $(@D) && cp $< $@

sysdeps:
	bash .ci/sysdeps.sh

# Opens the course index in the learner's language: Traditional Chinese for a zh_TW, zh_HK or
# zh_MO locale, Simplified for another zh_*, else English; `make lab COURSE=zh|zh-Hant|en`
# chooses. JupyterLab's own menus follow (COURSE=en leaves JupyterLab's language as it is).
# COURSE=zh-Hant opens notebooks/zh-Hant/ (generated from the Simplified lessons by OpenCC; a
# checkout without it falls back to the Simplified ones). Fonts first, so Chinese plot labels are
# not boxes.
COURSE ?= $(if $(filter zh_TW% zh_HK% zh_MO%,$(LANG)),zh-Hant,$(if $(filter zh%,$(LANG)),zh,en))
LAB_LOCALE = $(if $(filter zh-Hant,$(COURSE)),zh_TW,$(if $(filter zh,$(COURSE)),zh_CN))
LAB_TREE = $(if $(wildcard notebooks/$(COURSE)/index.ipynb),$(COURSE),$(if $(LAB_LOCALE),zh,en))
lab: $(STAMP) lab-settings
	bash .ci/sysdeps.sh fonts-noto-cjk
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks --ServerApp.ip=127.0.0.1 \
	    --LabApp.default_url=/lab/tree/$(LAB_TREE)/index.ipynb \
	    $(if $(LAB_LOCALE),--LabApp.app_settings_dir=$(LAB_SETTINGS_ROOT)/settings-$(LAB_LOCALE)) \
	    $(ALLOW_ROOT) $(LAB_ARGS)

# Headless plots, stable hashing, one BLAS thread per process (2-core machines).
test: export MPLBACKEND := Agg
test: export PYTHONHASHSEED := 0
test: export OMP_NUM_THREADS := 1
# Both suites always run; the target fails if either did. nbval runs without MPLBACKEND so the
# kernel keeps its inline backend: under Agg figures vanish from the outputs nbval compares.
test: $(TEST_STAMP) $(NODE_STAMP) $(GRADING_STAMP) sysdeps
	rc=0; \
	$(PY) -m pytest --durations=25 tests lrlessons || rc=$$?; \
	$(if $(NOTEBOOKS),env -u MPLBACKEND $(PY) -m pytest $(NBVAL_ARGS) notebooks || rc=$$?; , \
	    echo "test: no notebooks yet, nbval skipped"; ) \
	exit $$rc

# The fast tier for the edit-and-test loop: what `make test` runs minus the browser, the site, the
# slow tests (each over ~5 s: claims on every kernel set, benchmarks) and the grading runs, and
# minus nbval. `make test` stays everything.
check: export MPLBACKEND := Agg
check: export PYTHONHASHSEED := 0
check: export OMP_NUM_THREADS := 1
check: $(TEST_STAMP)
	bash .ci/sysdeps.sh fonts-noto-cjk
	$(PY) -m pytest -q -p no:cacheprovider --durations=10 \
	    -m "not browser and not site and not slow and not grading" tests lrlessons

bench: export MPLBACKEND := Agg
bench: $(STAMP)
	shopt -s nullglob; for f in benchmarks/*.py; do echo "== $$f"; $(PY) "$$f"; done

lint: $(STAMP)
	$(VENV)/bin/ruff check lrlessons tests benchmarks

# lessons/*.md and lessons/manifest.toml are the truth; these files are generated from them
# (tests/test_generated.py fails when one is stale or edited by hand).
CHECK ?=
generate: $(STAMP)
	$(PY) -m lrlessons.sources generate $(if $(CHECK),--check)
	$(PY) -m lrlessons.check.guide $(if $(CHECK),--check)

# Outputs are committed: re-run after editing a lesson. The inline backend, as in JupyterLab.
# Listed when the recipe runs, so a lesson `generate` just added is executed too.
LESSON ?=
notebooks: generate
	env -u MPLBACKEND $(PY) -m lrlessons.authoring execute \
	    $$(find notebooks -name '$(if $(LESSON),$(LESSON)_*,*).ipynb' \
	       -not -path '*/.ipynb_checkpoints/*' | sort)

student: $(STAMP)
	$(PY) -m lrlessons.authoring student --root notebooks --out student

# An nbgrader course root, nbgrader/ (every lesson, both languages); then, in nbgrader/ with
# .venv-grading/bin first on PATH (nbgrader runs its own tools from it):
# nbgrader generate_assignment en_03, nbgrader autograde en_03, nbgrader export.
nbgrader: $(GRADING_STAMP)
	$(PY) -m lrlessons.nbgrader_course --out nbgrader

# The static website (site/build.py): one Sphinx project per language under _build/html/<lang>/,
# from the committed, executed notebooks (never run again), and a root page choosing a language.
# Python packages: the `site` extra; MathJax from npm (site/package-lock.json), served by the site
# itself. tests/test_site.py builds it again and opens it in chromium.
.PHONY: site
site: $(SITE_STAMP) $(NODE_STAMP)
	$(PY) site/build.py --out _build/html
$(SITE_STAMP): $(STAMP)
	$(PIP) install --progress-bar off $(PIN) -e ".[keras,dev,site]"
	touch $@
$(NODE_STAMP): site/package.json site/package-lock.json
	command -v npm >/dev/null || bash .ci/sysdeps.sh nodejs npm
	npm ci --prefix site --no-audit --no-fund
	touch $@

# Rewrites constraints.txt and environment.yml's pins from the venv as it is: after
# `make clean && make pins CONSTRAINTS=` (newest releases) or an edited constraints.txt line.
# Then `make test` and commit both files.
pins: $(TEST_STAMP)
	$(PY) -m tests.pins

clean:
	rm -rf $(VENV) $(GRADING_VENV) nbgrader build dist *.egg-info .pytest_cache .ruff_cache .hypothesis _build site/node_modules \
	       student benchmarks/out tests/screenshots
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
