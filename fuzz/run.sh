#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a while on a corpus seeded from the repository.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     default: 30 seconds each, every target
#
# Needs cargo-fuzz (`.ci/run` installs it). No sanitizer: the code under test has no unsafe code,
# AddressSanitizer would halve the speed for nothing, and without it cargo-fuzz passes only
# flags that the stable compiler takes. A finding is saved under
# fuzz/artifacts/TARGET/ and makes the exit status 1; each target's libFuzzer log is in
# fuzz/logs/TARGET.log, its corpus in fuzz/corpus/TARGET/ (kept between runs).
set -euo pipefail
secs="${1:-30}"
[ $# -gt 0 ] && shift
cd "$(dirname "$0")"
if [ $# -eq 0 ]; then
  set -- parse_check compile_verify format lsp_framer lsp_server
fi
# Builds with cargo-fuzz's flags get their own directory, apart from the workspace's.
target_dir="${CARGO_TARGET_DIR:+$CARGO_TARGET_DIR/fuzz}"
target_dir="${target_dir:-target}"
fuzz=(cargo fuzz)
build=(-s none --target-dir "$target_dir")

# cargo-fuzz has no --locked: check the lockfile first.
cargo fetch --locked --quiet
start=$(date +%s)
"${fuzz[@]}" build "${build[@]}"
echo "fuzz: built the targets in $(($(date +%s) - start)) s"

# Seeds, made afresh from the repository's files.
seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/gov" "$seeds/lsp"
# One file is the whole program under fuzzing: an example's `use "FILE.gov"` of another example
# is replaced by that file's text (each file once), so the seeds compile and reach the back end.
declare -A seen
inline() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^use\ \"([^\"/]+\.gov)\"$ ]] && [ -f "../examples/${BASH_REMATCH[1]}" ]; then
      local used="../examples/${BASH_REMATCH[1]}"
      if [ -z "${seen[$used]:-}" ]; then
        seen[$used]=1
        inline "$used"
      fi
      continue
    fi
    printf '%s\n' "$line"
  done <"$1"
}
for f in ../examples/*.gov; do
  seen=(["$f"]=1)
  inline "$f" >"$seeds/gov/example-$(basename "$f")"
done
for f in ../stdlib/*.gov; do cp "$f" "$seeds/gov/std-$(basename "$f")"; done
for f in ../tests/bad/*.gov; do cp "$f" "$seeds/gov/bad-$(basename "$f")"; done
# Message streams, one body per line; for the framer also framed as an editor sends them.
cp seeds/lsp/* "$seeds/lsp/"
for f in seeds/lsp/*.jsonl; do
  while IFS= read -r line; do
    printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$line" | wc -c)" "$line"
  done <"$f" >"$seeds/lsp/framed-$(basename "$f" .jsonl)"
done

mkdir -p logs
failed=()
for t in "$@"; do
  case "$t" in
    lsp_*) from="$seeds/lsp" dict=lsp.dict ;;
    *) from="$seeds/gov" dict=gov.dict ;;
  esac
  mkdir -p "corpus/$t"
  status=0
  # Through a pipe, not straight into the log: a fuzzed `use "/proc/self/fd/1"` would read
  # the log itself, while the server refuses to read a pipe (as it would the editor's).
  "${fuzz[@]}" run "${build[@]}" "$t" "corpus/$t" "$from" -- \
    -max_total_time="$secs" -max_len=65536 -timeout=30 -rss_limit_mb=4096 \
    -dict="$dict" -print_final_stats=1 2>&1 | cat >"logs/$t.log" || status=$?
  # The last status line: executions, coverage, corpus; then the average speed.
  summary=$(grep -E '^#[0-9]+' "logs/$t.log" | tail -n 1 | sed -E 's/[[:space:]]+/ /g' || true)
  speed=$(grep -E '^stat::average_exec_per_sec' "logs/$t.log" | awk '{print $2}' || true)
  echo "fuzz: $t: ${summary:-no status line} (average ${speed:-?} exec/s)"
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    tail -n 40 "logs/$t.log" | cut -c1-300
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}: see fuzz/artifacts/ and fuzz/logs/"
  exit 1
fi
