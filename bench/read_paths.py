"""Every read path of one company at one database size (bench/reads.py's cases), and the export of a month.

The export writes (it posts the month), so it runs once per month and company, in a child process with a
deadline: a run that has not finished by then is stopped (its transaction rolls back) and reported as such,
rather than holding the whole benchmark.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from acompte import bootstrap
from bench import reads
from bench.measure import load

WHOLE_COMPANY = ("aged balance, whole company",)  # reads whose work follows the company's size by nature


@dataclass
class PathsAtSize:
    """The read paths of one company measured once, with the database's size and the load at the start."""

    documents: int  # in the database
    company_documents: int
    timings: list[reads.Timing] = field(default_factory=list)
    load: str = ""


@dataclass
class ExportAtSize:
    documents: int  # in the database
    month: date
    month_documents: int
    timings: list[reads.Timing] = field(default_factory=list)
    error: str = ""  # "stopped after N s" or the exception
    load: str = ""

    @property
    def post_and_fec_ms(self) -> float | None:
        """Posting the month plus writing the FEC, when both ran."""
        post = next((t for t in self.timings if t.label.startswith("export: post")), None)
        fec = next((t for t in self.timings if t.label.startswith("export: FEC")), None)
        if self.error or post is None or fec is None or post.error or fec.error:
            return None
        return post.median_ms + fec.median_ms

    @property
    def journal(self) -> reads.Timing | None:
        return next((t for t in self.timings if t.label.startswith("journal") and not t.error), None)


def measure_paths(
    app: bootstrap.App,
    company_id: int,
    parties: list[int],
    documents: int,
    company_documents: int,
    *,
    repeat: int,
    budget: float,
    cap: float,
) -> PathsAtSize:
    at_start = load()
    timings = reads.read_cases(app, company_id, parties, repeat, budget=budget, warm_up=True, cap=cap)
    return PathsAtSize(documents, company_documents, timings, at_start)


def _export_child(url: str, company_id: int, month: int, results: Any) -> None:
    app = bootstrap.build(url, run_migrations=False, pool_size=1)
    try:
        results.put(reads.export_month(app, company_id, month))
    except Exception as error:  # told to the parent, which reports it
        results.put(f"{type(error).__name__}: {error}"[:200])
    finally:
        app.close()


def measure_export(
    url: str, company_id: int, month: date, documents: int, month_documents: int, *, deadline: float
) -> ExportAtSize:
    """Post `month` of last year for the company and write the FEC of the year (reads.export_month), within
    `deadline` seconds. The caller must hold no open connection (the child is forked)."""
    if month.year != date.today().year - 1:
        raise ValueError("reads.export_month exports a month of last year")
    result = ExportAtSize(documents, month, month_documents, load=load())
    context = mp.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_export_child, args=(url, company_id, month.month, results))
    child.start()
    try:
        answer = results.get(timeout=deadline)
        if isinstance(answer, str):
            result.error = answer
        else:
            result.timings = answer
    except queue.Empty:
        result.error = f"stopped after {deadline:.0f} s"
        child.kill()
    child.join(timeout=30)
    if not result.error and child.exitcode:
        result.error = f"the export process failed (exit code {child.exitcode})"
    return result
