#!/usr/bin/env bash
# Same-time A/B of greenhub against Netty on one transport, for a finer ratio than
# ci/compare can give on a noisy machine: both servers run at once (pinned to CPU 1),
# are warmed up, then the load generator (CPU 0) drives them in turn, 3 s windows on
# fresh connections, in the order A B B A A B ..., so each pair shares the machine's
# state of the moment. Uses what ci/compare built (run it once first).
#
#   benchmarks/compare/ab.sh [epoll|nio] [CONNECTIONS] [PAIRS]
set -euo pipefail
HUB=${1:-epoll}; CONNS=${2:-1000}; PAIRS=${3:-10}
[[ "$HUB" =~ ^(epoll|nio)$ && "$CONNS" =~ ^[0-9]+$ && "$PAIRS" =~ ^[0-9]+$ ]] \
    || { echo "usage: $0 [epoll|nio] [CONNECTIONS] [PAIRS]" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CMP="$ROOT/benchmarks/compare"; OUT="$CMP/target"
. "$ROOT/ci/jdk.sh"
JAR=$(ls "$ROOT"/target/greenhub-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true)
[ -x "$OUT/loadgen" ] && [ -n "$JAR" ] && [ -f "$CMP/netty/target/classpath.txt" ] \
    || { echo "ab.sh: run ci/compare once first (it builds the servers and the load generator)" >&2; exit 1; }
JNA=$(tr ':' '\n' <"$OUT/greenhub-deps.txt" | grep '/jna-[0-9]' | paste -sd:)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PA=$(port); PB=$(port)
taskset -c 1 "$JAVA_HOME/bin/java" -Dgreenhub.hub="$HUB" --add-opens java.base/java.lang=ALL-UNNAMED \
    --enable-native-access=ALL-UNNAMED -Djdk.trackAllThreads=false -cp "$OUT/classes:$JAR:$JNA" \
    GreenhubEcho "$PA" >"$OUT/ab-greenhub.log" 2>&1 & A=$!
taskset -c 1 "$JAVA_HOME/bin/java" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
    -cp "$CMP/netty/target/classes:$(cat "$CMP/netty/target/classpath.txt")" NettyEcho "$HUB" "$PB" \
    >"$OUT/ab-netty.log" 2>&1 & B=$!
trap 'kill $A $B 2>/dev/null || true' EXIT
for p in $PA $PB; do
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
done
# window PORT PID WARMUP DURATION -> "round-trips/s cpu-s round-trips"
window() {
    taskset -c 0 timeout $(($3 + $4 + 40)) "$OUT/loadgen" 127.0.0.1 "$1" "$CONNS" "$3" "$4" "$2" 0 \
        | sed -n 's/.*rtps=\([0-9]*\).*cpu_s=\([0-9.]*\) roundtrips=\([0-9]*\).*/\1 \2 \3/p'
}
window "$PA" "$A" 0 10 >/dev/null; window "$PB" "$B" 0 10 >/dev/null # JIT warm-up of both
echo "greenhub-$HUB vs netty-$HUB, $CONNS connections: greenhub's throughput and CPU-per-round-trip factors per pair" >&2
RESULTS=""
for i in $(seq "$PAIRS"); do
    if [ $((i % 2)) = 1 ]; then a=$(window "$PA" "$A" 1 3); b=$(window "$PB" "$B" 1 3)
    else b=$(window "$PB" "$B" 1 3); a=$(window "$PA" "$A" 1 3); fi
    line=$(echo "$i $a $b" | awk '{printf "pair %2d: greenhub %d/s, netty %d/s, throughput %.3fx, CPU per round trip %.3fx",
        $1, $2, $5, $2 / $5, ($6 / $7) / ($3 / $4)}')
    echo "$line" >&2
    RESULTS+="$line"$'\n'
done
median() { sort -n | awk '{v[NR] = $1} END {m = int((NR + 1) / 2); printf "%.3f", NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2}'; }
t=$(printf '%s' "$RESULTS" | sed -n 's/.*throughput \([0-9.]*\)x.*/\1/p' | median)
c=$(printf '%s' "$RESULTS" | sed -n 's/.*round trip \([0-9.]*\)x.*/\1/p' | median)
echo "greenhub-$HUB vs netty-$HUB, $CONNS connections, median of $PAIRS pairs: throughput ${t}x, CPU per round trip ${c}x (above 1: greenhub better)"
