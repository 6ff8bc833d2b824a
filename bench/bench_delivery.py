"""Delivery throughput: yibao's bulk email sender vs Airflow's stock send_email, and IM pacing.

Run:  .venv/bin/python bench/bench_delivery.py [--n 5000] [--stock-sample-tls 120] [--tls-concurrency 12]

Email (both set-ups send the same personalised lesson mails; building each message is
included in the timing on both sides):
  * yibao  = ``send_batch_sync``: lesson rendered once per role, per-person fields
    substituted; headers folded once per lesson; UTF-8 ``8bit`` parts because the server
    advertises 8BITMIME; ``concurrency`` connections each reused; uvloop.
  * stock  = ``airflow.utils.email.send_email_smtp`` itself, configured through
    ``AIRFLOW__SMTP__*`` env vars (one smtplib connection per message, MIMEMultipart).
The SMTP server (``CaptureSmtpServer`` on uvloop) runs in a separate process so it does
not compete with the sender for the GIL; both senders talk to the same server process.
  1. loopback, plain SMTP, no delay;
  2. "realistic": implicit TLS (port-465 style, throw-away cert) + 20 ms server delay per
     SMTP reply. Stock is measured on a sample (``--stock-sample-tls``) because 5,000
     mails at ~6 msg/s would take 15 minutes; its rate is per message, so the ratio holds.
Peak memory = peak RSS growth of the sending process during the run (sampled every 5 ms).
CPU per message is given for the sending process and for the server process (user+sys
from /proc), so a reader can see which side bounds a run (the machine may have 2 cores).

IM: three platforms x two robots on the local webhook server with a SHORT MINUTE
(window 1 s instead of 60 s, on both the server and ``RobotLimiter``) so the bench ends
fast; the server enforces 20 per window and reports any rate-limit answers.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SENDER = "peixun@yibao-bench.example.cn"
LINK_SECRET = b"bench-link-secret"
LESSON_SUBJECT = "【医保办】2025年国家医保药品目录调整要点——{role}培训（请于12月16日前完成）"
LESSON_TEXT = """{name}，您好：

国家医保局、人力资源社会保障部印发《国家基本医疗保险、生育保险和工伤保险药品目录（2025年）》，
自2026年1月1日起执行。与{role}相关的变化：
""" + "\n".join(f"{i}. 第{i}项调整：限定支付范围、备案要求与结算口径的具体变化说明。" for i in range(1, 31)) + """

阅读全文：{read_url}
完成学习后请确认：{ack_url}
"""
LESSON_HTML = ("<html><body><p>{name}，您好：</p><p>与<b>{role}</b>相关的变化如下：</p><ol>"
               + "".join(f"<li>第{i}项调整：限定支付范围、备案要求与结算口径的具体变化说明。</li>" for i in range(1, 31))
               + '</ol><p><a href="{read_url}">阅读全文</a> · <a href="{ack_url}">确认已学习</a></p></body></html>')


# ---------------------------------------------------------------- server process
def serve(security: str, delay_ms: float, server_kind: str = "fast") -> None:
    """Child process: run a CaptureSmtpServer; stdin commands 'count' / 'reset'.
    server_kind "fast": block-wise DATA + uvloop; "aiosmtpd": aiosmtpd's own DATA path on asyncio."""
    import logging
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    from yibao.devservers.smtp import CaptureSmtpServer
    fast = server_kind == "fast"
    srv = CaptureSmtpServer(security=security, command_delay_s=delay_ms / 1000, fast_paths=fast,
                            event_loop="uvloop" if fast else "asyncio").start()
    print(json.dumps({"port": srv.port, "cert": str(srv.cert_file or "")}), flush=True)
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "count":
            print(json.dumps({"count": srv.accepted_count, "connections": srv.connections}), flush=True)
        elif cmd == "reset":
            srv.reset()
            print("{}", flush=True)
    srv.stop()


class ServerProcess:
    def __init__(self, security: str, delay_ms: float, server_kind: str = "fast") -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", security, str(delay_ms), server_kind],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO)
        info = json.loads(self.proc.stdout.readline())
        self.port, self.cert = info["port"], info["cert"] or None

    def cpu_s(self) -> float:
        """User+system CPU seconds the server process has used so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def ask(self, cmd: str) -> dict:
        self.proc.stdin.write(cmd + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


# ---------------------------------------------------------------- workload
def recipients(n: int) -> list[tuple[str, str, str, str]]:
    roles = ["临床医生", "药师", "医保办", "收费处"]
    return [(f"d{i:06d}", f"user{i}@hospital.example.cn", f"医生{i:04d}", roles[i % 4]) for i in range(n)]


def personalised(n: int) -> Iterator:
    """Lesson rendered once per role; per person only name and signed links differ."""
    from yibao.delivery.email import OutgoingEmail
    from yibao.delivery.tokens import sign_link
    base = "https://yibao.example.cn/l"
    rendered = {}
    for did, addr, name, role in recipients(n):
        if role not in rendered:   # "render the template once per lesson (and role)"
            rendered[role] = (LESSON_SUBJECT.format(role=role),
                              LESSON_TEXT.replace("{role}", role), LESSON_HTML.replace("{role}", role))
        subject, text, html = rendered[role]
        links = {k: sign_link(base, k, did, secret=LINK_SECRET, ttl_s=86400 * 14) for k in ("read", "ack")}
        unsub = sign_link(base, "unsubscribe", did, secret=LINK_SECRET, ttl_s=86400 * 90)
        fill = lambda t: t.replace("{name}", name).replace("{read_url}", links["read"]).replace("{ack_url}", links["ack"])  # noqa: E731
        yield OutgoingEmail(did, addr, name, subject, fill(text), fill(html), unsub, {"X-Yibao-Lesson": "L2025-33"})


class PeakRss:
    """Peak RSS growth of this process while the block runs (sampled)."""
    def __enter__(self):
        self.base = self.peak = self._rss()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._t.start()
        return self

    def _loop(self):
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self._rss())

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 2 ** 20


@dataclass
class Run:
    elapsed_s: float
    peak_mb: float
    client_cpu_s: float
    server_cpu_s: float
    connections: int


class CpuUse:
    """CPU seconds used by this process and by the server process while the block runs."""
    def __init__(self, server: ServerProcess) -> None:
        self.server = server

    def __enter__(self):
        self._client0, self._server0 = time.process_time(), self.server.cpu_s()
        return self

    def __exit__(self, *exc):
        self.client_s = time.process_time() - self._client0
        self.server_s = self.server.cpu_s() - self._server0


def run_yibao(server: ServerProcess, security: str, n: int, concurrency: int) -> Run:
    from yibao.delivery.email import SmtpSettings, send_batch_sync
    settings = SmtpSettings(host="127.0.0.1", port=server.port, security=security, from_addr=SENDER,
                            ca_file=server.cert, concurrency=concurrency, timeout_s=30)
    server.ask("reset")
    with PeakRss() as mem, CpuUse(server) as cpu:
        t0 = time.perf_counter()
        results = send_batch_sync(personalised(n), settings)
        elapsed = time.perf_counter() - t0
    ok = sum(r.ok for r in results)
    got = server.ask("count")
    assert ok == n == got["count"], (ok, n, got)
    return Run(elapsed, mem.mb, cpu.client_s, cpu.server_s, got["connections"])


def run_stock(server: ServerProcess, security: str, n: int) -> Run:
    """airflow.utils.email.send_email_smtp, configured the stock way (env → airflow.cfg)."""
    os.environ.update({
        "AIRFLOW__SMTP__SMTP_HOST": "127.0.0.1", "AIRFLOW__SMTP__SMTP_PORT": str(server.port),
        "AIRFLOW__SMTP__SMTP_STARTTLS": "False", "AIRFLOW__SMTP__SMTP_SSL": str(security == "tls"),
        "AIRFLOW__SMTP__SMTP_MAIL_FROM": SENDER, "AIRFLOW__SMTP__SMTP_RETRY_LIMIT": "0",
        "AIRFLOW__SMTP__SMTP_TIMEOUT": "30", "AIRFLOW__EMAIL__SSL_CONTEXT": "default",
        "AIRFLOW_CONN_SMTP_DEFAULT": "smtp://127.0.0.1",
    })
    if server.cert:
        os.environ["SSL_CERT_FILE"] = server.cert      # ssl.create_default_context() trusts the test cert
    from airflow.utils.email import send_email_smtp
    server.ask("reset")
    with PeakRss() as mem, CpuUse(server) as cpu:
        t0 = time.perf_counter()
        for mail in personalised(n):
            send_email_smtp(mail.to_addr, mail.subject, mail.html, mime_subtype="alternative",
                            custom_headers={"Message-ID": f"<yibao.{mail.delivery_id}@x>"})
        elapsed = time.perf_counter() - t0
    got = server.ask("count")
    assert got["count"] == n, got
    return Run(elapsed, mem.mb, cpu.client_s, cpu.server_s, got["connections"])


def email_rows(n: int, tls_sample: int, tls_concurrency: int) -> list[dict]:
    import logging
    logging.disable(logging.INFO)     # airflow logs one line per stock message
    rows = []
    for label, security, delay, stock_n, conc, server_kind in (
        ("loopback plain", "plain", 0.0, n, 6, "fast"),
        ("loopback plain, aiosmtpd's own DATA path", "plain", 0.0, n, 6, "aiosmtpd"),
        ("TLS:465 + 20ms/cmd", "tls", 20.0, tls_sample, tls_concurrency, "fast"),
    ):
        server = ServerProcess(security, delay, server_kind)
        try:
            y = run_yibao(server, security, n, conc)
            st = run_stock(server, security, stock_n)
        finally:
            server.close()
        y_rate, s_rate = n / y.elapsed_s, stock_n / st.elapsed_s
        rows.append({"bench": "delivery", "case": f"email {label}: airflow send_email_smtp",
                     "median_s": st.elapsed_s / stock_n, "baseline": "airflow send_email_smtp", "ratio": 1.0,
                     "note": f"{s_rate:.0f} msg/s over {stock_n} msgs, 1 connection/msg, peak +{st.peak_mb:.1f} MB, "
                             + _cpu_note(st, stock_n)})
        rows.append({"bench": "delivery", "case": f"email {label}: yibao send_batch c={conc}",
                     "median_s": y.elapsed_s / n, "baseline": "airflow send_email_smtp", "ratio": y_rate / s_rate,
                     "note": f"{y_rate:.0f} msg/s over {n} msgs, {y.connections} connections, "
                             f"peak +{y.peak_mb:.1f} MB, " + _cpu_note(y, n)})
    logging.disable(logging.NOTSET)
    return rows


def _cpu_note(run: Run, n: int) -> str:
    return (f"CPU/msg: sender {run.client_cpu_s / n * 1e6:.0f} us, "
            f"server {run.server_cpu_s / n * 1e6:.0f} us")


# ---------------------------------------------------------------- IM
def im_rows(per_robot: int = 50, window_s: float = 1.0) -> list[dict]:
    import httpx

    from yibao.delivery.im import ImMessage, ImTarget, send_im
    from yibao.delivery.ratelimit import RobotLimiter
    from yibao.devservers.im import ImServer

    rows = []
    for paced in (False, True):
        with ImServer(window_s=window_s, throttle_s=window_s * 10) as srv:
            targets = []
            for platform in ("wecom", "dingtalk", "feishu"):
                for j in range(2):
                    key = f"{platform}-{j}-{paced}"
                    srv.add_robot(platform, key, per_minute=20)
                    targets.append((key, ImTarget(platform, srv.url_for(platform, key))))
            limiter = (RobotLimiter(per_minute=20, window_s=window_s, margin_s=window_s * 0.03) if paced
                       else _Unpaced(per_minute=10 ** 9))
            results: list = []

            def robot_worker(target: ImTarget) -> None:   # one sender per robot, all sharing the limiter
                with httpx.Client() as client:
                    for i in range(per_robot):
                        msg = ImMessage(f"{target.limiter_key}-{i}", "医保目录调整", f"第{i}条 **要点**：……")
                        results.append(send_im(target, msg, limiter=limiter, session=client))

            t0 = time.perf_counter()
            threads = [threading.Thread(target=robot_worker, args=(t,)) for _, t in targets]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - t0
            log = srv.received
        codes = Counter(r.response.get("errcode", r.response.get("code")) for r in log if r.response)
        rejected = sum(v for k, v in codes.items() if k in (45009, 130101, 11232))
        worst = _max_in_window([r for r in log if r.accepted], window_s)
        total = per_robot * len(targets)
        ok = sum(r.ok for r in results)
        rows.append({
            "bench": "delivery",
            "case": f"IM 6 robots x {per_robot}: {'RobotLimiter 20/window' if paced else 'unpaced burst'}",
            "median_s": elapsed / total, "baseline": "unpaced burst", "ratio": None,
            "note": (f"short minute = {window_s:g}s; {ok}/{total} ok in {elapsed:.2f}s, {ok / elapsed:.0f} msg/s "
                     f"overall = {ok / elapsed * window_s / len(targets):.1f} per robot per window; "
                     f"max accepted in any window per robot: {worst} (limit 20); "
                     f"rate-limit answers: {rejected}"),
        })
    return rows


def _unpaced_block(self, key: str, seconds: float) -> None:
    pass


def _Unpaced(**kw):
    """Baseline: no pacing and no back-off after a rate-limit answer."""
    from yibao.delivery.ratelimit import RobotLimiter
    limiter = RobotLimiter(**kw)
    limiter.block = _unpaced_block.__get__(limiter)   # type: ignore[method-assign]
    return limiter


def _max_in_window(entries, window_s: float) -> int:
    by_key: dict[str, list[float]] = {}
    for e in entries:
        by_key.setdefault(e.key, []).append(e.at)
    worst = 0
    for times in by_key.values():
        times.sort()
        q: deque = deque()
        for t in times:
            q.append(t)
            while q[0] <= t - window_s:
                q.popleft()
            worst = max(worst, len(q))
    return worst


# ---------------------------------------------------------------- main
def main(n: int = 5000, tls_sample: int = 120, tls_concurrency: int = 12) -> list[dict]:
    import logging
    logging.getLogger("yibao.delivery.im.send").setLevel(logging.ERROR)   # the unpaced run is noisy by design
    rows = email_rows(n, tls_sample, tls_concurrency) + im_rows()
    print(f"{'case':62s} {'median_s':>10s} {'ratio':>7s}  note")
    for r in rows:
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.1f}x"
        print(f"{r['case']:62s} {r['median_s']:10.5f} {ratio:>7s}  {r['note']}")
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], float(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "fast")
        sys.exit(0)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--stock-sample-tls", type=int, default=120)
    ap.add_argument("--tls-concurrency", type=int, default=12)
    a = ap.parse_args()
    main(a.n, a.stock_sample_tls, a.tls_concurrency)
