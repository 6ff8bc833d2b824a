"""What the exactly-once ledger costs on top of raw sending.

Cases (N people, one approved lesson each, local capture SMTP server, concurrency 4):
- raw send_batch_sync of N pre-rendered mails (baseline: transport only)
- deliver(): plan N ledger rows + render the digest once + personalise + claim/commit +
  send + record/commit each outcome
- deliver() re-run on the same store (nothing due: the idempotency check alone)
- completion report over the N assignments

Run: .venv/bin/python bench/bench_delivery_ledger.py
"""
from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

N = 300
ROUNDS = 3
NOW = dt.datetime(2025, 12, 8, 2, 0)


def _env() -> None:
    os.environ.setdefault("YIBAO_LINK_SECRET", "bench-link-secret")
    os.environ.setdefault("YIBAO_HOME", tempfile.mkdtemp(prefix="yibao-bench-"))


def _store(tmp: Path, n: int):
    from sqlalchemy.orm import sessionmaker

    from yibao.delivery.subscriptions import parse_subscriptions, sync_people
    from yibao.store import migrate
    from yibao.store.db import get_engine
    from yibao.store.models import Change, Document, Lesson, Source, Version

    url = f"sqlite:///{tmp / 'bench.db'}"
    migrate(url)
    session = sessionmaker(get_engine(url), expire_on_commit=False)()
    people = "\n".join(f"  - {{id: p{i:05d}, name: 员工{i}, department: 科室{i % 12}, roles: [doctor], "
                       f"email: p{i:05d}@h.example.cn}}" for i in range(n))
    sync_people(session, parse_subscriptions("people:\n" + people + "\n"))
    session.add(Source(id="nhsa", name="国家医保局", family="hanweb", base_url="https://www.nhsa.gov.cn"))
    session.flush()
    doc = Document(source_id="nhsa", identity_key="no:1", title="关于做好医保支付工作的通知", norm_title="t",
                   url="https://www.nhsa.gov.cn/1", publish_date=dt.date(2025, 12, 7), deadline=dt.date(2025, 12, 16))
    session.add(doc)
    session.flush()
    ver = Version(document_id=doc.id, seq=1, content_hash="h", raw_sha256="r", url=doc.url, title=doc.title, text="…")
    session.add(ver)
    session.flush()
    change = Change(document_id=doc.id, new_version_id=ver.id, kind="new")
    session.add(change)
    session.flush()
    session.add(Lesson(change_id=change.id, role="doctor", status="approved", title=doc.title, draft={},
                       body_md="# 要点\n\n按病种分值付费。" * 20, deadline=dt.date(2025, 12, 16), approved_at=NOW))
    session.commit()
    return session


def _raw_send(server, smtp, n: int) -> float:
    from yibao.delivery.email import OutgoingEmail, send_batch_sync
    mails = [OutgoingEmail(delivery_id=f"raw{i}", to_addr=f"p{i:05d}@h.example.cn", to_name=f"员工{i}",
                           subject="【医保政策培训】关于做好医保支付工作的通知", text="正文" * 200,
                           html="<p>" + "正文" * 200 + "</p>") for i in range(n)]
    start = time.perf_counter()
    send_batch_sync(mails, smtp)
    return time.perf_counter() - start


def main() -> list[dict]:
    import logging
    _env()
    logging.getLogger("mail.log").setLevel(logging.WARNING)   # aiosmtpd logs every command at INFO
    from yibao.delivery.email import SmtpSettings
    from yibao.delivery.report import completion
    from yibao.delivery.service import deliver
    from yibao.devservers.smtp import CaptureSmtpServer

    times: dict[str, list[float]] = {"raw": [], "deliver": [], "rerun": [], "report": []}
    with CaptureSmtpServer(port=0) as server:
        smtp = SmtpSettings(host="127.0.0.1", port=server.port, security="plain", from_addr="b@h.example.cn",
                            concurrency=4, timeout_s=10)
        for r in range(ROUNDS):
            with tempfile.TemporaryDirectory() as tmp:
                session = _store(Path(tmp), N)
                times["raw"].append(_raw_send(server, smtp, N))
                start = time.perf_counter()
                report = deliver(session, now=NOW, smtp=smtp, config=None)
                times["deliver"].append(time.perf_counter() - start)
                assert report.sent == N, report.to_dict()
                start = time.perf_counter()
                again = deliver(session, now=NOW + dt.timedelta(hours=1), smtp=smtp, config=None)
                times["rerun"].append(time.perf_counter() - start)
                assert again.sent == 0
                start = time.perf_counter()
                rows = completion(session, dt.date(2025, 12, 1))
                times["report"].append(time.perf_counter() - start)
                assert rows[-1].assigned == N
                session.close()
            server.reset()
    base = statistics.median(times["raw"])
    notes = {"raw": f"send_batch_sync, {N} mails (baseline)", "deliver": f"plan+render+ledger+send, {N} people",
             "rerun": "re-run, nothing due", "report": f"completion report, {N} assignments"}
    rows = []
    for case, values in times.items():
        median = statistics.median(values)
        rows.append({"bench": "delivery_ledger", "case": case, "median_s": round(median, 4), "baseline": "raw",
                     "ratio": round(median / base, 3), "note": notes[case]})
    return rows


if __name__ == "__main__":
    import logging
    logging.disable(logging.WARNING)
    result = main()
    print(f"{'case':<10} {'median_s':>10} {'ratio':>8}  note")
    for row in result:
        print(f"{row['case']:<10} {row['median_s']:>10.4f} {row['ratio']:>8.3f}  {row['note']}")
