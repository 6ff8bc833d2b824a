from yibao.delivery.ratelimit import RobotLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.now += s


def test_twenty_per_minute_sliding_window():
    clock = FakeClock()
    lim = RobotLimiter(per_minute=20, clock=clock, sleep=clock.sleep, margin_s=0.0)
    times = []
    for _ in range(65):
        lim.acquire("robot-a")
        times.append(clock.now)
    for i in range(len(times)):
        in_window = [t for t in times if times[i] - 60.0 < t <= times[i]]
        assert len(in_window) <= 20
    assert times[19] == 0.0 and times[20] == 60.0 and times[40] == 120.0


def test_keys_are_independent_and_block_pushes_back():
    clock = FakeClock()
    lim = RobotLimiter(per_minute=2, clock=clock, sleep=clock.sleep)
    assert lim.reserve("a") == 0 and lim.reserve("a") == 0
    assert lim.reserve("b") == 0
    assert lim.reserve("a") == 61.0
    lim.block("b", 600)
    assert lim.reserve("b") == 600
