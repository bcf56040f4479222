//! Typed checking of literal values against the catalog: regions, services, actions, models,
//! ARNs, ids, tag keys and condition-key values. Each function returns the diagnostic for one
//! literal, or `None` when it is fine.

use crate::catalog::{Catalog, KeyType};
use crate::diagnostics::{Code, Diagnostic};
use crate::glob::is_glob;
use crate::suggest::did_you_mean;
use crate::syntax::Span;

/// What a value position expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expect {
    Region,
    /// A model id or a pattern over model ids (`deepseek*`).
    ModelPattern,
    /// A model pattern of an allow-list (`only models`): one that matches nothing is an error
    /// unless quoted (E0225).
    AllowedModel,
    /// An exact base model id (guardrail model lists).
    ModelId,
    Service,
    /// `svc:Action`, wildcards allowed.
    Action,
    TagKey,
    /// An IAM/STS principal ARN, wildcards allowed.
    PrincipalArn,
    AccountId,
    /// A resource ARN pattern or `*`.
    ResourceArn,
    /// Any string (MCP server principals, …).
    Text,
    /// A value of a condition key of this type.
    Key(KeyType),
}

impl Expect {
    pub fn describe(self) -> &'static str {
        match self {
            Expect::Region => "a region code",
            Expect::ModelPattern | Expect::AllowedModel => "a model id or pattern",
            Expect::ModelId => "a model id",
            Expect::Service => "a service prefix",
            Expect::Action => "an action",
            Expect::TagKey => "a tag key",
            Expect::PrincipalArn => "a principal ARN",
            Expect::AccountId => "an account id",
            Expect::ResourceArn => "a resource ARN",
            Expect::Text => "a string",
            Expect::Key(_) => "a condition value",
        }
    }
}

/// API operations that are authorised as another IAM action (aws.md §4.1).
pub const NOT_IAM_ACTIONS: &[(&str, &str)] = &[
    ("bedrock:Converse", "bedrock:InvokeModel"),
    (
        "bedrock:ConverseStream",
        "bedrock:InvokeModelWithResponseStream",
    ),
    ("bedrock:StartAsyncInvoke", "bedrock:InvokeModel"),
    (
        "bedrock:InvokeModelWithBidirectionalStream",
        "bedrock:InvokeModel",
    ),
];

pub fn check_literal(
    cat: &Catalog,
    text: &str,
    span: Span,
    expect: Expect,
    quoted: bool,
) -> Option<Diagnostic> {
    match expect {
        Expect::Region => region(cat, text, span),
        Expect::ModelPattern => model(cat, text, span, true),
        Expect::AllowedModel => model(cat, text, span, true).map(|d| {
            // Loud where a typo blocks the model everyone meant to allow (E0225); a quoted id
            // is the way to name a model newer than the catalog.
            if d.code == Code::W0206 && !quoted {
                let mut e = Diagnostic::new(Code::E0225, span, d.message.clone())
                    .with_label("this allow-list admits no model through it");
                e = match &d.fix {
                    Some(f) => e.with_suggestion(&f.replacement),
                    None => e.with_help(
                        "check the spelling; for a model newer than the catalog, quote its id",
                    ),
                };
                e
            } else {
                d
            }
        }),
        Expect::ModelId => model(cat, text, span, false),
        Expect::Service => uncatalogued(service(cat, text, span), quoted, text, "AWS service"),
        Expect::Action => uncatalogued(action(cat, text, span), quoted, text, "action"),
        Expect::TagKey => tag_key(text, span),
        Expect::PrincipalArn => principal_arn(text, span),
        Expect::AccountId => account_id(text, span),
        Expect::ResourceArn => resource_arn(cat, text, span),
        Expect::Text => None,
        Expect::Key(ty) => key_value(text, span, ty, quoted),
    }
}

fn region(cat: &Catalog, code: &str, span: Span) -> Option<Diagnostic> {
    // `aws:RequestedRegion` of a global cross-Region inference hop (aws.md §5.2).
    if cat.region(code).is_some() || code == "unspecified" {
        return None;
    }
    let mut d = Diagnostic::new(Code::E0200, span, format!("unknown region `{code}`"))
        .with_label("not a region code");
    let lower = code.to_ascii_lowercase();
    if cat.region(&lower).is_some() {
        return Some(d.with_suggestion(&lower));
    }
    d = d.with_suggestion_or(
        did_you_mean(code, cat.regions().iter().map(|r| r.code.as_str())),
        "region codes look like `us-east-1`; see `docs/catalog.md` for the list",
    );
    Some(d)
}

fn model_id_shape(id: &str) -> bool {
    // aws.md §2.1, ModelEnforcement pattern: provider.name[:v[:v]]
    let (head, _) = id.split_once(':').unwrap_or((id, ""));
    let Some((provider, name)) = head.split_once('.') else {
        return false;
    };
    let ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    };
    ok(provider)
        && ok(name)
        && id.split(':').skip(1).all(|v| ok(v) && v.len() <= 63)
        && id.split(':').count() <= 3
}

/// For a pattern that matches nothing, the same pattern with its literal head corrected to the
/// closest head of a known model id (`deepsek*` → `deepseek*`), if that one matches.
fn pattern_suggestion(cat: &Catalog, pattern: &str) -> Option<String> {
    let cut = pattern.find(['*', '?']).unwrap_or(pattern.len());
    let (head, tail) = pattern.split_at(cut);
    if head.is_empty() {
        return None;
    }
    let n = head.chars().count();
    let mut heads: Vec<String> = Vec::new();
    for m in cat.models() {
        for len in [n.saturating_sub(1), n, n + 1] {
            let h: String = m.id.chars().take(len).collect();
            if !h.is_empty() && !heads.contains(&h) {
                heads.push(h);
            }
        }
    }
    heads.sort();
    let best = did_you_mean(head, heads.iter().map(String::as_str))?;
    let candidate = format!("{best}{tail}");
    cat.matches_any_model(&candidate).then_some(candidate)
}

/// The geography prefix (`us`, `global`, …) of an inference-profile id or pattern, and the
/// model part after it.
pub fn profile_prefix<'t>(cat: &Catalog, text: &'t str) -> Option<(&'t str, &'t str)> {
    let (geo, rest) = text.split_once('.')?;
    let known = geo == "us-gov" || cat.inference_profiles().iter().any(|p| p.geo == geo);
    (known && !rest.is_empty()).then_some((geo, rest))
}

fn model(cat: &Catalog, text: &str, span: Span, pattern_ok: bool) -> Option<Diagnostic> {
    if let Some((geo, rest)) = profile_prefix(cat, text) {
        // Only when the whole text names no model: a provider could one day be called `us`.
        if !cat.matches_any_model(text) {
            let fixed = if cat.matches_any_model(rest) {
                Some(rest.to_string())
            } else {
                pattern_suggestion(cat, rest)
            };
            let model = fixed.as_deref().unwrap_or(rest);
            return Some(
                Diagnostic::new(
                    Code::E0220,
                    span,
                    format!("`{text}` names `{geo}.` inference profiles, not a model"),
                )
                .with_label("an inference-profile id matches no foundation model")
                .with_suggestion(model)
                .with_help(format!("write `{model}`: a model pattern names the base model, and denies or allows it however it is called"))
                .with_note("a call through a profile is authorised on the foundation model in every Region it routes to, so the model's own pattern covers every profile"),
            );
        }
    }
    if is_glob(text) {
        if !pattern_ok {
            return Some(
                Diagnostic::new(Code::E0205, span, format!("`{text}` is a pattern; an exact model id is needed here"))
                    .with_label("pattern")
                    .with_help("BEDROCK_POLICY model lists take base model ids such as `amazon.titan-embed-text-v2:0`"),
            );
        }
        if !cat.matches_any_model(text) {
            let d = Diagnostic::new(
                Code::W0206,
                span,
                format!("`{text}` matches no known model"),
            )
            .with_label("matches nothing");
            return Some(d.with_suggestion_or(
                pattern_suggestion(cat, text).as_deref(),
                "model ids are `provider.name` in lowercase, e.g. `anthropic.claude*`, `deepseek*`",
            ));
        }
        return None;
    }
    if let Some(m) = cat.model(text) {
        if let Some(date) = &m.deleted {
            return Some(
                Diagnostic::new(
                    Code::W0218,
                    span,
                    format!("model `{text}` was retired on {date}"),
                )
                .with_label("retired model")
                .with_help("remove it, or replace it with its successor"),
            );
        }
        return None;
    }
    if let Some(p) = cat.inference_profile(text) {
        return Some(
            Diagnostic::new(
                Code::E0220,
                span,
                format!("`{text}` is an inference profile id, not a model id"),
            )
            .with_label("inference profile")
            .with_suggestion(&p.model),
        );
    }
    if !pattern_ok && !model_id_shape(text) {
        return Some(
            Diagnostic::new(Code::E0205, span, format!("`{text}` is not a model id"))
                .with_label("not a model id")
                .with_help("model ids look like `anthropic.claude-3-opus-20240229-v1:0`"),
        );
    }
    let mut d = Diagnostic::new(
        Code::W0206,
        span,
        format!("`{text}` matches no known model"),
    )
    .with_label("unknown model");
    d = d.with_suggestion_or(
        did_you_mean(text, cat.models().iter().map(|m| m.id.as_str())),
        "model ids are `provider.name`; refresh the catalog if the model is new",
    );
    Some(d)
}

fn service(cat: &Catalog, prefix: &str, span: Span) -> Option<Diagnostic> {
    if cat.service(prefix).is_some() {
        return None;
    }
    let mut d = Diagnostic::new(Code::E0201, span, format!("unknown service `{prefix}`"))
        .with_label("not an IAM service prefix");
    d = d.with_suggestion_or(
        did_you_mean(prefix, cat.service_prefixes()),
        "service prefixes are lowercase, like `bedrock` or `bedrock-mantle`",
    );
    Some(d)
}

fn action(cat: &Catalog, text: &str, span: Span) -> Option<Diagnostic> {
    if text == "*" {
        return None;
    }
    let Some((svc, name)) = text.split_once(':') else {
        return Some(
            Diagnostic::new(Code::E0202, span, format!("`{text}` is not an action"))
                .with_label("expected `service:Action`")
                .with_help("actions are written `service:Action`, e.g. `bedrock:InvokeModel`"),
        );
    };
    if let Some((_, instead)) = NOT_IAM_ACTIONS
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(text))
    {
        return Some(
            Diagnostic::new(Code::E0203, span, format!("`{text}` is not an IAM action"))
                .with_label(format!("authorised as `{instead}`"))
                .with_suggestion(instead)
                .with_note(format!("AWS authorises this API as `{instead}`, so a statement naming `{text}` matches no request (docs/aws.md §4.1)")),
        );
    }
    if is_glob(svc) && svc != "*" || svc == "*" && name != "*" {
        return Some(
            Diagnostic::new(
                Code::W0224,
                span,
                format!("`{text}` has a wildcard in its service prefix"),
            )
            .with_label("AWS documents wildcards in the action name only")
            .with_help("name the services (`s3:Delete*, dynamodb:Delete*`), or write `*` alone"),
        );
    }
    if !is_glob(svc) {
        if let Some(d) = service(
            cat,
            svc,
            Span::new(span.start as usize, span.start as usize + svc.len()),
        ) {
            return Some(d);
        }
    }
    if is_glob(text) {
        if cat.match_actions(text).is_empty() {
            return Some(
                Diagnostic::new(
                    Code::W0214,
                    span,
                    format!("`{text}` matches no known action"),
                )
                .with_label("matches nothing")
                .with_help("check the spelling; refresh the catalog if the actions are new"),
            );
        }
        return None;
    }
    if cat.action(svc, name).is_some() {
        return None;
    }
    let mut d = Diagnostic::new(Code::E0202, span, format!("unknown action `{text}`"))
        .with_label("not in the service authorization reference");
    let canonical = cat.service(svc).unwrap_or(svc).to_string();
    let names: Vec<String> = cat
        .actions(&canonical)
        .iter()
        .map(|a| format!("{}:{}", a.service, a.name))
        .collect();
    d = d.with_suggestion_or(
        did_you_mean(text, names.iter().map(String::as_str)),
        format!("no `{canonical}` action is close; see the service authorization reference"),
    );
    Some(d.with_note(format!(
        "an action newer than the catalog can be kept by quoting it: `\"{text}\"` (W0228)"
    )))
}

/// A quoted action or service that the catalog does not know is kept as written, with W0228:
/// it may be newer than the catalog, or retired but still in published policies. Unquoted, it
/// stays an error (E0201, E0202), where a typo is likelier.
fn uncatalogued(d: Option<Diagnostic>, quoted: bool, text: &str, what: &str) -> Option<Diagnostic> {
    match d {
        Some(d) if quoted && matches!(d.code, Code::E0201 | Code::E0202) => {
            let mut w = Diagnostic::new(
                Code::W0228,
                d.span,
                format!("{what} `{text}` is not in the embedded catalog; kept as written"),
            )
            .with_label("not in the service authorization reference data");
            if let Some(fix) = &d.fix {
                w = w.with_note(format!("a known {what} is close: `{}`", fix.replacement));
            }
            Some(w.with_help(format!(
                "fine for an {what} newer than the catalog (`govc --version` names its date) or a retired one; otherwise check the spelling"
            )))
        }
        d => d,
    }
}

fn tag_key(text: &str, span: Span) -> Option<Diagnostic> {
    // AWS tag keys: 1–128 characters of letters, digits, spaces and _ . : / = + - @.
    let ok = !text.is_empty()
        && text.chars().count() <= 128
        && !text.starts_with("aws:")
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " _.:/=+-@".contains(c));
    if ok {
        return None;
    }
    Some(
        Diagnostic::new(Code::E0217, span, format!("`{text}` is not a valid tag key"))
            .with_label("invalid tag key")
            .with_help("tag keys have 1–128 letters, digits, spaces or `_ . : / = + - @`, and may not start with `aws:`"),
    )
}

fn arn_parts(text: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    (parts.len() == 6 && parts.first() == Some(&"arn")).then_some(parts)
}

fn principal_arn(text: &str, span: Span) -> Option<Diagnostic> {
    let ok = arn_parts(text).is_some_and(|p| {
        let partition = p.get(1).copied().unwrap_or("");
        let service = p.get(2).copied().unwrap_or("");
        let account = p.get(4).copied().unwrap_or("");
        let resource = p.get(5).copied().unwrap_or("");
        (partition.starts_with("aws") || partition == "*")
            && matches!(service, "iam" | "sts" | "*")
            && (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
                || is_glob(account)
                // A policy variable (`${aws:PrincipalAccount}`), substituted per request.
                || account.starts_with("${") && account.ends_with('}'))
            && !resource.is_empty()
    });
    // `splitn` keeps a variable's own colon out of the segments only when it is in the last
    // one; a variable in the account segment contains `:` itself.
    let ok = ok || principal_with_variable(text);
    if ok {
        if let Some(role) = assumed_role(text) {
            return Some(
                Diagnostic::new(
                    Code::E0221,
                    span,
                    format!("`aws:PrincipalArn` never holds an `assumed-role` session ARN like `{text}`"),
                )
                .with_label("never matches: a role session's principal ARN is the role's")
                .with_suggestion(&role)
                .with_help(format!("name the role: `{role}`"))
                .with_note("the role's ARN matches every session of the role; add the role's path if it has one"),
            );
        }
        return None;
    }
    Some(
        Diagnostic::new(
            Code::E0211,
            span,
            format!("`{text}` is not an IAM principal ARN"),
        )
        .with_label("expected an IAM or STS ARN")
        .with_help("write e.g. `\"arn:aws:iam::111111111111:role/Admin\"`"),
    )
}

/// `arn:PARTITION:iam::${…}:RESOURCE` — a principal ARN whose account is a policy variable.
fn principal_with_variable(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("arn:") else {
        return false;
    };
    let Some(open) = rest.find("${") else {
        return false;
    };
    let Some(close) = rest.get(open..).and_then(|r| r.find('}')) else {
        return false;
    };
    let (head, tail) = (
        rest.get(..open).unwrap_or(""),
        rest.get(open + close + 1..).unwrap_or(""),
    );
    let head: Vec<&str> = head.split(':').collect();
    matches!(head.as_slice(), [p, "iam" | "sts" | "*", "", ""] if p.starts_with("aws") || *p == "*")
        && tail.strip_prefix(':').is_some_and(|r| !r.is_empty())
}

/// For `arn:P:sts::A:assumed-role/ROLE/SESSION`, the role's ARN `arn:P:iam::A:role/ROLE`.
fn assumed_role(text: &str) -> Option<String> {
    let parts = arn_parts(text)?;
    let (partition, service, account, resource) = (
        *parts.get(1)?,
        *parts.get(2)?,
        *parts.get(4)?,
        *parts.get(5)?,
    );
    if service != "sts" {
        return None;
    }
    let role = resource.strip_prefix("assumed-role/")?;
    let role = role.split('/').next().filter(|r| !r.is_empty())?;
    Some(format!("arn:{partition}:iam::{account}:role/{role}"))
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn account_id(text: &str, span: Span) -> Option<Diagnostic> {
    if is_account_id(text) {
        return None;
    }
    Some(
        Diagnostic::new(Code::E0210, span, format!("`{text}` is not an account id"))
            .with_label("expected 12 digits")
            .with_help("account ids are 12 digits, written as a string: `\"123456789012\"`"),
    )
}

fn resource_arn(cat: &Catalog, text: &str, span: Span) -> Option<Diagnostic> {
    if text == "*" {
        return None;
    }
    let Some(parts) = arn_parts(text) else {
        return Some(
            Diagnostic::new(Code::E0211, span, format!("`{text}` is not an ARN"))
                .with_label("expected `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`")
                .with_help("resources are ARNs (wildcards allowed) or `*`"),
        );
    };
    let svc = parts.get(2).copied().unwrap_or("");
    if svc.is_empty() || is_glob(svc) {
        return Some(
            Diagnostic::new(Code::E0211, span, format!("`{text}` has no service"))
                .with_label("the service segment may not be empty or a wildcard")
                .with_help(
                    "IAM does not allow wildcards in an ARN's service segment (docs/aws.md §3.4)",
                ),
        );
    }
    let svc_start =
        span.start as usize + 1 + "arn:".len() + parts.get(1).map_or(0, |p| p.len() + 1);
    service(cat, svc, Span::new(svc_start, svc_start + svc.len()))
}

fn key_value(text: &str, span: Span, ty: KeyType, quoted: bool) -> Option<Diagnostic> {
    let elem = ty.element();
    let bad = |what: &str, help: &str| {
        Some(
            Diagnostic::new(Code::E0207, span, format!("`{text}` is not {what}"))
                .with_label(format!("expected {what} for this {} key", ty.name()))
                .with_help(help.to_string()),
        )
    };
    let variable = text.contains("${");
    match elem {
        KeyType::Bool | KeyType::ArrayOfBool => match text {
            "true" | "false" => None,
            _ if variable => None,
            _ => bad("a boolean", "write `true` or `false`"),
        },
        KeyType::Numeric | KeyType::ArrayOfNumeric => {
            if text.parse::<f64>().is_ok_and(f64::is_finite) {
                None
            } else {
                bad("a number", "write a number such as `30`")
            }
        }
        KeyType::Date | KeyType::ArrayOfDate => {
            if is_date(text) {
                None
            } else {
                bad(
                    "a date",
                    "write an ISO 8601 date (`\"2026-01-31T00:00:00Z\"`) or epoch seconds",
                )
            }
        }
        KeyType::IpAddress | KeyType::ArrayOfIpAddress => {
            if is_ip_or_cidr(text) {
                None
            } else {
                bad("an IP address or CIDR", "write e.g. `\"203.0.113.0/24\"`")
            }
        }
        KeyType::Arn | KeyType::ArrayOfArn => {
            if text == "*" || variable || arn_parts(text).is_some() {
                None
            } else {
                bad(
                    "an ARN",
                    "ARN keys take `arn:…` strings; use a String key for other text",
                )
            }
        }
        KeyType::Binary | KeyType::ArrayOfBinary => {
            let b64 = !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=');
            if b64 {
                None
            } else {
                bad("base-64 data", "Binary keys compare base-64 encoded values")
            }
        }
        _ => {
            let _ = quoted;
            None
        }
    }
}

fn is_date(text: &str) -> bool {
    if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        return true;
    }
    // YYYY-MM-DD with an optional time part.
    let b = text.as_bytes();
    b.len() >= 10
        && b.iter().take(4).all(u8::is_ascii_digit)
        && b.get(4) == Some(&b'-')
        && b.get(5..7)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
        && b.get(7) == Some(&b'-')
        && b.get(8..10)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
        && (b.len() == 10 || b.get(10) == Some(&b'T'))
}

fn is_ip_or_cidr(text: &str) -> bool {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let Ok(ip) = addr.parse::<std::net::IpAddr>() else {
        return false;
    };
    match prefix {
        None => true,
        Some(p) => p
            .parse::<u8>()
            .is_ok_and(|n| n <= if ip.is_ipv4() { 32 } else { 128 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str, e: Expect) -> Option<Code> {
        check_literal(
            &crate::catalog::embedded(),
            text,
            Span::new(0, text.len()),
            e,
            false,
        )
        .map(|d| d.code)
    }

    #[test]
    fn regions() {
        assert_eq!(code("us-east-1", Expect::Region), None);
        assert_eq!(code("us-est-1", Expect::Region), Some(Code::E0200));
        let d = check_literal(
            &crate::catalog::embedded(),
            "us-est-1",
            Span::new(0, 8),
            Expect::Region,
            false,
        );
        assert_eq!(
            d.and_then(|d| d.fix).map(|f| f.replacement),
            Some("us-east-1".to_string())
        );
    }

    #[test]
    fn actions() {
        assert_eq!(code("bedrock:InvokeModel", Expect::Action), None);
        assert_eq!(
            code("bedrock:invokemodel", Expect::Action),
            None,
            "actions are case-insensitive"
        );
        assert_eq!(
            code("bedrock:InvokeModl", Expect::Action),
            Some(Code::E0202)
        );
        assert_eq!(code("bedrock:Converse", Expect::Action), Some(Code::E0203));
        assert_eq!(
            code("bedrok:InvokeModel", Expect::Action),
            Some(Code::E0201)
        );
        assert_eq!(code("bedrock:Invoke*", Expect::Action), None);
        assert_eq!(code("bedrock:Nope*", Expect::Action), Some(Code::W0214));
        assert_eq!(code("s3:GetObject", Expect::Action), None);
        assert_eq!(code("*", Expect::Action), None);
    }

    #[test]
    fn models() {
        assert_eq!(code("deepseek*", Expect::ModelPattern), None);
        assert_eq!(
            code("nosuchprovider*", Expect::ModelPattern),
            Some(Code::W0206)
        );
        assert_eq!(
            code("anthropic.claude*", Expect::ModelId),
            Some(Code::E0205)
        );
        assert_eq!(code("amazon.titan-embed-text-v2:0", Expect::ModelId), None);
        assert_eq!(code("Not A Model", Expect::ModelId), Some(Code::E0205));
    }

    #[test]
    fn typed_values() {
        assert_eq!(code("true", Expect::Key(KeyType::Bool)), None);
        assert_eq!(code("yes", Expect::Key(KeyType::Bool)), Some(Code::E0207));
        assert_eq!(code("12", Expect::Key(KeyType::Numeric)), None);
        assert_eq!(code("x", Expect::Key(KeyType::Numeric)), Some(Code::E0207));
        assert_eq!(code("10.0.0.0/8", Expect::Key(KeyType::IpAddress)), None);
        assert_eq!(
            code("10.0.0.0/33", Expect::Key(KeyType::IpAddress)),
            Some(Code::E0207)
        );
        assert_eq!(
            code(
                "arn:aws:bedrock:*:*:application-inference-profile/*",
                Expect::Key(KeyType::Arn)
            ),
            None
        );
        assert_eq!(
            code("application-inference-profile", Expect::Key(KeyType::Arn)),
            Some(Code::E0207)
        );
        assert_eq!(
            code("2026-01-31T00:00:00Z", Expect::Key(KeyType::Date)),
            None
        );
    }

    #[test]
    fn ids_and_arns() {
        assert_eq!(code("123456789012", Expect::AccountId), None);
        assert_eq!(code("12345", Expect::AccountId), Some(Code::E0210));
        assert_eq!(
            code(
                "arn:aws:iam::992382794994:role/TestRole",
                Expect::PrincipalArn
            ),
            None
        );
        assert_eq!(
            code("arn:aws:s3:::bucket", Expect::PrincipalArn),
            Some(Code::E0211)
        );
        assert_eq!(
            code("arn:aws:bedrock:*::foundation-model/*", Expect::ResourceArn),
            None
        );
        assert_eq!(
            code("arn:aws:nosuch:*::x/*", Expect::ResourceArn),
            Some(Code::E0201)
        );
        assert_eq!(code("CostCenter", Expect::TagKey), None);
        assert_eq!(code("aws:foo", Expect::TagKey), Some(Code::E0217));
    }
}
