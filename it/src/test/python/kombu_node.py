#!/usr/bin/env python3
"""One or more kombu pidbox Nodes in one process, for the interop tests.

    kombu_node.py --broker URL --namespace NS [--type direct|fanout] [--celery-queues] NODE [NODE ...]

Handlers (kombu calls them as handler(state, **arguments)):
    ping  -> {"ok": "pong"}
    echo  -> {"ok": <arguments>}
    fail  -> raises ValueError('kombu handler failed')
Any other method is a KeyError inside kombu's Node.handle, so the caller gets
{"error": "KeyError('<method>')"}, exactly as a Celery worker answers.

Prints "READY <node> ..." once every node consumes its queue, and
"HANDLED <node> <method> <json arguments>" each time a handler runs (calls and
casts alike), so a test can see that a cast arrived. Stops on SIGTERM or when
stdin reaches EOF: it cancels its consumers (RabbitMQ then deletes the
auto-delete node queues), closes the connection and prints "STOPPED".
"""
import argparse
import json
import signal
import socket
import sys
import threading

from kombu import Connection
from kombu.pidbox import Mailbox


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def handled(state, method, arguments):
    say("HANDLED %s %s %s" % (state["node"], method, json.dumps(arguments, sort_keys=True)))


def ping(state, **arguments):
    handled(state, "ping", arguments)
    return {"ok": "pong"}


def echo(state, **arguments):
    handled(state, "echo", arguments)
    return {"ok": arguments}


def fail(state, **arguments):
    handled(state, "fail", arguments)
    raise ValueError("kombu handler failed")


HANDLERS = {"ping": ping, "echo": echo, "fail": fail}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--type", choices=("direct", "fanout"), default="direct")
    parser.add_argument("--celery-queues", action="store_true",
                        help="declare node queues with Celery's x-message-ttl 300 s and x-expires 10 s")
    parser.add_argument("nodes", nargs="+")
    opts = parser.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stop.set())

    def wait_for_stdin_eof():
        try:
            while sys.stdin.read(4096):
                pass
        finally:
            stop.set()

    threading.Thread(target=wait_for_stdin_eof, name="stdin-eof", daemon=True).start()

    queue_settings = {"queue_ttl": 300.0, "queue_expires": 10.0} if opts.celery_queues else {}
    with Connection(opts.broker) as connection:
        mailbox = Mailbox(opts.namespace, type=opts.type, **queue_settings)(connection)
        channel = connection.channel()
        consumers = []
        for name in opts.nodes:
            node = mailbox.Node(name, state={"node": name}, channel=channel, handlers=dict(HANDLERS))
            consumers.append(node.listen())
        say("READY " + " ".join(opts.nodes))
        try:
            while not stop.is_set():
                try:
                    connection.drain_events(timeout=0.2)
                except socket.timeout:
                    pass
        finally:
            for consumer in consumers:
                consumer.cancel()
            channel.close()
    say("STOPPED")


if __name__ == "__main__":
    main()
