//! `guardrail` blocks → `BEDROCK_POLICY` documents (aws.md §2.1, §2.2).
//!
//! `{"bedrock":{"guardrail_inference":{"<region>":{"<name>":{…}}}}}`: the block's name is the
//! configuration key, so policies attached along a path merge by it; every leaf is wrapped in
//! `@@assign`. `lock` adds `@@operators_allowed_for_child_policies: ["@@none"]` to each
//! configuration, so child policies cannot change it.

use crate::ir::json::string;
use crate::rules::Guardrail;

/// The document's JSON, minified.
pub fn render(g: &Guardrail) -> String {
    let mut regions: Vec<(&str, &str)> = Vec::new();
    for (r, arn) in &g.regions {
        // A Region written twice keeps its first guardrail; the checker reports the repeat.
        if !regions.iter().any(|(seen, _)| seen == r) {
            regions.push((r, arn));
        }
    }
    let assign = |v: String| format!("{{\"@@assign\":{v}}}");
    let list = |vs: &[String]| {
        let items: Vec<String> = vs.iter().map(|v| string(v)).collect();
        format!("[{}]", items.join(","))
    };
    let mut body = Vec::new();
    for (region, arn) in regions {
        let mut fields = Vec::new();
        if g.lock {
            fields.push("\"@@operators_allowed_for_child_policies\":[\"@@none\"]".to_string());
        }
        fields.push(format!("\"identifier\":{}", assign(string(arn))));
        if let Some(tags) = &g.input_tags {
            fields.push(format!("\"input_tags\":{}", assign(string(tags))));
        }
        if !g.guarding.is_empty() {
            let mut parts = Vec::new();
            for what in ["system", "messages"] {
                if let Some((_, mode)) = g.guarding.iter().rev().find(|(w, _)| w == what) {
                    parts.push(format!("{}:{}", string(what), assign(string(mode))));
                }
            }
            fields.push(format!(
                "\"selective_content_guarding\":{{{}}}",
                parts.join(",")
            ));
        }
        if let Some(m) = &g.models {
            let mut parts = Vec::new();
            let included: Vec<String> = if m.all {
                vec!["ALL".to_string()]
            } else {
                m.include.clone()
            };
            if !included.is_empty() {
                parts.push(format!("\"included_models\":{}", assign(list(&included))));
            }
            if !m.exclude.is_empty() {
                parts.push(format!("\"excluded_models\":{}", assign(list(&m.exclude))));
            }
            if !parts.is_empty() {
                fields.push(format!("\"model_enforcement\":{{{}}}", parts.join(",")));
            }
        }
        body.push(format!(
            "{}:{{{}:{{{}}}}}",
            string(region),
            string(&g.name),
            fields.join(",")
        ));
    }
    format!(
        "{{\"bedrock\":{{\"guardrail_inference\":{{{}}}}}}}",
        body.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::ModelEnforcement;
    use crate::syntax::Span;

    #[test]
    fn seed_001_policy_shape() {
        let g = Guardrail {
            name: "config_1".into(),
            file: "t.gov".into(),
            span: Span::new(0, 1),
            regions: vec![(
                "us-east-1".into(),
                "arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1".into(),
            )],
            input_tags: None,
            guarding: vec![
                ("system".into(), "selective".into()),
                ("messages".into(), "comprehensive".into()),
            ],
            models: Some(ModelEnforcement {
                all: true,
                include: vec![],
                exclude: vec![
                    "amazon.titan-embed-text-v2:0".into(),
                    "cohere.embed-english-v3".into(),
                ],
            }),
            lock: false,
            sources: vec![],
        };
        let json = render(&g);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        // aws.md §2.1, AWS's example, field for field.
        let want = serde_json::json!({ "bedrock": { "guardrail_inference": { "us-east-1": { "config_1": {
            "identifier": { "@@assign": "arn:aws:bedrock:us-east-1:123456789012:guardrail/hu1dlsv9wy1d:1" },
            "selective_content_guarding": {
                "system":   { "@@assign": "selective" },
                "messages": { "@@assign": "comprehensive" } },
            "model_enforcement": {
                "included_models": { "@@assign": ["ALL"] },
                "excluded_models": { "@@assign": ["amazon.titan-embed-text-v2:0", "cohere.embed-english-v3"] } }
        } } } } });
        assert_eq!(v, want);
    }
}
