"""Watch: poll each configured source (one pool per host), diff what is new, and
emit a `yibao_changes` asset event only when something changed."""
from __future__ import annotations

import datetime as dt

from airflow.sdk.exceptions import AirflowSkipException
from airflow.sdk import Metadata, dag, task

from yibao import flows
from yibao.assets import CHANGES
from yibao.dag_defaults import (DEFAULT_ARGS, START, host_pool, run_deadline, scrape_schedule, stage_queue,
                                watched_source_ids)


@dag(dag_id="yibao_scrape", schedule=scrape_schedule(), start_date=START, catchup=False, max_active_runs=1,
     default_args=DEFAULT_ARGS, tags=["yibao", "watch"], doc_md=__doc__,
     deadline=run_deadline(dt.timedelta(hours=2), "2小时"))
def yibao_scrape():
    @task(queue=stage_queue("scrape"))
    def scrape(source_id: str) -> list[int]:
        return flows.scrape_sources([source_id])

    @task
    def compare(version_id_lists: list[list[int]]) -> list[int]:
        return flows.compare_versions([v for ids in version_id_lists for v in ids])

    @task(outlets=[CHANGES])
    def announce(change_ids: list[int]):
        if not change_ids:
            raise AirflowSkipException("no new or revised documents")
        yield Metadata(CHANGES, extra={"change_ids": change_ids})

    scraped = [scrape.override(task_id=f"scrape_{sid}", pool=host_pool(sid))(sid) for sid in watched_source_ids()]
    announce(compare(scraped))


yibao_scrape()
