# yibao — set-up and everyday commands. Everything installs into ./.venv and ./var.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export YIBAO_HOME ?= $(CURDIR)/var
export AIRFLOW_HOME ?= $(CURDIR)/var/airflow
# Airflow standalone starts `airflow …` children by name: the venv must be on PATH.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup system test test-fast run demo demo-check bench lock clean production-check

help:
	@echo "make test        install everything (venv, pinned packages, system fonts/browser) and run the tests"
	@echo "make demo        offline demo: mirror + SMTP + IM endpoints + Airflow standalone (Ctrl-C stops all)"
	@echo "make demo-check  the same flow unattended, then a robot staff member opens the mailed link in Chromium;"
	@echo "                exits 0 only when the acknowledgement is stored and counted by yibao report"
	@echo "make run         Airflow standalone against the real sources in config/sources.yaml"
	@echo "make production-check  PostgreSQL + Redis + Airflow CeleryExecutor (2 workers), the whole flow; stops all"
	@echo "make bench       benchmarks (bench/): medians and ratios against baselines measured in the same run"

setup: $(STAMP) system

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet -p $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet -p $(BIN)/python --no-deps -e .
	touch $(STAMP)

system:
	@bash scripts/setup-system.sh

lock:
	$(BIN)/uv pip compile requirements.in -p $(BIN)/python -o requirements.lock

test: setup
	$(BIN)/pytest -q tests

test-fast: setup
	$(BIN)/pytest -q -m "not airflow and not browser" tests

run: setup
	bash scripts/run.sh

demo: setup
	$(BIN)/python -m yibao.demo

demo-check: setup
	$(BIN)/python -m yibao.demo --check

production-check: setup
	$(BIN)/python -m yibao.production.check

bench: setup
	$(BIN)/python bench/run_all.py $(BENCH)
	$(BIN)/python bench/quality_lessons.py --md docs/quality-lessons.md
	$(BIN)/python bench/quality_lessons.py --corpus bench/lessons_qh --texts ../shared/corpus/qinghai-texts --md docs/quality-lessons-provincial.md
	$(BIN)/python bench/quality_lessons.py --corpus bench/lessons_natl --md docs/quality-lessons-national-memory.md
	$(BIN)/python bench/quality_lessons.py --corpus bench/lessons_natl2 --md docs/quality-lessons-national-memory-2.md
	$(BIN)/python bench/quality_lessons.py --corpus bench/lessons_natl3 --md docs/quality-lessons-national-memory-3.md
	$(BIN)/python bench/quality_lessons.py --corpus bench/lessons_natl4 --md docs/quality-lessons-national-memory-4.md
	$(BIN)/python bench/quality_lessons.py --corpus bench/lessons_natl5 --md docs/quality-lessons-national-memory-5.md
	$(BIN)/python bench/quality_lessons.py --corpus bench/lessons_natl6 --md docs/quality-lessons-national-memory-6.md

clean:
	rm -rf var .pytest_cache

.PHONY: screenshots-effect
screenshots-effect: setup  ## docs/control-room-charts.png, review-rework.png, report-html*.png from a real standalone
	$(BIN)/python docs/make_effect_screenshots.py
