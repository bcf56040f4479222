//! The parser driver: lex, guard nesting depth, run the LALR parser with error recovery, and turn
//! every lexical and syntax error into a coded diagnostic. Parsing never fails: it returns the
//! AST it could build and the diagnostics, never a `Result`.

use lalrpop_util::{ErrorRecovery, ParseError};

use super::ast::{File, Ident, Str};
use super::grammar::FileParser;
use super::lexer::{self, LexError, LexErrorKind, Tok};
use super::Span;
use crate::diagnostics::{Code, Diagnostic};

/// Brackets deeper than this are refused before parsing: no real policy nests this far, and the
/// limit keeps every later recursive pass (and dropping the AST) far from the stack's end.
pub(crate) const MAX_NESTING: usize = 64;

/// Files longer than this are refused (a `u32` span must reach every byte, with room to spare).
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// What [`parse`] returns: the tree it could build, the comments set aside, every diagnostic.
pub struct Parsed {
    /// The AST. Syntax errors leave `Error` nodes in place; a file refused whole (too large, too
    /// deeply nested) has no items.
    pub file: File,
    /// The comments, in source order, for the formatter and for doc comments on hover.
    pub comments: Vec<lexer::Comment>,
    /// The lexical and syntax diagnostics, by position; past the per-file cap one E0012 counts
    /// the rest.
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) fn mk_str(input: &str, l: usize, r: usize) -> Str {
    let raw = input.get(l..r).unwrap_or("");
    Str {
        value: lexer::unescape(raw),
        span: Span::new(l, r),
    }
}

pub(crate) fn mk_ident(name: &str, l: usize, r: usize) -> Ident {
    Ident {
        name: name.to_string(),
        span: Span::new(l, r),
    }
}

/// Parses one `.gov` file. It never fails: every lexical and syntax error becomes a coded
/// diagnostic, and the parser recovers at the next item or statement.
///
/// ```
/// use govc_syntax::ast::{ItemKind, StmtKind};
/// use govc_syntax::diagnostics::Code;
///
/// let parsed = govc_syntax::parse("scp no_deepseek {\n  deny model deepseek*\n}\n");
/// assert!(parsed.diagnostics.is_empty());
/// let ItemKind::Scp(policy) = &parsed.file.items[0].kind else {
///     unreachable!("an scp block")
/// };
/// assert_eq!(policy.name.name, "no_deepseek");
/// assert!(matches!(policy.stmts[0].kind, StmtKind::DenyModels { .. }));
///
/// // A statement cut short: one diagnostic, and the block is still there around the error.
/// let src = "scp s {\n  deny model\n}\n";
/// let parsed = govc_syntax::parse(src);
/// let [d] = &parsed.diagnostics[..] else {
///     unreachable!("one diagnostic")
/// };
/// assert_eq!(d.code, Code::E0004);
/// assert_eq!(&src[d.span.range()], "}");
/// assert!(d.is_error());
/// assert_eq!(parsed.file.items.len(), 1);
/// ```
pub fn parse(src: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    if src.len() > MAX_FILE_BYTES {
        diagnostics.push(
            Diagnostic::new(
                Code::E0010,
                Span::new(0, 0),
                // Files are read only up to one byte past the limit (`sources::Reader::read`).
                format!("file is larger than the limit of {MAX_FILE_BYTES} bytes"),
            )
            .with_help("split the policies across several files joined with `use`"),
        );
        return Parsed {
            file: File::default(),
            comments: vec![],
            diagnostics,
        };
    }
    let lexed = lexer::lex(src);
    // A file of errors builds at most `BUILD` diagnostics (each carries texts); the rest are
    // counted and stand behind one E0012.
    const BUILD: usize = 2 * crate::diagnostics::MAX_PER_PHASE;
    let mut unbuilt = 0usize;
    let mut unbuilt_at: Option<Span> = None;
    let mut skip = |diagnostics: &Vec<Diagnostic>, at: Span| -> bool {
        if diagnostics.len() < BUILD {
            return false;
        }
        unbuilt += 1;
        unbuilt_at.get_or_insert(at);
        true
    };
    for e in &lexed.errors {
        if !skip(&diagnostics, e.span) {
            diagnostics.push(lex_diagnostic(src, e));
        }
    }
    for (l, tok, r) in &lexed.tokens {
        if let Tok::Str(_) = tok {
            let raw = src.get(*l..*r).unwrap_or("");
            for bad in lexer::string_escape_errors(raw) {
                if skip(&diagnostics, Span::new(l + bad.start, l + bad.end)) {
                    continue;
                }
                let text = raw.get(bad.clone()).unwrap_or("\\");
                diagnostics.push(
                    Diagnostic::new(
                        Code::E0009,
                        Span::new(l + bad.start, l + bad.end),
                        format!("unknown escape `{text}` in string"),
                    )
                    .with_label("unknown escape")
                    .with_help(
                        r#"the escapes are `\"`, `\\`, `\n` and `\t`; write `\\` for a backslash"#,
                    ),
                );
            }
        }
    }

    if let Some(span) = too_deep(&lexed.tokens) {
        diagnostics.push(
            Diagnostic::new(
                Code::E0008,
                span,
                format!("brackets nested more than {MAX_NESTING} deep"),
            )
            .with_label("too deep")
            .with_help("flatten the condition: `&&` and `||` chains need no extra parentheses"),
        );
        return Parsed {
            file: File::default(),
            comments: lexed.comments,
            diagnostics,
        };
    }

    let mut recovered: Vec<ErrorRecovery<usize, Tok<'_>, LexError>> = Vec::new();
    let tokens = lexed.tokens.iter().map(|&t| Ok::<_, LexError>(t));
    let result = FileParser::new().parse(src, &mut recovered, tokens);
    let file = match result {
        Ok(file) => file,
        Err(e) => {
            diagnostics.push(syntax_diagnostic(src, &e));
            File::default()
        }
    };
    // (end of the skipped tokens, end of the line of the error that caused the skip)
    let mut resumed_after_skip: Option<(usize, usize)> = None;
    for r in &recovered {
        let at = error_location(&r.error);
        // A recovery that skipped tokens may resynchronise on a keyword inside the junk of the
        // same line (`root` in `ou prod = under root`) and fail again at once: that second
        // error is noise. A resynchronisation on a later line starts something new.
        let cascade = resumed_after_skip.is_some_and(|(from, line_end)| {
            from < line_end
                && lexed
                    .tokens
                    .iter()
                    .filter(|(l, _, _)| *l >= from && *l < at)
                    .count()
                    < 2
        });
        if !cascade && !skip(&diagnostics, Span::new(at, at)) {
            diagnostics.push(syntax_diagnostic(src, &r.error));
        }
        let line_end = src
            .get(at..)
            .and_then(|rest| rest.find('\n'))
            .map_or(src.len(), |i| at + i);
        resumed_after_skip = r.dropped_tokens.last().map(|(_, _, end)| (*end, line_end));
    }

    if let Some(open) = unclosed_brace(&lexed.tokens) {
        for d in diagnostics.iter_mut().filter(|d| d.code == Code::E0005) {
            d.secondary.push(crate::diagnostics::Label {
                file: None,
                span: open,
                message: "this `{` is never closed".to_string(),
            });
        }
    }
    // A lexical error already reported also makes the parser stumble at the same place; keep one.
    dedup_same_span(&mut diagnostics);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    let mut capped = crate::diagnostics::Capped::default();
    capped.extend(diagnostics);
    if let Some(at) = unbuilt_at {
        capped.count_dropped(unbuilt, crate::diagnostics::Severity::Error, "", at);
    }
    Parsed {
        file,
        comments: lexed.comments,
        diagnostics: capped.finish(),
    }
}

/// The terminals the grammar accepts right after `prefix` (the text before a cursor), spelled
/// as written (`deny`, `{`), with `WORD` and `STR` for a word or a string: the grammar's own
/// follow set, against which the language server's completion is checked. The parser is run
/// on `prefix` followed by a `)` that no open parenthesis awaits, and the set is what it
/// expected instead. Empty where a `)` would fit (inside parentheses) or when the prefix has
/// an error before its end.
pub fn expected_after(prefix: &str) -> std::collections::BTreeSet<String> {
    let src = format!("{prefix})");
    let mut tokens = lexer::lex(prefix).tokens;
    tokens.push((prefix.len(), Tok::RParen, prefix.len() + 1));
    let mut recovered: Vec<ErrorRecovery<usize, Tok<'_>, LexError>> = Vec::new();
    let result = FileParser::new().parse(
        &src,
        &mut recovered,
        tokens.iter().map(|&t| Ok::<_, LexError>(t)),
    );
    let at_sentinel = |e: &ParseError<usize, Tok<'_>, LexError>| match e {
        ParseError::UnrecognizedToken {
            token: (l, Tok::RParen, _),
            expected,
        } if *l == prefix.len() => Some(expected.clone()),
        _ => None,
    };
    // The first error the parser met: a recovered one, else the one it stopped at.
    let first = recovered
        .first()
        .map(|r| &r.error)
        .or(result.as_ref().err());
    first
        .and_then(at_sentinel)
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e != "ERROR")
        .map(|e| e.trim_matches('"').to_string())
        .collect()
}

fn error_location(e: &ParseError<usize, Tok<'_>, LexError>) -> usize {
    match e {
        ParseError::InvalidToken { location } | ParseError::UnrecognizedEof { location, .. } => {
            *location
        }
        ParseError::UnrecognizedToken {
            token: (l, _, _), ..
        }
        | ParseError::ExtraToken { token: (l, _, _) } => *l,
        ParseError::User { error } => error.span.start as usize,
    }
}

/// The innermost `{` still open at the end of the file.
fn unclosed_brace(tokens: &[(usize, Tok<'_>, usize)]) -> Option<Span> {
    let mut open: Vec<Span> = Vec::new();
    for (l, t, r) in tokens {
        match t {
            Tok::LBrace => open.push(Span::new(*l, *r)),
            Tok::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

fn too_deep(tokens: &[(usize, Tok<'_>, usize)]) -> Option<Span> {
    let mut depth = 0usize;
    for (l, t, r) in tokens {
        match t {
            Tok::LBrace | Tok::LParen | Tok::LBracket => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(Span::new(*l, *r));
                }
            }
            Tok::RBrace | Tok::RParen | Tok::RBracket => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn dedup_same_span(diags: &mut Vec<Diagnostic>) {
    let lexical: Vec<Span> = diags
        .iter()
        .filter(|d| matches!(d.code, Code::E0001 | Code::E0002 | Code::E0003))
        .map(|d| d.span)
        .collect();
    diags.retain(|d| {
        !(d.code == Code::E0004
            && lexical
                .iter()
                .any(|s| s.start <= d.span.start && d.span.end <= s.end.max(s.start + 1)))
    });
}

fn lex_diagnostic(src: &str, e: &LexError) -> Diagnostic {
    match e.kind {
        LexErrorKind::InvalidChar => {
            let text = src.get(e.span.range()).unwrap_or("");
            let shown = describe_chars(text);
            if text.starts_with(['\u{201C}', '\u{201D}', '\u{2018}', '\u{2019}']) {
                return Diagnostic::new(Code::E0001, e.span, format!("unexpected {shown}"))
                    .with_label("a typographic quote")
                    .with_help("strings use straight double quotes: `\"…\"`");
            }
            Diagnostic::new(Code::E0001, e.span, format!("unexpected {shown}"))
                .with_label("not part of the language")
                .with_help("names, regions, models and actions are plain ASCII words; put anything else in double quotes")
        }
        LexErrorKind::UnterminatedString => {
            Diagnostic::new(Code::E0002, e.span, "unterminated string".to_string())
                .with_label("this string has no closing `\"`")
                .with_help("close the string with `\"` on the same line")
        }
        LexErrorKind::UnterminatedComment => Diagnostic::new(
            Code::E0003,
            e.span,
            "unterminated block comment".to_string(),
        )
        .with_label("this comment is never closed")
        .with_help("close the comment with `*/`"),
    }
}

fn describe_chars(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => format!("character {}", describe_char(c)),
        (Some(c), Some(_)) => format!(
            "characters starting with {} ({} bytes)",
            describe_char(c),
            text.len()
        ),
        _ => "input".to_string(),
    }
}

fn describe_char(c: char) -> String {
    if c.is_control() || c == '\u{FFFD}' || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("`{c}` (U+{:04X})", c as u32)
    }
}

fn expected_list(expected: &[String]) -> String {
    // lalrpop lists terminals by their grammar names; show them as the user would type them.
    let mut names: Vec<String> = expected
        .iter()
        .map(|e| match e.as_str() {
            "STR" => "a string".to_string(),
            "WORD" => "a word".to_string(),
            "ERROR" => String::new(),
            other => format!("`{}`", other.trim_matches('"')),
        })
        .filter(|s| !s.is_empty())
        .collect();
    names.sort();
    names.dedup();
    match names.len() {
        0 => String::new(),
        1..=8 => names.join(", "),
        n => format!(
            "{} or one of {} others",
            names.iter().take(6).cloned().collect::<Vec<_>>().join(", "),
            n - 6
        ),
    }
}

fn syntax_diagnostic(src: &str, e: &ParseError<usize, Tok<'_>, LexError>) -> Diagnostic {
    match e {
        ParseError::InvalidToken { location } => Diagnostic::new(
            Code::E0001,
            Span::new(*location, *location + 1),
            "invalid token".to_string(),
        )
        .with_help("remove the character"),
        ParseError::UnrecognizedEof { location, expected } => {
            let exp = expected_list(expected);
            let mut d = Diagnostic::new(
                Code::E0005,
                Span::new(*location, *location),
                "unexpected end of file".to_string(),
            )
            .with_label("the file ends here");
            d = if expected.iter().any(|e| e == "\"}\"") {
                d.with_help("a `}` is missing: every `{` needs its `}`")
            } else if exp.is_empty() {
                d.with_help("the last block or statement is incomplete")
            } else {
                d.with_help(format!("expected {exp}"))
            };
            d
        }
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => {
            let exp = expected_list(expected);
            let found = match tok {
                Tok::Str(_) => format!("string {}", src.get(*l..*r).unwrap_or("")),
                other => other.describe(),
            };
            let mut d = Diagnostic::new(
                Code::E0004,
                Span::new(*l, *r),
                format!("unexpected {found}"),
            )
            .with_label("unexpected here");
            d = if exp.is_empty() {
                d.with_help("this statement is not valid here; see `govc explain E0004`")
            } else {
                d.with_help(format!("expected {exp}"))
            };
            // The note helps when a keyword stands where a value was meant (`require tags all`),
            // not when it begins the next line's statement after an unfinished one.
            let line_start = src
                .get(..*l)
                .map_or(0, |p| p.rfind('\n').map_or(0, |i| i + 1));
            let first_on_line = src.get(line_start..*l).is_some_and(|p| p.trim().is_empty());
            if tok.is_keyword() && !first_on_line {
                d = d.with_note(format!(
                    "`{}` is a keyword; to use it as a value, write it in quotes",
                    tok.text()
                ));
            }
            d
        }
        ParseError::ExtraToken { token: (l, tok, r) } => Diagnostic::new(
            Code::E0004,
            Span::new(*l, *r),
            format!("unexpected {}", tok.describe()),
        )
        .with_help("remove it"),
        ParseError::User { error } => lex_diagnostic(src, error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_lines_parse() {
        let src = "scp s {\n  require tags CostCenter, Team on inference_profile\n  deny model deepseek*\n  only regions us-east-1, us-west-2\n}\n";
        let p = parse(src);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.file.items.len(), 1);
    }

    #[test]
    fn errors_in_two_blocks_are_both_reported() {
        let src = "scp a { deny model } scp b { only regions , } scp c { deny all }";
        let p = parse(src);
        assert_eq!(p.diagnostics.len(), 2, "{:#?}", p.diagnostics);
        assert_eq!(p.file.items.len(), 3);
    }

    #[test]
    fn no_cascade_after_skipping_junk() {
        let src = "org {\n  root = \"r-a1b2\"\n  ou prod = under root\n  account dev = \"111111111111\" under prod\n}\n";
        let p = parse(src);
        assert_eq!(p.diagnostics.len(), 1, "{:#?}", p.diagnostics);
        // The half-written OU still declares `prod`.
        let names: Vec<String> = format!("{:?}", p.file)
            .match_indices("\"prod\"")
            .map(|(i, _)| i.to_string())
            .collect();
        assert!(names.len() >= 2, "{:?}", p.file);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = "(".repeat(100_000);
        let p = parse(&src);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, Code::E0008);
    }
}
