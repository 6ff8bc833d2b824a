"""Robot pacing across processes: the next sender sees the last minute of the previous one's posts."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from delivery_world import session_for  # noqa: E402

from yibao.delivery.ratelimit import RobotLimiter  # noqa: E402
from yibao.delivery.robot_pacing import SharedRobotLimiter  # noqa: E402
from yibao.store.models import RobotPost  # noqa: E402


class FakeTime:
    """One wall clock and one monotonic clock that advance together; sleeping advances both."""

    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def wall(self) -> float:
        return self.t

    def mono(self) -> float:
        return self.t - 1_700_000_000.0

    def sleep(self, s: float) -> None:
        self.t += s


def process(session, clock: FakeTime) -> SharedRobotLimiter:
    """What one Airflow task gets: its own in-memory limiter, wrapped around the shared store."""
    inner = RobotLimiter(per_minute=20, clock=clock.mono, sleep=clock.sleep, margin_s=1.0)
    return SharedRobotLimiter(session, inner, wall=clock.wall)


def test_a_second_process_waits_for_the_first_ones_minute(yibao_db):
    session, clock = session_for(yibao_db), FakeTime()
    first = process(session, clock)
    assert sum(first.acquire("wecom:abc") for _ in range(20)) == 0      # 20 posts at once: allowed
    session.commit()
    assert session.query(RobotPost).filter_by(robot_key="wecom:abc").count() == 20

    clock.sleep(10)                                                       # the next run starts 10 s later
    second = process(session, clock)
    waited = second.acquire("wecom:abc")
    assert 50 <= waited <= 52          # the 21st post waits until the first minute (+1 s margin) is over
    assert second.acquire("dingtalk:other") == 0                          # other robots are not held up


def test_the_same_process_does_not_count_its_own_posts_twice(yibao_db):
    session, clock = session_for(yibao_db), FakeTime()
    inner = RobotLimiter(per_minute=20, clock=clock.mono, sleep=clock.sleep)
    for _ in range(10):
        SharedRobotLimiter(session, inner, wall=clock.wall).acquire("feishu:x")   # one send_due call each
    session.commit()
    assert inner.sent_in_window("feishu:x") == 10


def test_old_posts_are_pruned_and_do_not_hold_anyone(yibao_db):
    session, clock = session_for(yibao_db), FakeTime()
    first = process(session, clock)
    for _ in range(20):
        first.acquire("wecom:abc")
    session.commit()
    clock.sleep(2 * 86400)
    assert process(session, clock).acquire("wecom:abc") == 0
    session.commit()
    assert session.query(RobotPost).count() == 1
