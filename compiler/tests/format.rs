//! The formatter's laws, on generated programs and on every shipped `.gov` file: formatting is
//! idempotent, keeps the program (the parse tree with spans erased) and keeps every comment.
//! Snapshots pin the canonical layout of the examples and of a deliberately messy file.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};

use govc_compiler::format::{comment_texts, erase_spans, format_source};
use govc_compiler::syntax::parse;
use proptest::prelude::*;

/// The three laws; `Err` says which one broke. Inputs that do not parse must be refused.
fn laws(src: &str) -> Result<(), String> {
    let before = parse(src);
    if !before.diagnostics.is_empty() {
        return match format_source(src) {
            Err(d) if d == before.diagnostics => Ok(()),
            other => Err(format!(
                "a file with syntax errors was not refused: {other:?}"
            )),
        };
    }
    let out = format_source(src).map_err(|d| format!("refused a valid file: {d:?}"))?;
    let after = parse(&out);
    if !after.diagnostics.is_empty() {
        return Err(format!(
            "output does not parse:\n{out}\n{:?}",
            after.diagnostics
        ));
    }
    if erase_spans(&after.file) != erase_spans(&before.file) {
        return Err(format!("output means something else:\n{out}"));
    }
    if comment_texts(&after.comments, &out) != comment_texts(&before.comments, src) {
        return Err(format!("comments lost or reordered:\n{out}"));
    }
    let again = format_source(&out).map_err(|d| format!("output refused: {d:?}"))?;
    if again != out {
        return Err(format!(
            "not idempotent:\n--- once\n{out}\n--- twice\n{again}"
        ));
    }
    Ok(())
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap()
}

fn shipped_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples", "stdlib"] {
        for entry in std::fs::read_dir(repo_root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "gov") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn shipped_files_obey_the_laws_and_are_canonical() {
    let files = shipped_files();
    assert!(files.len() >= 10, "{files:?}");
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap();
        laws(&src).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // `govc fmt --check examples stdlib` holds in CI; say which file drifted here too.
        assert_eq!(
            format_source(&src).unwrap(),
            src,
            "{} is not formatted: run `govc fmt {}`",
            path.display(),
            path.display()
        );
    }
}

#[test]
fn snapshots_of_shipped_files() {
    insta::glob!("../..", "{examples,stdlib}/*.gov", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(format_source(&src).unwrap());
    });
}

#[test]
fn messy_file() {
    let src =
        std::fs::read_to_string(repo_root().join("compiler/tests/data/format/messy.gov")).unwrap();
    laws(&src).unwrap();
    insta::assert_snapshot!(format_source(&src).unwrap());
}

#[test]
fn syntax_errors_are_refused_with_their_diagnostics() {
    let src = "scp s {\n  deny model\n}\n";
    let diags = format_source(src).unwrap_err();
    assert_eq!(diags, parse(src).diagnostics);
    assert!(!diags.is_empty());
    let diags = format_source("scp s { deny model \"open }").unwrap_err();
    assert!(
        diags.iter().any(|d| d.code.as_str() == "E0002"),
        "{diags:?}"
    );
}

#[test]
fn comments_stay_where_they_were_written() {
    let src = "// file\nscp s { // after brace\n  // own line\n  deny all // trailing\n\n\n  /* block */ deny model x\n  // last\n}\n// eof\n";
    let out = format_source(src).unwrap();
    assert_eq!(
        out,
        "// file\nscp s { // after brace\n  // own line\n  deny all // trailing\n\n  /* block */\n  deny model x\n  // last\n}\n// eof\n"
    );
}

#[test]
fn strings_are_normalised_and_semicolons_only_end_rules() {
    let src =
        "const a = \"tab\there\" ; scp s { forbid (action) when { context[\"k\"] == \"q\\\"\" } }";
    let out = format_source(src).unwrap();
    assert_eq!(
        out,
        "const a = \"tab\\there\"\n\nscp s {\n  forbid (action) when { context[\"k\"] == \"q\\\"\" };\n}\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Generated programs: token sequences from the grammar, joined by random white space and
// comments.

type Toks = Vec<String>;

fn t(s: &str) -> Toks {
    vec![s.to_string()]
}

fn cat(parts: Vec<Toks>) -> Toks {
    parts.into_iter().flatten().collect()
}

fn word() -> impl Strategy<Value = Toks> {
    prop::sample::select(vec![
        "us-east-1",
        "deepseek*",
        "bedrock:InvokeModel",
        "anthropic.claude-3-v1:0",
        "x_1",
        "5120",
        "*",
        "CostCenter",
    ])
    .prop_map(t)
}

fn string() -> impl Strategy<Value = Toks> {
    prop::sample::select(vec![
        r#""arn:aws:iam::111111111111:role/A""#,
        r#""a\"b""#,
        r#""tab\there\\""#,
        r#""""#,
        r#""ü € 🙂""#,
        "\"raw\ttab\"",
        r#""// not a comment /* nor this */""#,
    ])
    .prop_map(t)
}

fn name() -> impl Strategy<Value = Toks> {
    prop::sample::select(vec!["a", "prod", "models", "regions", "all", "x-y"]).prop_map(t)
}

fn value() -> impl Strategy<Value = Toks> {
    let leaf = prop_oneof![
        4 => word(),
        3 => string(),
        1 => prop::sample::select(vec!["bedrock::invoke", "models::claude", "a::b::c"]).prop_map(t),
        1 => prop::sample::select(vec!["true", "false"]).prop_map(t),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        (prop::collection::vec(inner, 0..5), any::<bool>()).prop_map(|(items, trailing)| {
            let mut out = t("[");
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(",".into());
                }
                out.extend(v.iter().cloned());
            }
            if trailing && !items.is_empty() {
                out.push(",".into());
            }
            out.push("]".into());
            out
        })
    })
}

fn comma<S: Strategy<Value = Toks>>(s: S, max: usize) -> impl Strategy<Value = Toks> {
    prop::collection::vec(s, 1..max).prop_map(|items| {
        let mut out = Vec::new();
        for (i, v) in items.into_iter().enumerate() {
            if i > 0 {
                out.push(",".to_string());
            }
            out.extend(v);
        }
        out
    })
}

fn values() -> impl Strategy<Value = Toks> {
    comma(value(), 5)
}

fn pred() -> impl Strategy<Value = Toks> {
    let op = prop_oneof![
        prop::sample::select(vec!["is absent", "is present"])
            .prop_map(|s| { s.split(' ').map(str::to_string).collect::<Toks>() }),
        (
            prop::sample::select(vec![
                "==", "!=", "<", "<=", ">", ">=", "in", "not in", "like", "not like"
            ]),
            value()
        )
            .prop_map(|(o, v)| cat(vec![o.split(' ').map(str::to_string).collect(), v])),
    ];
    (prop::sample::select(vec!["", "any", "all"]), string(), op).prop_map(|(q, k, op)| {
        let mut out = Vec::new();
        if !q.is_empty() {
            out.push(q.to_string());
        }
        out.extend(["context".to_string(), "[".to_string()]);
        out.extend(k);
        out.push("]".into());
        out.extend(op);
        out
    })
}

fn cond() -> impl Strategy<Value = Toks> {
    pred().prop_recursive(4, 32, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| cat(vec![t("("), c, t(")")])),
            (1..3usize, inner.clone()).prop_map(|(n, c)| cat(vec![vec!["!".to_string(); n], c])),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|cs| join(cs, "&&")),
            prop::collection::vec(inner, 2..4).prop_map(|cs| join(cs, "||")),
        ]
    })
}

/// Operands of `!`, `&&` and `||` are parenthesised where the grammar needs it.
fn join(cs: Vec<Toks>, op: &str) -> Toks {
    let mut out = Vec::new();
    for (i, c) in cs.into_iter().enumerate() {
        if i > 0 {
            out.push(op.to_string());
        }
        out.extend(cat(vec![t("("), c, t(")")]));
    }
    out
}

fn clause() -> impl Strategy<Value = Toks> {
    let pred = prop_oneof![
        value().prop_map(|v| cat(vec![t("region"), t("in"), v])),
        string().prop_map(|s| cat(vec![t("principal"), s])),
        value().prop_map(|v| cat(vec![t("principal"), t("in"), v])),
        word().prop_map(|w| cat(vec![t("principal"), w])),
        value().prop_map(|v| cat(vec![t("principal"), t("account"), t("in"), v])),
        string().prop_map(|s| cat(vec![t("principal"), t("account"), s])),
        Just(t("via_mcp")),
        value().prop_map(|v| cat(vec![t("via_mcp"), t("in"), v])),
        cond().prop_map(|c| cat(vec![t("{"), c, t("}")])),
    ];
    (prop::sample::select(vec!["when", "unless"]), pred).prop_map(|(w, p)| cat(vec![t(w), p]))
}

fn clauses() -> impl Strategy<Value = Toks> {
    prop::collection::vec(clause(), 0..3).prop_map(|cs| cs.into_iter().flatten().collect())
}

fn rule() -> impl Strategy<Value = Toks> {
    let entry = |var: &'static str| {
        prop::option::of((
            prop::sample::select(vec!["", "==", "!=", "in", "like", "not in", "not like"]),
            value(),
        ))
        .prop_map(move |c| match c {
            None => None,
            Some(("", _)) => Some(t(var)),
            Some((op, v)) => Some(cat(vec![
                t(var),
                op.split(' ').map(str::to_string).collect(),
                v,
            ])),
        })
    };
    (
        prop::sample::select(vec!["forbid", "permit"]),
        entry("principal"),
        entry("action"),
        entry("resource"),
        prop::collection::vec(
            (prop::sample::select(vec!["when", "unless"]), cond())
                .prop_map(|(w, c)| cat(vec![t(w), t("{"), c, t("}")])),
            0..3,
        ),
        any::<bool>(),
    )
        .prop_map(|(eff, p, a, r, cls, semi)| {
            let scope: Vec<Toks> = [p, a, r].into_iter().flatten().collect();
            let mut out = cat(vec![t(eff), t("(")]);
            for (i, e) in scope.into_iter().enumerate() {
                if i > 0 {
                    out.push(",".into());
                }
                out.extend(e);
            }
            out.push(")".into());
            out.extend(cls.into_iter().flatten());
            if semi {
                out.push(";".into());
            }
            out
        })
}

fn scp_stmt() -> impl Strategy<Value = Toks> {
    prop_oneof![
        prop::sample::select(vec!["application_inference_profile", "x_1"])
            .prop_map(|w| cat(vec![t("require"), t(w)])),
        (values(), name()).prop_map(|(v, n)| cat(vec![t("require"), t("tags"), v, t("on"), n])),
        (
            prop::sample::select(vec!["model", "models"]),
            values(),
            clauses()
        )
            .prop_map(|(k, v, c)| cat(vec![t("deny"), t(k), v, c])),
        values().prop_map(|v| cat(vec![t("only"), t("models"), v])),
        (values(), prop::option::of(values()), clauses()).prop_map(|(r, s, c)| {
            let svc = s
                .map(|s| cat(vec![t("for"), t("services"), s]))
                .unwrap_or_default();
            cat(vec![t("only"), t("regions"), r, svc, c])
        }),
        (
            prop::sample::select(vec!["service", "services"]),
            values(),
            clauses()
        )
            .prop_map(|(k, v, c)| cat(vec![t("deny"), t(k), v, c])),
        clauses().prop_map(|c| cat(vec![t("deny"), t("all"), c])),
        (
            prop::sample::select(vec!["", "long_term", "all"]),
            clauses()
        )
            .prop_map(|(k, c)| {
                let k = if k.is_empty() { vec![] } else { t(k) };
                cat(vec![t("deny"), t("api_keys"), k, c])
            }),
        (
            prop::sample::select(vec!["action", "actions"]),
            values(),
            prop::option::of(values()),
            clauses()
        )
            .prop_map(|(k, a, r, c)| {
                let on = r.map(|r| cat(vec![t("on"), r])).unwrap_or_default();
                cat(vec![t("deny"), t(k), a, on, c])
            }),
        rule(),
    ]
}

fn allow_stmt() -> impl Strategy<Value = Toks> {
    let what = prop_oneof![
        Just(t("invoke")),
        (prop::sample::select(vec!["action", "actions"]), values())
            .prop_map(|(k, v)| cat(vec![t(k), v])),
    ];
    let on = prop_oneof![
        (
            prop::sample::select(vec!["model", "inference_profile"]),
            values()
        )
            .prop_map(|(k, v)| cat(vec![t(k), v])),
        comma(string(), 3),
    ];
    (what, on, prop::option::of(value()), clauses()).prop_map(|(w, o, acct, c)| {
        let acct = acct
            .map(|v| cat(vec![t("in"), t("account"), v]))
            .unwrap_or_default();
        cat(vec![t("allow"), w, t("on"), o, acct, c])
    })
}

fn block<S: Strategy<Value = Toks>>(head: Toks, stmt: S) -> impl Strategy<Value = Toks> {
    prop::collection::vec(stmt, 0..4)
        .prop_map(move |ss| cat(vec![head.clone(), t("{"), ss.concat(), t("}")]))
}

fn item() -> impl Strategy<Value = Toks> {
    let pair = (
        prop::sample::select(vec!["system", "messages"]),
        prop::sample::select(vec!["selective", "comprehensive"]),
    )
        .prop_map(|(a, b)| cat(vec![t(a), t(b)]));
    let guard_stmt = prop_oneof![
        (value(), string()).prop_map(|(r, s)| cat(vec![t("in"), r, t("use"), s])),
        prop::sample::select(vec!["honor", "ignore"])
            .prop_map(|w| cat(vec![t("input_tags"), t(w)])),
        comma(pair, 3).prop_map(|p| cat(vec![t("guarding"), p])),
        prop::option::of(values()).prop_map(|e| {
            let e = e.map(|e| cat(vec![t("except"), e])).unwrap_or_default();
            cat(vec![t("models"), t("all"), e])
        }),
        Just(t("lock")),
    ]
    .boxed();
    let control_stmt =
        prop_oneof![
            values().prop_map(|v| cat(vec![t("regions"), v])),
            (prop::sample::select(vec!["action", "actions"]), values())
                .prop_map(|(k, v)| cat(vec![t("exempt"), t(k), v])),
            values().prop_map(|v| cat(vec![t("exempt"), t("principals"), v])),
        ]
        .boxed();
    let org_entry = prop_oneof![
        string().prop_map(|s| cat(vec![t("root"), t("="), s])),
        (
            prop::sample::select(vec!["ou", "account"]),
            name(),
            string(),
            prop::option::of(name())
        )
            .prop_map(|(k, n, s, p)| {
                let p = p.map(|p| cat(vec![t("under"), p])).unwrap_or_default();
                cat(vec![t(k), n, t("="), s, p])
            }),
        Just(cat(vec![t("limits"), t("legacy")])),
        comma(
            (
                prop::sample::select(vec!["scp_size", "scp_per_target"]),
                value()
            )
                .prop_map(|(k, v)| cat(vec![t(k), t("="), v])),
            3
        )
        .prop_map(|l| cat(vec![t("limits"), l])),
    ];
    let expect = (
        prop::sample::select(vec!["allow", "deny"]),
        value(),
        value(),
        prop::option::of(value()),
        prop::option::of(comma(
            (string(), value()).prop_map(|(k, v)| cat(vec![k, t(":"), v])),
            4,
        )),
    )
        .prop_map(|(a, act, res, reg, ctx)| {
            let reg = reg.map(|r| cat(vec![t("in"), r])).unwrap_or_default();
            let ctx = ctx
                .map(|c| cat(vec![t("with"), t("{"), c, t("}")]))
                .unwrap_or_default();
            cat(vec![t("expect"), t(a), act, t("on"), res, reg, ctx])
        })
        .boxed();
    prop_oneof![
        string().prop_map(|s| cat(vec![t("use"), s])),
        Just(cat(vec![t("use"), t("std::bedrock")])),
        (prop::sample::select(vec!["const", "set"]), name(), value())
            .prop_map(|(k, n, v)| cat(vec![t(k), n, t("="), v])),
        name().prop_flat_map(|n| block(cat(vec![t("scp"), n]), scp_stmt())),
        name().prop_flat_map(|n| block(cat(vec![t("identity"), n]), allow_stmt())),
        name().prop_flat_map(move |n| block(cat(vec![t("guardrail"), n]), guard_stmt.clone())),
        (name(), comma(name(), 3)).prop_flat_map(move |(n, ts)| {
            block(
                cat(vec![t("control"), n, t("on"), ts]),
                control_stmt.clone(),
            )
        }),
        (comma(name(), 3), comma(name(), 3)).prop_map(|(p, ts)| cat(vec![
            t("attach"),
            p,
            t("to"),
            ts
        ])),
        (string(), name()).prop_flat_map(move |(s, n)| {
            block(cat(vec![t("test"), s, t("on"), n]), expect.clone())
        }),
        block(t("org"), org_entry),
    ]
}

/// Token sequences of whole files, joined by white space and comments.
fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(item(), 0..4)
        .prop_map(|items| items.concat())
        .prop_flat_map(|toks| {
            let sep = prop_oneof![
                40 => Just(" "),
                8 => Just("\n"),
                1 => Just("\n\n\n  "),
                1 => Just("\t"),
                1 => Just(" // line comment\n"),
                1 => Just("\n// own line\n"),
                1 => Just(" /* block */ "),
                1 => Just("\n/* multi\n   line */\n"),
                1 => Just("\n\n/// doc\n"),
            ];
            let n = toks.len();
            (Just(toks), prop::collection::vec(sep, n + 1))
        })
        .prop_map(|(toks, seps)| {
            let mut out = String::new();
            for (tok, sep) in toks.iter().zip(&seps) {
                out.push_str(sep);
                out.push_str(tok);
            }
            out.push_str(seps.last().copied().unwrap_or(""));
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_programs_obey_the_laws(src in program()) {
        let parsed = parse(&src);
        prop_assert!(parsed.diagnostics.is_empty(), "generator made an invalid file:\n{src}\n{:?}", parsed.diagnostics);
        if let Err(e) = laws(&src) {
            prop_assert!(false, "{e}\n--- input\n{src}");
        }
    }

    /// Arbitrary text: valid or not, the laws hold (invalid files are refused).
    #[test]
    fn arbitrary_text_is_refused_or_formatted_lawfully(src in "[a-z \n{}\\[\\](),;\"/*!=&|:]{0,80}") {
        if let Err(e) = laws(&src) {
            prop_assert!(false, "{e}\n--- input\n{src:?}");
        }
    }
}
