"""Where a page's CPU goes under load: the gunicorn workers, PostgreSQL,
Redis and wrk, in milliseconds of CPU per request.

    .venv/bin/python bench/cpu_split.py --phases uncached --pages story,entity
    .venv/bin/python bench/cpu_split.py --phases cached-redis --pages story

(bench/throughput.py's options; the first of --phases is the one measured,
and --pages defaults to home, story and entity.)

Starts Newsroom as bench/throughput.py does (``gunicorn -c gunicorn.conf.py``,
production settings, the phase's page cache), loads each page with wrk, and
reads from /proc how much CPU each kind of process used meanwhile. Two cores
give 2,000 ms of CPU a second: a page whose processes use all of it per
request is bound by CPU, and one that leaves some unused is waiting on
something. Comparing two versions of the code this way is steadier than
comparing req/s, which moves with whatever else the machine does.
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import throughput

KINDS = ("gunicorn", "postgres", "redis", "wrk")


def cpu_seconds_by_kind(server) -> dict[str, float]:
    """CPU seconds used so far by the server's processes, PostgreSQL's and
    Redis's (wrk is counted from this process's finished children)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(KINDS, 0.0)
    ours = {server.process.pid, *server.workers()}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(entry.name) in ours:
            used["gunicorn"] += seconds
        elif command.startswith("postgres") or "postgres:" in command:
            used["postgres"] += seconds
        elif "redis-server" in command:
            used["redis"] += seconds
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["wrk"] = children.ru_utime + children.ru_stime
    return used


def main():
    args = throughput.parse_args()
    phase = args.phases.split(",")[0]
    if phase not in throughput.PHASES:
        sys.exit(f"--phases: one of {', '.join(throughput.PHASES)}")
    pages = args.pages or "home,story,entity"
    urls = throughput.bench_urls(args)
    if throughput.PHASES[phase][1]:
        throughput.empty_redis(args.redis_url)
    server = throughput.Server.newsroom(args, phase)
    cores = os.cpu_count()
    print(f"{phase}: CPU ms per request; {cores} cores give {cores} ms per ms")
    columns = " ".join(f"{kind:>9}" for kind in KINDS)
    print(f"{'page':<8} {'req/s':>7} {columns}    total")
    try:
        for page in pages.split(","):
            url = server.base + urls[page]
            throughput.wrk(url, args, 2)  # warm: caches, prepared statements
            before, started = cpu_seconds_by_kind(server), time.monotonic()
            result = throughput.wrk(url, args)
            elapsed = time.monotonic() - started
            after = cpu_seconds_by_kind(server)
            requests = result["requests"]
            per_request = {k: (after[k] - before[k]) * 1000 / requests for k in KINDS}
            print(
                f"{page:<8} {requests / elapsed:>7.0f} "
                + " ".join(f"{per_request[k]:>9.3f}" for k in KINDS)
                + f" {sum(per_request.values()):>8.3f}"
                + f"  (of {cores * elapsed * 1000 / requests:.3f})"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
