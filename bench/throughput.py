"""Throughput side by side: Newsroom's pages against a bare Django project,
both under gunicorn on this machine.

    .venv/bin/python bench/throughput.py            # against newsroom_bench
    .venv/bin/python bench/throughput.py --help

The floor is a bare Django 5.2 project (bench/bare: startproject's
middleware, one view answering "ok", DEBUG off) served by gunicorn with the
same number of sync workers. Newsroom is started exactly as the README's
production section says: ``gunicorn -c gunicorn.conf.py`` with the
production settings (DEBUG off, the request log on as shipped, written to a
file), behind a proxy that says HTTPS. Both run at once, and wrk (2 threads,
16 connections) loads the floor and each page in turn, several rounds in
alternation, so that whatever else the machine does hits all alike. Each
page's ratio is its req/s over the floor's of the same round.

Three phases: the page cache off; on, with the shared cache of the machine
(no REDIS_URL); on, with Redis. It prints req/s, p50, p99 and ratios against
the targets, then each worker's memory before and after the phase, and
exits non-zero if a target is missed.

Needs wrk (Debian: apt-get install wrk), a loaded corpus (make
bench-corpus) and, for the Redis phase, Redis on REDIS_URL (default
redis://127.0.0.1:6379/7, a database of its own, emptied first). See
BENCHMARKS.md for the figures.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from demo.servers import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/7"
# Issue 18: the lowest acceptable ratio to the bare floor, by phase and page.
TARGETS = {
    ("uncached", "home"): 0.15,
    ("uncached", "story"): 0.12,
    ("uncached", "entity"): 0.12,
    **{
        (phase, page): 0.80
        for phase in ("cached", "cached-redis")
        for page in ("home", "story", "entity")
    },
}
# p99 at most this many times p50, for every page with a target.
TAIL = 3.0
PHASES = {
    # name: (PAGE_CACHE_SECONDS, with Redis)
    "uncached": (0, False),
    "cached": (60, False),
    "cached-redis": (60, True),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    )
    parser.add_argument("--seconds", type=int, default=8, help="per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pages",
        default="",
        help="only these pages, comma-separated (home,story,entity,search,feed); "
        "the floor is always measured",
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"some of {', '.join(PHASES)} (default: all)",
    )
    parser.add_argument(
        "--memory-requests",
        type=int,
        default=20_000,
        help="at least this many requests between the two memory readings",
    )
    return parser.parse_args()


def newsroom_env(args, page_cache_seconds: int, redis: bool, port: int) -> dict:
    """Production, as the README sets it up, on this machine."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "DJANGO_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=args.database_url,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "throughput-benchmark-" + "x" * 40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Behind a proxy that ends TLS: wrk says so in a header.
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        PAGE_CACHE_SECONDS=str(page_cache_seconds),
        CACHE_DIR=tempfile.mkdtemp(prefix="newsroom-bench-cache-"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(args.workers),
        CONN_MAX_AGE="600",
    )
    if redis:
        env["REDIS_URL"] = args.redis_url
    return env


def bench_urls(args) -> dict[str, str]:
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
        env=newsroom_env(args, 0, False, 0),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    story, entity = found[-2:]
    return {
        "floor": "/",
        "home": "/",
        "story": story,
        "entity": entity,
        "search": "/search/?q=electric+battery",
        "feed": "/feeds/latest/",
    }


class Server:
    """One gunicorn, on a free port, its output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict, port: int):
        self.name = name
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(  # noqa: SIM115 - closed in stop()
            f"/tmp/newsroom-throughput-{name}-{port}.log", "w"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *command],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(
                    f"{self.base}/", headers={"X-Forwarded-Proto": "https"}
                )
                urllib.request.urlopen(request, timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    sys.exit(f"{name} did not start; see {self.log.name}")
                time.sleep(0.2)

    @classmethod
    def bare_floor(cls, args):
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        return cls(
            "bare",
            [
                "bench.bare.wsgi:application",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            env,
            port,
        )

    @classmethod
    def newsroom(cls, args, phase: str):
        port = free_port()
        seconds, redis = PHASES[phase]
        # Exactly the production command: everything else is environment.
        return cls(
            phase,
            ["-c", "gunicorn.conf.py"],
            newsroom_env(args, seconds, redis, port),
            port,
        )

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def stop(self):
        stop_process(self.process, timeout=30)
        self.log.close()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url: str, args, seconds: float | None = None) -> dict:
    output = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{max(1, round(seconds or args.seconds))}s",
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


def run_phase(name, bare, server, urls, args) -> tuple[dict, int]:
    """The floor and every page once per round, in alternation."""
    results = {page: [] for page in urls}
    total = 0
    for round_number in range(1, args.rounds + 1):
        for page, path in urls.items():
            target = bare if page == "floor" else server
            result = wrk(target.base + path, args)
            if page != "floor":
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
    print(f"\n{name}: median of the rounds; ratio to the bare floor of the same round")
    print(
        f"{'page':<10} {'req/s':>9} {'p50':>9} {'p99':>9} {'p99/p50':>8} "
        f"{'ratio':>7} {'target':>12} {'non-2xx':>8}"
    )
    within = True
    floors = [result["rps"] for result in results["floor"]]
    for page, runs in results.items():
        ratio = statistics.median(
            run["rps"] / floor for run, floor in zip(runs, floors, strict=True)
        )
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        target = TARGETS.get((name, page))
        errors = sum(run["errors"] for run in runs)
        verdict = ""
        if target is not None:
            ok = ratio >= target and p99 <= TAIL * p50
            within &= ok
            verdict = f"≥{target:.2f} {'ok' if ok else 'MISSED'}"
        within &= errors == 0
        print(
            f"{page:<10} {statistics.median(r['rps'] for r in runs):>9,.0f} "
            f"{p50:>7.1f}ms {p99:>7.1f}ms {p99 / p50:>8.1f} "
            f"{ratio:>7.3f} {verdict:>12} {errors:>8}"
        )
    return within


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def main():
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it comes
    args = parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    urls = bench_urls(args)
    if args.pages:
        wanted = {"floor", *args.pages.split(",")}
        if unknown := wanted - urls.keys():
            sys.exit(f"No such page: {', '.join(sorted(unknown))}")
        urls = {page: path for page, path in urls.items() if page in wanted}
    phases = args.phases.split(",")
    if unknown := set(phases) - PHASES.keys():
        sys.exit(f"No such phase: {', '.join(sorted(unknown))}")
    print(
        f"gunicorn, {args.workers} sync workers each; wrk {args.threads} threads, "
        f"{args.connections} connections, {args.seconds:g} s a run, "
        f"{args.rounds} rounds; {os.cpu_count()} cores"
    )
    for page, path in urls.items():
        print(
            f"  {page:<8} {'(bare Django project) ' if page == 'floor' else ''}{path}"
        )
    within = True
    memory = []
    bare = Server.bare_floor(args)
    try:
        for name in phases:
            if PHASES[name][1]:
                empty_redis(args.redis_url)
            server = Server.newsroom(args, name)
            try:
                # Warm every worker on every page (templates, connections, the
                # mention matcher, caches): the memory readings compare
                # steady states, not a cold start.
                for page, path in urls.items():
                    wrk((bare if page == "floor" else server).base + path, args, 2)
                before = {pid: rss_mib(pid) for pid in server.workers()}
                results, total = run_phase(name, bare, server, urls, args)
                while name == "uncached" and total < args.memory_requests:
                    # Top up across every page until the memory reading is fair.
                    for page, path in urls.items():
                        if page != "floor":
                            total += wrk(server.base + path, args)["requests"]
                after = {pid: rss_mib(pid) for pid in server.workers()}
                memory.append((name, total, before, after))
                within &= report(name, results)
            finally:
                server.stop()
    finally:
        bare.stop()
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
