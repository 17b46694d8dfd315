#!/usr/bin/env python3
"""A kombu pidbox Mailbox that sends one command and prints what kombu returned.

    kombu_client.py --broker URL --namespace NS [--type direct|fanout]
                    [--dest a,b] [--pattern P] [--args JSON] [--timeout S] [--limit N]
                    OPERATION METHOD

OPERATION is one of
    call        Mailbox.call(dest, METHOD, args, timeout)
    multi_call  Mailbox.multi_call(METHOD, args, timeout, limit)
    cast        Mailbox.cast(dest, METHOD, args)
    abcast      Mailbox.abcast(METHOD, args)
    glob, pcre  Mailbox._broadcast(METHOD, args, reply=True, pattern=P, matcher=OPERATION)
                (the entry point Celery's control.broadcast uses for pattern selection)

The last stdout line is the result as one JSON line (sort_keys, kombu's own list
of {node: reply} objects, in arrival order); casts print null.
"""
import argparse
import json

from kombu import Connection
from kombu.pidbox import Mailbox


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", required=True)
    parser.add_argument("--namespace", required=True)
    parser.add_argument("--type", choices=("direct", "fanout"), default="direct")
    parser.add_argument("--dest", default=None, help="comma-separated node names")
    parser.add_argument("--pattern", default=None)
    parser.add_argument("--args", default="{}", help="keyword arguments as a JSON object")
    parser.add_argument("--timeout", type=float, default=1.0)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("operation", choices=("call", "multi_call", "cast", "abcast", "glob", "pcre"))
    parser.add_argument("method")
    opts = parser.parse_args()

    arguments = json.loads(opts.args)
    destination = opts.dest.split(",") if opts.dest else None

    with Connection(opts.broker) as connection:
        mailbox = Mailbox(opts.namespace, type=opts.type)(connection)
        if opts.operation == "call":
            result = mailbox.call(destination, opts.method, arguments, timeout=opts.timeout)
        elif opts.operation == "multi_call":
            result = mailbox.multi_call(opts.method, arguments, timeout=opts.timeout, limit=opts.limit)
        elif opts.operation == "cast":
            result = mailbox.cast(destination, opts.method, arguments)
        elif opts.operation == "abcast":
            result = mailbox.abcast(opts.method, arguments)
        else:
            if not opts.pattern:
                parser.error("%s needs --pattern" % opts.operation)
            result = mailbox._broadcast(opts.method, arguments, reply=True, timeout=opts.timeout,
                                        limit=opts.limit, pattern=opts.pattern, matcher=opts.operation)
    print(json.dumps(result, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
