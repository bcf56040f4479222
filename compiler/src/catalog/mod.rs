//! Embedded AWS reference data: IAM services, actions, resource types and condition keys;
//! regions and partitions; Bedrock foundation models and system (cross-region) inference
//! profiles.
//!
//! The data is `compiler/catalog/catalog.json`, generated from pinned registry packages by
//! `bash tools/catalog/refresh.sh` (see `docs/catalog.md` and `compiler/catalog/SOURCES.md`). It
//! is compiled into the binary and parsed once, on first use of [`embedded()`]; the compiler's
//! steps read the catalog they are given (see [`Shared`]).
//!
//! AWS treats service prefixes, action names and condition-key names case-insensitively, so
//! those lookups are too; region codes, model ids and profile ids are matched exactly.

mod partition_regex;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::glob::{glob_match, is_glob};
pub use partition_regex::PartitionRegex;

/// The generated catalog, as compiled into the binary.
pub const CATALOG_JSON: &str = include_str!("../../catalog/catalog.json");

/// The embedded catalog, parsed once, on first use. The compiler never reaches for it: the
/// shells (the CLI, the language server) hand it to [`crate::db::Database`], and every step
/// reads the catalog it was given, so a program can be checked against another one (a newer
/// refresh, a test's own).
#[allow(clippy::expect_used, reason = "embedded data, verified by tests")]
pub fn embedded() -> Shared {
    static CATALOG: OnceLock<Shared> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            Shared::new(Catalog::from_json(CATALOG_JSON).expect("embedded catalog.json is valid"))
        })
        .clone()
}

/// A catalog shared by the results computed from it. Two handles are equal when they are the
/// same catalog: the incremental database compares results, and a catalog is never edited in
/// place (a different catalog is a different database).
#[derive(Clone)]
pub struct Shared(Arc<Catalog>);

impl Shared {
    /// Shares `catalog`.
    pub fn new(catalog: Catalog) -> Shared {
        Shared(Arc::new(catalog))
    }
}

impl std::ops::Deref for Shared {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        &self.0
    }
}

impl PartialEq for Shared {
    fn eq(&self, other: &Shared) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Shared {}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Catalog({})", self.0.sources.generated)
    }
}

// ------------------------------------------------------------------------------------------
// Public data types
// ------------------------------------------------------------------------------------------

/// The type of a condition key, as the Service Authorization Reference names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
pub enum KeyType {
    /// A single string.
    String,
    /// A single ARN, compared with the `Arn…` operators.
    #[serde(rename = "ARN")]
    Arn,
    /// A single `true` or `false`.
    Bool,
    /// A single number.
    Numeric,
    /// A single date or time.
    Date,
    /// A single IP address, compared with `IpAddress` / `NotIpAddress` (CIDR ranges).
    #[serde(rename = "IPAddress")]
    IpAddress,
    /// A single base64-encoded binary value.
    Binary,
    /// Several strings per request.
    ArrayOfString,
    /// Several ARNs per request.
    #[serde(rename = "ArrayOfARN")]
    ArrayOfArn,
    /// Several booleans per request.
    ArrayOfBool,
    /// Several numbers per request.
    ArrayOfNumeric,
    /// Several dates per request.
    ArrayOfDate,
    /// Several IP addresses per request.
    #[serde(rename = "ArrayOfIPAddress")]
    ArrayOfIpAddress,
    /// Several binary values per request.
    ArrayOfBinary,
}

impl KeyType {
    /// Every type, in declaration order.
    pub const ALL: [KeyType; 14] = [
        KeyType::String,
        KeyType::Arn,
        KeyType::Bool,
        KeyType::Numeric,
        KeyType::Date,
        KeyType::IpAddress,
        KeyType::Binary,
        KeyType::ArrayOfString,
        KeyType::ArrayOfArn,
        KeyType::ArrayOfBool,
        KeyType::ArrayOfNumeric,
        KeyType::ArrayOfDate,
        KeyType::ArrayOfIpAddress,
        KeyType::ArrayOfBinary,
    ];

    /// Whether the key may carry several values in one request (needs `ForAnyValue:` /
    /// `ForAllValues:` in a policy).
    pub fn is_multivalued(self) -> bool {
        self != self.element()
    }

    /// The type of one value: `ArrayOfString` → `String`; single-valued types are their own.
    pub fn element(self) -> KeyType {
        match self {
            KeyType::ArrayOfString => KeyType::String,
            KeyType::ArrayOfArn => KeyType::Arn,
            KeyType::ArrayOfBool => KeyType::Bool,
            KeyType::ArrayOfNumeric => KeyType::Numeric,
            KeyType::ArrayOfDate => KeyType::Date,
            KeyType::ArrayOfIpAddress => KeyType::IpAddress,
            KeyType::ArrayOfBinary => KeyType::Binary,
            other => other,
        }
    }

    /// The SAR spelling (`String`, `ARN`, `IPAddress`, `ArrayOfARN`, …).
    pub fn name(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::Arn => "ARN",
            KeyType::Bool => "Bool",
            KeyType::Numeric => "Numeric",
            KeyType::Date => "Date",
            KeyType::IpAddress => "IPAddress",
            KeyType::Binary => "Binary",
            KeyType::ArrayOfString => "ArrayOfString",
            KeyType::ArrayOfArn => "ArrayOfARN",
            KeyType::ArrayOfBool => "ArrayOfBool",
            KeyType::ArrayOfNumeric => "ArrayOfNumeric",
            KeyType::ArrayOfDate => "ArrayOfDate",
            KeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            KeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// The type with this SAR spelling (exact case).
    pub fn from_name(name: &str) -> Option<KeyType> {
        KeyType::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An IAM action (`service:Name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The canonical service prefix, e.g. `bedrock`.
    pub service: String,
    /// The canonical-case action name, e.g. `InvokeModel`.
    pub name: String,
    /// Present for the detail services (bedrock, bedrock-mantle, bedrock-agentcore, iam,
    /// organizations, sts).
    pub detail: Option<ActionDetail>,
}

impl Action {
    /// `service:Name`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }
}

/// Access level, resource types and condition keys of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDetail {
    /// `List`, `Read`, `Write`, `Permissions management` or `Tagging`.
    pub access_level: String,
    /// Resource types the action applies to; empty when it only supports `"Resource": "*"`.
    pub resource_types: Vec<ActionResource>,
    /// Condition keys of the request (action level).
    pub condition_keys: Vec<String>,
}

/// One resource type of an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionResource {
    /// The resource type's name as the SAR lists it, e.g. `foundation-model`.
    pub name: String,
    /// Marked with `*` in the SAR.
    pub required: bool,
    /// Condition keys that apply only with this resource type.
    pub condition_keys: Vec<String>,
}

/// A condition key and its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionKey {
    /// Canonical spelling; template keys keep their placeholder (`aws:RequestTag/${TagKey}`).
    pub name: String,
    /// The value type, which decides the operators a condition on the key may use.
    pub ty: KeyType,
}

impl ConditionKey {
    /// Whether the name contains a `${…}` placeholder.
    pub fn is_template(&self) -> bool {
        self.name.contains("${")
    }
}

/// A region of some partition.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Region {
    /// The region code, e.g. `us-east-1`.
    pub code: String,
    /// botocore's description, e.g. `US East (N. Virginia)`.
    pub name: String,
    /// `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, …
    pub partition: String,
    /// Must be enabled per account before use (derived rule, see `docs/catalog.md`).
    pub opt_in: bool,
}

/// A partition and its region-code pattern.
#[derive(Clone, Debug)]
pub struct Partition {
    /// The partition id: `aws`, `aws-cn`, `aws-us-gov`, …
    pub id: String,
    /// botocore's `regionRegex`.
    pub region_regex: String,
    matcher: Option<PartitionRegex>,
}

impl Partition {
    /// Whether the pattern is of the subset [`PartitionRegex`] understands (tests check all are).
    pub fn regex_supported(&self) -> bool {
        self.matcher.is_some()
    }
}

/// A Bedrock foundation-model id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    /// The model id, e.g. `anthropic.claude-sonnet-4-5-20250929-v1:0`.
    pub id: String,
    /// Text before the first `.`, e.g. `anthropic`.
    pub provider: String,
    /// e.g. `Anthropic`, `Mistral AI`.
    pub provider_name: String,
    /// `TEXT`, `IMAGE`, `VIDEO`, `SPEECH`, `AUDIO`, …
    pub input_modalities: Vec<String>,
    /// As above, plus `EMBEDDING`.
    pub output_modalities: Vec<String>,
    /// Whether the model produces embeddings (output modality `EMBEDDING`).
    pub embedding: bool,
    /// `ACTIVE` or `LEGACY`; empty for deleted ids.
    pub lifecycle: String,
    /// Served by bedrock-runtime (`bedrock:InvokeModel`).
    pub runtime: bool,
    /// Served by bedrock-mantle (`bedrock-mantle:CreateInference`, key `bedrock-mantle:Model`).
    pub mantle: bool,
    /// Regions with on-demand inference.
    pub regions: Vec<String>,
    /// Date the id disappeared from the API, if it did (such ids carry no other data).
    pub deleted: Option<String>,
}

/// A system-defined (cross-region) inference profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InferenceProfile {
    /// `us.anthropic.claude-sonnet-4-5-20250929-v1:0`, `global.…`
    pub id: String,
    /// `us`, `eu`, `apac`, `jp`, `au`, `in`, `ca`, `global`, …
    pub geo: String,
    /// The foundation-model id.
    pub model: String,
    /// Source region → destination regions, sorted by source. For `global` profiles the
    /// destinations are empty: they are all commercial regions, authorised as region
    /// `unspecified`.
    pub routes: Vec<(String, Vec<String>)>,
}

impl InferenceProfile {
    /// Destination regions when invoked from `source`; `None` if not offered there.
    pub fn destinations(&self, source: &str) -> Option<&[String]> {
        self.routes
            .iter()
            .find(|(s, _)| s == source)
            .map(|(_, d)| d.as_slice())
    }

    /// Whether this is a `global.` profile: it routes to any commercial region, authorised as
    /// region `unspecified`.
    pub(crate) fn is_global(&self) -> bool {
        self.geo == "global"
    }
}

/// A resource type of a detail service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceType {
    /// The service prefix the resource type belongs to, e.g. `bedrock`.
    pub service: String,
    /// The resource type's name, e.g. `foundation-model`.
    pub name: String,
    /// ARN format with `${Partition}`, `${Region}`, `${Account}` and resource placeholders.
    pub arn: String,
    /// Condition keys that apply to requests on this resource type.
    pub condition_keys: Vec<String>,
}

/// Where the data came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sources {
    /// Package name and version, sorted by name.
    pub packages: Vec<(String, String)>,
    /// Date the catalog was generated (`YYYY-MM-DD`).
    pub generated: String,
    /// Per package: data date and licence, in the order of `packages`.
    pub details: Vec<SourcePackage>,
}

/// One source package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcePackage {
    /// The package's name in its registry.
    pub name: String,
    /// The pinned version the catalog was generated from.
    pub version: String,
    /// The date of the package's data (`YYYY-MM-DD`).
    pub data_date: String,
    /// The package's licence, as its metadata states it.
    pub license: String,
}

// ------------------------------------------------------------------------------------------
// The catalog
// ------------------------------------------------------------------------------------------

struct Service {
    prefix: String,
    name: String,
    actions: Vec<Action>,
    /// Lower-case action name → index in `actions`.
    action_index: HashMap<String, usize>,
    resource_types: Vec<ResourceType>,
    detail: bool,
}

/// A template key split at its placeholders: `aws:RequestTag/${TagKey}` → `["aws:requesttag/", ""]`
/// (lower case). Each placeholder matches one or more characters.
struct Template {
    key: usize,
    parts: Vec<String>,
    literal_len: usize,
}

/// The reference data with lookup tables.
pub struct Catalog {
    sources: Sources,
    services: Vec<Service>,
    service_index: HashMap<String, usize>,
    keys: Vec<ConditionKey>,
    key_index: HashMap<String, usize>,
    /// Lower-case service prefix of the key → template keys of that prefix.
    templates: HashMap<String, Vec<Template>>,
    regions: Vec<Region>,
    region_index: HashMap<String, usize>,
    partitions: Vec<Partition>,
    models: Vec<Model>,
    model_index: HashMap<String, usize>,
    profiles: Vec<InferenceProfile>,
    profile_index: HashMap<String, usize>,
    /// The keys of a web identity (OIDC) provider: a single-valued claim and `amr`.
    identity_provider_keys: [ConditionKey; 2],
    /// Service prefixes served from one partition-wide endpoint, sorted.
    global_services: Vec<String>,
}

/// The claims IAM exposes as condition keys of an OpenID Connect provider, `ISSUER:CLAIM`
/// (IAM User Guide, "Available keys for AWS web identity federation",
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif>).
/// `amr` holds several values; the others one.
pub const IDENTITY_PROVIDER_CLAIMS: &[&str] = &["aud", "azp", "amr", "email", "oaud", "sub"];

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("sources", &self.sources)
            .field("services", &self.services.len())
            .field("condition_keys", &self.keys.len())
            .field("regions", &self.regions.len())
            .field("models", &self.models.len())
            .field("inference_profiles", &self.profiles.len())
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// Parse a catalog document (the embedded one is [`CATALOG_JSON`]).
    pub fn from_json(text: &str) -> Result<Catalog, serde_json::Error> {
        let raw: raw::Catalog = serde_json::from_str(text)?;
        Ok(Catalog::build(raw))
    }

    fn build(raw: raw::Catalog) -> Catalog {
        let raw::Catalog {
            sources,
            services: service_names,
            mut actions,
            mut action_details,
            mut resource_types,
            condition_keys,
            regions,
            partitions,
            models,
            inference_profiles,
            global_services,
        } = raw;

        let sources = Sources {
            packages: sources
                .packages
                .iter()
                .map(|(n, p)| (n.clone(), p.version.clone()))
                .collect(),
            generated: sources.generated,
            details: sources
                .packages
                .into_iter()
                .map(|(name, p)| SourcePackage {
                    name,
                    version: p.version,
                    data_date: p.data_date,
                    license: p.license,
                })
                .collect(),
        };

        let mut services = Vec::with_capacity(service_names.len());
        let mut service_index = HashMap::with_capacity(service_names.len());
        for (prefix, name) in service_names {
            let mut details = action_details.remove(&prefix);
            let detail = details.is_some();
            let action_list: Vec<Action> =
                actions
                    .remove(&prefix)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|action| {
                        let detail = details.as_mut().and_then(|d| d.remove(&action)).map(|d| {
                            ActionDetail {
                                access_level: d.access,
                                resource_types: d
                                    .resources
                                    .into_iter()
                                    .map(|(name, required, condition_keys)| ActionResource {
                                        name,
                                        required,
                                        condition_keys,
                                    })
                                    .collect(),
                                condition_keys: d.keys,
                            }
                        });
                        Action {
                            service: prefix.clone(),
                            name: action,
                            detail,
                        }
                    })
                    .collect();
            let action_index = action_list
                .iter()
                .enumerate()
                .map(|(i, a)| (a.name.to_lowercase(), i))
                .collect();
            let types = resource_types
                .remove(&prefix)
                .unwrap_or_default()
                .into_iter()
                .map(|(name, r)| ResourceType {
                    service: prefix.clone(),
                    name,
                    arn: r.arn,
                    condition_keys: r.keys,
                })
                .collect();
            service_index.insert(prefix.to_lowercase(), services.len());
            services.push(Service {
                prefix,
                name,
                actions: action_list,
                action_index,
                resource_types: types,
                detail,
            });
        }

        let mut keys = Vec::with_capacity(condition_keys.len());
        let mut key_index = HashMap::with_capacity(condition_keys.len());
        let mut templates: HashMap<String, Vec<Template>> = HashMap::new();
        for (name, ty) in condition_keys {
            let lower = name.to_lowercase();
            let idx = keys.len();
            if let Some(parts) = template_parts(&lower) {
                let prefix = lower.split_once(':').map_or("", |(p, _)| p).to_string();
                let literal_len = parts.iter().map(String::len).sum();
                templates.entry(prefix).or_default().push(Template {
                    key: idx,
                    parts,
                    literal_len,
                });
            }
            key_index.insert(lower, idx);
            keys.push(ConditionKey { name, ty });
        }

        let region_index = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.clone(), i))
            .collect();

        let partitions = partitions
            .into_iter()
            .map(|(id, p)| Partition {
                id,
                matcher: PartitionRegex::parse(&p.regex),
                region_regex: p.regex,
            })
            .collect();

        let models: Vec<Model> = models
            .into_iter()
            .map(|(id, m)| Model {
                id,
                provider: m.provider,
                provider_name: m.provider_name,
                input_modalities: m.input,
                output_modalities: m.output,
                embedding: m.embedding,
                lifecycle: m.lifecycle,
                runtime: m.runtime,
                mantle: m.mantle,
                regions: m.regions,
                deleted: m.deleted,
            })
            .collect();
        let model_index = models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();

        let profiles: Vec<InferenceProfile> = inference_profiles
            .into_iter()
            .map(|(id, p)| InferenceProfile {
                id,
                geo: p.geo,
                model: p.model,
                routes: p.routes.into_iter().collect(),
            })
            .collect();
        let profile_index = profiles
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();

        Catalog {
            sources,
            services,
            service_index,
            keys,
            key_index,
            templates,
            regions,
            region_index,
            partitions,
            models,
            model_index,
            profiles,
            profile_index,
            global_services,
            identity_provider_keys: [
                ConditionKey {
                    name: "${IdentityProvider}:${Claim}".to_string(),
                    ty: KeyType::String,
                },
                ConditionKey {
                    name: "${IdentityProvider}:amr".to_string(),
                    ty: KeyType::ArrayOfString,
                },
            ],
        }
    }

    fn svc(&self, prefix: &str) -> Option<&Service> {
        self.service_index
            .get(&prefix.to_lowercase())
            .and_then(|&i| self.services.get(i))
    }

    /// Packages, versions and dates the data came from.
    pub fn sources(&self) -> &Sources {
        &self.sources
    }

    /// The canonical prefix of a service (case-insensitive lookup).
    pub fn service(&self, prefix: &str) -> Option<&str> {
        self.svc(prefix).map(|s| s.prefix.as_str())
    }

    /// The display name of a service, e.g. `Amazon Bedrock`.
    pub fn service_name(&self, prefix: &str) -> Option<&str> {
        self.svc(prefix).map(|s| s.name.as_str())
    }

    /// Every service prefix, sorted.
    pub fn service_prefixes(&self) -> impl Iterator<Item = &str> {
        self.services.iter().map(|s| s.prefix.as_str())
    }

    /// An action by service and name (both case-insensitive).
    pub fn action(&self, service: &str, name: &str) -> Option<&Action> {
        let svc = self.svc(service)?;
        svc.action_index
            .get(&name.to_lowercase())
            .and_then(|&i| svc.actions.get(i))
    }

    /// An action written `service:Name` (case-insensitive).
    pub fn action_by_full_name(&self, full: &str) -> Option<&Action> {
        let (service, name) = full.split_once(':')?;
        self.action(service, name)
    }

    /// All actions of a service, sorted by name; empty for an unknown service.
    pub fn actions(&self, service: &str) -> &[Action] {
        self.svc(service).map_or(&[], |s| s.actions.as_slice())
    }

    /// Actions matching an IAM action pattern such as `bedrock:Invoke*`, `bedrock-*:*` or `*`,
    /// case-insensitively, wildcards allowed on both sides of the `:`. A pattern without `:`
    /// is matched against the whole `service:Name`. Sorted by service, then name.
    pub fn match_actions(&self, pattern: &str) -> Vec<&Action> {
        let Some((svc_pat, act_pat)) = pattern.split_once(':') else {
            if pattern.chars().all(|c| c == '*') && !pattern.is_empty() {
                return self
                    .services
                    .iter()
                    .flat_map(|s| s.actions.iter())
                    .collect();
            }
            return self
                .services
                .iter()
                .flat_map(|s| s.actions.iter())
                .filter(|a| glob_match(pattern, &a.full_name(), true))
                .collect();
        };
        let services: Vec<&Service> = if is_glob(svc_pat) {
            self.services
                .iter()
                .filter(|s| glob_match(svc_pat, &s.prefix, true))
                .collect()
        } else {
            self.svc(svc_pat).into_iter().collect()
        };
        let mut out = Vec::new();
        for svc in services {
            if is_glob(act_pat) {
                out.extend(
                    svc.actions
                        .iter()
                        .filter(|a| glob_match(act_pat, &a.name, true)),
                );
            } else if let Some(a) = svc
                .action_index
                .get(&act_pat.to_lowercase())
                .and_then(|&i| svc.actions.get(i))
            {
                out.push(a);
            }
        }
        out
    }

    /// Whether actions of this service carry [`ActionDetail`] and resource types.
    pub fn has_detail(&self, service: &str) -> bool {
        self.svc(service).is_some_and(|s| s.detail)
    }

    /// A condition key, case-insensitively. An exact name wins; otherwise a template key whose
    /// placeholders each match a non-empty text (`aws:RequestTag/CostCenter` →
    /// `aws:RequestTag/${TagKey}`), the most specific template first.
    pub fn condition_key(&self, key: &str) -> Option<&ConditionKey> {
        let lower = key.to_lowercase();
        // `amr` (authentication methods) holds several values for every web identity provider,
        // Amazon Cognito's included, which the reference data types as a String; IAM's own
        // examples test it with `ForAnyValue`.
        if let Some((issuer, "amr")) = lower.split_once(':') {
            if issuer.contains('.') {
                return self.identity_provider_keys.get(1);
            }
        }
        if let Some(&i) = self.key_index.get(&lower) {
            return self.keys.get(i);
        }
        let (prefix, claim) = lower.split_once(':').unwrap_or(("", ""));
        let template = self.templates.get(prefix).and_then(|ts| {
            ts.iter()
                .filter(|t| template_matches(&t.parts, &lower))
                .max_by(|a, b| a.literal_len.cmp(&b.literal_len).then(b.key.cmp(&a.key)))
                .and_then(|t| self.keys.get(t.key))
        });
        template.or_else(|| {
            // A web identity provider's claim, `token.actions.githubusercontent.com:sub`: the
            // issuer is a host name (with a dot; no service prefix has one), optionally with a
            // path, and the claim one IAM exposes.
            let issuer = prefix.contains('.')
                && self.svc(prefix).is_none()
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._/".contains(c));
            if !issuer || !IDENTITY_PROVIDER_CLAIMS.contains(&claim) {
                return None;
            }
            // `amr` returned above; every other claim holds one value.
            let [one, _] = &self.identity_provider_keys;
            Some(one)
        })
    }

    /// Every condition-key name (canonical spelling, templates included), sorted.
    pub fn condition_key_names(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.name.as_str())
    }

    /// Every condition key, sorted by name.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        &self.keys
    }

    /// Resource types of a detail service (empty for others), sorted by name.
    pub fn resource_types(&self, service: &str) -> &[ResourceType] {
        self.svc(service)
            .map_or(&[], |s| s.resource_types.as_slice())
    }

    /// One resource type of a detail service (service case-insensitive, name exact).
    pub fn resource_type(&self, service: &str, name: &str) -> Option<&ResourceType> {
        self.resource_types(service).iter().find(|r| r.name == name)
    }

    /// A region by its exact (lower-case) code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.region_index
            .get(code)
            .and_then(|&i| self.regions.get(i))
    }

    /// Every region of every partition, sorted by code.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Every partition, sorted by id.
    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }

    /// The partition whose `regionRegex` matches `code`, e.g. `us-east-9` → `aws` (a code can
    /// have the shape of a region without being one: check [`Catalog::region`] too).
    pub fn partition_regex_matches(&self, code: &str) -> Option<&str> {
        self.partitions
            .iter()
            .find(|p| p.matcher.as_ref().is_some_and(|m| m.is_match(code)))
            .map(|p| p.id.as_str())
    }

    /// The ARN pattern that `value` of a Bedrock resource kind stands for, as `allow … on KIND`
    /// and the model statements write it: the kind is a `bedrock` resource type with `_` for
    /// `-` (`model` is `foundation-model`); the ARN is the type's format from the Service
    /// Authorization Reference in the `aws` partition, any Region (`*`), the given account (or
    /// none where the format has none), and `value` in place of the resource part from its
    /// first placeholder on. `None` for an unknown kind or a format without a placeholder.
    pub fn kind_arn(&self, kind: &str, value: &str, account: &str) -> Option<String> {
        let ty = if kind == "model" {
            "foundation-model".to_string()
        } else {
            kind.replace('_', "-")
        };
        let format = &self.resource_type("bedrock", &ty)?.arn;
        let mut parts = format.splitn(6, ':');
        let head: Vec<&str> = parts.by_ref().take(5).collect();
        let resource = parts.next()?;
        let at = resource.find("${")?;
        let fill = |segment: &str, with: &str| -> String {
            if segment.starts_with("${") {
                with.to_string()
            } else {
                segment.to_string()
            }
        };
        let [arn, partition, service, region, acct] = head.as_slice() else {
            return None;
        };
        Some(format!(
            "{arn}:{}:{service}:{}:{}:{}{value}",
            fill(partition, "aws"),
            fill(region, "*"),
            fill(acct, account),
            resource.get(..at)?
        ))
    }

    /// A model by exact id (deleted ids included; see [`Model::deleted`]).
    pub fn model(&self, id: &str) -> Option<&Model> {
        self.model_index.get(id).and_then(|&i| self.models.get(i))
    }

    /// Every model id, sorted.
    pub fn models(&self) -> &[Model] {
        &self.models
    }

    /// Models whose id matches the wildcard `pattern` (case-sensitive), sorted by id.
    pub fn match_models(&self, pattern: &str) -> Vec<&Model> {
        if !is_glob(pattern) {
            return self.model(pattern).into_iter().collect();
        }
        self.models_after_prefix(pattern)
            .filter(|m| glob_match(pattern, &m.id, false))
            .collect()
    }

    /// Whether any model id matches `pattern`; what the checker asks of every `model` value,
    /// so it stops at the first match.
    pub fn matches_any_model(&self, pattern: &str) -> bool {
        if !is_glob(pattern) {
            return self.model(pattern).is_some();
        }
        self.models_after_prefix(pattern)
            .any(|m| glob_match(pattern, &m.id, false))
    }

    /// The models whose id starts with the pattern's literal prefix: a binary search in the
    /// sorted ids, so `deepseek*` looks at the DeepSeek models only, not the whole catalog.
    fn models_after_prefix<'a, 'p>(
        &'a self,
        pattern: &'p str,
    ) -> impl Iterator<Item = &'a Model> + use<'a, 'p> {
        let prefix = pattern.split(['*', '?']).next().unwrap_or_default();
        let start = self.models.partition_point(|m| m.id.as_str() < prefix);
        self.models
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(move |m| m.id.starts_with(prefix))
    }

    /// The actions of `service` that remove tags from a resource, by AWS's naming of them in the
    /// Service Authorization Reference: `Untag…` (`UntagResource`, `UntagRole`, …),
    /// `DeleteTags` and `RemoveTags…`. Full names, sorted. What `protect tags … for services`
    /// denies (docs/language.md §7.6).
    pub fn tag_removal_actions(&self, service: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .actions(service)
            .iter()
            .filter(|a| {
                a.name.starts_with("Untag")
                    || a.name == "DeleteTags"
                    || a.name.starts_with("RemoveTags")
            })
            .map(|a| a.full_name())
            .collect();
        out.sort();
        out
    }

    /// The service prefixes AWS serves from one endpoint for the whole partition (botocore's
    /// endpoint data): their requests carry that endpoint's Region. Sorted.
    pub fn global_services(&self) -> &[String] {
        &self.global_services
    }

    /// Every system inference profile, sorted by id.
    pub fn inference_profiles(&self) -> &[InferenceProfile] {
        &self.profiles
    }

    /// A system inference profile by exact id.
    pub fn inference_profile(&self, id: &str) -> Option<&InferenceProfile> {
        self.profile_index
            .get(id)
            .and_then(|&i| self.profiles.get(i))
    }
}

/// Literal parts of a template key around its `${…}` placeholders, or `None` if it has none.
fn template_parts(key: &str) -> Option<Vec<String>> {
    if !key.contains("${") {
        return None;
    }
    let mut parts = Vec::new();
    let mut rest = key;
    while let Some(start) = rest.find("${") {
        let (before, after) = rest.split_at(start);
        let close = after.find('}')?;
        parts.push(before.to_string());
        rest = after.get(close + 1..)?;
    }
    parts.push(rest.to_string());
    Some(parts)
}

/// Whether `text` matches literal `parts` separated by placeholders of at least one character.
/// Leftmost placement of each middle part is optimal, so no backtracking is needed.
fn template_matches(parts: &[String], text: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let Some(mut remaining) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        let mut chars = remaining.chars();
        if chars.next().is_none() {
            return false;
        }
        let after = chars.as_str();
        let Some(at) = after.find(part.as_str()) else {
            return false;
        };
        let Some(next) = after.get(at + part.len()..) else {
            return false;
        };
        remaining = next;
    }
    remaining
        .strip_suffix(last.as_str())
        .is_some_and(|placeholder| !placeholder.is_empty())
}

/// The JSON shape of `catalog.json` (see `tools/catalog/build_catalog.py`).
mod raw {
    use super::{BTreeMap, Deserialize, KeyType, Region};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Catalog {
        pub sources: Sources,
        pub services: BTreeMap<String, String>,
        pub actions: BTreeMap<String, Vec<String>>,
        pub action_details: BTreeMap<String, BTreeMap<String, ActionDetail>>,
        pub resource_types: BTreeMap<String, BTreeMap<String, ResourceType>>,
        pub condition_keys: BTreeMap<String, KeyType>,
        pub regions: Vec<Region>,
        pub partitions: BTreeMap<String, Partition>,
        pub models: BTreeMap<String, Model>,
        pub inference_profiles: BTreeMap<String, Profile>,
        /// Optional so that a catalog written before the field still reads.
        #[serde(default)]
        pub global_services: Vec<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct Sources {
        pub generated: String,
        pub packages: BTreeMap<String, Package>,
    }

    #[derive(Deserialize)]
    pub(super) struct Package {
        pub version: String,
        pub data_date: String,
        pub license: String,
    }

    #[derive(Deserialize)]
    pub(super) struct ActionDetail {
        pub access: String,
        pub keys: Vec<String>,
        /// `[name, required, keys]`
        pub resources: Vec<(String, bool, Vec<String>)>,
    }

    #[derive(Deserialize)]
    pub(super) struct ResourceType {
        pub arn: String,
        pub keys: Vec<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct Partition {
        pub regex: String,
    }

    #[derive(Deserialize)]
    pub(super) struct Model {
        pub provider: String,
        pub provider_name: String,
        pub input: Vec<String>,
        pub output: Vec<String>,
        pub embedding: bool,
        pub lifecycle: String,
        pub runtime: bool,
        pub mantle: bool,
        pub regions: Vec<String>,
        #[serde(default)]
        pub deleted: Option<String>,
    }

    #[derive(Deserialize)]
    pub(super) struct Profile {
        pub geo: String,
        pub model: String,
        pub routes: BTreeMap<String, Vec<String>>,
    }
}
