"""Through HTTP: payments per second by `POST /api/v1/payments`, and the memory of `acompte serve`'s workers.

A real `acompte serve --workers N` runs on a free port against the bench database; an admin API token of the
company is made through the services in this process (as bench/soak.py does). Clients are processes, one
keep-alive connection each, so that they do not share this interpreter's lock: each pays 1.00 € to an open
invoice of its own parties (round-robin), exactly the unit of work of the service-layer measurement.

The memory measurement sends requests mixing reads (a party's account, one page of its invoices, one page of
its payments) and payments, and reads the resident memory (VmRSS in /proc/<pid>/status) of each worker
process of the server after the first `early` requests, then every 1 000 up to `late` in all. Alone:

    .venv/bin/python bench/serve_bench.py postgresql://postgres@127.0.0.1:5432/acompte_bench 10000 1800
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python bench/serve_bench.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from acompte import bootstrap
from acompte.domain.users import Role
from acompte.services import users
from acompte.services.ports import Ctx
from bench.measure import Latencies, WorkerPlan, load
from bench.soak import ACOMPTE, free_port

ONE_EURO = {"amount": "1.00", "currency": "EUR"}


@dataclass
class HttpResult(Latencies):
    clients: int
    seconds: float
    payments: int
    errors: int
    latencies_ms: list[float] = field(repr=False)
    load: str = ""
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.payments / self.seconds if self.seconds else 0.0


@dataclass
class MemorySample:
    requests: int
    rss_kb: dict[int, int]  # worker pid -> VmRSS
    load: str = ""

    @property
    def total_kb(self) -> int:
        return sum(self.rss_kb.values())


@dataclass
class MemoryResult:
    serve_workers: int
    clients: int
    planned: int  # requests planned before the last sample (fewer were sent if the time bound came first)
    samples: list[MemorySample] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def growth(self) -> float:
        """Total RSS of the workers at the last sample over that at the first one."""
        first, last = self.samples[0].total_kb, self.samples[-1].total_kb
        return last / first if first else float("nan")


class Client:
    """One keep-alive HTTP connection, JSON in; answers are read and dropped."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: Any = None, extra: dict[str, str] | None = None) -> int:
        headers = {**self.headers, **(extra or {})}
        payload = None
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body), "application/json"
        try:
            self.connection.request(method, "/api/v1" + path, body=payload, headers=headers)
            response = self.connection.getresponse()
            response.read()
            return response.status
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 599  # no answer

    def pay(self, party_id: int, document_id: int, *, keyed: bool = False) -> int:
        """`keyed`: with an Idempotency-Key of its own, as the API's guide asks of every POST."""
        headers = {"Idempotency-Key": uuid.uuid4().hex} if keyed else {}
        body = {
            "party_id": str(party_id),
            "amount": ONE_EURO,
            "method": "transfer",
            "reference": "VIR bench",
            "allocations": [{"document_id": str(document_id), "amount": ONE_EURO}],
        }
        return self.call("POST", "/payments", body, headers)


class Server:
    """`acompte serve --workers N` on a free port, and an admin token of `company_id`; stopped on exit."""

    def __init__(self, url: str, company_id: int, workers: int) -> None:
        self.url, self.company_id, self.workers = url, company_id, workers
        self.port = free_port()
        self.token = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="acompte-serve-bench-", suffix=".log", delete=False)  # noqa: SIM115

    def __enter__(self) -> Server:
        app = bootstrap.build(self.url, run_migrations=False, pool_size=1)
        ctx = Ctx(self.company_id, actor="bench")
        email = f"bench-http-{self.company_id}-{os.getpid()}@example.org"
        users.create_user(app.uow(), email=email, password="bench-password-1234", name="Bench")
        users.grant(app.uow(), ctx, email=email, role=Role.ADMIN)
        _, self.token = users.create_token(app.uow(), ctx, email=email, name="bench")
        app.close()
        command = [ACOMPTE, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers)]
        env = {**os.environ, "ACOMPTE_DATABASE_URL": self.url}
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            return self._wait_ready()
        except BaseException:
            self.__exit__()  # a `with` whose __enter__ raised never calls it: the server would outlive the bench
            raise

    def _wait_ready(self) -> Server:
        assert self.process is not None
        client = Client(self.port, self.token)
        ready_by = time.monotonic() + 240  # two workers importing WeasyPrint at load 20 take over 90 s
        while time.monotonic() < ready_by:
            if self.process.poll() is not None:
                raise RuntimeError(f"acompte serve stopped: {Path(self.log.name).read_text()[-2000:]}")
            if client.call("GET", "/me") == 200 and len(self.worker_pids()) >= self.workers:
                return self
            time.sleep(0.3)
        raise RuntimeError("acompte serve did not answer within 240 s")

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            workers = self.worker_pids()
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                _kill_orphans(workers)  # killed before it stopped its workers: they would run on
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def worker_pids(self) -> list[int]:
        """The server's worker processes: its children started by multiprocessing's spawn (not its tracker)."""
        assert self.process is not None
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"spawn_main" in cmdline:
                found.append(int(entry.name))
        return sorted(found)

    def rss(self, requests: int) -> MemorySample:
        sizes = {}
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            sizes[pid] = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
        return MemorySample(requests, sizes, load())


def _kill_orphans(pids: Sequence[int]) -> None:
    """Stop the server's workers that still run, each checked to be one (spawn_main) right before."""
    for pid in pids:
        with contextlib.suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------------------------------------ payments


def _payer(port: int, token: str, plan: WorkerPlan, seconds: float, barrier: Any, results: Any, keyed: bool) -> None:
    client = Client(port, token)
    for k in range(2):  # warm up: the connection, the worker's caches
        client.pay(*plan.invoices[k % len(plan.invoices)], keyed=keyed)
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    k = 2
    barrier.wait()
    start = time.perf_counter()
    now = start
    while now - start < seconds:
        t0 = time.perf_counter()
        statuses[client.pay(*plan.invoices[k % len(plan.invoices)], keyed=keyed)] += 1
        now = time.perf_counter()
        latencies.append((now - t0) * 1000)
        k += 1
    results.put((statuses[201], len(latencies) - statuses[201], now - start, latencies, dict(statuses)))


def run_payments(server: Server, plans: Sequence[WorkerPlan], seconds: float, *, keyed: bool = False) -> HttpResult:
    """One client process per plan, all in the server's company, for `seconds`; `keyed`: each POST with an
    Idempotency-Key of its own."""
    context = mp.get_context("fork")
    barrier = context.Barrier(len(plans) + 1)
    results = context.Queue()
    procs = [
        context.Process(target=_payer, args=(server.port, server.token, p, seconds, barrier, results, keyed))
        for p in plans
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=120)
    at_start = load()
    outcomes = [results.get(timeout=seconds + 120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    statuses: Counter[int] = Counter()
    for outcome in outcomes:
        statuses.update(outcome[4])
    return HttpResult(
        clients=len(plans),
        seconds=max(o[2] for o in outcomes),
        payments=sum(o[0] for o in outcomes),
        errors=sum(o[1] for o in outcomes),
        latencies_ms=[x for o in outcomes for x in o[3]],
        load=at_start,
        statuses=dict(statuses),
    )


# -------------------------------------------------------------------------------------------------- memory


def _mixer(port: int, token: str, plan: WorkerPlan, start: int, count: int, until: float, results: Any) -> None:
    """`count` requests, fewer if time.time() passes `until`: of every four, a party's account, a page of its
    invoices, one of its payments, a payment."""
    client = Client(port, token)
    statuses: Counter[int] = Counter()
    for k in range(start, start + count):
        if time.time() > until:
            break
        party_id, document_id = plan.invoices[k % len(plan.invoices)]
        step = k % 4
        if step == 0:
            status = client.call("GET", f"/parties/{party_id}/account")
        elif step == 1:
            status = client.call("GET", f"/documents?kind=invoice&party_id={party_id}&limit=50")
        elif step == 2:
            status = client.call("GET", f"/payments?party_id={party_id}&limit=50")
        else:
            status = client.pay(party_id, document_id)
        statuses[status] += 1
    results.put(dict(statuses))


def _send(server: Server, plans: Sequence[WorkerPlan], start: int, total: int, until: float) -> Counter[int]:
    """`total` requests shared by one client process per plan, each stopping early once time.time() > until."""
    context = mp.get_context("fork")
    results = context.Queue()
    share = total // len(plans)
    procs = [
        context.Process(target=_mixer, args=(server.port, server.token, plan, start + share * i, share, until, results))
        for i, plan in enumerate(plans)
    ]
    for proc in procs:
        proc.start()
    statuses: Counter[int] = Counter()
    for _ in procs:
        statuses.update(results.get(timeout=1800))
    for proc in procs:
        proc.join(timeout=30)
    return statuses


def run_memory(
    server: Server,
    plans: Sequence[WorkerPlan],
    early: int,
    late: int,
    seconds: float = float("inf"),
    *,
    every: int = 1000,
    clients: int = 4,
) -> MemoryResult:
    """RSS of every worker after `early` mixed requests, then every `every` requests up to `late` in all, or as
    many as were sent within `seconds` (a bound on the run's duration on a busy machine; the samples say how many).
    `clients` processes share the plans (two on one plan pay its invoices in turn): the server's two workers
    are kept busy while a client waits for its answer."""
    shared = [plans[i % len(plans)] for i in range(max(clients, len(plans)))]
    result = MemoryResult(serve_workers=server.workers, clients=len(shared), planned=late)
    started = time.perf_counter()
    until = time.time() + seconds
    statuses = _send(server, shared, 0, early, float("inf"))
    result.samples.append(server.rss(sum(statuses.values())))
    sent = early
    while sent < late and time.time() < until:
        chunk = min(every, late - sent)
        statuses += _send(server, shared, sent, chunk, until)
        sent += chunk
        result.samples.append(server.rss(sum(statuses.values())))
    result.seconds = time.perf_counter() - started
    result.statuses = dict(statuses)
    result.errors = sum(n for status, n in statuses.items() if status >= 400)
    return result


def memory_main(argv: Sequence[str]) -> None:
    """`python bench/serve_bench.py URL [REQUESTS] [SECONDS]`: the memory measurement alone, in a company of its
    own (its pool of open invoices made first), against `acompte serve --workers 2`."""
    from bench import populate

    url = argv[0]
    requests = int(argv[1]) if len(argv) > 1 else 10_000
    seconds = float(argv[2]) if len(argv) > 2 else 1800.0
    app = bootstrap.build(url, pool_size=1)
    company = populate.create_companies(app.uow, [f"Bench mémoire {os.getpid()}"])[0]
    pool = populate.populate_pool(app.engine, company, 40, 50)
    owners = company.parties[:40]
    plans = [
        WorkerPlan(company.id, tuple((owners[p], pool[p][i]) for i in range(50) for p in half))
        for half in (range(0, 20), range(20, 40))
    ]
    app.close()
    with Server(url, company.id, 2) as server:
        result = run_memory(server, plans, 1000, requests, seconds)
    for sample in result.samples:
        print(f"after {sample.requests:>6,} requests: {sample.total_kb / 1024:6.1f} MiB ({sample.load})")
    print(
        f"growth ×{result.growth:.3f} from the first sample to the last, {sum(result.statuses.values()):,} "
        f"requests in {result.seconds:.0f} s by {result.clients} clients; answers {result.statuses}"
    )


if __name__ == "__main__":
    memory_main(sys.argv[1:])
