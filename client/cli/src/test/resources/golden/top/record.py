#!/usr/bin/env python3
"""Records one golden fixture of `pidbox top`: runs the real CLI's `-o json multi-call vitals` (or `call vitals
--to ...`) once per round against live JVMs with the agent attached, and saves each round's JSON document with
the time it was sent.

    record.py OUT.json NAMESPACE ROUNDS [--to n1,n2] [--pause-after K CMD]   (CMD runs after round K, e.g. a kill)

The expected .txt next to it is written by TopGoldenTest with -Dgolden.update=true.
"""
import datetime, json, os, subprocess, sys, time

out, namespace, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rest = sys.argv[4:]
to = None
pause_after, pause_cmd = None, None
while rest:
    if rest[0] == "--to":
        to, rest = rest[1], rest[2:]
    elif rest[0] == "--pause-after":
        pause_after, pause_cmd, rest = int(rest[1]), rest[2], rest[3:]
    else:
        sys.exit("unknown argument " + rest[0])
jar = os.path.join(os.path.dirname(__file__), "../../../../../target/pidbox.jar")
recorded = []
for i in range(rounds):
    command = ["java", "-jar", jar, "--namespace", namespace, "-o", "json"]
    command += ["call", "vitals", "--to", to, "--timeout", "1500ms"] if to else ["multi-call", "vitals", "--timeout", "1500ms"]
    # The JVM takes a while to start: the request leaves about when the CLI connects, so take the time at the end
    # minus the gather's elapsed_ms as the send time.
    doc = json.loads(subprocess.run(command, capture_output=True, text=True).stdout)
    end = datetime.datetime.now(datetime.timezone.utc)
    sent = end - datetime.timedelta(milliseconds=doc["elapsed_ms"] + 50)
    recorded.append({"sent_at": sent.isoformat(timespec="milliseconds").replace("+00:00", "Z"), "result": doc})
    if pause_after == i + 1:
        subprocess.run(pause_cmd, shell=True, check=True)
    if i + 1 < rounds:
        time.sleep(0.5)
with open(out, "w") as f:
    json.dump({"recorded": "pidbox " + (("call vitals --to " + to) if to else "multi-call vitals") + " -o json, "
               + str(rounds) + " rounds, against JVMs with the agent attached", "namespace": namespace,
               "rounds": recorded}, f, indent=2)
    f.write("\n")
