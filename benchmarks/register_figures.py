"""Consent-register figures on this machine: a long export read as a stream, and a zip bomb refused (issue 14.4).

Run: python benchmarks/register_figures.py [--lines 300000]
Generates an Android export of --lines lines (messages of one to three lines, one consent, opt-out or
withdrawal in every 50 messages), then measures in this process:
- the read (register rows only, no file written): wall time and the process's peak resident memory
  (getrusage: everything, interpreter included);
- the same read under tracemalloc: the peak of Python allocations during the read;
- a zip of about 100 KB promising 100 MB of chat text: the time until it is refused;
- the same export with its last line in Windows-1252 (issue 20): the UTF-8 read fails at the end and the
  file is read again line by line, the worst case of a stray byte.
Aims (issue 14): 300,000 lines in a few seconds and under 150 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_builder.register import DEFAULT_TEMPLATES, build_recognizer, read_export  # noqa: E402
from site_builder.register.collect import collect  # noqa: E402

BUSINESS = "Bäckerei Müller"


def make_export(path: Path, lines: int) -> int:
    """Write a synthetic export of about `lines` lines; return the number of lines written."""
    rng = random.Random(1)
    consent = DEFAULT_TEMPLATES[0].consent.format(business=BUSINESS, purposes="Anfragen & Aufträge, "
                                                  "Angebote & Neuigkeiten", version="3f2a9c1b")
    events = [consent, "STOP", DEFAULT_TEMPLATES[0].marketing_optout.format(business=BUSINESS)]
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        n = 0
        while written < lines:
            day, month = 1 + n // 2000 % 28, 1 + n // 56000 % 12
            sender = f"Kunde {rng.randrange(500)}" if n % 3 else BUSINESS
            text = events[n // 50 % 3] if n % 50 == 7 else "Guten Tag, wann kann ich die Torte abholen? " * 2
            extra = ["Zweite Zeile der Nachricht", "dritte Zeile"][: rng.randrange(3)]
            fh.write(f"{day:02d}.{month:02d}.26, {n // 60 % 24:02d}:{n % 60:02d} - {sender}: {text}\n")
            for line in extra:
                fh.write(line + "\n")
            written += 1 + len(extra)
            n += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=300_000)
    args = parser.parse_args()
    rec = build_recognizer(DEFAULT_TEMPLATES, BUSINESS, [], {"de": "3f2a9c1b"})
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "WhatsApp-Chat mit Kunden.txt"
        lines = make_export(export, args.lines)
        size_mb = export.stat().st_size / 2**20
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start, cpu_start = time.perf_counter(), time.process_time()
        rows, problems = collect([export], rec)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"export: {lines:,} lines, {size_mb:.1f} MB")
        print(f"read as a stream: {seconds:.2f} s wall, {cpu:.2f} s CPU (the machine may be shared), "
              f"{len(rows):,} register rows, {len(problems)} problem(s)")
        print(f"peak resident memory of the process: {rss_after:.0f} MB (before the read: {rss_before:.0f} MB)")
        tracemalloc.start()
        collect([export], rec)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python allocations during the read (tracemalloc): {peak / 2**20:.1f} MB")

        bomb = Path(tmp) / "WhatsApp Chat - Bomb.zip"
        line = b"01.12.26, 10:00 - Anna: " + b"x" * 1000 + b"\n"
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
                zf.open("_chat.txt", "w") as fh:
            for _ in range(100):
                fh.write(line * 1000)
        start = time.perf_counter()
        _, bomb_problems = read_export(bomb)
        print(f"zip bomb ({bomb.stat().st_size / 1024:.0f} KB promising 100 MB): refused in "
              f"{(time.perf_counter() - start) * 1000:.1f} ms: {bomb_problems[0]}")

        with open(export, "ab") as fh:
            fh.write("31.12.26, 23:59 - Jörg: Grüße\n".encode("cp1252"))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start, cpu_start = time.perf_counter(), time.process_time()
        rows, problems = collect([export], rec)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"the same with a Windows-1252 last line, read line by line: {seconds:.2f} s wall, {cpu:.2f} s CPU, "
              f"{len(rows):,} register rows, peak resident memory {rss_after:.0f} MB (before: {rss_before:.0f} MB); "
              f"{problems[-1]}")


if __name__ == "__main__":
    main()
