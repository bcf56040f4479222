//! One-line explanations of the keywords, for hover and completion (docs/language.md has the
//! full story; each entry names its section).

pub const DOCS: &[(&str, &str)] = &[
    ("absent", "`context[\"k\"] is absent`: true when the request has no value for the key (§8.3)."),
    ("account", "`account name = \"123456789012\" [under parent]` in `org` declares an account (§5); `principal account in [...]` tests `aws:PrincipalAccount` (§7.8); `in account \"…\"` limits an identity allow to one account (§9)."),
    ("action", "`deny action svc:Name`, `exempt action`, or the `action` scope of a core rule (§7.7, §8.2)."),
    ("actions", "A list of IAM actions, `svc:Name` with `*`/`?` wildcards: `deny actions a, b [on \"arn\"]` (§7.7)."),
    ("all", "`deny all` denies every action (§7.7); `models all except …` in a guardrail (§10); `all context[k]` is `ForAllValues:` (§8.3)."),
    ("allow", "`allow invoke on model …` / `allow actions … on …` in an `identity` policy (§9); `expect allow` in a test (§13)."),
    ("any", "`any context[\"k\"] …` is `ForAnyValue:` on a multivalued key (§8.3)."),
    ("api_keys", "`deny api_keys [long_term|short_term|all]`: blocks Bedrock API keys on both the `bedrock` and `bedrock-mantle` endpoints (§7.4)."),
    ("attach", "`attach policy, … to target, …` attaches policies to the root, OUs or accounts (§12)."),
    ("const", "`const name = value` names a value, usable wherever the value is (§6)."),
    ("context", "`context[\"key\"]` is a request condition key, e.g. `aws:RequestedRegion` (§8.3)."),
    ("control", "`control name on ou, … { … }` sets the parameters of Control Tower's CT.MULTISERVICE.PV.1 Region deny (§11)."),
    ("deny", "A surface deny statement in an `scp` (§7), or `expect deny` in a test (§13)."),
    ("except", "`models all except a, b`: models the guardrail does not enforce on (§10)."),
    ("exempt", "`exempt actions …` / `exempt principals …` in a `control` (§11)."),
    ("expect", "`expect allow|deny action on resource [in region] [with { … }]`: one request and its expected decision (§13)."),
    ("false", "The boolean false."),
    ("for", "`only regions … for services s, …`: restricts only those services (§7.3)."),
    ("forbid", "A core rule that denies: `forbid (principal, action in …, resource like \"…\") when { … };` (§8)."),
    ("guarding", "`guarding system selective, messages comprehensive`: how the guardrail treats prompt parts (§10)."),
    ("guardrail", "`guardrail name { … }` compiles to a BEDROCK_POLICY document that enforces a Bedrock guardrail (§10)."),
    ("identity", "`identity name { … }` compiles to an IAM identity policy (§9)."),
    ("in", "Membership: `region in [...]`, `context[k] in [...]`, `action in bedrock::invoke`; `in us-east-1 use \"…\"` in a guardrail (§10)."),
    ("input_tags", "`input_tags honor|ignore`: the older guardrail form that honours or ignores input tags (§10)."),
    ("invoke", "`allow invoke on …`: the model-invocation actions (`bedrock::invoke` in the stdlib) (§9)."),
    ("is", "`context[\"k\"] is absent|present` (§8.3)."),
    ("like", "Wildcard match (`*`, `?`): `resource like \"arn:…\"`, `context[k] like \"…\"` (§8)."),
    ("limits", "`limits legacy|current` or `limits scp_size = 5120, scp_per_target = 5` in `org`: the SCP quotas to plan for (§5)."),
    ("lock", "`lock` in a guardrail: child policies may not change its settings (§10)."),
    ("model", "`deny model id-or-pattern, …`: denies invoking those models in both the `bedrock` and `bedrock-mantle` namespaces (§7.1); `allow invoke on model …` (§9)."),
    ("models", "`only models …` (an allow-list that replaces FullAWSAccess, §7.2), `deny models …` (§7.1), `models … except …` in a guardrail (§10)."),
    ("not", "`not in` / `not like` (§8)."),
    ("on", "`require tags … on inference_profile`, `deny actions … on \"arn\"`, `control … on ou`, `test … on account` (§7, §11, §13)."),
    ("only", "`only models …` or `only regions …`: allow-lists (§7.2, §7.3)."),
    ("org", "`org { root = \"r-…\"  ou … account … }`: the organization's targets (§5)."),
    ("ou", "`ou name = \"ou-…\" [under parent]` declares an organizational unit (§5)."),
    ("permit", "A core rule that allows (identity policies) (§8)."),
    ("present", "`context[\"k\"] is present`: true when the request has the key (§8.3)."),
    ("principal", "`unless principal \"arn\"` / `principal in [...]` tests `aws:PrincipalArn` (SCPs have no Principal element) (§7.8)."),
    ("principals", "`exempt principals …` in a `control` (§11)."),
    ("protect", "`protect tags K, … for services S, …` (or `for actions A, …`) denies removing those tags: the services' `Untag…`, `DeleteTags`, `RemoveTags…` actions when `aws:TagKeys` names one of them (§7.6)."),
    ("rcp", "`rcp name { … }` compiles to resource control policy documents: Deny statements on the resources of the services RCPs support, whoever calls (§17)."),
    ("region", "`region in [...]` tests `aws:RequestedRegion` (§7.8)."),
    ("regions", "`only regions r, …` denies Bedrock (`bedrock`, `bedrock-mantle`) outside those Regions, keeping cross-Region inference working (§7.3); `regions …` in a `control` (§11)."),
    ("require", "`require application_inference_profile` or `require tags K, … on inference_profile` (§7.5, §7.6)."),
    ("resource", "The `resource` scope of a core rule (§8.2)."),
    ("root", "The organization root: `root = \"r-…\"` in `org`, or a target of `attach` (§5)."),
    ("scp", "`scp name { … }` compiles to one or more Service Control Policy documents (§7)."),
    ("service", "`deny service prefix` turns a whole service off (`bedrock-agentcore:*`) (§7.7)."),
    ("services", "A list of service prefixes: `deny services …`, `only regions … for services …` (§7.3, §7.7)."),
    ("set", "`set name = [a, b]` names a list of values (§6)."),
    ("tags", "`require tags K, … on inference_profile`: the tag keys every inference profile must carry (§7.6)."),
    ("test", "`test \"name\" on account { expect … }`: checked by `govc verify` against the compiled SCPs (§13)."),
    ("to", "`attach … to target, …` (§12)."),
    ("true", "The boolean true."),
    ("under", "`under parent`: the OU an OU or account sits in (§5)."),
    ("unless", "`unless <condition>`: an exemption; the statement applies when the condition is false (§7.8)."),
    ("use", "`use \"file.gov\"` makes that file's declarations visible; `use std::module` declares a stdlib dependency (§4)."),
    ("via_mcp", "`when via_mcp` tests `aws:ViaAWSMCPService` (calls made through AWS-managed MCP servers); `via_mcp in [...]` tests `aws:CalledViaAWSMCP` (§7.8)."),
    ("when", "`when <condition>`: the statement applies only when the condition holds (§7.8)."),
    ("with", "`with { \"key\": value }` adds request keys to a test expectation (§13)."),
];

pub fn doc(word: &str) -> Option<&'static str> {
    DOCS.iter().find(|(k, _)| *k == word).map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_keyword_is_explained() {
        for k in govc_compiler::syntax::lexer::KEYWORDS {
            assert!(super::doc(k).is_some(), "no doc for `{k}`");
        }
    }
}
