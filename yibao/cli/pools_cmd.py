"""`yibao pools`: the Airflow pools the DAGs need (one per watched host, one for delivery)."""
from __future__ import annotations

import json

from yibao.cli import CliError


def register(subparsers) -> None:
    p = subparsers.add_parser("pools", help="list or create the Airflow pools the DAGs use",
                              description="Without --apply, print the pools as `airflow pools import` JSON. "
                                          "With --apply, create or update them in the Airflow metadata DB "
                                          "($AIRFLOW_HOME / AIRFLOW__DATABASE__SQL_ALCHEMY_CONN). A task whose "
                                          "pool is missing is never scheduled.")
    p.add_argument("--apply", action="store_true", help="create or update the pools in Airflow")
    p.set_defaults(func=run)


def run(args) -> int:
    from yibao.dag_defaults import airflow_pools   # imports Airflow: keep other commands fast

    from scrapers.errors import ConfigError

    try:
        pools = airflow_pools()
    except ConfigError as exc:   # a bad YIBAO_SOURCES or sources file
        raise CliError(str(exc)) from None
    if not args.apply:
        print(json.dumps(pools, ensure_ascii=False, indent=2))
        return 0
    from airflow.models.pool import Pool
    from sqlalchemy.exc import SQLAlchemyError

    for name, spec in pools.items():
        try:
            Pool.create_or_update_pool(name, spec["slots"], spec["description"], spec["include_deferred"])
        except SQLAlchemyError as exc:   # no metadata DB here (not migrated, wrong AIRFLOW_HOME)
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise CliError(f"cannot write pools to the Airflow metadata DB ({reason}); "
                           "set AIRFLOW_HOME to the deployment's and run `airflow db migrate` first") from None
        print(f"pool {name}: {spec['slots']} slot(s)")
    return 0
