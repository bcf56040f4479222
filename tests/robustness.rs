//! Robustness: hostile inputs built in memory (none of them is committed as a file). Whatever the
//! bytes, parse + check must finish with coded diagnostics: no panic, no stack overflow, no
//! hang. Every check runs on a fresh thread with the default 2 MiB stack (smaller than the main
//! thread's), under a time limit, so a deep recursion or a runaway loop fails the test instead of
//! taking the suite down. A property test feeds arbitrary bytes and arbitrary token soup.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::Duration;

use govc_compiler::db::{self, Database};
use govc_compiler::diagnostics::render::{render_human, render_json, HumanOptions};
use govc_compiler::diagnostics::{Code, Diagnostic};
use govc_compiler::syntax;
use proptest::prelude::*;

const FILE: &str = "input.gov";
/// Generous: debug builds on a loaded CI machine. A hang is minutes or hours, not seconds.
const LIMIT: Duration = Duration::from_secs(60);
const TWO_MB: usize = 2 * 1024 * 1024;

/// The result of checking one in-memory file as a whole program (plus the stdlib).
struct Checked {
    /// Every loaded file's text by path (the input and the stdlib modules).
    texts: BTreeMap<String, String>,
    diags: Vec<Diagnostic>,
}

impl Checked {
    fn text(&self) -> &str {
        &self.texts[FILE]
    }

    fn codes(&self) -> Vec<Code> {
        self.diags.iter().map(|d| d.code).collect()
    }

    fn count(&self, code: Code) -> usize {
        self.diags.iter().filter(|d| d.code == code).count()
    }

    fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    fn human(&self, max_shown: usize) -> String {
        render_human(
            &self.diags,
            &|p| self.texts.get(p).map(String::as_str),
            HumanOptions {
                color: false,
                max_shown,
            },
        )
    }

    fn json(&self) -> String {
        render_json(&self.diags, &|p| self.texts.get(p).map(String::as_str))
    }
}

/// Loads `bytes` as the only user file through an in-memory `read`, and checks the program.
fn check_bytes(bytes: Vec<u8>) -> Checked {
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let read = move |p: &str| -> std::io::Result<Vec<u8>> {
        if p == FILE {
            Ok(bytes.clone())
        } else {
            Err(std::io::ErrorKind::NotFound.into())
        }
    };
    let (ws, failed) = db::load(&mut database, &[FILE.to_string()], &read);
    assert!(failed.is_empty(), "{failed:?}");
    let diags = db::program_diagnostics(&database, ws).to_vec();
    let texts = ws
        .files(&database)
        .iter()
        .map(|(p, f)| (p.clone(), f.text(&database).clone()))
        .collect();
    Checked { texts, diags }
}

/// Runs `f` on a fresh thread (default 2 MiB stack) and fails if it panics or outlives `limit`.
fn within<T: Send + 'static>(
    what: &str,
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(what.to_string())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    match rx.recv_timeout(limit) {
        Ok(v) => {
            handle.join().unwrap();
            v
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what}: did not finish within {limit:?} (hang or super-linear blow-up)")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Ok(()) => panic!("{what}: worker ended without a result"),
            Err(e) => std::panic::resume_unwind(e),
        },
    }
}

/// Checks `bytes` under the time limit and asserts the invariants every input must satisfy.
fn check(what: &str, bytes: Vec<u8>) -> Checked {
    let c = within(what, LIMIT, move || check_bytes(bytes));
    assert_spans_valid(&c);
    // Rendering must cope too (it excerpts long lines and caps the count).
    let human = c.human(100);
    if c.diags.is_empty() {
        assert!(human.is_empty(), "{what}: {human}");
    } else {
        assert!(human.contains(" emitted"), "{what}: {human}");
    }
    // JSON is rendered only for bounded counts: its cost is diagnostics × line length today
    // (see the ignored `json_rendering_is_linear_on_long_lines`).
    if c.diags.len() <= 1_000 {
        let _ = c.json();
    }
    c
}

/// `total` diagnostics of `code` were due: the first 1,000 are kept, one E0012 counts the rest.
fn assert_capped(c: &Checked, code: Code, total: usize) {
    assert_eq!(c.count(code), 1_000, "{code:?}");
    let more: Vec<&Diagnostic> = c.diags.iter().filter(|d| d.code == Code::E0012).collect();
    assert_eq!(more.len(), 1, "{:?}", more);
    assert_eq!(
        more[0].message,
        format!("{} more diagnostics not collected", total - 1_000)
    );
}

/// Every primary and secondary span lies inside its file's text, on character boundaries.
fn assert_spans_valid(c: &Checked) {
    for d in &c.diags {
        let mut spans = vec![(d.file.as_str(), d.span)];
        spans.extend(
            d.secondary
                .iter()
                .map(|l| (l.file.as_deref().unwrap_or(&d.file), l.span)),
        );
        for (file, span) in spans {
            let text = c
                .texts
                .get(file)
                .unwrap_or_else(|| panic!("diagnostic in unknown file `{file}`: {d:#?}"));
            let (s, e) = (span.start as usize, span.end as usize);
            assert!(
                s <= e && e <= text.len(),
                "span {s}..{e} outside text of {} bytes: {d:#?}",
                text.len()
            );
            assert!(
                text.is_char_boundary(s) && text.is_char_boundary(e),
                "span {s}..{e} not on char boundaries: {d:#?}"
            );
        }
    }
}

/// A tiny deterministic generator, so big pseudo-random inputs are reproducible.
fn pseudo_random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

// ---------------------------------------------------------------------------------------------
// Huge lines

#[test]
fn two_mb_line_of_words_at_top_level() {
    let mut line = String::with_capacity(TWO_MB + 64);
    let words = [
        "deny",
        "model",
        "deepseek*",
        "only",
        "regions",
        "us-east-1,",
        "lorem",
        "ipsum",
    ];
    let mut i = 0;
    while line.len() < TWO_MB {
        line.push_str(words[i % words.len()]);
        line.push(' ');
        i += 1;
    }
    let c = check("2 MB line of words", line.into_bytes());
    assert!(c.has_errors());
    assert!(c.codes().contains(&Code::E0004), "{:?}", c.codes());
}

#[test]
fn two_mb_line_inside_a_policy_block() {
    // One statement with a 2 MB list of regions on one line: valid words, one misspelt.
    let mut line = String::from("scp s { only regions us-east-1");
    while line.len() < TWO_MB {
        line.push_str(", us-west-2, eu-central-1");
    }
    line.push_str(", us-est-1 }");
    let c = check("2 MB region list", line.into_bytes());
    assert_eq!(c.codes(), [Code::E0200]);
    let human = c.human(100);
    assert!(human.contains("did you mean `us-east-1`?"), "{human}");
    // The 2 MB line is shown as an excerpt, not copied into the output.
    assert!(human.len() < 4096, "{} bytes:\n{human}", human.len());
    assert!(human.contains("bytes long; showing bytes"), "{human}");
}

#[test]
fn two_mb_line_of_garbage() {
    let mut bytes = pseudo_random_bytes(TWO_MB, 0x9E37_79B9_7F4A_7C15);
    for b in &mut bytes {
        if *b == b'\n' {
            *b = b' ';
        }
    }
    let c = check("2 MB of random bytes", bytes);
    assert!(c.has_errors());
    assert!(c.codes().contains(&Code::E0006), "{:?}", &c.codes()[..5]);
    let human = c.human(100);
    assert!(human.len() < 64 * 1024, "{} bytes", human.len());
}

#[test]
fn two_mb_line_of_printable_garbage() {
    // Random printable ASCII: valid UTF-8, so the lexer and parser see all of it.
    let bytes: Vec<u8> = pseudo_random_bytes(TWO_MB, 7)
        .into_iter()
        .map(|b| b' ' + b % 95)
        .collect();
    let c = check("2 MB of printable garbage", bytes);
    assert!(c.has_errors());
    let human = c.human(100);
    assert!(human.len() < 64 * 1024, "{} bytes", human.len());
}

// ---------------------------------------------------------------------------------------------
// Deep nesting and long chains

#[test]
fn hundred_thousand_nested_brackets() {
    for open in ["(", "[", "{"] {
        let src = open.repeat(100_000);
        let c = check(&format!("100,000 `{open}`"), src.into_bytes());
        assert_eq!(c.codes(), [Code::E0008], "{open}");
        // The same, in a position where the brackets are meaningful.
        let src = format!(
            "scp s {{ forbid (action in bedrock::invoke) when {{ {} context[\"aws:SecureTransport\"] == false {} }}; }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let c = check(
            "100,000 nested parentheses in a condition",
            src.into_bytes(),
        );
        assert_eq!(c.codes(), [Code::E0008]);
    }
    // Nested lists, and balanced-but-deep mixed brackets.
    let src = format!(
        "const x = {}us-east-1{}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(
        check("nested lists", src.into_bytes()).codes(),
        [Code::E0008]
    );
    let src = "({[".repeat(40_000) + &"]})".repeat(40_000);
    assert_eq!(
        check("mixed brackets", src.into_bytes()).codes(),
        [Code::E0008]
    );
}

#[test]
fn sixty_four_nested_brackets_are_fine() {
    // `scp {`, `when {`, 61 parentheses and `context[`: exactly the limit of 64.
    let src = format!(
        "scp s {{ forbid (action in bedrock::invoke) when {{ {} context[\"aws:SecureTransport\"] == false {} }}; }}",
        "(".repeat(61),
        ")".repeat(61)
    );
    let c = check("64 nested brackets", src.clone().into_bytes());
    assert!(c.diags.is_empty(), "{:#?}", c.diags);
    let one_more = src.replacen('(', "((", 2).replacen(')', "))", 1);
    let c = check("65 nested brackets", one_more.into_bytes());
    assert_eq!(c.codes(), [Code::E0008]);
}

#[test]
fn hundred_thousand_bangs() {
    // In a condition: `!` runs collapse to their parity, so this is a valid rule.
    let src = format!(
        "scp s {{ forbid (action in bedrock::invoke) when {{ {}context[\"aws:SecureTransport\"] == false }}; }}",
        "!".repeat(100_000)
    );
    let c = check("100,000 `!` in a condition", src.into_bytes());
    assert!(c.diags.is_empty(), "{:#?}", c.diags);
    // Alone, and separated by spaces and newlines: syntax errors, not a crash.
    let c = check("100,000 `!`", "!".repeat(100_000).into_bytes());
    assert!(
        c.has_errors() && c.codes().iter().all(|&k| k == Code::E0004),
        "{:?}",
        c.codes()
    );
    let c = check("100,000 `! `", "!\n".repeat(100_000).into_bytes());
    assert!(c.has_errors());
}

#[test]
fn hundred_thousand_term_and_chain() {
    let term = "context[\"aws:SecureTransport\"] == false";
    let chain = vec![term; 100_000].join(" && ");
    let src = format!("scp s {{ forbid (action in bedrock::invoke) when {{ {chain} }}; }}");
    let c = check("100,000-term && chain", src.into_bytes());
    assert!(c.diags.is_empty(), "{:#?}", c.diags);

    // The same length of `||` alternatives, each with an error: one diagnostic per term.
    let chain = vec!["context[\"aws:SecureTransport\"] == maybe"; 100_000].join(" || ");
    let src = format!("scp s {{ forbid (action in bedrock::invoke) when {{ {chain} }}; }}");
    let c = check("100,000-term || chain with errors", src.into_bytes());
    assert_capped(&c, Code::E0207, 100_000);
}

// ---------------------------------------------------------------------------------------------
// Many errors

#[test]
fn ten_thousand_errors_are_counted_and_capped() {
    let mut src = String::new();
    for i in 0..10_000 {
        src.push_str(&format!("scp s{i} {{\n  only regions us-est-1\n}}\n"));
    }
    let c = check("10,000 semantic errors", src.into_bytes());
    // Collected: the first 1,000, and one E0012 counting the other 9,000 (memory and every
    // output stay proportional to what is kept).
    assert_eq!(c.diags.len(), 1_001);
    assert_capped(&c, Code::E0200, 10_000);

    let human = c.human(100);
    assert_eq!(human.matches("error[E0200]").count(), 100);
    assert!(
        human.contains("note: 901 more diagnostics not shown"),
        "{}",
        &human[human.len().saturating_sub(400)..]
    );
    assert!(
        human.ends_with("1001 errors emitted\n"),
        "{}",
        &human[human.len() - 200..]
    );
    let few = c.human(3);
    assert_eq!(few.matches("error[E0200]").count(), 3);
    assert!(
        few.contains("note: 998 more diagnostics not shown"),
        "{few}"
    );
    assert!(few.len() < 4096, "{few}");
    // JSON has the same cap, E0012 included.
    let json: serde_json::Value = serde_json::from_str(&c.json()).unwrap();
    let items = json.as_array().unwrap();
    assert_eq!(items.len(), 1_001);
    assert_eq!(items[1_000]["code"], "E0012");
    assert_eq!(
        items[1_000]["message"],
        "9000 more diagnostics not collected"
    );
}

#[test]
fn ten_thousand_syntax_errors() {
    // Every block is missing its name: one syntax error per block, recovery after each.
    let src = "scp {\n  deny model deepseek*\n}\n".repeat(10_000);
    let c = check("10,000 syntax errors", src.into_bytes());
    assert_capped(&c, Code::E0004, 10_000);
    let human = c.human(100);
    assert!(human.contains("note: 901 more diagnostics not shown"));
}

#[test]
fn fifty_thousand_closing_braces() {
    let c = check("50,000 `}`", "}\n".repeat(50_000).into_bytes());
    assert!(c.has_errors());
    assert!(
        c.codes().iter().all(|&k| k == Code::E0004),
        "{:?}",
        c.codes()
    );
    let c = check(
        "50,000 `}` after a block",
        format!("scp s {{ }}{}", "}".repeat(50_000)).into_bytes(),
    );
    assert!(c.has_errors());
}

// ---------------------------------------------------------------------------------------------
// Encoding and lexical edge cases

#[test]
fn invalid_utf8_and_nul_bytes() {
    let c = check("lone 0xFF", b"scp s { deny model deep\xFFseek* }".to_vec());
    assert!(c.codes().contains(&Code::E0006), "{:?}", c.codes());
    let c = check(
        "only invalid bytes",
        vec![0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80],
    );
    assert!(c.codes().contains(&Code::E0006), "{:?}", c.codes());
    let c = check("a UTF-16 BOM and text", b"\xFF\xFEs\0c\0p\0".to_vec());
    assert!(c.codes().contains(&Code::E0006), "{:?}", c.codes());

    let c = check(
        "NUL bytes",
        b"scp s {\0\0\0 deny model deepseek* \0}".to_vec(),
    );
    assert!(c.codes().contains(&Code::E0001), "{:?}", c.codes());
    let c = check("only NUL bytes", vec![0; 100_000]);
    assert_eq!(
        c.codes(),
        [Code::E0001],
        "a run of bad bytes is one diagnostic"
    );
    let c = check(
        "every byte value",
        (0..=255u8).cycle().take(64 * 1024).collect(),
    );
    assert!(c.has_errors());
}

#[test]
fn unterminated_string_at_end_of_file() {
    let c = check(
        "open string at EOF",
        b"scp s { deny service bedrock unless principal \"arn:aws:iam::1".to_vec(),
    );
    assert!(c.codes().contains(&Code::E0002), "{:?}", c.codes());
    assert!(c.codes().contains(&Code::E0005), "{:?}", c.codes());
    let c = check("just a quote", b"\"".to_vec());
    assert!(c.codes().contains(&Code::E0002), "{:?}", c.codes());
    let c = check("quote and backslash", b"\"\\".to_vec());
    assert!(c.codes().contains(&Code::E0002), "{:?}", c.codes());
    let c = check(
        "2 MB unterminated string",
        [b"\"".as_slice(), &vec![b'x'; TWO_MB]].concat(),
    );
    assert!(c.codes().contains(&Code::E0002), "{:?}", c.codes());
}

#[test]
fn block_comment_never_closed() {
    let c = check(
        "open comment",
        b"scp s { deny model deepseek* } /* and then".to_vec(),
    );
    assert_eq!(c.codes(), [Code::E0003]);
    let c = check(
        "open comment in a block",
        b"scp s { /* deny model deepseek* }".to_vec(),
    );
    assert!(c.codes().contains(&Code::E0003), "{:?}", c.codes());
    let c = check(
        "2 MB open comment",
        [b"/*".as_slice(), &vec![b'*'; TWO_MB]].concat(),
    );
    assert_eq!(c.codes(), [Code::E0003]);
    // Comments do not nest: `/*/*/` is a whole comment, then the lexer resumes at `*/*…`.
    let c = check("comment openers", "/*".repeat(100_000).into_bytes());
    assert!(c.has_errors());
}

#[test]
fn empty_and_blank_files_are_clean() {
    for (what, src) in [
        ("empty file", ""),
        ("only whitespace", " \t\r\n\x0c \n\n\t "),
        ("only a comment", "// nothing here"),
        ("only a block comment", "/* nothing */"),
    ] {
        let c = check(what, src.as_bytes().to_vec());
        assert!(c.diags.is_empty(), "{what}: {:#?}", c.diags);
    }
    let c = check("a million newlines", "\n".repeat(1_000_000).into_bytes());
    assert!(c.diags.is_empty());
}

#[test]
fn long_chains_of_declarations() {
    // Many `use`s of missing files, and many duplicates of one name.
    let src: String = (0..2_000)
        .map(|i| format!("use \"missing{i}.gov\"\n"))
        .collect();
    let c = check("2,000 missing uses", src.into_bytes());
    assert_capped(&c, Code::E0103, 2_000);
    let src = "scp same { deny model deepseek* }\n".repeat(5_000);
    let c = check("5,000 duplicates", src.into_bytes());
    assert_capped(&c, Code::E0101, 4_999);
}

/// `const c1 = c0`, …, `const cN = c(N-1)`, then a policy denying `first`, then `last`.
fn const_chain(n: usize, first: usize, last: usize) -> String {
    let mut src = String::from("const c0 = \"deepseek*\"\n");
    for i in 1..n {
        src.push_str(&format!("const c{i} = c{}\n", i - 1));
    }
    src.push_str(&format!(
        "scp a {{\n  deny model c{first}\n  deny model c{last}\n}}\n"
    ));
    src
}

#[test]
fn constant_chains_are_bounded_and_never_cut_short() {
    // Thousands deep: one coded error, no stack overflow (the checker expanded constants by
    // recursion without a bound).
    for n in [3_000, 20_000] {
        let c = check(
            "a deep constant chain",
            const_chain(n, n - 1, n - 1).into_bytes(),
        );
        assert_eq!(c.codes(), [Code::E0117], "{n}");
    }
    // Just past the bound, reached through a constant checked first at a shallower depth: the
    // whole chain still counts (the expansion used to stop silently at 32, so the policy denied
    // nothing).
    let c = check(
        "a chain past the bound",
        const_chain(100, 50, 99).into_bytes(),
    );
    assert_eq!(c.codes(), [Code::E0117]);
    let c = check("a chain at the bound", const_chain(64, 63, 63).into_bytes());
    assert!(c.diags.is_empty(), "{:?}", c.codes());
}

#[test]
fn a_constant_chain_at_the_bound_compiles_to_its_value() {
    let src = format!(
        "org {{\n  root = \"r-a1b2\"\n}}\nattach a to root\n{}",
        const_chain(64, 63, 63)
    );
    let dir = std::env::temp_dir().join(format!("govc-robust-{}-chain", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("chain.gov");
    std::fs::write(&path, src).unwrap();
    let out_dir = dir.join("out");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_govc"))
        .arg("compile")
        .arg(&path)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scps: String = std::fs::read_dir(out_dir.join("scp"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(scps.contains("foundation-model/deepseek*"), "{scps}");
}

#[test]
fn syntax_parse_alone_handles_hostile_text() {
    // `syntax::parse` is also used without the database (formatter, LSP): same guarantees.
    for (what, src) in [
        ("deep", "(".repeat(100_000)),
        ("bangs", "!".repeat(100_000)),
        ("braces", "}".repeat(50_000)),
        ("nul", "\0".repeat(10_000)),
        ("replacement chars", "\u{FFFD}".repeat(10_000)),
        ("open string", format!("\"{}", "x".repeat(TWO_MB))),
    ] {
        let parsed = within(what, LIMIT, move || syntax::parse(&src).diagnostics.len());
        assert!(parsed > 0, "{what}");
    }
}

// ---------------------------------------------------------------------------------------------
// The binary

fn govc_check(name: &str, text: &str) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("govc-robust-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_govc"))
        .arg("check")
        .arg(&path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

#[test]
fn cli_on_a_two_mb_line_exits_1_with_small_output() {
    // A 2 MB line of policy text with a few mistakes scattered along it.
    let mut line = String::from("scp s { only regions us-east-1");
    let mut n = 0;
    while line.len() < TWO_MB {
        n += 1;
        line.push_str(if n % 10_000 == 0 {
            ", us-est-1 € "
        } else {
            ", us-west-2"
        });
    }
    line.push_str(" }");
    let out = govc_check("huge-line.gov", &line);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.len() < 64 * 1024,
        "stderr is {} bytes: {}",
        out.stderr.len(),
        &stderr[..stderr.len().min(2000)]
    );
    assert!(stderr.contains("error[E0200]"), "{stderr}");
    assert!(stderr.contains("error[E0001]"), "{stderr}");
    assert!(stderr.contains("bytes long; showing bytes"), "{stderr}");
}

#[test]
fn cli_output_is_bounded_however_dense_the_errors() {
    // Worst case: errors all along a 2 MB line, so each of the 100 shown diagnostics carries a
    // full-width excerpt (~240 bytes of source, its underline, help and a note): about 670
    // bytes each. The output is bounded by the cap, not by the input.
    let mut line = String::from("scp s { only regions ");
    while line.len() < TWO_MB {
        line.push_str("us-est-1, eu-centrl-1 € ");
    }
    line.push_str("us-east-1 }");
    let out = govc_check("dense-errors.gov", &line);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    let shown = stderr.lines().filter(|l| l.starts_with("error[")).count();
    assert_eq!(shown, 100, "the default cap");
    assert!(stderr.contains("more diagnostics not shown"), "{stderr}");
    assert!(
        out.stderr.len() < 100 * 1024,
        "stderr is {} bytes",
        out.stderr.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Real tokens of the language (and a few near-misses), so random sequences reach deep into the
/// grammar instead of stopping at the first character.
/// Punctuation and meaningful words; the keywords come from the lexer (`KEYWORDS`).
const TOKENS: &[&str] = &[
    // punctuation
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    "::",
    ":",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "!",
    // words and strings that mean something somewhere
    "s",
    "prod",
    "dev",
    "x",
    "std",
    "bedrock",
    "invoke",
    "models",
    "us-east-1",
    "us-est-1",
    "eu-central-1",
    "deepseek*",
    "anthropic.claude*",
    "amazon.titan-embed-text-v2:0",
    "bedrock:InvokeModel",
    "bedrock:Converse",
    "bedrock:*",
    "bedrock-mantle",
    "CostCenter",
    "inference_profile",
    "application_inference_profile",
    "long_term",
    "honor",
    "system",
    "selective",
    "current",
    "legacy",
    "scp_size",
    "scp_per_target",
    "10",
    "0",
    "20000",
    "\"r-a1b2\"",
    "\"ou-a1b2-11111111\"",
    "\"111111111111\"",
    "\"12345\"",
    "\"aws:SecureTransport\"",
    "\"aws:TagKeys\"",
    "\"aws:RequestedRegion\"",
    "\"aws:MultiFactorAuthAge\"",
    "\"aws:RequestTag/CostCenter\"",
    "\"nosuch:Key\"",
    "\"arn:aws:iam::111111111111:role/Admin\"",
    "\"arn:aws:bedrock:us-east-1:111111111111:guardrail/abc:1\"",
    "\"arn:aws:bedrock:*::foundation-model/*\"",
    "\"x.gov\"",
    "\"input.gov\"",
    "\"*\"",
    "\"a\\qb\"",
    // lexical trouble
    "\"open",
    "/*",
    "*/",
    "// comment\n",
    "/* c */",
    "€",
    "\u{0}",
    "\u{FFFD}",
    "\u{1F600}",
    "é",
    "\\",
    "#",
    "@",
    "$",
    "%",
    "'",
    "`",
    "~",
    "^",
    "\r",
    "\t",
];

/// Prefixes that put the token soup inside each kind of block.
const CONTEXTS: &[&str] = &[
    "",
    "scp s { ",
    "identity i { ",
    "org { root = \"r-a1b2\" ",
    "guardrail g { ",
    "control c on prod { ",
    "test \"t\" on root { ",
    "scp s { forbid (action in bedrock::invoke) when { ",
    "scp s { deny model deepseek* unless ",
    "const c = ",
];

fn token_soup() -> impl Strategy<Value = String> {
    (
        prop::sample::select(CONTEXTS),
        prop::collection::vec(
            (
                prop::sample::select(
                    TOKENS
                        .iter()
                        .chain(govc_compiler::syntax::lexer::KEYWORDS)
                        .copied()
                        .collect::<Vec<&str>>(),
                ),
                prop::sample::select(&[" ", " ", " ", "\n", ""][..]),
            ),
            0..120,
        ),
        prop::bool::ANY,
    )
        .prop_map(|(ctx, toks, close)| {
            let mut s = String::from(ctx);
            for (t, sep) in toks {
                s.push_str(t);
                s.push_str(sep);
            }
            if close {
                s.push_str(" }");
            }
            s
        })
}

fn check_property(bytes: Vec<u8>) {
    let expected_text = String::from_utf8_lossy(&bytes).into_owned();
    let c = check_bytes(bytes);
    assert_eq!(c.text(), expected_text, "invalid UTF-8 is read as U+FFFD");
    assert_spans_valid(&c);
    for d in &c.diags {
        assert!(!d.message.is_empty(), "{d:#?}");
    }
    let human = c.human(20);
    assert!(c.diags.is_empty() || human.contains(" emitted"));
    let json: serde_json::Value = serde_json::from_str(&c.json()).unwrap();
    assert_eq!(json.as_array().map(Vec::len), Some(c.diags.len()));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_property(bytes);
    }

    #[test]
    fn arbitrary_token_sequences_never_panic(src in token_soup()) {
        check_property(src.into_bytes());
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: bugs the tests and the fuzzer above found, now fixed.

#[test]
fn invalid_utf8_diagnostic_is_on_char_boundaries() {
    let c = within("lone 0xFF", LIMIT, || {
        check_bytes(b"scp s { \xFF }".to_vec())
    });
    assert_spans_valid(&c);
}

#[test]
fn unterminated_string_literal_spans_are_on_char_boundaries() {
    // Minimised by `cargo fuzz tmin` from the fuzzer's first crash: an unterminated string whose
    // last byte is invalid UTF-8 (read as U+FFFD), as a guardrail identifier (E0212).
    let c = within("fuzz crash 1", LIMIT, || {
        check_bytes(b"guardrail g{in s use\"\x80\n}".to_vec())
    });
    assert!(c.codes().contains(&Code::E0212), "{:?}", c.codes());
    assert_spans_valid(&c);
    // The same with valid UTF-8, in each check that points inside quotes: E0212 (guardrail
    // identifier), E0200 via `literal` (any quoted value), E0211, E0204 (condition key).
    let src = "guardrail g{in us-east-1 use\"\u{e9}\n}\nscp s {\n  only regions \"\u{e9}\n  deny service bedrock unless principal \"arn:\u{e9}\n  forbid () when { context[\"\u{e9}\n] is present };\n}\n";
    let c = within("unterminated strings", LIMIT, move || {
        check_bytes(src.as_bytes().to_vec())
    });
    for code in [Code::E0212, Code::E0200, Code::E0211, Code::E0204] {
        assert!(
            c.codes().contains(&code),
            "{code:?} missing: {:?}",
            c.codes()
        );
    }
    assert_spans_valid(&c);
}

#[test]
fn long_unknown_words_are_checked_quickly() {
    // 100 KB: each case takes ~1 min (key) / ~7 s (region) in a debug build today; a 2 MB
    // line would take hours.
    let key = format!(
        "scp s {{ forbid () when {{ context[\"{}\"] is present }}; }}",
        "a".repeat(100_000)
    );
    let c = within("100 KB condition key", LIMIT, move || {
        check_bytes(key.into_bytes())
    });
    assert_eq!(c.codes(), [Code::E0204]);
    let word = format!("scp s {{ only regions {} }}", "a".repeat(TWO_MB));
    let c = within("2 MB region word", LIMIT, move || {
        check_bytes(word.into_bytes())
    });
    assert_eq!(c.codes(), [Code::E0200]);
}

#[test]
fn json_rendering_is_linear_on_long_lines() {
    let chain = vec!["context[\"aws:SecureTransport\"] == maybe"; 100_000].join(" || ");
    let src = format!("scp s {{ forbid (action in bedrock::invoke) when {{ {chain} }}; }}");
    let c = within("check", LIMIT, move || check_bytes(src.into_bytes()));
    assert_capped(&c, Code::E0207, 100_000);
    let json = within("render_json", LIMIT, move || c.json().len());
    assert!(json > 0);
}

#[test]
fn deep_ou_chains_are_checked_quickly() {
    let mut src =
        String::from("org {\n  root = \"r-a1b2\"\n  ou o0 = \"ou-a1b2-00000000\" under root\n");
    for i in 1..2_000 {
        src.push_str(&format!(
            "  ou o{i} = \"ou-a1b2-{i:08}\" under o{}\n",
            i - 1
        ));
    }
    src.push_str("}\n");
    let c = within("2,000-deep OU chain", LIMIT, move || {
        check_bytes(src.into_bytes())
    });
    // One error at the first OU that is too deep; those below it are too deep because of it.
    assert_eq!(c.count(Code::E0115), 1);
}

#[test]
fn many_uses_are_checked_quickly() {
    let src: String = (0..10_000)
        .map(|i| format!("use \"missing{i}.gov\"\n"))
        .collect();
    let c = within("10,000 uses", LIMIT, move || check_bytes(src.into_bytes()));
    assert_capped(&c, Code::E0103, 10_000);
}

#[test]
fn messages_quote_a_short_escaped_excerpt_of_any_token() {
    // A 2 MB name: the header names it in at most 120 characters (it used to echo it whole,
    // twice for E0108).
    let src = format!(
        "scp {}- {{\n  deny model deepseek*\n}}\n",
        "a".repeat(TWO_MB)
    );
    let c = check("2 MB name", src.into_bytes());
    assert!(c.has_errors());
    for d in &c.diags {
        assert!(d.message.len() < 200, "{}", &d.message[..200]);
        assert!(d.help.as_ref().is_none_or(|h| h.len() < 400));
    }
    assert!(c.human(100).len() < 4096);
    // Control and text-reordering characters in a token are escaped in the message.
    let c = check(
        "control characters in a token",
        b"scp s {\n  only regions \"us-east-1\x1b[2J\xe2\x80\xae\"\n}\n".to_vec(),
    );
    let msg = &c.diags.first().unwrap().message;
    assert!(
        msg.contains("\\u{1b}") && msg.contains("\\u{202e}"),
        "{msg}"
    );
}

#[test]
fn no_control_character_reaches_the_terminal() {
    // A file name that would retitle the terminal and ring the bell, and a source line with an
    // escape sequence and a C1 control: every one is escaped or replaced in the output.
    let dir = std::env::temp_dir().join(format!("govc-robust-{}-ctl", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a\u{1b}]0;owned\u{7}\u{9b}b.gov");
    std::fs::write(
        &path,
        "scp s {\n  only regions us-est-1 // \u{1b}[31mred\u{9b}2J\u{202e}\n}\n",
    )
    .unwrap();
    for format in ["human", "json"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_govc"))
            .args(["check", "--format", format])
            .arg(&path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let all = [out.stdout, out.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(text.contains("E0200"), "{text}");
        assert!(
            !text
                .chars()
                .any(|c| (c.is_control() && c != '\n') || c == '\u{202e}'),
            "{format}: {text:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reads_stay_inside_the_project_and_never_print_other_files() {
    // A project with a hostile file, and a secret beside the project.
    let base = std::env::temp_dir().join(format!("govc-robust-{}-reads", std::process::id()));
    let proj = base.join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(
        base.join("secret.gov"),
        "scp leaked { SECRET-TOKEN-1234 }\n",
    )
    .unwrap();
    std::fs::write(
        proj.join("a.gov"),
        "use \"/etc/passwd\"\nuse \"/proc/self/environ\"\nuse \"/dev/stdin\"\nuse \"/dev/zero\"\n\
         use \"../secret.gov\"\nuse \"../../../../../../../../etc/hosts.gov\"\nuse \"zero.gov\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/dev/zero", proj.join("zero.gov")).unwrap();
    let run = |extra: &[&str], what: &str| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_govc"));
        cmd.args(["check", "a.gov"])
            .args(extra)
            .current_dir(&proj)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped());
        // Stdin stays open and silent: a read of it would hang the test (the time limit).
        let child = cmd
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = within(what, LIMIT, move || child.wait_with_output().unwrap());
        String::from_utf8_lossy(&[out.stdout, out.stderr].concat()).into_owned()
    };
    let text = run(&[], "reads inside the project");
    assert_eq!(text.matches("error[E0103]").count(), 7, "{text}");
    assert!(!text.contains("SECRET"), "{text}");
    assert!(!text.contains("root:"), "{text}");
    assert!(text.contains("is not a .gov file"), "{text}");
    assert!(text.contains("is outside the project"), "{text}");
    // The flag lifts the project rule, never the others: the file outside is read now, and
    // its syntax error shows its line, which is a .gov source the user allowed.
    let text = run(&["--allow-outside-root"], "reads outside allowed");
    assert!(text.contains("SECRET"), "{text}");
    assert!(text.contains("is not a regular file"), "{text}");
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_program() {
    let c = check(
        "BOM",
        b"\xEF\xBB\xBFscp s { only regions us-est-1 }\n".to_vec(),
    );
    assert_eq!(c.codes(), [Code::E0200]);
    let human = c.human(10);
    assert!(human.contains("1 │ scp s"), "{human}");
    assert!(human.contains("input.gov:1:22"), "{human}");
    assert!(!human.contains('\u{feff}'));
}

#[test]
fn a_lone_carriage_return_ends_a_line_in_every_report() {
    // Classic Mac line ends: the CLI counted only `\n`, so every error was on line 1.
    let c = check(
        "CR line ends",
        b"scp s {\r  only regions us-est-1\r}\r".to_vec(),
    );
    assert_eq!(c.codes(), [Code::E0200]);
    assert!(c.human(10).contains("input.gov:2:16"), "{}", c.human(10));
    let json: serde_json::Value = serde_json::from_str(&c.json()).unwrap();
    assert_eq!(json[0]["line"], 2);
    assert_eq!(json[0]["column"], 16);
}
