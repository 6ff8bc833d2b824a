import types

from sqlalchemy import select

from yibao.review import testenv

testenv.configure()

from yibao.review.callbacks import (FailureAlertNotifier, deadline_alert, deadline_missed,  # noqa: E402
                                    failure_alert, notify_failure)


def context():
    ti = types.SimpleNamespace(dag_id="yibao_deliver", run_id="scheduled__2026-03-02T00:00:00+00:00",
                               task_id="send_email", map_index=2, try_number=3)
    return {"task_instance": ti, "exception": RuntimeError("SMTP 550 mailbox unavailable")}


def test_failure_alert_names_task_and_links_to_run():
    alert = failure_alert(context())
    assert alert["subject"] == "任务失败：yibao_deliver.send_email[2]"
    assert "SMTP 550" in alert["message"] and "第 3 次尝试" in alert["message"]
    # a mapped task's instance: without /mapped/2 Airflow looks for map index -1 and shows "404 Not Found"
    assert alert["link"].endswith(
        "/dags/yibao_deliver/runs/scheduled__2026-03-02T00%3A00%3A00%2B00%3A00/tasks/send_email/mapped/2")
    assert alert["stage"] == "delivery"
    ctx = context()
    ctx["task_instance"].map_index = -1
    assert failure_alert(ctx)["link"].endswith("/tasks/send_email")


def test_notify_failure_records_alert_and_notifier_is_callable():
    from yibao.store.db import open_session
    from yibao.store.models import Event

    notify_failure(context())
    FailureAlertNotifier()(context())     # the same failure again the same day: not a second alert
    with open_session() as s:
        events = s.scalars(select(Event).where(Event.subject == "任务失败：yibao_deliver.send_email[2]")).all()
    assert len(events) == 1 and events[0].level == "alert" and events[0].stage == "delivery"
    assert "/tasks/send_email" in events[0].data["link"]


def deadline_context():
    """The simple dict Airflow hands a DeadlineAlert callback."""
    return {"dag_run": {"dag_id": "yibao_deliver", "dag_run_id": "asset_triggered__2026-03-02T01:00:00",
                        "state": "running", "queued_at": "2026-03-02T01:00:00+00:00"},
            "deadline": {"id": "d-1", "deadline_time": "2026-03-02 02:00:00+00:00"}}


def test_deadline_alert_names_the_run_and_the_limit():
    alert = deadline_alert(deadline_context(), "1小时")
    assert alert["subject"] == "运行超时：yibao_deliver" and alert["stage"] == "delivery"
    assert "未在 1小时 内完成" in alert["message"] and "running" in alert["message"]
    assert "/dags/yibao_deliver/runs/asset_triggered__2026-03-02T01%3A00%3A00" in alert["link"]


def test_deadline_missed_callback_records_the_alert():
    import asyncio

    from yibao.store.db import open_session
    from yibao.store.models import Event

    asyncio.run(deadline_missed(deadline_context(), limit="1小时"))
    with open_session() as s:
        events = s.scalars(select(Event).where(Event.subject == "运行超时：yibao_deliver")).all()
    assert len(events) == 1 and events[0].level == "alert"
