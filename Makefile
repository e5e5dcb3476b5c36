# Rebuild every output from data/raw with `make`; check everything with `make test`.
# `make help` lists the targets. Each notebook step names its inputs and outputs below, so a
# no-op `make` does nothing and a changed input reruns only what depends on it.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all
MAKEFLAGS += --no-builtin-rules --no-print-directory

# `make` and `make all` run independent notebooks side by side, one job per CPU, and print each
# job's output in one piece when it ends. `make JOBS=1` runs one at a time. (make reads -j
# given on its command line only after this file, so JOBS is the way to choose.) Other goals,
# `make test` among them, run one step at a time unless given -j.
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
ifeq ($(filter-out all,$(or $(MAKECMDGOALS),all)),)
MAKEFLAGS += -j$(JOBS) --output-sync=target
endif

PYTHON ?= python3
# The Python every output was made with (pyproject.toml's requires-python): another version
# builds, but its outputs differ, so make refuses it.
PYTHON_VERSION := 3.11
ifeq ($(origin PYTHON),command line)
PYTHON_GIVEN := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(PYTHON_GIVEN),)
$(error PYTHON=$(PYTHON): no such Python on this machine. How to fix: install Python $(PYTHON_VERSION), or leave PYTHON out to use python3)
else ifneq ($(PYTHON_GIVEN),$(PYTHON_VERSION))
$(error PYTHON=$(PYTHON) is Python $(PYTHON_GIVEN), but this project is built with Python $(PYTHON_VERSION) (pyproject.toml), and another version's outputs differ. How to fix: make PYTHON=python$(PYTHON_VERSION))
endif
endif
VENV ?= .venv
BIN := $(VENV)/bin
# Every step (scripts, notebook kernels, tests) imports this checkout's src/, even when another
# clone set up the same environment.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
# matplotlib's and IPython's caches live in the environment and Jupyter's runtime files under
# build/: a build writes nothing outside its checkout (not even under $HOME).
VENV_DIR = $(if $(filter /%,$(VENV)),$(VENV),$(CURDIR)/$(VENV))
export MPLCONFIGDIR = $(VENV_DIR)/etc/matplotlib
export IPYTHONDIR = $(VENV_DIR)/etc/ipython
export JUPYTER_RUNTIME_DIR = $(CURDIR)/build/jupyter-runtime
STAMP := $(VENV)/.installed
# Said at once, before make holds back any job's output: the first setup takes minutes.
ifeq ($(wildcard $(STAMP)),)
ifneq ($(filter all setup test lab,$(or $(MAKECMDGOALS),all)),)
$(info Setting up $(VENV) from the pinned requirements first: the first time takes a few minutes.)
endif
endif
# The Jupyter kernel, registered inside .venv by scripts/register_kernel.py
KERNEL := foi-platforms
# papermill's options for every notebook. The executed copy is written once, when the notebook
# ends (not after every cell: that is for watching long runs, and costs time on every cell).
PAPERMILL_OPTIONS := -k $(KERNEL) --no-progress-bar --log-level WARNING --no-request-save-on-cell-execute
BUILD := build

# Files named as received may contain spaces: escape them for make. A name make cannot take in a
# list of prerequisites (one with : # % $$ * ? [ ] ; = | \ or a control character, or ending in a
# bracketed part it reads as a library member, "letter (1)") is left out of the list, so that
# make still parses, and `make` stops on it with the rename to make. (src/clean checks the same.)
# Hidden files and folders, and the lock file a spreadsheet program leaves beside an open
# workbook (~$name.xlsx), are not returns: left out here, as src/data/manifest.py leaves them.
UNSAFE_NAME := []:\#%$$*?;=|\\[[:cntrl:]]
UNSAFE_MEMBER := (.*)$$
NOT_RETURNS := \( -name '.*' -o -name '~$$*' \) -prune -o
# A name that is not UTF-8 text (a byte of another encoding) is unsafe too: grep -a reads every
# name as text, and in a UTF-8 locale '.' matches no such byte.
NOT_UTF8 := LC_ALL=C.UTF-8 grep -axv '.*'
RAW_FILES := $(shell find data/raw $(NOT_RETURNS) -type f -not -name README.md -print 2>/dev/null | grep -av -e '$(UNSAFE_NAME)' -e '$(UNSAFE_MEMBER)' | LC_ALL=C.UTF-8 grep -ax '.*' | LC_ALL=C sort | sed 's/ /\\ /g')
UNSAFE_RAW := $(shell { find data/raw $(NOT_RETURNS) -print 2>/dev/null | grep -a -e '$(UNSAFE_NAME)' -e '$(UNSAFE_MEMBER)' || true; find data/raw $(NOT_RETURNS) -print 2>/dev/null | $(NOT_UTF8) || true; } | LC_ALL=C sort -u | tr '\n' '\t')
REFERENCE_FILES := $(shell find data/reference -type f -not -name '.*' 2>/dev/null | LC_ALL=C sort | sed 's/ /\\ /g')
# The product's code, by layer: each step's rule depends on its own package, the shared layer
# and the ground, never on another step's code nor on a tool (simulation/, bench/).
GROUND := src/__init__.py src/helpers.py src/errors.py src/vocab.py
SHARED := $(sort $(wildcard src/data/*.py)) src/sdc.py src/bounds.py src/provenance.py
STEP_SRC = $(sort $(wildcard src/$(1)/*.py)) $(GROUND) $(SHARED)
CLEAN_SRC := $(call STEP_SRC,clean)
FINDINGS_SRC := $(call STEP_SRC,findings)
FIGURES_SRC := $(call STEP_SRC,figures)
REPORT_SRC := $(call STEP_SRC,report) $(wildcard src/report/templates/*)
# A variant's name is its file's name, so it must be one make can use as a word.
VARIANTS := $(basename $(notdir $(shell find params/variants -maxdepth 1 -name '*.yaml' 2>/dev/null | grep -E '^params/variants/[A-Za-z0-9_.-]+\.yaml$$')))
UNSAFE_VARIANTS := $(shell find params/variants -maxdepth 1 -name '*.yaml' 2>/dev/null | grep -vE '^params/variants/[A-Za-z0-9_.-]+\.yaml$$' | tr '\n' '|')

# Every wave data/reference/waves.csv lists that has its folder of returns under data/raw/waves/
# (oldest first by its id): the latest is the default build (reports/), each other one builds
# into reports/waves/<wave>/. Any other folder there is not a wave: make says so and leaves it.
WAVES := $(sort $(foreach w,$(shell tail -n +2 data/reference/waves.csv 2>/dev/null | cut -d, -f1 | tr -d '\r'),$(if $(wildcard data/raw/waves/$(w)/),$(w))))
NOT_WAVES := $(shell cd data/raw/waves 2>/dev/null && find . -mindepth 1 -maxdepth 1 -type d -not -name '.*' | cut -c3- | grep -vxF -e . $(WAVES:%=-e %) | LC_ALL=C sort | sed 's|.*|data/raw/waves/&/|' | paste -sd, - | sed 's/,/, /g')
ifneq ($(NOT_WAVES),)
ifneq ($(filter all waves,$(or $(MAKECMDGOALS),all)),)
$(info Left out of the build, as no wave in data/reference/waves.csv: $(NOT_WAVES) (to build a wave, add its row there))
endif
endif
OTHER_WAVES := $(filter-out $(lastword $(WAVES)),$(WAVES))

EXECUTED := notebooks/executed
CLEAN_NB := $(EXECUTED)/10-clean.ipynb
FINDINGS_NB := $(EXECUTED)/20-findings.ipynb
FIGURES_NB := $(EXECUTED)/30-figures.ipynb
VARIANT_NBS := $(foreach v,$(VARIANTS),$(EXECUTED)/variants/$(v)/20-findings.ipynb $(EXECUTED)/variants/$(v)/30-figures.ipynb)
WAVE_NBS := $(foreach w,$(OTHER_WAVES),$(EXECUTED)/waves/$(w)/20-findings.ipynb $(EXECUTED)/waves/$(w)/30-figures.ipynb)
# The report: the findings page and, one link away, its technical annex.
REPORT := reports/report.html reports/annex.html

PROCESSED := data/processed/instances.csv data/processed/coverage.csv \
	data/processed/reconciliation.csv data/processed/cleaning_log.csv data/processed/records.csv

# $(call run_notebook,SOURCE,TARGET,PAPERMILL_PARAMETERS)
# Runs into build/ first; the target is replaced only if every cell ran. scripts/run_notebook.py
# is papermill followed by the clean-up of src/runner/, which removes what differs between runs
# (papermill's timings, how the kernel happened to split printed output). A stop prints one
# message (an input's or the machine's problem and its fix, or an unexpected error said to be
# one); the full traceback goes to $(BUILD)/<target>.log, a failing notebook is kept in build/
# with the failing cell marked, and the executed copy in notebooks/executed/ stays as it was.
# The runner exits 1 (an input or the machine), 2 (a mistyped option) or 3 (a bug); make itself
# exits 2 whenever a recipe fails, whatever the code.
define run_notebook
	@mkdir -p $(BUILD)/$(dir $(2)) $(dir $(2))
	@rm -f $(BUILD)/$(2)
	@echo "papermill $(1) -> $(2)"
	@$(BIN)/python $(RUNNER_SCRIPT) $(1) $(BUILD)/$(2) $(PAPERMILL_OPTIONS) $(3) \
	  || { code=$$?; \
	       echo $(call shell_quote,FAILED: notebook $(1) ($(or $(3),default parameters)); $(2) is left as it was.) >&2; \
	       if [ -f $(BUILD)/$(2) ]; then echo "The executed copy, with the failing cell marked, is $(BUILD)/$(2)." >&2; fi; \
	       exit $$code; }
	@mv $(BUILD)/$(2) $(2)
endef

.PHONY: all names help setup lab test snapshot lint unit nbval determinism report waves variants variant clean clean-all lock bench

ALL := $(CLEAN_NB) $(FINDINGS_NB) $(FIGURES_NB) $(WAVE_NBS) $(VARIANT_NBS) $(REPORT) README.md
all: $(if $(UNSAFE_RAW)$(UNSAFE_VARIANTS),names,$(ALL)) ## Rebuild every output from data/raw (sets up .venv first)

# `all` is only this when a file's name cannot be used by make: stop, say which and how to
# rename it, and build nothing.
names:
	@printf '%s' $(call shell_quote,$(UNSAFE_RAW)) | tr '\t' '\n' | while IFS= read -r f; do [ -n "$$f" ] || continue; \
	  echo "$$f: make cannot use this name in a list of files (it holds one of : # % $$ * ? ; = | [ ] \\, a byte that is not UTF-8 text, or ends in a bracketed part)." >&2; \
	  echo "  How to fix: rename it, e.g. to '$$(dirname "$$f")/$$(basename "$$f" | LC_ALL=C sed 's/$(UNSAFE_NAME)/-/g; s/[()]/-/g; s/[\x80-\xff]/-/g')', and update its row in data/raw/MANIFEST.csv (path)." >&2; done
	@printf '%s' $(call shell_quote,$(UNSAFE_VARIANTS)) | tr '|' '\n' | while IFS= read -r f; do [ -n "$$f" ] || continue; \
	  echo "$$f: a variant's file name may hold only letters, digits and . _ - (it names the variant's folder)." >&2; \
	  echo "  How to fix: rename it, e.g. to '$$(dirname "$$f")/$$(basename "$$f" .yaml | sed 's/[^A-Za-z0-9_.-]/-/g').yaml'." >&2; done
	@exit 2

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-13s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- Environment --------------------------------------------------------------------------

setup: $(STAMP) ## Create .venv from the pinned requirements and register the Jupyter kernel

CHECK_PYTHON = v=$$($(1) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none); \
	[ "$$v" = $(PYTHON_VERSION) ] || { echo "$(1) is Python $$v; this project is built with Python $(PYTHON_VERSION) (pyproject.toml)." >&2; \
	echo "  How to fix: install Python $(PYTHON_VERSION) and run make PYTHON=python$(PYTHON_VERSION) (after make clean-all if .venv was made with another)." >&2; exit 2; }

$(STAMP): requirements.txt requirements.in scripts/register_kernel.py
	@if [ ! -x $(BIN)/python ]; then $(call CHECK_PYTHON,$(PYTHON)); \
	  echo "Setting up $(VENV) with $(PYTHON) from requirements.txt: the first time takes a few minutes."; \
	  $(PYTHON) -m venv $(VENV); fi
	@$(call CHECK_PYTHON,$(BIN)/python)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@# Make the project's src/ importable from anywhere (papermill, nbval, JupyterLab): a path
	@# relative to the environment, so a moved or copied checkout with its .venv finds its own.
	@$(BIN)/python -c 'import os, sysconfig; site = sysconfig.get_paths()["purelib"]; open(os.path.join(site, "foi_platforms_root.pth"), "w").write(os.path.relpath(os.getcwd(), site) + "\n")'
	@# The kernel lives inside the venv, not in the user's home.
	$(BIN)/python scripts/register_kernel.py
	@touch $@

# matplotlib's font cache, built before any notebook runs, so its one-off notice never lands in
# a notebook's output (also for an environment set up before the cache lived in it).
FONT_CACHE := $(VENV)/etc/matplotlib/.built
$(FONT_CACHE): | $(STAMP)
	@mkdir -p $(dir $@)
	@MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot" 2>/dev/null
	@touch $@

# JupyterLab rooted at the project (data/, reports/ and notebooks/ in its file browser), with the
# project's kernel. Options go in LAB_ARGS, e.g. make lab LAB_ARGS="--no-browser --port 8899";
# as root, --allow-root is added.
LAB_ARGS ?=
lab: $(STAMP) ## JupyterLab on the whole project with its kernel (options: LAB_ARGS="--no-browser --port 8899")
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --ServerApp.preferred_dir="$(CURDIR)/notebooks" \
	  --MappingKernelManager.default_kernel_name=$(KERNEL) \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

lock: ## Re-resolve requirements.in into requirements.txt (needs the network)
	rm -rf $(BUILD)/lockenv && $(PYTHON) -m venv $(BUILD)/lockenv
	$(BUILD)/lockenv/bin/pip install --quiet -r requirements.in
	{ sed -n '1,3p' requirements.txt; $(BUILD)/lockenv/bin/pip freeze; } > requirements.txt.new && mv requirements.txt.new requirements.txt
	rm -rf $(BUILD)/lockenv

# --- Pipeline -----------------------------------------------------------------------------

# Each step writes its tables all together or not at all, so a failed run leaves the previous
# ones in place: make must not delete them either.
.PRECIOUS: $(PROCESSED) reports/PROVENANCE.json $(REPORT)

# How make runs a notebook (papermill with a kernel started early, then the clean-up).
RUNNER_SCRIPT := scripts/run_notebook.py
RUNNER := $(RUNNER_SCRIPT) $(sort $(wildcard src/runner/*.py)) $(FONT_CACHE)

# Step 10: data/raw/ + data/reference/ -> data/processed/*.csv
# Verify data/raw against its manifest, read every return by its spec, clean, reconcile and
# validate.
$(CLEAN_NB) $(PROCESSED) &: $(RUNNER) notebooks/10-clean.ipynb $(RAW_FILES) $(REFERENCE_FILES) $(CLEAN_SRC) $(STAMP)
	$(call run_notebook,notebooks/10-clean.ipynb,$(CLEAN_NB),)
	@# Unchanged tables are not rewritten; mark them as made by this run.
	@touch $(PROCESSED)

# Step 20: data/processed/ + data/raw/published/ + data/reference/ -> reports/tables/
# The findings against the published figures. Takes every parameter of the findings.
PUBLISHED := $(wildcard data/raw/published/*.csv)

$(FINDINGS_NB): $(RUNNER) notebooks/20-findings.ipynb $(PROCESSED) $(PUBLISHED) $(REFERENCE_FILES) $(FINDINGS_SRC) $(STAMP)
	$(call run_notebook,notebooks/20-findings.ipynb,$@,-p output_dir reports)

# Step 30: reports/tables/ -> reports/figures/
# The figures, their data and alt text. Takes one parameter, output_dir.
$(FIGURES_NB): $(RUNNER) notebooks/30-figures.ipynb $(FINDINGS_NB) $(FIGURES_SRC) $(STAMP)
	$(call run_notebook,notebooks/30-figures.ipynb,$@,$(call FIGURES_PARAMS_IN,reports))

# Variants: steps 20 and 30 with the parameters in params/variants/<name>.yaml, built into
# reports/variants/<name>/ without touching the defaults. Step 20 takes the file's parameters;
# step 30 only the output folder.
# (Run by hand, the notebooks write to reports/scratch/, never over these builds.)
variant_dir = reports/variants/$(1)
# A value as one shell word, whatever it holds (a quote, a backtick, a $: never run).
shell_quote = '$(subst ','\'',$(1))'
FINDINGS_PARAMS = -f $(call shell_quote,$(1)) -p output_dir $(call variant_dir,$(2))
FIGURES_PARAMS_IN = -p output_dir $(1)
FIGURES_PARAMS = $(call FIGURES_PARAMS_IN,$(call variant_dir,$(1)))

$(EXECUTED)/variants/%/20-findings.ipynb: $(RUNNER) notebooks/20-findings.ipynb params/variants/%.yaml $(PROCESSED) $(PUBLISHED) $(REFERENCE_FILES) $(FINDINGS_SRC) $(STAMP)
	$(call run_notebook,notebooks/20-findings.ipynb,$@,$(call FINDINGS_PARAMS,params/variants/$*.yaml,$*))

$(EXECUTED)/variants/%/30-figures.ipynb: $(RUNNER) notebooks/30-figures.ipynb $(EXECUTED)/variants/%/20-findings.ipynb $(FIGURES_SRC) $(STAMP)
	$(call run_notebook,notebooks/30-figures.ipynb,$@,$(call FIGURES_PARAMS,$*))

variants: $(VARIANT_NBS) ## Build every variant in params/variants/

# Each wave other than the latest, at the default parameters, into reports/waves/<wave>/.
wave_dir = reports/waves/$(1)

$(EXECUTED)/waves/%/20-findings.ipynb: $(RUNNER) notebooks/20-findings.ipynb $(PROCESSED) $(PUBLISHED) $(REFERENCE_FILES) $(FINDINGS_SRC) $(STAMP)
	$(call run_notebook,notebooks/20-findings.ipynb,$@,-p wave $* -p output_dir $(call wave_dir,$*))

$(EXECUTED)/waves/%/30-figures.ipynb: $(RUNNER) notebooks/30-figures.ipynb $(EXECUTED)/waves/%/20-findings.ipynb $(FIGURES_SRC) $(STAMP)
	$(call run_notebook,notebooks/30-figures.ipynb,$@,$(call FIGURES_PARAMS_IN,$(call wave_dir,$*)))

waves: $(WAVE_NBS) ## Build every wave other than the latest into reports/waves/<wave>/

# The variant's name is its file's name, with anything make cannot use as a word made a '-'.
# PARAMS as given, a $ in it kept as it is (make would read $(...) in it as a variable).
variant: PARAMS_GIVEN = $(call shell_quote,$(value PARAMS))
variant: NAME = $(shell basename -- $(PARAMS_GIVEN) .yaml | LC_ALL=C sed 's/[^A-Za-z0-9_.-]/-/g')
variant: $(STAMP) ## Build one variant: make variant PARAMS=params/my-variant.yaml
	@test -n $(PARAMS_GIVEN) || { echo "Usage: make variant PARAMS=params/<name>.yaml" >&2; exit 2; }
	@test -f $(PARAMS_GIVEN) || { echo $(PARAMS_GIVEN): no such parameters file. >&2; \
	  echo "  How to fix: give the path of a YAML file of parameters, e.g. make variant PARAMS=params/variants/images-only.yaml" >&2; exit 2; }
	$(call run_notebook,notebooks/20-findings.ipynb,$(EXECUTED)/variants/$(NAME)/20-findings.ipynb,$(call FINDINGS_PARAMS,$(value PARAMS),$(NAME)))
	$(call run_notebook,notebooks/30-figures.ipynb,$(EXECUTED)/variants/$(NAME)/30-figures.ipynb,$(call FIGURES_PARAMS,$(NAME)))

# Step 40: data/processed/ + reports/tables/ + reports/figures/ -> reports/report.html (the
# findings page) and reports/annex.html (the technical annex), rendered from the tables.
$(REPORT) reports/PROVENANCE.json &: $(CLEAN_NB) $(FINDINGS_NB) $(FIGURES_NB) $(WAVE_NBS) $(PUBLISHED) $(REFERENCE_FILES) scripts/build_report.py $(REPORT_SRC) $(STAMP)
	$(BIN)/python scripts/build_report.py
	@touch $(REPORT) reports/PROVENANCE.json

# Step 40 also writes the README's numbers (what the returns are, findings, variants, waves),
# what the returns are in the data READMEs, the list of sources in data/raw/README.md and every
# table's columns (docs/tables.md, from data/reference/tables.yaml): generated, never typed in.
README.md data/raw/README.md data/processed/README.md docs/tables.md &: $(FINDINGS_NB) $(FIGURES_NB) $(WAVE_NBS) $(VARIANT_NBS) $(PUBLISHED) $(PROCESSED) $(REFERENCE_FILES) scripts/update_readme.py $(REPORT_SRC) $(STAMP)
	$(BIN)/python scripts/update_readme.py
	@touch README.md data/raw/README.md data/processed/README.md docs/tables.md

report: $(REPORT) ## Render the report: reports/report.html (findings) and reports/annex.html

# --- Checks -------------------------------------------------------------------------------

test: all snapshot lint unit nbval determinism ## Run every check: lint, unit and data tests, nbval, determinism

lint: $(STAMP) ## ruff on code and notebooks; source notebooks must carry no outputs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/nbstripout --verify notebooks/*.ipynb

unit: $(STAMP) ## pytest: src/, the raw data checks, the pipeline's failure modes
	$(BIN)/python -m pytest -q

nbval: $(STAMP) ## Re-execute the executed notebooks and compare their outputs
	$(BIN)/python -m pytest -q --nbval $(EXECUTED) --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg -p no:cacheprovider -o testpaths=$(EXECUTED)

# numpy picks its fastest code for the CPU it runs on (AVX-512, AVX2, ...), which can change
# the last bits of a result; the determinism check redraws the figures without these.
REDUCED_CPU := X86_V4 AVX512_ICL AVX512_SPR X86_V3 AVX2 FMA3
CPU_CHECK := reports/scratch/cpu-check

# What make builds (every output, generated README blocks included), and the pathspec of
# everything else: the inputs.
OUTPUTS := reports notebooks/executed data/processed README.md data/raw/README.md
NOT_OUTPUTS := $(foreach o,$(OUTPUTS),':!$(o)')
SNAPSHOT := $(BUILD)/outputs.sha256

# The outputs as built, before nbval re-executes every notebook (which rewrites them).
snapshot: all
	@mkdir -p $(BUILD)
	@find $(OUTPUTS) -type f -not -path 'reports/scratch/*' -print0 | LC_ALL=C sort -z \
	  | xargs -0 sha256sum > $(SNAPSHOT)

determinism: ## Fail if re-executing changed an output, if make has work left, if outputs differ from the committed ones with the inputs as committed, or if the figures depend on the CPU
	@$(MAKE) -q all || { echo "make has work left after a full build: a rule does not produce what it declares" >&2; exit 1; }
	@if [ -f $(SNAPSHOT) ]; then sha256sum --quiet -c $(SNAPSHOT) >/dev/null 2>&1 || { \
	  echo "Re-executing the notebooks changed outputs (a rebuild must be byte-identical):" >&2; \
	  sha256sum --quiet -c $(SNAPSHOT) >&2 || true; exit 1; }; \
	  echo "determinism: re-executing every notebook left every output byte-identical"; fi
	@inputs="$$(git status --porcelain -- . $(NOT_OUTPUTS))"; \
	if [ -n "$$inputs" ]; then \
	  echo "determinism: inputs differ from the last commit, so the outputs are checked against their own rebuild, not the committed ones:"; \
	  printf '%s\n' "$$inputs" | head -5 | sed 's/^/  /'; \
	elif [ -n "$$(git status --porcelain)" ]; then \
	  echo "Outputs differ from the committed ones, with the inputs as committed (a rebuild must be byte-identical):" >&2; \
	  git status --porcelain >&2; git --no-pager diff --stat >&2; exit 1; \
	else echo "determinism: the rebuild left the working tree clean"; fi
	@# Every build's figures again, with numpy held to an older CPU's instructions: the bytes
	@# must match the committed ones.
	@for build in reports $(OTHER_WAVES:%=reports/waves/%) $(VARIANTS:%=reports/variants/%); do \
	  rm -rf $(CPU_CHECK) && mkdir -p $(CPU_CHECK) && cp -r $$build/tables $(CPU_CHECK)/tables; \
	  NPY_DISABLE_CPU_FEATURES="$(REDUCED_CPU)" $(BIN)/python $(RUNNER_SCRIPT) notebooks/30-figures.ipynb \
	    $(CPU_CHECK)/30-figures.ipynb $(PAPERMILL_OPTIONS) -p output_dir $(CPU_CHECK) >/dev/null; \
	  for f in $$build/figures/*; do [ "$${f##*/}" = PROVENANCE.json ] && continue; \
	    cmp -s "$$f" "$(CPU_CHECK)/figures/$${f##*/}" \
	      || { echo "$$f differs when numpy runs without $(REDUCED_CPU)" >&2; exit 1; }; \
	  done; \
	done; rm -rf $(CPU_CHECK)
	@echo "determinism: every figure is byte-identical with numpy running without $(REDUCED_CPU)"

bench: $(STAMP) ## Measure rebuild time and scale (writes bench/README.md; not part of test)
	$(BIN)/python -m bench

# --- Housekeeping -------------------------------------------------------------------------

clean: ## Remove what make rebuilds (executed notebooks, processed data, reports); keep .venv
	rm -rf $(EXECUTED) $(BUILD) $(PROCESSED) data/processed/PROVENANCE.json reports/tables reports/figures reports/waves reports/variants $(REPORT) reports/PROVENANCE.json

clean-all: clean ## Also remove .venv
	rm -rf $(VENV)
