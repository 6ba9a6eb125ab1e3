"""Throughput side by side: Newsroom's pages against a floor, under gunicorn.

    .venv/bin/python bench/throughput.py            # against newsroom_bench
    .venv/bin/python bench/throughput.py --help

Starts the app as in production (gunicorn.conf.py, 2 sync workers, DEBUG
off, persistent database connections, behind a proxy that says HTTPS) with
one extra URL, /_floor/: a constant response through the same middleware.
wrk then loads the floor and each page in turn, several rounds in
alternation so that whatever else the machine does hits all alike, first
with the anonymous page cache off, then with it on. It prints requests a
second, p50 and p99 latency and each page's ratio to the floor of the same
round, then each worker's memory before and after the whole run.

Needs wrk (Debian: apt-get install wrk) and a loaded corpus
(make bench-corpus); see BENCHMARKS.md for the targets and figures.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
# Targets from issue 6: the lowest acceptable ratio to the floor.
TARGETS = {
    ("uncached", "story"): 0.10,
    ("uncached", "home"): 0.08,
    ("uncached", "entity"): 0.08,
    ("cached", "home"): 0.80,
    ("cached", "story"): 0.80,
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument("--seconds", type=int, default=8, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pages",
        default="",
        help="only these pages, comma-separated (home,story,entity,search,feed); "
        "the floor is always measured",
    )
    parser.add_argument(
        "--phases",
        default="uncached,cached",
        help="uncached, cached or both (the default)",
    )
    parser.add_argument(
        "--memory-requests",
        type=int,
        default=20_000,
        help="at least this many requests between the two memory readings",
    )
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_urls(database_url: str) -> dict[str, str]:
    """The pages to load, found in the corpus by a short Django script."""
    script = (
        "from articles.models import Article\n"
        "from entities.models import Entity\n"
        "story = Article.objects.published().order_by('-published_at').first()\n"
        "entity = Entity.objects.filter(name='BMW Group').first() "
        "or Entity.objects.order_by('pk').first()\n"
        "print(story.get_absolute_url())\n"
        "print(entity.get_absolute_url())\n"
    )
    found = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=server_env(database_url, page_cache_seconds=0),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    story, entity = found[-2:]
    return {
        "floor": "/_floor/",
        "home": "/",
        "story": story,
        "entity": entity,
        "search": "/search/?q=electric+battery",
        "feed": "/feeds/latest/",
    }


def server_env(database_url: str, page_cache_seconds: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "throughput-benchmark-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # As behind a proxy that ends TLS: wrk says so in a header.
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "CONN_MAX_AGE": "600",
    }


class Server:
    """gunicorn with the production configuration, on a free port."""

    def __init__(self, args, page_cache_seconds: int):
        self.port = free_port()
        self.log = open(  # noqa: SIM115 - closed in stop()
            f"/tmp/newsroom-throughput-{self.port}.log", "w"
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(args.workers),
                # Memory is read over the whole run: no recycling of workers.
                "--max-requests",
                "0",
                "bench.wsgi:application",
            ],
            cwd=ROOT,
            env={
                **server_env(args.database_url, page_cache_seconds),
                # The request log is part of the cost; it goes to a file.
                "WEB_CONCURRENCY": str(args.workers),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(
                    f"{self.base}/_floor/", headers={"X-Forwarded-Proto": "https"}
                )
                urllib.request.urlopen(request, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    sys.exit(f"gunicorn did not start; see {self.log.name}")
                time.sleep(0.2)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url: str, args) -> dict:
    output = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{max(1, round(args.seconds))}s",
            "--latency",
            "-H",
            "X-Forwarded-Proto: https",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"(\d+) requests in", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "errors": int(errors.group(1)) if errors else 0,
        "requests": int(requests.group(1)),
    }


def run_phase(name, server, urls, args) -> tuple[dict, int]:
    """Every page once per round, in alternation; results per page."""
    results = {page: [] for page in urls}
    total = 0
    for round_number in range(1, args.rounds + 1):
        for page, path in urls.items():
            result = wrk(server.base + path, args)
            total += result["requests"]
            results[page].append(result)
        floor = results["floor"][-1]["rps"]
        line = "  ".join(
            f"{page} {results[page][-1]['rps'] / floor:.3f}"
            for page in urls
            if page != "floor"
        )
        print(f"  {name} round {round_number}: floor {floor:,.0f}/s; {line}")
    return results, total


def report(name, results) -> bool:
    print(f"\n{name}: median of the rounds; ratio to the floor of the same round")
    print(
        f"{'page':<10} {'req/s':>9} {'p50':>9} {'p99':>9} {'ratio':>7} "
        f"{'target':>7} {'non-2xx':>8}"
    )
    within = True
    floors = [result["rps"] for result in results["floor"]]
    for page, runs in results.items():
        ratio = statistics.median(
            run["rps"] / floor for run, floor in zip(runs, floors, strict=True)
        )
        target = TARGETS.get((name, page))
        errors = sum(run["errors"] for run in runs)
        verdict = ""
        if target is not None:
            ok = ratio >= target
            within &= ok
            verdict = f"≥{target:.2f} {'ok' if ok else 'MISSED'}"
        within &= errors == 0
        print(
            f"{page:<10} {statistics.median(r['rps'] for r in runs):>9,.0f} "
            f"{statistics.median(r['p50'] for r in runs):>7.1f}ms "
            f"{statistics.median(r['p99'] for r in runs):>7.1f}ms "
            f"{ratio:>7.3f} {verdict:>7} {errors:>8}"
        )
    return within


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it comes
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    urls = bench_urls(args.database_url)
    if args.pages:
        wanted = {"floor", *args.pages.split(",")}
        if unknown := wanted - urls.keys():
            sys.exit(f"No such page: {', '.join(sorted(unknown))}")
        urls = {page: path for page, path in urls.items() if page in wanted}
    phases = args.phases.split(",")
    print(
        f"gunicorn, {args.workers} sync workers; wrk 1 thread, "
        f"{args.connections} connections, {args.seconds:g} s a run, "
        f"{args.rounds} rounds; {os.cpu_count()} cores"
    )
    for page, path in urls.items():
        print(f"  {page:<8} {path}")
    within = True
    memory = []
    for name, cache_seconds, pages in (
        ("uncached", 0, urls),
        ("cached", 60, {p: urls[p] for p in ("floor", "home", "story") if p in urls}),
    ):
        if name not in phases:
            continue
        server = Server(args, cache_seconds)
        try:
            # Warm up every worker on every page (templates, connections, the
            # mention matcher, prepared statements, caches), so that the
            # memory readings compare steady states, not a cold start.
            warm_up = argparse.Namespace(**{**vars(args), "seconds": 2})
            for path in urls.values():
                wrk(server.base + path, warm_up)
            before = {pid: rss_mib(pid) for pid in server.workers()}
            results, total = run_phase(name, server, pages, args)
            while name == "uncached" and total < args.memory_requests:
                # Top up across every page until the memory reading is fair.
                for path in urls.values():
                    total += wrk(server.base + path, args)["requests"]
            after = {pid: rss_mib(pid) for pid in server.workers()}
            memory.append((name, total, before, after))
            within &= report(name, results)
        finally:
            server.stop()
    print("\nWorker memory (RSS) before and after each phase's requests")
    for name, total, before, after in memory:
        for pid in sorted(before):
            if pid not in after:
                print(f"  {name}: worker {pid} was replaced (no reading)")
                within = False
                continue
            change = (after[pid] - before[pid]) / before[pid] * 100
            flat = abs(change) <= 10
            within &= flat
            print(
                f"  {name}: worker {pid}: {before[pid]:.1f} MiB → "
                f"{after[pid]:.1f} MiB after {total:,} requests "
                f"({change:+.1f}%, {'flat' if flat else 'GREW'})"
            )
    print("\nAll within target." if within else "\nSome figures MISSED the target.")
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
