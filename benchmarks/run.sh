#!/usr/bin/env bash
# Runs the whole benchmark comparison -- the disk's own limits, the peers a user would pick instead,
# and wal4j -- in one JMH run, and writes docs/benchmarks.md from it. Under 20 minutes on 2 cores.
#
#   benchmarks/run.sh                        full run; report to docs/benchmarks.md
#   benchmarks/run.sh --note "TEXT"          the same, with a note at the top of the report
#   benchmarks/run.sh --quick                one 1-second iteration each: checks the pipeline only
#   benchmarks/run.sh --include REGEX        only the benchmarks matching REGEX
#   benchmarks/run.sh --report-only          rewrite the report from benchmarks/target/jmh-result.json
#   benchmarks/run.sh --jmh ARGS...          plain JMH, e.g. --jmh GroupCommitBenchmark -p payloadBytes=256
#   benchmarks/run.sh --e2e [OPTIONS]        end to end: application -> wal4j -> PostgreSQL against the DAO
#                                            called directly (EndToEndBenchmark); --quick for a 2-minute check
#   benchmarks/run.sh --kafka [OPTIONS]      the Kafka log against a raw idempotent KafkaProducer on one in-process
#                                            3-broker cluster (KafkaAppendBenchmark, about 3 minutes); --quick
#                                            checks the harness (report to benchmarks/target/kafka-report.md)
#   benchmarks/run.sh --kafka-drain [OPTIONS] a backlog drained from a shared Kafka log by 1 and by 3 instances
#                                            into PostgreSQL, against the DAO called directly (KafkaDrainBenchmark,
#                                            about 8 minutes); --quick checks the harness
#                                            (report to benchmarks/target/kafka-drain-report.md)
#
# Benchmark directories go under java.io.tmpdir unless WAL4J_BENCH_DIR names another directory; it
# must be on a real disk (tmpfs is refused: fsync costs nothing there).
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -pl benchmarks -am package -DskipTests \
    dependency:build-classpath -Dmdep.outputFile=target/classpath.txt

cd benchmarks
classpath="target/classes:$(cat target/classpath.txt)"
jvm=()  # JMH forks inherit these
if [[ -n "${WAL4J_BENCH_DIR:-}" ]]; then
  jvm+=("-Dwal4j.bench.dir=${WAL4J_BENCH_DIR}")
fi

if [[ "${1:-}" == "--e2e" ]]; then
  shift
  exec java ${jvm[@]+"${jvm[@]}"} -cp "$classpath" org.wal4j.bench.EndToEndBenchmark "$@"
fi
if [[ "${1:-}" == "--kafka" ]]; then
  shift
  # the in-process cluster: 150-175 MB live heap, ~230 threads
  exec java ${jvm[@]+"${jvm[@]}"} -Xmx1g -cp "$classpath" org.wal4j.bench.KafkaAppendBenchmark "$@"
fi
if [[ "${1:-}" == "--kafka-drain" ]]; then
  shift
  # the in-process cluster, up to 3 instances each reading the whole topic, and 20,000-call backlogs
  exec java ${jvm[@]+"${jvm[@]}"} -Xmx2g -cp "$classpath" org.wal4j.bench.KafkaDrainBenchmark "$@"
fi
if [[ "${1:-}" == "--jmh" ]]; then
  shift
  exec java ${jvm[@]+"${jvm[@]}"} -cp "$classpath" org.openjdk.jmh.Main "$@"
fi
exec java ${jvm[@]+"${jvm[@]}"} -cp "$classpath" org.wal4j.bench.BenchmarkSuite "$@"
