#!/usr/bin/env python3
"""Benchmark: citizens' registration POSTs against the production server.

Usage: ``python bench/registration.py [--quick]``. Starts gunicorn (2 sync workers, as
``make serve``) on a temporary SQLite database with a few sites, then drives it from a load
generator in this script (processes x threads, one connection per request, as the sync worker
closes it anyway; each thread encodes its requests before the clock starts and reads no more
of an answer than its status, so that the generator takes as little as it can of the cores it
shares with the server):

- ``bare_view_per_s``: ``GET /bench/bare``, a view that returns "ok" through the same middleware
  (bench/registration_server/), the ceiling for this server;
- ``registrations_per_s``: the public form's no-JavaScript POST (CSRF token and cookie, a driver
  on a road checkpoint, a different person and plate each time), answered by a 303 to the pass;
- ``api_registrations_per_s``: the same through ``POST /api/v1/registrations`` (JSON);
- ``ratio`` = registrations_per_s / bare_view_per_s (target >= 0.25; and >= 1,000/s); the
  two are measured in turns (five rounds of each in a full run, ``*_rounds`` per round), as
  this shared machine's speed drifts over minutes;
- ``lookup_p99_ms``: an officer's look-up of a pass by short code plus the screening decision
  (``POST /api/v1/checks/decide``) if that API exists, else the look-up alone (see ``notes``),
  at half the rate the pair reaches flat out; ``lookup_only_p99_ms``: the look-up alone, at
  the same rate;
- ``form_first_load_bytes``: bytes on the wire for the form page and what it loads, gzip on;
- ``rss_mb_start`` / ``rss_mb_end``: resident memory of each gunicorn worker, and
  ``rss_anon_mb_*`` the part that is the worker's own (without the mapped database file);
- ``one_at_a_time_ms``: the mean time of a bare, form and API request sent one at a time;
- ``server_cpu_ms``: the workers' CPU per bare and per form request in those rounds, [user,
  system] in ms, and ``server_cpu_ratio`` = bare / form in total: with both cores busy the
  throughputs' ratio follows it, less the load generator's own share of the cores.

Progress goes to stderr; the last line of stdout is one JSON object. A full run takes about
five minutes, ``--quick`` about thirty seconds. The load generator shares the machine's cores
with the server, so figures are a floor for a server with the machine to itself.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SITES = ("BENCH-1", "BENCH-2", "BENCH-3")
OFFICER, PASSWORD = "bench-officer", "bench-password-0"
WORKERS = 2
PROCESSES, THREADS = 2, 4
ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the server -----------------------------------------------------------------------------


def seed() -> None:
    """Run inside ``manage.py shell``: a brigade, three checkpoints and an officer."""
    from django.contrib.auth import get_user_model

    from fangkong.org.choices import StaffKind, UnitKind
    from fangkong.org.models import Staff, Unit
    from fangkong.sites.choices import SiteKind
    from fangkong.sites.models import Site

    unit = Unit.objects.create(
        code="620702", name="甘州大队", kind=UnitKind.BRIGADE, path="/620702/"
    )
    for i, code in enumerate(SITES):
        Site.objects.create(
            code=code, name=f"基准卡点{i + 1}", kind=SiteKind.CHECKPOINT, unit=unit,
            lng=100.4 + i / 100, lat=38.9, division_code="620702",
        )  # fmt: skip
    user = get_user_model().objects.create_user(OFFICER, password=PASSWORD)
    Staff.objects.create(
        unit=unit, user=user, name="基准民警", kind=StaffKind.OFFICER, badge_number="900001"
    )


class Server:
    def __init__(self, data_dir: Path, gunicorn_args: tuple[str, ...] = ()) -> None:
        self.gunicorn_args = list(gunicorn_args)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.registration_server.settings",
            "FANGKONG_ENV": "development",
            "FANGKONG_DEBUG": "false",
            "FANGKONG_DATA_DIR": str(data_dir),
            "FANGKONG_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("FANGKONG_DATABASE_URL", None)
        self.log = data_dir / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def start(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        command = [sys.executable, "-m", "gunicorn", "fangkong.wsgi"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS)]
        command += ["--backlog", "2048", "--timeout", "60", *self.gunicorn_args]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text())
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not come up")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def worker_rss_mb(self, field: str = "VmRSS") -> list[float]:
        return [rss_mb(pid, field) for pid in self.worker_pids()]

    def worker_cpu_s(self) -> tuple[float, float]:
        """User and system CPU seconds the workers have used so far (their threads too)."""
        tick = os.sysconf("SC_CLK_TCK")
        user = system = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            user, system = user + int(fields[11]), system + int(fields[12])
        return user / tick, system / tick

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory; ``RssAnon`` is the process's own, without the file pages it maps
    (SQLite's memory-mapped database, the kernel's page cache that all workers share)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


# --- a tiny HTTP client ----------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> tuple[int, dict[str, list[str]], bytes, int]:
    """One request on a fresh connection: status, headers, body, bytes received."""
    data = exchange(port, encode(method, path, headers, body))
    head, _, content = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed: dict[str, list[str]] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        parsed.setdefault(name.strip().lower(), []).append(value.strip())
    return int(status_line.split()[1]), parsed, content, len(data)


def encode(
    method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def exchange(port: int, raw: bytes) -> bytes:
    """Send ``raw`` on a fresh connection and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status(port: int, raw: bytes) -> int:
    """The status of the answer to ``raw``, the least a load generator has to read."""
    return int(exchange(port, raw)[9:12])


def cookie(headers: dict[str, list[str]], name: str) -> str:
    for value in headers.get("set-cookie", []):
        if value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return ""


def csrf(port: int, path: str) -> tuple[str, str]:
    """The CSRF cookie and the form's token from a GET of ``path``."""
    status, headers, body, _ = request(port, "GET", path)
    assert status == 200, (path, status)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    return cookie(headers, "csrftoken"), token.group(1).decode()


# --- what a citizen sends --------------------------------------------------------------------


def id_number(n: int) -> str:
    birth = date(1950, 1, 1) + timedelta(days=n // 1000)
    first17 = f"620702{birth:%Y%m%d}{n % 1000:03d}"
    return (
        first17
        + "10X98765432"[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]
    )


def plate(n: int) -> str:
    chars = []
    for _ in range(5):
        n, digit = divmod(n, len(PLATE_CHARS))
        chars.append(PLATE_CHARS[digit])
    return "甘G" + "".join(chars)


def road_fields(n: int, only: tuple[str, ...] = ()) -> dict[str, str]:
    """A driver's road registration; ``only`` the fields that differ from one to the next."""
    personal = {"doc_number": id_number(n), "phone": f"139{n:08d}", "plate": plate(n)}
    if only:
        return {name: personal[name] for name in only}
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return {
        "name": "张三丰",
        "doc_type": "resident_id",
        **personal,
        "role": "driver",
        "vehicle_kind": "car",
        "origin": "620102",
        "destination": "张掖市甘州区",
        "purpose": "返乡",
        "health_code": "green",
        "itinerary": "normal",
        "nat_date": (today - timedelta(days=1)).isoformat(),
        "nat_result": "negative",
    }


# --- workloads: each thread prepares once, then sends request after request ------------------

Prepared = dict[str, Any]
Prepare = Callable[[int, dict[str, Any], int, int], Prepared]
Step = Callable[[int, Prepared, int], bool]


def prebuilt(build: Callable[[int], bytes], first_n: int, count: int, expect: int) -> Prepared:
    """Requests ``first_n`` to ``first_n + count`` encoded before the clock starts: the load
    generator shares the cores with the server, and the work of building a form's body and
    headers (several times a bare GET's) would otherwise be charged to the form's server."""
    return {
        "first": first_n,
        "raws": [build(n) for n in range(first_n, first_n + count)],
        "build": build,
        "expect": expect,
    }


def prebuilt_step(port: int, state: Prepared, n: int) -> bool:
    index = n - state["first"]
    raws = state["raws"]
    raw = raws[index] if 0 <= index < len(raws) else state["build"](n)
    return status(port, raw) == state["expect"]


BARE = encode("GET", "/bench/bare")


def bare_prepare(port: int, context: dict[str, Any], first_n: int, count: int) -> Prepared:
    return prebuilt(lambda n: BARE, first_n, count, 200)


DYNAMIC_FIELDS = ("doc_number", "phone", "plate")


def form_prepare(port: int, context: dict[str, Any], first_n: int, count: int) -> Prepared:
    csrf_cookie, token = csrf(port, f"/r/{SITES[0]}/road/")
    common = {k: v for k, v in road_fields(0).items() if k not in DYNAMIC_FIELDS}
    common.update({"csrfmiddlewaretoken": token, "companions-rows": "1"})
    common["places_passed-rows"] = "1"
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf_cookie}",
    }
    encoded = urllib.parse.urlencode(common).encode()

    def build(n: int) -> bytes:
        fields = road_fields(n, only=DYNAMIC_FIELDS)
        fields["submission_key"] = f"form-{n}"
        body = encoded + b"&" + urllib.parse.urlencode(fields).encode()
        return encode("POST", f"/r/{SITES[n % len(SITES)]}/road/", headers, body)

    return prebuilt(build, first_n, count, 303)


def api_body(n: int, site: str) -> bytes:
    payload = {**road_fields(n), "site_code": site, "kind": "road", "submission_key": f"api-{n}"}
    return json.dumps(payload).encode()


def api_prepare(port: int, context: dict[str, Any], first_n: int, count: int) -> Prepared:
    headers = {"Content-Type": "application/json"}

    def build(n: int) -> bytes:
        body = api_body(n, SITES[n % len(SITES)])
        return encode("POST", "/api/v1/registrations", headers, body)

    return prebuilt(build, first_n, count, 201)


def officer_login(port: int) -> dict[str, str]:
    """Log the officer in once (hashing the password takes a while), for every thread."""
    csrf_cookie, token = csrf(port, "/accounts/login/")
    body = urllib.parse.urlencode(
        {"username": OFFICER, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf_cookie}",
    }
    status, response_headers, _, _ = request(port, "POST", "/accounts/login/", headers, body)
    session = cookie(response_headers, "sessionid")
    assert status == 302 and session, "officer login failed"
    csrf_cookie = cookie(response_headers, "csrftoken") or csrf_cookie
    return {"Cookie": f"csrftoken={csrf_cookie}; sessionid={session}", "csrf": csrf_cookie}


def officer_prepare(port: int, context: dict[str, Any], first_n: int, count: int) -> Prepared:
    login = context["login"]
    return {
        "headers": {"Cookie": login["Cookie"]},
        "csrf": login["csrf"],
        "codes": context["codes"],
        "decide": context["decide"],
    }


def officer_step(port: int, state: Prepared, n: int) -> bool:
    code = state["codes"][n % len(state["codes"])]
    headers = {
        **state["headers"],
        "Content-Type": "application/json",
        "X-CSRFToken": state["csrf"],
    }
    # By POST: the code stays out of URLs and access logs.
    query = json.dumps({"code": code}).encode()
    status, _, body, _ = request(port, "POST", "/api/v1/registrations/lookup", headers, query)
    if status != 200:
        return False
    if not state["decide"]:
        return True
    people = [{"registration_id": r["id"], "temperature": 36.5} for r in json.loads(body)]
    payload = json.dumps({"people": people}).encode()
    return request(port, "POST", "/api/v1/checks/decide", headers, payload)[0] == 200


# Each workload: how a thread prepares, how it sends one request, and the most requests per
# second the whole generator could send (for how many to build before the clock starts).
WORKLOADS: dict[str, tuple[Prepare, Step, int]] = {
    "bare": (bare_prepare, prebuilt_step, 10_000),
    "form": (form_prepare, prebuilt_step, 2_500),
    "api": (api_prepare, prebuilt_step, 2_500),
    "officer": (officer_prepare, officer_step, 0),
}


# --- the load generator ----------------------------------------------------------------------


def _process(
    args: tuple[str, int, dict[str, Any], float, float | None, int, int, Any, Any],
) -> None:
    name, port, context, seconds, rate, first_n, index, queue, barrier = args
    prepare, step, ceiling = WORKLOADS[name]
    count = int(seconds * ceiling / (PROCESSES * THREADS)) + 1
    results: list[tuple[int, int, list[float]]] = []
    lock = threading.Lock()

    def thread(t: int) -> None:
        n = first_n + index * 1_000_000 + t * 100_000
        state = prepare(port, context, n, count)
        ok = errors = 0
        latencies: list[float] = []
        barrier.wait()  # Every thread of every process starts sending at once.
        started = time.perf_counter()
        interval = THREADS * PROCESSES / rate if rate else 0.0
        due = started + interval * (t / THREADS)
        while (now := time.perf_counter()) - started < seconds:
            if interval:
                if now < due:
                    time.sleep(due - now)
                sent = due  # Latency from when it was due: no coordinated omission.
                due += interval
            else:
                sent = now
            try:
                success = step(port, state, n)
            except OSError:
                success = False
            latencies.append(time.perf_counter() - sent)
            ok, errors = ok + success, errors + (not success)
            n += 1
        with lock:
            results.append((ok, errors, latencies))

    threads = [threading.Thread(target=thread, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(results)


def load(
    name: str,
    port: int,
    seconds: float,
    *,
    rate: float | None = None,
    first_n: int = 0,
    context: dict[str, Any] | None = None,
) -> dict[str, float]:
    """Run a workload for ``seconds``, flat out or at ``rate`` requests/s in all."""
    queue: Any = multiprocessing.Queue()
    barrier = multiprocessing.Barrier(PROCESSES * THREADS)
    processes = [
        multiprocessing.Process(
            target=_process,
            args=((name, port, context or {}, seconds, rate, first_n, i, queue, barrier),),
        )
        for i in range(PROCESSES)
    ]
    began = time.perf_counter()
    for process in processes:
        process.start()
    results = [item for _ in processes for item in queue.get()]
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - began
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    latencies = [x for r in results for x in r[2]]
    figures = summarise(ok, errors, seconds, latencies, elapsed)
    log(f"{name}{'' if rate is None else f' at {rate:.0f}/s'}: {figures}")
    return {**figures, "latencies": latencies}


def summarise(
    ok: int, errors: int, seconds: float, latencies: list[float], elapsed: float
) -> dict[str, float]:
    latencies = sorted(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
    return {
        "per_s": round(ok / seconds, 1),
        "errors": errors,
        "p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else 0.0,
        "p99_ms": round(p99 * 1000, 2),
        "wall_s": round(elapsed, 1),
    }


def alternate(server: Server, phase: dict[str, int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bare view and the form in turns, ``phase["rounds"]`` of each: this machine's speed
    drifts by a tenth or more over minutes, and the ratio should compare like with like.

    Also what each request costs the workers in CPU (``cpu_ms``: user, system), the figure
    that the throughputs' ratio follows while the generator and the workers keep both cores
    busy, and that drifts less than they do."""
    rounds = phase["rounds"]
    parts: dict[str, list[dict[str, Any]]] = {"bare": [], "form": []}
    for r in range(rounds):
        # Fresh submission keys and people each round (and birth dates still in the past).
        for name, first_n in (("bare", 0), ("form", 10_000_000 + 2_000_000 * r)):
            before = server.worker_cpu_s()
            figures = load(name, server.port, phase[name] / rounds, first_n=first_n)
            after = server.worker_cpu_s()
            figures["cpu_s"] = [a - b for a, b in zip(after, before, strict=True)]
            parts[name].append(figures)
    combined = []
    for name in ("bare", "form"):
        runs = parts[name]
        seconds = phase[name]
        ok = round(sum(run["per_s"] * seconds / rounds for run in runs))
        figures = summarise(
            ok,
            sum(int(run["errors"]) for run in runs),
            seconds,
            [x for run in runs for x in run["latencies"]],
            sum(run["wall_s"] for run in runs),
        )
        figures["rounds_per_s"] = [run["per_s"] for run in runs]
        requests = sum(len(run["latencies"]) for run in runs)
        figures["cpu_ms"] = [
            round(sum(run["cpu_s"][i] for run in runs) / requests * 1000, 3) for i in (0, 1)
        ]
        log(f"{name}, {rounds} rounds: {figures}")
        combined.append(figures)
    return combined[0], combined[1]


# --- the run ---------------------------------------------------------------------------------


def first_load_bytes(port: int) -> int:
    path = f"/r/{SITES[0]}/road/"
    status, _, body, received = request(port, "GET", path, {"Accept-Encoding": "gzip"})
    assert status == 200
    total = received
    html = body
    try:
        import gzip

        html = gzip.decompress(body)
    except OSError:
        pass
    for url in re.findall(rb'<(?:link|script|img)[^>]+(?:href|src)="(/[^"]+)"', html):
        total += request(port, "GET", url.decode(), {"Accept-Encoding": "gzip"})[3]
    return total


def one_at_a_time_ms(port: int, count: int) -> dict[str, float]:
    """Mean time of one request with no other load: what a request costs the server, the
    client and the loopback, without queueing behind others."""
    figures = {}
    for offset, name in enumerate(("bare", "form", "api")):
        prepare, step, _ = WORKLOADS[name]
        first_n = 7_000_000 + offset * 100_000
        state = prepare(port, {}, first_n, count)
        began = time.perf_counter()
        for n in range(first_n, first_n + count):
            assert step(port, state, n), name
        figures[name] = round((time.perf_counter() - began) / count * 1000, 2)
    log(f"one at a time: {figures}")
    return figures


def pass_codes(port: int, count: int) -> list[str]:
    codes = []
    for n in range(count):
        status, _, body, _ = request(
            port,
            "POST",
            "/api/v1/registrations",
            {"Content-Type": "application/json"},
            api_body(9_000_000 + n, SITES[0]),
        )
        assert status == 201, body
        codes.append(json.loads(body)["short_code"])
    return codes


def has_decide_api(port: int) -> bool:
    _, _, body, _ = request(port, "GET", "/api/v1/openapi.json")
    return b'"check_decide"' in body


def run(quick: bool) -> dict[str, Any]:
    # Seconds per phase: about 30 s in all with --quick, 5 minutes without.
    phase = {"warm": 1, "bare": 4, "form": 6, "api": 4, "officer": 3, "half": 4, "alone": 2}
    phase["one"], phase["rounds"] = 100, 1  # Requests, not seconds; bare/form turns.
    if not quick:
        phase = {"warm": 3, "bare": 40, "form": 90, "api": 50, "officer": 30, "half": 45}
        phase["alone"], phase["one"], phase["rounds"] = 20, 500, 5
    with tempfile.TemporaryDirectory(prefix="fangkong-bench-") as tmp:
        server = Server(Path(tmp))
        log("migrating and seeding a temporary database")
        server.manage("migrate", "--no-input", "-v", "0")
        server.manage("shell", "-c", "import bench.registration as b; b.seed()")
        server.start()
        try:
            return measure(server, phase)
        finally:
            server.stop()


def measure(server: Server, phase: dict[str, int]) -> dict[str, Any]:
    port = server.port
    rss_start = server.worker_rss_mb()
    anon_start = server.worker_rss_mb("RssAnon")
    first_load = first_load_bytes(port)
    load("bare", port, phase["warm"])
    load("form", port, phase["warm"], first_n=5_000_000)
    sequential = one_at_a_time_ms(port, phase["one"])
    bare, form = alternate(server, phase)
    api = load("api", port, phase["api"], first_n=2_000_000)
    decide = has_decide_api(port)
    context = {"codes": pass_codes(port, 50), "decide": decide, "login": officer_login(port)}
    flat_out = load("officer", port, phase["officer"], context=context)
    half = load("officer", port, phase["half"], rate=flat_out["per_s"] / 2, context=context)
    alone = {**context, "decide": False}
    lookup_only = load("officer", port, phase["alone"], rate=flat_out["per_s"] / 2, context=alone)
    rss_end = server.worker_rss_mb()
    anon_end = server.worker_rss_mb("RssAnon")
    notes = [
        "registrations_per_s: the no-JS form POST (CSRF, 303 to the pass), one driver each",
        f"load generator: {PROCESSES} processes x {THREADS} threads on the same cores",
    ]
    if decide:
        notes.append("lookup_p99_ms: GET /api/v1/registrations/lookup + POST /api/v1/checks/decide")
    else:
        notes.append("lookup_p99_ms: the look-up alone; /api/v1/checks/decide is not there yet")
    return {
        "registrations_per_s": form["per_s"],
        "api_registrations_per_s": api["per_s"],
        "bare_view_per_s": bare["per_s"],
        "ratio": round(form["per_s"] / bare["per_s"], 3) if bare["per_s"] else 0.0,
        "registration_p99_ms": form["p99_ms"],
        "registrations_per_s_rounds": form["rounds_per_s"],
        "server_cpu_ms": {"bare": bare["cpu_ms"], "form": form["cpu_ms"]},
        "server_cpu_ratio": round(sum(bare["cpu_ms"]) / sum(form["cpu_ms"]), 3),
        "bare_view_per_s_rounds": bare["rounds_per_s"],
        "lookup_per_s_max": flat_out["per_s"],
        "lookup_rate_per_s": round(flat_out["per_s"] / 2, 1),
        "lookup_p99_ms": half["p99_ms"],
        "lookup_only_p99_ms": lookup_only["p99_ms"],
        "one_at_a_time_ms": sequential,
        "errors": sum(f["errors"] for f in (bare, form, api, flat_out, half, lookup_only)),
        "form_first_load_bytes": first_load,
        "rss_mb_start": rss_start,
        "rss_mb_end": rss_end,
        "rss_anon_mb_start": anon_start,
        "rss_anon_mb_end": anon_end,
        "workers": WORKERS,
        "cpus": os.cpu_count(),
        "notes": notes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about thirty seconds")
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn workers")
    args = parser.parse_args()
    globals()["WORKERS"] = args.workers
    result = run(args.quick)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
