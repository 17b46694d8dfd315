#!/usr/bin/env python3
"""Many kombu pidbox Nodes in one process on one connection, for the benchmarks.

    kombu_fleet.py --broker URL NS:PREFIX:FROM:COUNT [NS:PREFIX:FROM:COUNT ...]

Starts nodes PREFIX-FROM@bench .. PREFIX-(FROM+COUNT-1)@bench in namespace NS (mailbox type fanout, as
Celery and the Java side). Handlers: ping -> {"ok": "pong"}; count (a cast) adds one to the node's counter;
get_count -> the counter. Prints "READY <n>" once every node consumes; stops on SIGTERM or stdin EOF
(cancels the consumers, closes the connection, prints "STOPPED").
"""
import os
import signal
import socket
import sys
import threading

from kombu import Connection
from kombu.pidbox import Mailbox


def ping(state, **kwargs):
    return {"ok": "pong"}


def count(state, **kwargs):
    state["count"] += 1


def get_count(state, **kwargs):
    return state["count"]


HANDLERS = {"ping": ping, "count": count, "get_count": get_count}


def main():
    # A broadcast reaches every node of this process at once; kombu's reply path waits for the broker
    # inside the delivery callback and so nests one drain_events per pending delivery (about 25 frames
    # each). Python's default limit of 1000 frames stops at ~40 nodes per connection.
    sys.setrecursionlimit(int(os.environ.get("BENCH_RECURSION_LIMIT", "100000")))
    broker = sys.argv[sys.argv.index("--broker") + 1]
    specs = [a for a in sys.argv[1:] if a.count(":") == 3 and not a.startswith("amqp")]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda s, f: stop.set())

    def wait_for_eof():
        try:
            while sys.stdin.read(4096):
                pass
        finally:
            stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    with Connection(broker) as connection:
        channel = connection.channel()
        consumers = []
        mailboxes = {}
        for spec in specs:
            ns, prefix, start, n = spec.split(":")
            mailbox = mailboxes.setdefault(ns, Mailbox(ns, type="fanout")(connection))
            for i in range(int(start), int(start) + int(n)):
                name = "%s-%d@bench" % (prefix, i)
                node = mailbox.Node(name, state={"count": 0}, channel=channel, handlers=dict(HANDLERS))
                consumers.append(node.listen())
        sys.stdout.write("READY %d\n" % len(consumers))
        sys.stdout.flush()
        try:
            while not stop.is_set():
                try:
                    connection.drain_events(timeout=0.2)
                except socket.timeout:
                    pass
        finally:
            for c in consumers:
                try:
                    c.cancel()
                except Exception:
                    pass
            channel.close()
    sys.stdout.write("STOPPED\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
