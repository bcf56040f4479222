#!/usr/bin/env bash
# What the GitHub Action (action.yml) runs, and what tests/ci_integration.rs runs on the
# bundled examples: formatting, then `govc verify` (check, compile, tests, proofs) with
# workflow annotations on the log and a SARIF log for code scanning.
#
#   GOVC        the govc binary (default: govc on PATH)
#   GOVC_PATHS  files or directories, separated by spaces (default: .)
#   GOVC_SARIF  where to write the SARIF log (default: govc.sarif)
#
# Exit status: 0 when everything passes, 1 when a file is not formatted, a diagnostic is an
# error, a test fails or a proof does not hold; the SARIF log is written either way.
set -uo pipefail
govc="${GOVC:-govc}"
read -r -a paths <<< "${GOVC_PATHS:-.}"
sarif="${GOVC_SARIF:-govc.sarif}"
status=0

# Formatting: the files `govc fmt` would change.
if ! "$govc" fmt --check "${paths[@]}"; then
  echo "::error title=govc fmt::.gov files are not formatted; run govc fmt" >&2
  status=1
fi
# Diagnostics as workflow annotations on the log.
"$govc" check --format github "${paths[@]}" || status=1
# Tests and proofs, as SARIF for code scanning (written even when something fails).
tmp="$(mktemp)"
if ! "$govc" verify --format sarif "${paths[@]}" > "$tmp"; then
  status=1
fi
mv "$tmp" "$sarif"
exit "$status"
