//! Policy JSON → IR statements: reads hand-written SCPs (the seeds) for comparisons.
//!
//! Accepts the elements an SCP or IAM identity policy may hold (aws.md §1.3): `Version`, `Id`,
//! and `Statement` as one object or an array, each statement with `Sid`, `Effect`, exactly one
//! of `Action`/`NotAction` and of `Resource`/`NotResource` (aws.md §3.6), and `Condition`.
//! Everything else is an error rather than silently ignored, because a comparison against a
//! policy read with an element missing would be a comparison against a different policy.
//! Spellings are kept as written (actions and condition keys are case-insensitive in IAM; the
//! evaluator, not the reader, decides how to compare them).

use crate::{FlatMap, FlatSet};

use serde_json::{Map, Value};

use super::{Condition, Effect, Op, Operator, Origin, Qualifier, Scope, Statement};
use govc_span::Span;

/// The `file` of the synthetic [`Origin`] of every statement read from JSON.
pub const ORIGIN_FILE: &str = "<policy json>";

/// Reads a policy document into IR statements, in document order. Each statement gets a
/// synthetic origin whose label is its `Sid`, or `Statement<N>` (1-based) without one.
pub fn parse_policy(json: &str) -> Result<Vec<Statement>, String> {
    parse(json, false)
}

/// Reads a resource control policy: as [`parse_policy`], and every statement must name its
/// principal as `"Principal": "*"`, the only principal an RCP may name (aws.md §1.5), which
/// matches every request and so adds nothing to the statement's meaning.
pub fn parse_rcp(json: &str) -> Result<Vec<Statement>, String> {
    parse(json, true)
}

fn parse(json: &str, rcp: bool) -> Result<Vec<Statement>, String> {
    let doc: Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(doc) = doc else {
        return Err("a policy must be one JSON object".to_string());
    };
    for key in doc.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(format!("unknown policy element `{key}`"));
        }
    }
    if let Some(v) = doc.get("Version") {
        match v.as_str() {
            Some("2012-10-17" | "2008-10-17") => {}
            _ => return Err(format!("unsupported Version {v}")),
        }
    }
    let statements: Vec<&Map<String, Value>> = match doc.get("Statement") {
        Some(Value::Object(s)) => vec![s],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(s) => Ok(s),
                _ => Err(format!("statement {} is not an object", i + 1)),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`Statement` must be an object or an array".to_string()),
        None => return Err("the policy has no `Statement`".to_string()),
    };
    statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| statement(i + 1, s, rcp).map_err(|e| format!("statement {}: {e}", i + 1)))
        .collect()
}

fn statement(n: usize, s: &Map<String, Value>, rcp: bool) -> Result<Statement, String> {
    if rcp && s.get("Principal").and_then(Value::as_str) != Some("*") {
        return Err("an RCP statement must have `\"Principal\": \"*\"`".to_string());
    }
    for key in s.keys() {
        match key.as_str() {
            "Sid" | "Effect" | "Action" | "NotAction" | "Resource" | "NotResource"
            | "Condition" => {}
            "Principal" if rcp => {}
            "Principal" | "NotPrincipal" => {
                return Err(format!(
                    "`{key}` is not supported in SCPs or identity policies (docs/aws.md §1.3)"
                ))
            }
            _ => return Err(format!("unknown statement element `{key}`")),
        }
    }
    let sid = match s.get("Sid") {
        None => None,
        Some(Value::String(v)) => Some(v.clone()),
        Some(v) => return Err(format!("`Sid` must be a string, not {v}")),
    };
    let effect = match s.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err("`Effect` must be \"Allow\" or \"Deny\"".to_string()),
    };
    let action = scope(s, "Action", "NotAction")?;
    let resource = scope(s, "Resource", "NotResource")?;
    let condition = match s.get("Condition") {
        None => Condition::new(),
        Some(Value::Object(c)) => condition(c)?,
        Some(_) => return Err("`Condition` must be an object".to_string()),
    };
    let label = sid.clone().unwrap_or_else(|| format!("Statement{n}"));
    Ok(Statement {
        effect,
        action,
        resource,
        condition,
        origins: FlatSet::from([Origin {
            file: ORIGIN_FILE.into(),
            span: Span::default(),
            policy: "".into(),
            label: label.into(),
        }]),
        sid,
    })
}

/// Exactly one of `name` / `not_name` (aws.md §3.6).
fn scope(s: &Map<String, Value>, name: &str, not_name: &str) -> Result<Scope, String> {
    let (negated, v) = match (s.get(name), s.get(not_name)) {
        (Some(v), None) => (false, v),
        (None, Some(v)) => (true, v),
        (Some(_), Some(_)) => return Err(format!("both `{name}` and `{not_name}`")),
        (None, None) => return Err(format!("neither `{name}` nor `{not_name}`")),
    };
    let values =
        strings(v).map_err(|e| format!("`{}`: {e}", if negated { not_name } else { name }))?;
    Ok(Scope { negated, values })
}

fn condition(c: &Map<String, Value>) -> Result<Condition, String> {
    let mut out = Condition::new();
    for (name, keys) in c {
        let op = operator(name)?;
        let Value::Object(keys) = keys else {
            return Err(format!("`{name}` must map condition keys to values"));
        };
        if keys.is_empty() {
            return Err(format!("`{name}` has no condition keys"));
        }
        let mut entry: FlatMap<crate::Name, FlatSet<crate::Name>> = FlatMap::new();
        for (key, values) in keys {
            let values = strings(values).map_err(|e| format!("`{name}` `{key}`: {e}"))?;
            entry.insert(key.as_str().into(), values);
        }
        out.insert(op, entry);
    }
    Ok(out)
}

/// `[ForAnyValue:|ForAllValues:]Op[IfExists]` with `Op` one of [`Op::ALL`] (aws.md §3.1).
pub fn operator(name: &str) -> Result<Operator, String> {
    let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(Qualifier::ForAnyValue), r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(Qualifier::ForAllValues), r)
    } else {
        (None, name)
    };
    let find = |s: &str| Op::ALL.iter().copied().find(|op| op.name() == s);
    // An operator whose own name ends in `IfExists` does not exist, so the exact name is
    // tried first only to keep the error message simple.
    let (op, if_exists) = match (find(rest), rest.strip_suffix("IfExists").and_then(find)) {
        (Some(op), _) => (op, false),
        (None, Some(op)) => (op, true),
        (None, None) => return Err(format!("unknown condition operator `{name}`")),
    };
    if op == Op::Null && if_exists {
        // Access Analyzer NULL_WITH_IF_EXISTS (aws.md §3.3).
        return Err("`NullIfExists` is not an operator".to_string());
    }
    Ok(Operator {
        qualifier,
        op,
        if_exists,
    })
}

/// A string, boolean or number, or a non-empty array of them, as strings (IAM compares
/// condition values as text: `true` and `"true"` are the same value).
fn strings(v: &Value) -> Result<FlatSet<crate::Name>, String> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(crate::Name::from(s.as_str())),
        Value::Bool(b) => Ok(b.to_string().into()),
        Value::Number(n) => Ok(n.to_string().into()),
        other => Err(format!("{other} is not a string, boolean or number")),
    };
    let out: FlatSet<crate::Name> = match v {
        Value::Array(items) => items.iter().map(one).collect::<Result<_, _>>()?,
        v => FlatSet::from([one(v)?]),
    };
    if out.is_empty() {
        return Err("an empty list".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;
    use crate::json;

    #[test]
    fn reads_a_single_statement_object_and_arrays() {
        let sts = parse_policy(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"DenyAgentCore","Effect":"Deny",
                "Action":"bedrock-agentcore:*","Resource":"*",
                "Condition":{"StringNotEquals":{"aws:PrincipalArn":["arn:aws:iam::992382794994:role/TestRole"]}}}}"#,
        )
        .unwrap();
        assert_eq!(sts.len(), 1);
        let s = &sts[0];
        assert_eq!(s.effect, Effect::Deny);
        assert_eq!(s.sid.as_deref(), Some("DenyAgentCore"));
        assert_eq!(s.action, Scope::of(["bedrock-agentcore:*"]));
        assert!(s.resource.is_any());
        let op = Operator::plain(Op::StringNotEquals);
        assert_eq!(
            s.condition[&op]["aws:PrincipalArn"],
            FlatSet::from(["arn:aws:iam::992382794994:role/TestRole".into()])
        );
        let o = s.origins.iter().next().unwrap();
        assert_eq!((&*o.file, &*o.label), (ORIGIN_FILE, "DenyAgentCore"));
    }

    #[test]
    fn not_elements_and_unlabelled_statements() {
        let sts = parse_policy(
            r#"{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:bedrock:*::foundation-model/*"},
                {"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":["a","b"]}]}"#,
        )
        .unwrap();
        assert_eq!(sts.len(), 2);
        assert_eq!(sts[0].effect, Effect::Allow);
        assert!(sts[0].resource.negated);
        assert!(sts[1].action.negated);
        assert_eq!(sts[1].action.values.len(), 2);
        assert_eq!(sts[1].resource, Scope::of(["a", "b"]));
        assert_eq!(&*sts[1].origins.iter().next().unwrap().label, "Statement2");
        assert_eq!(sts[1].sid, None);
    }

    #[test]
    fn operators_with_qualifiers_and_if_exists() {
        let o = operator("ForAnyValue:StringEquals").unwrap();
        assert_eq!(o.qualifier, Some(Qualifier::ForAnyValue));
        assert_eq!(o.op, Op::StringEquals);
        assert!(!o.if_exists);
        let o = operator("ForAllValues:StringNotLikeIfExists").unwrap();
        assert_eq!(o.qualifier, Some(Qualifier::ForAllValues));
        assert_eq!(o.op, Op::StringNotLike);
        assert!(o.if_exists);
        let o = operator("BoolIfExists").unwrap();
        assert_eq!((o.op, o.if_exists), (Op::Bool, true));
        for op in Op::ALL {
            assert_eq!(operator(op.name()).unwrap(), Operator::plain(op));
            // Round trip through the writer's spelling.
            for q in [
                None,
                Some(Qualifier::ForAnyValue),
                Some(Qualifier::ForAllValues),
            ] {
                let want = Operator {
                    qualifier: q,
                    op,
                    if_exists: op != Op::Null,
                };
                assert_eq!(operator(&want.to_string()).unwrap(), want);
            }
        }
        assert!(operator("NullIfExists").is_err());
        assert!(operator("StringEqual").is_err());
        assert!(operator("ForSomeValues:StringEquals").is_err());
    }

    #[test]
    fn booleans_and_numbers_become_strings() {
        let sts = parse_policy(
            r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*",
                "Condition":{"Bool":{"aws:ViaAWSMCPService":true},"NumericLessThan":{"k":[1,"2"]}}}}"#,
        )
        .unwrap();
        let c = &sts[0].condition;
        assert_eq!(
            c[&Operator::plain(Op::Bool)]["aws:ViaAWSMCPService"],
            FlatSet::from(["true".into()])
        );
        assert_eq!(
            c[&Operator::plain(Op::NumericLessThan)]["k"],
            FlatSet::from(["1".into(), "2".into()])
        );
    }

    #[test]
    fn written_statements_read_back_the_same() {
        let src = r#"{"Statement":[{"Effect":"Deny","Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"],"Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":["111111111111","222222222222"],"aws:RequestedRegion":["eu-west-2","us-east-1"]},"Null":{"bedrock:InferenceProfileArn":"false"}}}]}"#;
        let sts = parse_policy(src).unwrap();
        let rendered: Vec<String> = sts.iter().map(json::statement).collect();
        let doc = json::document(&rendered);
        let again = parse_policy(&doc).unwrap();
        assert_eq!(
            sts.iter().map(Statement::key).collect::<Vec<_>>(),
            again.iter().map(Statement::key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn rejects_what_it_cannot_represent() {
        let bad = [
            ("[]", "one JSON object"),
            ("{", "not JSON"),
            (r#"{"Version":"2012-10-17"}"#, "no `Statement`"),
            (r#"{"Version":"2020-01-01","Statement":[]}"#, "Version"),
            (r#"{"Statement":[],"Extra":1}"#, "unknown policy element"),
            (r#"{"Statement":[1]}"#, "not an object"),
            (
                r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}"#,
                "Principal",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","NotAction":"x","Resource":"*"}}"#,
                "both",
            ),
            (r#"{"Statement":{"Effect":"Deny","Action":"*"}}"#, "neither"),
            (
                r#"{"Statement":{"Effect":"deny","Action":"*","Resource":"*"}}"#,
                "Effect",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":[],"Resource":"*"}}"#,
                "empty",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":null}}}}"#,
                "not a string",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Foo":{"k":"v"}}}}"#,
                "unknown condition operator",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{}}}}"#,
                "no condition keys",
            ),
        ];
        for (src, want) in bad {
            let e = parse_policy(src).unwrap_err();
            assert!(e.contains(want), "{src}: {e}");
        }
    }
}
