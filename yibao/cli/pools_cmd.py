"""`yibao pools`: the Airflow pools the DAGs need (one per watched host, one for delivery)."""
from __future__ import annotations

import json


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

    pools = airflow_pools()
    if not args.apply:
        print(json.dumps(pools, ensure_ascii=False, indent=2))
        return 0
    from airflow.models.pool import Pool

    for name, spec in pools.items():
        Pool.create_or_update_pool(name, spec["slots"], spec["description"], spec["include_deferred"])
        print(f"pool {name}: {spec['slots']} slot(s)")
    return 0
