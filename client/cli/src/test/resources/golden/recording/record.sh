#!/bin/sh
# Records the golden fixtures: -o json documents of real calls to the three FleetFixture JVMs in namespace "golden".
set -e
OUT=${1:-out}
mkdir -p "$OUT"
P="java -jar ${PIDBOX_JAR:-client/cli/target/pidbox.jar} --namespace golden -o json"
ALL=orders-1@app-01,orders-2@app-02,billing-1@app-03,legacy-1@app-04
GHOST=ghost-9@app-09
rec() { name=$1; shift; $P "$@" > "$OUT/$name.json" || true; }
rec ping-fleet ping --to $ALL,$GHOST --timeout 3s
rec ping-one ping --to orders-1@app-01 --timeout 3s
rec nodes-fleet nodes --to $ALL,$GHOST --timeout 3s
rec nodes-error nodes --to orders-2@app-02 --arg bogus=1 --timeout 3s
rec memory-fleet memory --to $ALL,$GHOST --timeout 3s
rec memory-one memory --to orders-1@app-01 --timeout 3s
rec memory-one-zgc memory --to billing-1@app-03 --timeout 3s
rec memory-error memory --to billing-1@app-03 --arg bogus=1 --timeout 3s
rec histogram-fleet histogram --to $ALL,$GHOST --top 8 --timeout 10s
rec histogram-one histogram --to orders-2@app-02 --top 12 --timeout 10s
rec histogram-error histogram --to orders-1@app-01 --top 0 --timeout 10s
rec loggers-fleet loggers --to $ALL,$GHOST --timeout 3s
rec loggers-name loggers --to $ALL,$GHOST --name 'com.example.*' --timeout 3s
rec loggers-one loggers --to orders-1@app-01 --timeout 3s
rec loggers-error loggers --to orders-2@app-02 --framework nosuch --timeout 3s
rec mbean-get-fleet mbean get java.lang:type=Runtime VmName --to $ALL,$GHOST --timeout 3s
rec mbean-get-heap mbean get java.lang:type=Memory HeapMemoryUsage --to $ALL --timeout 3s
rec mbean-get-one mbean get java.lang:type=OperatingSystem --to orders-1@app-01 --timeout 3s
rec mbean-get-all-fleet mbean get java.lang:type=Threading --to $ALL --timeout 3s
rec mbean-get-error mbean get nosuch:type=Nothing --to orders-2@app-02 --timeout 3s
rec call-fleet call describe --to $ALL,$GHOST --timeout 3s
rec call-error call nosuch --to orders-1@app-01 --timeout 3s
# threads: table mode sends summary=true to a selection of several nodes; these record what each mode sends
rec threads-fleet threads --to $ALL,$GHOST --arg summary=true --timeout 3s
rec threads-one threads orders-1@app-01 --timeout 3s
rec threads-one-folded threads orders-1@app-01 --arg fold=true --timeout 3s   # what table mode sends
rec threads-one-synchronizers threads orders-2@app-02 --name 'ledger-*' --synchronizers --timeout 3s
rec threads-own threads billing-1@app-03 --name 'pidbox-*' --own --max-depth 2 --timeout 3s
rec threads-top threads orders-1@app-01 --top 4 --max-depth 6 --timeout 5s
rec threads-dump-fleet threads --to orders-2@app-02,billing-1@app-03,legacy-1@app-04,$GHOST --state WAITING --max-depth 3 --timeout 3s
rec threads-error threads legacy-1@app-04 --timeout 3s
