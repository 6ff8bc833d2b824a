"""Exactly once with concurrent workers, on PostgreSQL (where writers really run at the same time).

Four `yibao deliver` processes start at the same instant on the same lessons; a worker killed
mid-batch leaves rows whose lease runs out and another worker finishes them. Counted at the
real SMTP server and IM endpoints, and compared with the ledger.
"""
from __future__ import annotations

import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))
from race_world import PEOPLE, ROBOTS, RaceWorld, run_json  # noqa: E402

from yibao.devservers.im import ImServer  # noqa: E402
from yibao.devservers.smtp import CaptureSmtpServer  # noqa: E402

IM_PEOPLE = [i for i in range(PEOPLE) if i % 4 < 3]


@pytest.fixture()
def smtp_server():
    with CaptureSmtpServer(port=0, security="plain", command_delay_s=0.002) as server:
        yield server


@pytest.fixture()
def im_server():
    with ImServer(port=0) as server:
        yield server


@pytest.fixture()
def world(postgres_url, tmp_path, smtp_server, im_server):
    world = RaceWorld(postgres_url, tmp_path, smtp_server, im_server)
    yield world
    world.session.close()


def assert_each_message_once(world) -> None:
    rows = world.ledger()
    assert Counter(r.channel.split(":")[0] for r in rows) == {"email": PEOPLE, "wecom": 6, "dingtalk": 6, "feishu": 6}
    assert {r.state for r in rows} == {"sent"}
    # at the SMTP server: every doctor exactly once, one Message-ID per ledger row
    assert world.mails_by_rcpt() == Counter({f"d{i:02d}@h.example.cn": 1 for i in range(PEOPLE)})
    assert len({m.message_id for m in world.smtp_server.messages}) == PEOPLE
    # at the IM robots: each doctor named in exactly one accepted message on their ward's robot
    named = world.im_people_per_robot()
    for n, (_name, (_platform, key)) in enumerate(ROBOTS.items()):
        assert named[key] == Counter({f"{i:02d}": 1 for i in IM_PEOPLE if i % 4 == n}), key


def test_four_workers_deliver_the_same_lessons_at_once_nothing_twice_nothing_lost(world):
    procs = world.start_together(4, world.deliver_args())
    reports = [run_json(p) for p in procs]

    assert_each_message_once(world)
    assert sum(r["planned"] for r in reports) == PEOPLE + len(IM_PEOPLE)    # each row planned by one worker
    assert sum(r["sent"] for r in reports) == PEOPLE + len(IM_PEOPLE)       # and sent by one worker
    assert all(r["failed_retryable"] == r["failed_permanent"] == 0 for r in reports)
    print("messages sent per worker:", [r["sent"] for r in reports])


def test_a_killed_worker_leaves_leased_rows_another_finishes_with_the_same_message_id(world):
    world.smtp_server.command_delay_s = 0.02          # a slower server: the kill lands mid-batch
    victim = world.start_together(1, world.deliver_args())[0]
    while len(world.smtp_server.messages) < 5 and victim.poll() is None:
        time.sleep(0.002)
    victim.send_signal(signal.SIGKILL)                # killed the hard way: no clean-up runs
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    stranded = {r.id for r in world.ledger() if r.state == "sending"}
    assert stranded, "the killed worker left no claimed rows"
    received_before = Counter(m.message_id for m in world.smtp_server.messages)
    assert len(received_before) < PEOPLE

    # two workers run while the lease still holds: they send the rest, but never the leased rows
    early = [run_json(p) for p in world.start_together(2, world.deliver_args())]
    assert {r.id for r in world.ledger() if r.state == "sending"} == stranded
    assert sum(r["resent_after_lease"] for r in early) == 0

    # the lease runs out (15 min; moved back here instead of waiting), and another worker finishes them
    world.session.execute(text("UPDATE deliveries SET claimed_at = claimed_at - interval '20 minutes' "
                               "WHERE state = 'sending'"))
    world.session.commit()
    report = run_json(world.start_together(1, world.deliver_args())[0])
    assert report["resent_after_lease"] == len(stranded) and report["sent"] == len(stranded)
    assert {r.state for r in world.ledger()} == {"sent"}
    by_id = Counter(m.message_id for m in world.smtp_server.messages)
    assert len(by_id) == PEOPLE and set(world.mails_by_rcpt()) == {f"d{i:02d}@h.example.cn" for i in range(PEOPLE)}
    # a second copy exists only of a mail that reached the server before the worker died, and it
    # carries the same Message-ID (so mail clients drop it); the IM messages went out once each
    assert {mid for mid, n in by_id.items() if n > 1} <= set(received_before)
    assert max(by_id.values()) <= 2
    named = world.im_people_per_robot()
    assert all(max(counts.values()) == 1 for counts in named.values())
