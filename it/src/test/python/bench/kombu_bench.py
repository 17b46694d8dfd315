#!/usr/bin/env python3
"""The kombu side of the benchmarks: a kombu Mailbox client that times its own operations.

    kombu_bench.py --broker URL rtt NS NODE WARMUP CALLS
    kombu_bench.py --broker URL gather NS COUNT WARMUP REPS
    kombu_bench.py --broker URL cast NS NODE CASTS

Prints one JSON line:
    rtt:    {"p50_ms", "p99_ms", "calls", "lost"}
    gather: {"ms": [..], "replies": [..]} (multi_call with limit=COUNT, so it returns at the COUNTth reply)
    cast:   {"per_s", "casts", "seconds"} (casts COUNT times, then polls get_count until the node saw all)
"""
import json
import sys
import time

from kombu import Connection
from kombu.pidbox import Mailbox


def percentile(values, p):
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def main():
    args = sys.argv[1:]
    broker = args[args.index("--broker") + 1]
    rest = [a for i, a in enumerate(args) if a != "--broker" and (i == 0 or args[i - 1] != "--broker")]
    op, ns = rest[0], rest[1]
    with Connection(broker) as connection:
        mailbox = Mailbox(ns, type="fanout")(connection)
        if op == "rtt":
            node, warmup, calls = rest[2], int(rest[3]), int(rest[4])
            for _ in range(warmup):
                mailbox.call([node], "ping", {}, timeout=2)
            times, lost = [], 0
            for _ in range(calls):
                t = time.perf_counter()
                r = mailbox.call([node], "ping", {}, timeout=2)
                times.append((time.perf_counter() - t) * 1000.0)
                if not r:
                    lost += 1
            out = {"p50_ms": percentile(times, 50), "p99_ms": percentile(times, 99), "calls": calls, "lost": lost}
        elif op == "gather":
            count, warmup, reps = int(rest[2]), int(rest[3]), int(rest[4])
            for _ in range(warmup):
                mailbox.multi_call("ping", {}, timeout=5, limit=count)
            ms, replies = [], []
            for _ in range(reps):
                t = time.perf_counter()
                r = mailbox.multi_call("ping", {}, timeout=5, limit=count)
                ms.append((time.perf_counter() - t) * 1000.0)
                replies.append(len(r))
                time.sleep(0.2)
            out = {"ms": ms, "replies": replies}
        elif op == "cast":
            node, casts = rest[2], int(rest[3])
            base = mailbox.call([node], "get_count", {}, timeout=5)[0][node]
            t = time.perf_counter()
            for _ in range(casts):
                mailbox.cast([node], "count", {})
            seen = base
            while seen < base + casts and time.perf_counter() - t < 120:
                r = mailbox.call([node], "get_count", {}, timeout=5)
                seen = r[0][node] if r else seen
            seconds = time.perf_counter() - t
            out = {"per_s": (seen - base) / seconds, "casts": seen - base, "seconds": seconds}
        else:
            raise SystemExit("unknown operation " + op)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
