#!/usr/bin/env bash
# The command line's contract: exit codes, messages naming the file and the
# JSON pointer or line, replay of traces. Usage: cli_test.sh SYNCSIM SOURCE_DIR
set -u
syncsim=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# expect CODE PATTERN -- COMMAND...: the command exits with CODE and its
# output (stdout and stderr) contains PATTERN (a fixed string).
expect() {
  local code=$1 pattern=$2
  shift 3
  local output actual
  output=$("$@" 2>&1)
  actual=$?
  if [ "$actual" -eq "$code" ] && grep -qF -- "$pattern" <<<"$output"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL: %s\n  expected exit %s and output containing: %s\n  got exit %s:\n%s\n' \
      "$*" "$code" "$pattern" "$actual" "$(head -c 2000 <<<"$output")"
  fi
}

# Running the default scenario, with and without a seed.
expect 0 "result           pass" -- "$syncsim" run --seed 1
expect 0 "no --seed given; using seed" -- "$syncsim" run
expect 0 '"result": "pass"' -- "$syncsim" run --seed 2 --json
expect 0 '"partition_one_way"' -- "$syncsim" run --print-default

# Same seed, byte-identical traces; replay says identical.
"$syncsim" run --seed 77 --trace "$work/a.jsonl" >/dev/null
"$syncsim" run --seed 77 --trace "$work/b.jsonl" >/dev/null
if cmp -s "$work/a.jsonl" "$work/b.jsonl"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: traces of one seed differ"; fi
"$syncsim" run --seed 78 --trace "$work/c.jsonl" >/dev/null
if ! cmp -s "$work/a.jsonl" "$work/c.jsonl"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: traces of two seeds are equal"; fi
expect 0 "identical" -- "$syncsim" replay "$work/a.jsonl"

# A hand-edited event: replay exits 3 and names the line.
sed '100s/"t":/"t":1/' "$work/a.jsonl" >"$work/edited.jsonl"
expect 3 "diverged at $work/edited.jsonl:100" -- "$syncsim" replay "$work/edited.jsonl"
# A truncated trace is bad input: exit 2 with the line.
head -n 50 "$work/a.jsonl" >"$work/truncated.jsonl"
expect 2 "$work/truncated.jsonl:51: the trace is truncated" -- "$syncsim" replay "$work/truncated.jsonl"
expect 2 "cannot open the trace" -- "$syncsim" replay "$work/missing.jsonl"

# Malformed scenarios exit 2 naming the file and the line or JSON pointer.
bad="$source_dir/test/data/bad-scenarios"
expect 2 "$bad/broken-json.json:4:" -- "$syncsim" run "$bad/broken-json.json" --seed 1
expect 2 "$bad/wrong-type.json: /network/delay/floor: expected a duration" -- "$syncsim" run "$bad/wrong-type.json" --seed 1
expect 2 "$bad/unknown-key.json: /faults/swarm/intervall: unknown key" -- "$syncsim" validate "$bad/unknown-key.json"
expect 2 "$bad/out-of-range.json: /cluster/servers: expected an integer from 1 to 64" -- "$syncsim" validate "$bad/out-of-range.json"
expect 2 "$bad/min-above-max.json: /clock/drift_ppm/min: the minimum exceeds the maximum" -- "$syncsim" validate "$bad/min-above-max.json"
expect 2 "$bad/missing-target.json: /faults/schedule/1/targets/0" -- "$syncsim" validate "$bad/missing-target.json"
expect 2 "cannot open the scenario file" -- "$syncsim" run "$work/nothing.json"

# Every shipped scenario validates.
mapfile -t shipped < <(ls "$source_dir"/scenarios/*.json | grep -v "\.schema\.json$")
expect 0 ": ok" -- "$syncsim" validate "${shipped[@]}"

# A bug switch turned on from the command line is caught, with a replay line.
expect 1 "replay with      syncsim run --seed" -- bash -c "for seed in \$(seq 1 50); do \"$syncsim\" run --seed \$seed --bug ping.unsynced_boot_count || exit \$?; done"
expect 2 "--bug: unknown bug switch \"raft.nothing\"" -- "$syncsim" run --seed 1 --bug raft.nothing

# Usage errors exit 2; help exits 0 and documents the exit codes.
expect 2 "" -- "$syncsim" run --no-such-flag
expect 2 "" -- "$syncsim" frobnicate
expect 2 "" -- "$syncsim"
expect 0 "3   replay diverged" -- "$syncsim" --help
expect 0 "70  internal error" -- "$syncsim" run --help
expect 0 "ping.unsynced_boot_count" -- "$syncsim" list bugs
expect 0 "partition_one_way" -- "$syncsim" list faults
expect 0 "kernel_events_per_second" -- "$syncsim" bench --json --events 20000

# Linearizability of recorded histories: exit 0 linearizable, 1 not, 2 bad input.
jepsen="$source_dir/test/data/jepsen"
expect 0 "etcd_002.log: linearizable" -- "$syncsim" check-history "$jepsen/jepsen-etcd/etcd_002.log" --model register
expect 1 "etcd_000.log: not-linearizable" -- "$syncsim" check-history "$jepsen/jepsen-etcd/etcd_000.log"
expect 1 "c10-bad.txt: not-linearizable" -- "$syncsim" check-history "$jepsen/jepsen-kv/c10-bad.txt" --model kv
expect 2 "cannot open the history" -- "$syncsim" check-history "$work/none.log"
# syncsim's own history format: a run writes it, check-history reads it.
expect 0 "result           pass" -- "$syncsim" run --seed 5 --history "$work/history.jsonl"
grep -q '"type":"invoke","f":"echo"' "$work/history.jsonl" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: no echo invocations in the history file"; }
cat >"$work/register.jsonl" <<'HISTORY'
{"index":0,"time_ns":1,"process":"c0","type":"invoke","f":"write","key":"x","value":"1"}
{"index":1,"time_ns":2,"process":"c0","type":"ok","f":"write","key":"x","value":""}
{"index":2,"time_ns":3,"process":"c1","type":"invoke","f":"read","key":"x","value":""}
{"index":3,"time_ns":4,"process":"c1","type":"ok","f":"read","key":"x","value":"nil"}
HISTORY
expect 1 "register.jsonl: not-linearizable (key \"x\")" -- "$syncsim" check-history "$work/register.jsonl" --model register
sed -i 's/"value":"nil"/"value":"1"/' "$work/register.jsonl"
expect 0 "register.jsonl: linearizable" -- "$syncsim" check-history "$work/register.jsonl" --model register
expect 2 "" -- "$syncsim" check-history "$jepsen/jepsen-kv/c10-ok.txt" --model paxos

# Wait-for graphs: a lock run with a trace writes a DOT file per deadlock
# beside it; render draws the graph at a time or at each deadlock.
expect 0 "deadlocks        " -- "$syncsim" run "$source_dir/scenarios/lock-deadlock-2.json" --seed 1 --trace "$work/lock.jsonl"
expect 0 "color=red" -- cat "$work/lock.deadlock-1.dot"
expect 0 "subgraph cluster_" -- "$syncsim" render dot "$work/lock.jsonl" --at 2s
expect 0 "lock.deadlock-1.dot" -- "$syncsim" render dot "$work/lock.jsonl" -o "$work/lock.jsonl"
expect 2 "--at: expected a duration" -- "$syncsim" render dot "$work/lock.jsonl" --at soon
expect 2 "--format: expected dot, svg or png" -- "$syncsim" render dot "$work/lock.jsonl" --format gif
expect 2 "wait-for graphs need a lock manager run" -- "$syncsim" render dot "$work/a.jsonl"
expect 2 "cannot open the trace" -- "$syncsim" render dot "$work/none.jsonl"
if command -v dot >/dev/null 2>&1; then
  expect 0 "lock.at-2s.svg" -- "$syncsim" render dot "$work/lock.jsonl" --at 2s --format svg
  expect 0 "<svg" -- cat "$work/lock.at-2s.svg"
else
  expect 2 "Graphviz's \`dot\` is not installed" -- "$syncsim" render dot "$work/lock.jsonl" --at 2s --format svg
fi

# Fuzzing: a summary, exit 1 with a one-line repro and a kept trace for a
# failing seed, JSON and JUnit for CI, shards, and usage errors.
swarm="$source_dir/scenarios/raft-swarm.json"
expect 0 "result           pass" -- "$syncsim" fuzz "$swarm" --seeds 6 --jobs 2 --self-check 1/2
expect 1 "reproduce: syncsim run $swarm --seed 4 --bug raft.no_log_check" -- \
  "$syncsim" fuzz "$swarm" --seeds 4 --jobs 2 --bug raft.no_log_check --out "$work/sweep" --junit "$work/junit.xml" --corpus "$work/corpus.jsonl"
expect 0 "identical" -- "$syncsim" replay "$work/sweep/raft-swarm-seed-4.trace.jsonl"
expect 0 '<failure type="raft.log_safety"' -- cat "$work/junit.xml"
expect 0 '"expect":"violation"' -- cat "$work/corpus.jsonl"
expect 1 '"seeds_per_second"' -- "$syncsim" fuzz "$swarm" --seeds 4 --shard 0/2 --bug raft.no_log_check --json --out "$work/sweep2"
expect 1 '"seeds": 2,' -- "$syncsim" fuzz "$swarm" --seeds 4 --shard 0/2 --bug raft.no_log_check --json --out "$work/sweep2"
expect 2 "--shard: expected I/N with 0 <= I < N" -- "$syncsim" fuzz "$swarm" --shard 2/2
expect 2 "--time: expected a duration" -- "$syncsim" fuzz "$swarm" --time soon
expect 2 "--self-check: expected a share" -- "$syncsim" fuzz "$swarm" --self-check half
expect 2 "--bug: unknown bug switch \"raft.no_such_bug\"" -- "$syncsim" fuzz "$swarm" --bug raft.no_such_bug

# Shrinking: a smaller scenario naming its seed, which fails on its own.
expect 0 "raft.log_safety still fails" -- "$syncsim" shrink "$work/sweep/raft-swarm-seed-4.trace.jsonl" -o "$work/small.json"
expect 1 "VIOLATION of raft.log_safety" -- "$syncsim" run "$work/small.json"
expect 2 "there is no failure to shrink" -- "$syncsim" shrink "$work/a.jsonl"
expect 2 "cannot open the trace" -- "$syncsim" shrink "$work/none.jsonl"

# Mermaid and Perfetto exports of a trace. A long run is refused as a
# diagram; a missing, truncated or cut trace exits 2 naming the file and line.
expect 0 "" -- "$syncsim" render mermaid "$work/a.jsonl" --max-lines 100000 -o "$work/a.mmd"
expect 0 "sequenceDiagram" -- head -n 1 "$work/a.mmd"
expect 0 "participant c1 as c1" -- cat "$work/a.mmd"
expect 0 "ms timer " -- "$syncsim" render mermaid "$work/a.jsonl" --max-lines 100000 --timers
expect 2 "syncsim render: $work/a.jsonl: the sequence diagram would have" -- "$syncsim" render mermaid "$work/a.jsonl"
expect 2 "shrink the run first" -- "$syncsim" render mermaid "$work/a.jsonl" --max-lines 100
expect 2 "--max-lines" -- "$syncsim" render mermaid "$work/a.jsonl" --max-lines 0
# The intended path: a shrunk failure is short enough to draw as it is.
expect 1 "VIOLATION of raft.log_safety" -- "$syncsim" run "$work/small.json" --trace "$work/small.jsonl"
expect 0 "violation of raft.log_safety" -- "$syncsim" render mermaid "$work/small.jsonl"
expect 0 '"violation: raft.log_safety"' -- "$syncsim" render perfetto "$work/small.jsonl"
expect 0 '{"traceEvents":[' -- "$syncsim" render perfetto "$work/a.jsonl"
if command -v python3 >/dev/null 2>&1; then
  expect 0 "valid JSON" -- bash -c "set -o pipefail; \"$syncsim\" render perfetto \"$work/a.jsonl\" | python3 -c 'import json,sys; json.load(sys.stdin); print(\"valid JSON\")'"
fi
expect 0 "" -- "$syncsim" render perfetto "$work/a.jsonl" -o "$work/a.perfetto.json"
expect 0 '"displayTimeUnit":"ms"' -- cat "$work/a.perfetto.json"
for format in mermaid perfetto; do
  expect 2 "syncsim render: $work/none.jsonl:0: cannot open the trace" -- "$syncsim" render $format "$work/none.jsonl"
  expect 2 "syncsim render: $work/truncated.jsonl:51: the trace is truncated" -- "$syncsim" render $format "$work/truncated.jsonl"
  expect 0 "70  internal error" -- "$syncsim" render $format --help
done
head -c 6000 "$work/a.jsonl" >"$work/cut.jsonl"
cut_line=$(($(wc -l <"$work/cut.jsonl") + 1))
expect 2 "$work/cut.jsonl:$cut_line: malformed JSON" -- "$syncsim" render mermaid "$work/cut.jsonl"
expect 2 "$work/cut.jsonl:$cut_line: malformed JSON" -- "$syncsim" render perfetto "$work/cut.jsonl"
expect 2 "$bad/broken-json.json:1: malformed JSON" -- "$syncsim" render perfetto "$bad/broken-json.json"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
