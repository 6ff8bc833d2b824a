#!/usr/bin/env bash
# `make run`: airflow standalone against the real sources in config/sources.yaml.
# Data in $YIBAO_HOME (default ./var); Airflow in $AIRFLOW_HOME (default ./var/airflow).
# SMTP / IM secrets: Airflow Connections yibao_smtp, yibao_im_<robot> (or YIBAO_SMTP_* env).
set -euo pipefail
cd "$(dirname "$0")/.."
export YIBAO_HOME="${YIBAO_HOME:-$PWD/var}"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$YIBAO_HOME/airflow}"
exec .venv/bin/python -m yibao.run_local "$@"
