"""The Airflow Assets that wire the pipeline's DAGs together.

Events carry only ids in their `extra`; the store holds everything else.
  yibao_changes          scrape found new/revised documents   extra: {"change_ids": [...]}
  yibao_review_requests  lessons drafted or redrafted          extra: {"lesson_ids": [...]}
  yibao_approved         trainer approved lessons              extra: {"lesson_ids": [...]}
"""
from __future__ import annotations

from airflow.sdk import Asset

CHANGES = Asset(name="yibao_changes", uri="yibao://pipeline/changes", group="yibao")
REVIEW_REQUESTS = Asset(name="yibao_review_requests", uri="yibao://pipeline/review-requests", group="yibao")
APPROVED = Asset(name="yibao_approved", uri="yibao://pipeline/approved", group="yibao")


def ids_from_events(context, asset: Asset, key: str) -> list[int]:
    """Collect the ids carried by every triggering event of `asset` (deduplicated, ordered)."""
    seen: dict[int, None] = {}
    events = (context.get("triggering_asset_events") or {})
    for event_asset, asset_events in events.items():
        if getattr(event_asset, "name", None) != asset.name and str(event_asset) != str(asset):
            continue
        for ev in asset_events:
            for value in (ev.extra or {}).get(key, []):
                seen[int(value)] = None
    conf = (context.get("dag_run").conf if context.get("dag_run") else None) or {}
    for value in conf.get(key, []):
        seen[int(value)] = None
    return list(seen)
