#!/usr/bin/env bash
# Export an AWS Organization for `govc import --org`: its tree, its SCPs and RCPs, and where
# each is attached, as the AWS CLI prints them (docs/compiler.md, "Importing an organization").
#
#   tools/export-org.sh OUT_DIR
#
# Run it with credentials of the management account (or of a delegated administrator for
# AWS Organizations); it only reads. The AWS CLI's usual settings apply (AWS_PROFILE,
# AWS_REGION, AWS_ENDPOINT_URL, ...). OUT_DIR is replaced as a whole once the export is
# complete. What it writes, each file the JSON of one command:
#
#   organization.json                 aws organizations describe-organization
#   roots.json                        aws organizations list-roots
#   children/PARENT/ous.json          aws organizations list-organizational-units-for-parent
#   children/PARENT/accounts.json     aws organizations list-accounts-for-parent
#   policies/TYPE.json                aws organizations list-policies --filter TYPE
#                                     (SERVICE_CONTROL_POLICY; RESOURCE_CONTROL_POLICY when
#                                     RCPs are enabled)
#   policy/ID/policy.json             aws organizations describe-policy
#   policy/ID/targets.json            aws organizations list-targets-for-policy
#
# The list commands are paginated by the AWS CLI itself: each file holds every page.
set -euo pipefail

if [ "$#" -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
out="${1%/}"
aws="${AWS:-aws}"
work="$(mktemp -d "${out}.export.XXXXXX")"
trap 'rm -rf "$work"' EXIT

org() { "$aws" organizations "$@" --output json; }
ids() { "$aws" organizations "$@" --output text; }

org describe-organization > "$work/organization.json"
org list-roots > "$work/roots.json"
root="$(ids list-roots --query 'Roots[0].Id')"

# The tree, breadth first from the root.
queue=("$root")
while [ "${#queue[@]}" -gt 0 ]; do
  parent="${queue[0]}"
  queue=("${queue[@]:1}")
  mkdir -p "$work/children/$parent"
  org list-organizational-units-for-parent --parent-id "$parent" > "$work/children/$parent/ous.json"
  org list-accounts-for-parent --parent-id "$parent" > "$work/children/$parent/accounts.json"
  for ou in $(ids list-organizational-units-for-parent --parent-id "$parent" \
      --query 'OrganizationalUnits[].Id'); do
    [ "$ou" = None ] || queue+=("$ou")
  done
done

mkdir -p "$work/policies"
for type in SERVICE_CONTROL_POLICY RESOURCE_CONTROL_POLICY; do
  # RCPs may not be enabled in the organization: then there is no list of them.
  if ! org list-policies --filter "$type" > "$work/policies/$type.json" 2> "$work/error"; then
    if [ "$type" = RESOURCE_CONTROL_POLICY ]; then
      echo "note: no RCPs exported: $(tr '\n' ' ' < "$work/error")" >&2
      rm -f "$work/policies/$type.json"
      continue
    fi
    cat "$work/error" >&2
    exit 1
  fi
  for id in $(ids list-policies --filter "$type" --query 'Policies[].Id'); do
    [ "$id" = None ] && continue
    mkdir -p "$work/policy/$id"
    org describe-policy --policy-id "$id" > "$work/policy/$id/policy.json"
    org list-targets-for-policy --policy-id "$id" > "$work/policy/$id/targets.json"
  done
done
rm -f "$work/error"

# Replace OUT_DIR only now, so a failed export never leaves half of one behind.
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
echo "exported to $out" >&2
