//! Packing statements into as few documents as fit a size quota (docs/compiler.md, "Packing"), splitting a
//! statement that alone is too large where that keeps its meaning.
//!
//! Splitting is exact only for lists whose values are ORed: `Action` and `Resource` (a request
//! matches the statement when it matches one value, so the parts together match the same
//! requests, and statements of one effect are ORed at every level — aws.md §1.4, §3.2), and the
//! values of one key under a positive, unqualified or `ForAnyValue` operator. Values under a
//! negated operator are NORed and `ForAllValues` needs every request value covered by the one
//! list: those are never split, and neither are `NotAction`/`NotResource`.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::json;
use crate::ir::{Name, Qualifier, Statement};

/// Statements grouped into documents; each inner vector is one document's statements, in the
/// order given, each with its rendered JSON (rendered once: measuring, packing and writing the
/// document all use it).
pub type Packed = Vec<Vec<(Statement, String)>>;

/// How a document kind writes one statement: [`json::statement`], or
/// [`json::rcp_statement`] for resource control policies. Sizes are measured with it.
pub type Render = fn(&Statement) -> String;

/// Packs `statements` into documents of at most `limit` characters. `what` names the document
/// kind in diagnostics ("SCP", "IAM policy").
#[cfg(test)]
pub fn pack(
    statements: Vec<Statement>,
    limit: usize,
    what: &str,
) -> Result<Vec<Vec<Statement>>, Vec<Diagnostic>> {
    let packed = pack_with(statements, limit, what, json::statement)?;
    Ok(packed
        .into_iter()
        .map(|d| d.into_iter().map(|(s, _)| s).collect())
        .collect())
}

/// [`pack`] for a document kind that writes its statements with `render`.
pub fn pack_with(
    statements: Vec<Statement>,
    limit: usize,
    what: &str,
    render: Render,
) -> Result<Packed, Vec<Diagnostic>> {
    let mut parts: Vec<(usize, (Statement, String))> = Vec::new();
    let mut diags = Vec::new();
    for (i, s) in statements.into_iter().enumerate() {
        match split(s, limit, what, render) {
            Ok(pieces) => parts.extend(pieces.into_iter().map(|p| (i, p))),
            Err(d) => diags.push(*d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let lens: Vec<usize> = parts.iter().map(|(_, (_, r))| r.len()).collect();
    // First-fit decreasing: longest first, each into the first document it fits.
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        let la = lens.get(a).copied().unwrap_or(0);
        let lb = lens.get(b).copied().unwrap_or(0);
        lb.cmp(&la).then(a.cmp(&b))
    });
    let mut bins: Vec<Vec<usize>> = Vec::new();
    let mut bin_lens: Vec<Vec<usize>> = Vec::new();
    for i in order {
        let len = lens.get(i).copied().unwrap_or(0);
        let mut placed = false;
        for (bin, bl) in bins.iter_mut().zip(bin_lens.iter_mut()) {
            bl.push(len);
            if json::document_len(bl) <= limit {
                bin.push(i);
                placed = true;
                break;
            }
            bl.pop();
        }
        if !placed {
            bins.push(vec![i]);
            bin_lens.push(vec![len]);
        }
    }
    // Within a document, statements keep source order; documents are ordered by their first
    // statement, so output does not depend on sizes more than it must.
    for b in &mut bins {
        b.sort_unstable();
    }
    bins.sort_by_key(|b| b.first().copied());
    let mut slots: Vec<Option<(Statement, String)>> =
        parts.into_iter().map(|(_, s)| Some(s)).collect();
    Ok(bins
        .into_iter()
        .map(|b| {
            b.into_iter()
                .filter_map(|i| slots.get_mut(i).and_then(Option::take))
                .collect()
        })
        .collect())
}

/// Which list of a statement a split cuts.
#[derive(Clone, Debug)]
enum ListRef {
    Action,
    Resource,
    Cond(crate::ir::Operator, Name),
}

fn fits(s: &Statement, limit: usize, render: Render) -> bool {
    fits_len(render(s).len(), limit)
}

fn fits_len(rendered: usize, limit: usize) -> bool {
    json::document_len(&[rendered]) <= limit
}

/// The statement, or parts of it that each fit and together match the same requests.
fn split(
    s: Statement,
    limit: usize,
    what: &str,
    render: Render,
) -> Result<Vec<(Statement, String)>, Box<Diagnostic>> {
    let rendered = render(&s);
    if fits_len(rendered.len(), limit) {
        return Ok(vec![(s, rendered)]);
    }
    // The largest splittable list with at least two values.
    let mut candidates: Vec<(usize, ListRef)> = Vec::new();
    if !s.action.negated && s.action.values.len() > 1 {
        candidates.push((list_len(s.action.values.iter()), ListRef::Action));
    }
    if !s.resource.negated && s.resource.values.len() > 1 {
        candidates.push((list_len(s.resource.values.iter()), ListRef::Resource));
    }
    for (op, keys) in &s.condition {
        let splittable = !op.op.is_negated()
            && op.op != crate::ir::Op::Null
            && op.qualifier != Some(Qualifier::ForAllValues);
        if !splittable {
            continue;
        }
        for (k, vs) in keys {
            if vs.len() > 1 {
                candidates.push((list_len(vs.iter()), ListRef::Cond(*op, k.clone())));
            }
        }
    }
    candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
    let Some((_, list)) = candidates.into_iter().next() else {
        return Err(Box::new(too_large(&s, limit, what, render)));
    };
    let values: Vec<Name> = match &list {
        ListRef::Action => s.action.values.iter().cloned().collect(),
        ListRef::Resource => s.resource.values.iter().cloned().collect(),
        ListRef::Cond(op, k) => s
            .condition
            .get(op)
            .and_then(|keys| keys.get(k))
            .map(|vs| vs.iter().cloned().collect())
            .unwrap_or_default(),
    };
    // The statement without the list being split, cloned once: each chunk costs its own
    // values, not the whole list again (which made splitting quadratic in the list).
    let mut base = s.clone();
    // Origins are not rendered, so they play no part in fitting; a finished chunk gets them.
    let origins = std::mem::take(&mut base.origins);
    match &list {
        ListRef::Action => base.action.values.clear(),
        ListRef::Resource => base.resource.values.clear(),
        ListRef::Cond(op, k) => {
            if let Some(vs) = base.condition.get_mut(op).and_then(|keys| keys.get_mut(k)) {
                vs.clear();
            }
        }
    }
    let with = |chunk: &[Name]| -> Statement {
        let mut t = base.clone();
        let set = chunk.iter().cloned().collect();
        match &list {
            ListRef::Action => t.action.values = set,
            ListRef::Resource => t.resource.values = set,
            ListRef::Cond(op, k) => {
                if let Some(vs) = t.condition.get_mut(op).and_then(|keys| keys.get_mut(k)) {
                    *vs = set;
                }
            }
        }
        t
    };
    // Greedy chunks in value order; a chunk of one value that still does not fit is split
    // further on its other lists (or refused).
    let mut out = Vec::new();
    let mut chunk: Vec<Name> = Vec::new();
    let finished = |chunk: &[Name]| -> Statement {
        let mut t = with(chunk);
        t.origins = origins.clone();
        t
    };
    for v in values {
        chunk.push(v);
        if chunk.len() > 1 && !fits(&with(&chunk), limit, render) {
            let last = chunk.pop().unwrap_or_default();
            out.extend(split(finished(&chunk), limit, what, render)?);
            chunk = vec![last];
        }
    }
    if !chunk.is_empty() {
        out.extend(split(finished(&chunk), limit, what, render)?);
    }
    Ok(out)
}

fn list_len<'a>(vs: impl Iterator<Item = &'a Name>) -> usize {
    vs.map(|v| json::string(v).len() + 1).sum()
}

fn too_large(s: &Statement, limit: usize, what: &str, render: Render) -> Diagnostic {
    let size = json::document_len(&[render(s).len()]);
    let (file, span) = s
        .origins
        .iter()
        .next()
        .map(|o| (o.file.clone(), o.span))
        .unwrap_or_default();
    let mut why = Vec::new();
    if s.action.negated && s.action.values.len() > 1 {
        why.push("`NotAction` (one list that every value must miss)");
    }
    if s.resource.negated && s.resource.values.len() > 1 {
        why.push("`NotResource`");
    }
    if s.condition
        .keys()
        .any(|op| op.op.is_negated() || op.qualifier == Some(Qualifier::ForAllValues))
    {
        why.push("values under a negated or `ForAllValues` operator (they must all hold at once)");
    }
    let reason = if why.is_empty() {
        "it has no list left to split".to_string()
    } else {
        format!(
            "its long lists cannot be split without changing its meaning: {}",
            why.join(", ")
        )
    };
    Diagnostic::new(
        Code::E0401,
        span,
        format!("a statement of this rule needs {size} characters, more than the {what} limit of {limit}"),
    )
    .in_file(&file)
    .with_label(format!("{size} > {limit} characters"))
    .with_note(format!("the compiler cannot split it: {reason}"))
    .with_help("shorten its lists (a pattern such as `deepseek*` covers many ids), split the rule into several rules, or use `limits current` if you planned for the legacy quota")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::ir::{Condition, Effect, FlatSet, Op, Operator, Origin, Scope};
    use crate::syntax::Span;

    fn stmt(actions: &[String], condition: Condition) -> Statement {
        Statement {
            effect: Effect::Deny,
            action: Scope::of(actions.iter().cloned()),
            resource: Scope::any(),
            condition,
            origins: FlatSet::from([Origin {
                file: "t.gov".into(),
                span: Span::new(0, 1),
                policy: "p".into(),
                label: "DenyActions".into(),
            }]),
            sid: None,
        }
    }

    fn doc_len(ss: &[Statement]) -> usize {
        let rendered: Vec<String> = ss.iter().map(json::statement).collect();
        json::document(&rendered).len()
    }

    #[test]
    fn document_of_exactly_the_limit_fits_and_one_more_splits() {
        let actions: Vec<String> = (0..40).map(|i| format!("s3:Action{i:03}")).collect();
        let s = stmt(&actions, Condition::new());
        let exact = doc_len(std::slice::from_ref(&s));
        let packed = pack(vec![s.clone()], exact, "SCP").unwrap();
        assert_eq!(packed.len(), 1);
        assert_eq!(doc_len(&packed[0]), exact);
        let packed = pack(vec![s], exact - 1, "SCP").unwrap();
        assert_eq!(packed.len(), 2, "one character less must split");
        let all: BTreeSet<String> = packed
            .iter()
            .flatten()
            .flat_map(|s| s.action.values.iter().map(|v| v.to_string()))
            .collect();
        assert_eq!(all.len(), 40, "no action lost in the split");
        for d in &packed {
            assert!(doc_len(d) < exact);
        }
    }

    #[test]
    fn two_statements_share_a_document_when_they_fit() {
        let a = stmt(&["s3:GetObject".into()], Condition::new());
        let b = stmt(&["s3:PutObject".into()], Condition::new());
        let both = doc_len(&[a.clone(), b.clone()]);
        assert_eq!(
            pack(vec![a.clone(), b.clone()], both, "SCP").unwrap().len(),
            1
        );
        assert_eq!(pack(vec![a, b], both - 1, "SCP").unwrap().len(), 2);
    }

    #[test]
    fn negated_values_are_refused_not_split() {
        let mut c = Condition::new();
        let values: FlatSet<Name> = (0..50).map(|i| format!("region-{i:02}").into()).collect();
        c.entry(Operator::plain(Op::StringNotEquals))
            .or_default()
            .insert("aws:RequestedRegion".into(), values);
        let s = stmt(&["bedrock:*".into()], c);
        let limit = doc_len(std::slice::from_ref(&s)) - 1;
        let err = pack(vec![s], limit, "SCP").unwrap_err();
        assert_eq!(err[0].code, Code::E0401);
        assert!(err[0].notes[0].contains("negated"));
    }

    #[test]
    fn positive_condition_values_split() {
        let mut c = Condition::new();
        let values: FlatSet<Name> = (0..50).map(|i| format!("model-{i:02}*").into()).collect();
        c.entry(Operator::plain(Op::StringLike))
            .or_default()
            .insert("bedrock-mantle:Model".into(), values.clone());
        let s = stmt(&["bedrock-mantle:*".into()], c);
        let limit = doc_len(std::slice::from_ref(&s)) / 2 + 40;
        let packed = pack(vec![s], limit, "SCP").unwrap();
        assert!(packed.len() >= 2);
        let got: FlatSet<Name> = packed
            .iter()
            .flatten()
            .flat_map(|s| {
                s.condition
                    .values()
                    .flat_map(|k| k.values())
                    .flatten()
                    .cloned()
            })
            .collect();
        assert_eq!(got, values);
    }
}
