//! Tokens (logos). Comments are kept aside as trivia for the formatter; lexical errors become
//! `Tok::Error` tokens so the parser can recover past them instead of stopping at the first.

use logos::Logos;

use super::Span;

fn block_comment<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> bool {
    // Not nested: a `/*` inside a comment is plain text, as in C and JSON-with-comments.
    match lex.remainder().find("*/") {
        Some(i) => {
            lex.bump(i + 2);
            true
        }
        None => {
            lex.bump(lex.remainder().len());
            false
        }
    }
}

fn string<'s>(lex: &mut logos::Lexer<'s, Tok<'s>>) -> bool {
    // Strings end at the closing quote; a newline or the end of input leaves them unterminated,
    // so one missing quote costs one line, not the rest of the file.
    let rest = lex.remainder().as_bytes();
    let mut i = 0;
    while let Some(&b) = rest.get(i) {
        match b {
            b'"' => {
                lex.bump(i + 1);
                return true;
            }
            b'\\' => {
                // Skip the escaped byte, unless it is a line break (that ends the string anyway).
                match rest.get(i + 1) {
                    Some(b'\n') | Some(b'\r') | None => {
                        lex.bump(i + 1);
                        return false;
                    }
                    Some(_) => i += 2,
                }
            }
            b'\n' | b'\r' => {
                lex.bump(i);
                return false;
            }
            _ => i += 1,
        }
    }
    lex.bump(rest.len());
    false
}

/// A token of `.gov` source. White space is skipped; comments are tokens here but [`lex`]
/// sets them aside, so the parser never sees them.
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
pub enum Tok<'s> {
    /// `// …` to the end of the line (`/// …` doc comments included).
    #[regex(r"//[^\n\r]*", allow_greedy = true)]
    LineComment,
    /// `/* … */`, not nested; `true` when terminated.
    #[token("/*", block_comment)]
    BlockComment(bool),
    /// A string `"…"`, one line at most. The raw text including quotes; `bool` is `true` when
    /// terminated.
    #[token("\"", |lex| string(lex))]
    Str(bool),

    // Punctuation.
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `,`
    #[token(",")]
    Comma,
    /// `;`, optional after an item, entry or statement.
    #[token(";")]
    Semi,
    /// `::`, between the segments of a path (`bedrock::invoke`).
    #[token("::")]
    PathSep,
    /// `:`, between a key and its value in a test's `with { … }`.
    #[token(":")]
    Colon,
    /// `=`
    #[token("=")]
    Assign,
    /// `==`
    #[token("==")]
    EqEq,
    /// `!=`
    #[token("!=")]
    NotEq,
    /// `<`
    #[token("<")]
    Lt,
    /// `<=`
    #[token("<=")]
    Le,
    /// `>`
    #[token(">")]
    Gt,
    /// `>=`
    #[token(">=")]
    Ge,
    /// `&&`
    #[token("&&")]
    AndAnd,
    /// `||`
    #[token("||")]
    OrOr,
    /// `!`
    #[token("!")]
    Bang,

    // Keywords. Most are also accepted as names (see `Name` in the grammar), so a policy may be
    // called `models` or `regions` (as in the first sketch, docs/language.md §15).
    /// `absent`
    #[token("absent")]
    KwAbsent,
    /// `account`
    #[token("account")]
    KwAccount,
    /// `action`
    #[token("action")]
    KwAction,
    /// `actions`
    #[token("actions")]
    KwActions,
    /// `all`
    #[token("all")]
    KwAll,
    /// `allow`
    #[token("allow")]
    KwAllow,
    /// `any`
    #[token("any")]
    KwAny,
    /// `api_keys`
    #[token("api_keys")]
    KwApiKeys,
    /// `attach`
    #[token("attach")]
    KwAttach,
    /// `const`
    #[token("const")]
    KwConst,
    /// `context`
    #[token("context")]
    KwContext,
    /// `control`
    #[token("control")]
    KwControl,
    /// `deny`
    #[token("deny")]
    KwDeny,
    /// `except`
    #[token("except")]
    KwExcept,
    /// `exempt`
    #[token("exempt")]
    KwExempt,
    /// `expect`
    #[token("expect")]
    KwExpect,
    /// `false`
    #[token("false")]
    KwFalse,
    /// `for`
    #[token("for")]
    KwFor,
    /// `forbid`
    #[token("forbid")]
    KwForbid,
    /// `guarding`
    #[token("guarding")]
    KwGuarding,
    /// `guardrail`
    #[token("guardrail")]
    KwGuardrail,
    /// `identity`
    #[token("identity")]
    KwIdentity,
    /// `in`
    #[token("in")]
    KwIn,
    /// `input_tags`
    #[token("input_tags")]
    KwInputTags,
    /// `invoke`
    #[token("invoke")]
    KwInvoke,
    /// `is`
    #[token("is")]
    KwIs,
    /// `like`
    #[token("like")]
    KwLike,
    /// `limits`
    #[token("limits")]
    KwLimits,
    /// `lock`
    #[token("lock")]
    KwLock,
    /// `model`
    #[token("model")]
    KwModel,
    /// `models`
    #[token("models")]
    KwModels,
    /// `not`
    #[token("not")]
    KwNot,
    /// `on`
    #[token("on")]
    KwOn,
    /// `only`
    #[token("only")]
    KwOnly,
    /// `org`
    #[token("org")]
    KwOrg,
    /// `ou`
    #[token("ou")]
    KwOu,
    /// `permit`
    #[token("permit")]
    KwPermit,
    /// `present`
    #[token("present")]
    KwPresent,
    /// `principal`
    #[token("principal")]
    KwPrincipal,
    /// `principals`
    #[token("principals")]
    KwPrincipals,
    /// `protect`
    #[token("protect")]
    KwProtect,
    /// `rcp`
    #[token("rcp")]
    KwRcp,
    /// `region`
    #[token("region")]
    KwRegion,
    /// `regions`
    #[token("regions")]
    KwRegions,
    /// `require`
    #[token("require")]
    KwRequire,
    /// `resource`
    #[token("resource")]
    KwResource,
    /// `root`
    #[token("root")]
    KwRoot,
    /// `scp`
    #[token("scp")]
    KwScp,
    /// `service`
    #[token("service")]
    KwService,
    /// `services`
    #[token("services")]
    KwServices,
    /// `set`
    #[token("set")]
    KwSet,
    /// `tags`
    #[token("tags")]
    KwTags,
    /// `test`
    #[token("test")]
    KwTest,
    /// `to`
    #[token("to")]
    KwTo,
    /// `true`
    #[token("true")]
    KwTrue,
    /// `under`
    #[token("under")]
    KwUnder,
    /// `unless`
    #[token("unless")]
    KwUnless,
    /// `use`
    #[token("use")]
    KwUse,
    /// `via_mcp`
    #[token("via_mcp")]
    KwViaMcp,
    /// `when`
    #[token("when")]
    KwWhen,
    /// `with`
    #[token("with")]
    KwWith,

    /// A bare word: names, region codes, model ids and patterns, actions (`svc:Name`), numbers.
    /// A single `:` may occur inside (`bedrock:InvokeModel`, `deepseek.r1-v1:0`); `::` never
    /// does, so `bedrock::invoke` is a path of two words.
    #[regex(r"[A-Za-z0-9_*?]([A-Za-z0-9_.*?\-]|:[A-Za-z0-9_.*?\-])*", |lex| lex.slice())]
    Word(&'s str),

    /// Anything the lexer cannot read; the parser treats it as an unexpected token.
    Error,
}

impl Tok<'_> {
    /// How the token is named in "expected …" messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Str(_) => "a string".into(),
            Tok::Error => "an invalid character".into(),
            other => format!("`{}`", other.text()),
        }
    }

    /// The fixed text of punctuation and keywords.
    pub fn text(&self) -> &'static str {
        use Tok::*;
        match self {
            LineComment | BlockComment(_) => "comment",
            Str(_) => "string",
            Word(_) => "word",
            Error => "error",
            LBrace => "{",
            RBrace => "}",
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            Comma => ",",
            Semi => ";",
            PathSep => "::",
            Colon => ":",
            Assign => "=",
            EqEq => "==",
            NotEq => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            AndAnd => "&&",
            OrOr => "||",
            Bang => "!",
            KwAbsent => "absent",
            KwAccount => "account",
            KwAction => "action",
            KwActions => "actions",
            KwAll => "all",
            KwAllow => "allow",
            KwAny => "any",
            KwApiKeys => "api_keys",
            KwAttach => "attach",
            KwConst => "const",
            KwContext => "context",
            KwControl => "control",
            KwDeny => "deny",
            KwExcept => "except",
            KwExempt => "exempt",
            KwExpect => "expect",
            KwFalse => "false",
            KwFor => "for",
            KwForbid => "forbid",
            KwGuarding => "guarding",
            KwGuardrail => "guardrail",
            KwIdentity => "identity",
            KwIn => "in",
            KwInputTags => "input_tags",
            KwInvoke => "invoke",
            KwIs => "is",
            KwLike => "like",
            KwLimits => "limits",
            KwLock => "lock",
            KwModel => "model",
            KwModels => "models",
            KwNot => "not",
            KwOn => "on",
            KwOnly => "only",
            KwOrg => "org",
            KwOu => "ou",
            KwPermit => "permit",
            KwPresent => "present",
            KwPrincipal => "principal",
            KwPrincipals => "principals",
            KwRegion => "region",
            KwRegions => "regions",
            KwRequire => "require",
            KwResource => "resource",
            KwRoot => "root",
            KwScp => "scp",
            KwRcp => "rcp",
            KwProtect => "protect",
            KwService => "service",
            KwServices => "services",
            KwSet => "set",
            KwTags => "tags",
            KwTest => "test",
            KwTo => "to",
            KwTrue => "true",
            KwUnder => "under",
            KwUnless => "unless",
            KwUse => "use",
            KwViaMcp => "via_mcp",
            KwWhen => "when",
            KwWith => "with",
        }
    }

    /// Whether the token is a keyword (`deny`, `models`, …): not punctuation, a word, a string,
    /// a comment or an error.
    pub fn is_keyword(&self) -> bool {
        let t = self.text();
        t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && !matches!(
                self,
                Tok::LineComment | Tok::BlockComment(_) | Tok::Str(_) | Tok::Word(_) | Tok::Error
            )
    }
}

/// Every keyword, for completion and for the "reserved word" help.
pub const KEYWORDS: &[&str] = &[
    "absent",
    "account",
    "action",
    "actions",
    "all",
    "allow",
    "any",
    "api_keys",
    "attach",
    "const",
    "context",
    "control",
    "deny",
    "except",
    "exempt",
    "expect",
    "false",
    "for",
    "forbid",
    "guarding",
    "guardrail",
    "identity",
    "in",
    "input_tags",
    "invoke",
    "is",
    "like",
    "limits",
    "lock",
    "model",
    "models",
    "not",
    "on",
    "only",
    "org",
    "ou",
    "permit",
    "present",
    "principal",
    "principals",
    "protect",
    "rcp",
    "region",
    "regions",
    "require",
    "resource",
    "root",
    "scp",
    "service",
    "services",
    "set",
    "tags",
    "test",
    "to",
    "true",
    "under",
    "unless",
    "use",
    "via_mcp",
    "when",
    "with",
];

/// A comment, kept for the formatter and for doc comments (`///`) shown on hover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment, `//` or `/*` … `*/` included.
    pub span: Span,
    /// `true` for a `/* … */` comment, `false` for a `// …` one.
    pub block: bool,
}

/// What went wrong in the lexer, reported as a diagnostic by the parser driver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexErrorKind {
    /// Characters no token starts with (E0001); a run of them is one error.
    InvalidChar,
    /// A string with no closing `"` on its line (E0002).
    UnterminatedString,
    /// A `/*` never closed by `*/` (E0003).
    UnterminatedComment,
}

/// A lexical error and where it is; also the LALR parser's error type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// The bad characters, the unterminated string, or the unclosed comment's `/*`.
    pub span: Span,
}

/// The result of lexing a whole file: tokens for the parser, comments and lexical errors aside.
#[derive(Debug, Default)]
pub struct Lexed<'s> {
    /// `(start, token, end)` in byte offsets, in source order, as the parser takes them.
    pub tokens: Vec<(usize, Tok<'s>, usize)>,
    /// The comments, in source order.
    pub comments: Vec<Comment>,
    /// The lexical errors, in source order.
    pub errors: Vec<LexError>,
}

/// Lexes a whole file. It never fails: unreadable text becomes [`Tok::Error`] tokens and
/// [`LexError`]s, so the parser can recover past it.
pub fn lex(src: &str) -> Lexed<'_> {
    let mut out = Lexed {
        tokens: Vec::with_capacity(src.len() / 4),
        ..Lexed::default()
    };
    let mut lexer = Tok::lexer(src);
    while let Some(res) = lexer.next() {
        let r = lexer.span();
        let span = Span::new(r.start, r.end);
        match res {
            Ok(Tok::LineComment) => out.comments.push(Comment { span, block: false }),
            Ok(Tok::BlockComment(terminated)) => {
                out.comments.push(Comment { span, block: true });
                if !terminated {
                    out.errors.push(LexError {
                        kind: LexErrorKind::UnterminatedComment,
                        span: Span::new(r.start, r.start + 2),
                    });
                }
            }
            Ok(Tok::Str(terminated)) => {
                if !terminated {
                    out.errors.push(LexError {
                        kind: LexErrorKind::UnterminatedString,
                        span,
                    });
                }
                out.tokens.push((r.start, Tok::Str(terminated), r.end));
            }
            Ok(tok) => out.tokens.push((r.start, tok, r.end)),
            Err(()) => {
                // Merge runs of bad characters into one error so binary junk gives few diagnostics.
                match (out.errors.last_mut(), out.tokens.last_mut()) {
                    (Some(last), Some((_, Tok::Error, end)))
                        if last.kind == LexErrorKind::InvalidChar && *end == r.start =>
                    {
                        last.span.end = span.end;
                        *end = r.end;
                    }
                    _ => {
                        out.errors.push(LexError {
                            kind: LexErrorKind::InvalidChar,
                            span,
                        });
                        out.tokens.push((r.start, Tok::Error, r.end));
                    }
                }
            }
        }
    }
    out
}

/// The value of a string token: quotes removed, escapes resolved. Invalid escapes are kept as
/// written; [`string_escape_errors`] reports them.
pub(crate) fn unescape(raw: &str) -> String {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Byte offsets (relative to the raw token) of escapes other than `\" \\ \n \t`.
pub(crate) fn string_escape_errors(raw: &str) -> Vec<std::ops::Range<usize>> {
    let mut bad = Vec::new();
    let mut it = raw.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\\' {
            match it.next() {
                Some((_, '"' | '\\' | 'n' | 't')) => {}
                Some((j, other)) => bad.push(i..j + other.len_utf8()),
                None => {}
            }
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        lex(src)
            .tokens
            .iter()
            .map(|(_, t, _)| match t {
                Tok::Word(w) => format!("W({w})"),
                other => other.text().to_string(),
            })
            .collect()
    }

    #[test]
    fn words_paths_and_actions() {
        assert_eq!(
            kinds("deny model deepseek* bedrock::invoke bedrock:InvokeModel deepseek.r1-v1:0"),
            [
                "deny",
                "model",
                "W(deepseek*)",
                "W(bedrock)",
                "::",
                "invoke",
                "W(bedrock:InvokeModel)",
                "W(deepseek.r1-v1:0)"
            ]
        );
        assert_eq!(kinds("us-east-1, *"), ["W(us-east-1)", ",", "W(*)"]);
    }

    #[test]
    fn errors_are_collected() {
        let l = lex("scp \"open\n /* never closed");
        assert_eq!(l.errors.len(), 2);
        assert_eq!(l.errors[0].kind, LexErrorKind::UnterminatedString);
        assert_eq!(l.errors[1].kind, LexErrorKind::UnterminatedComment);
        let l = lex("a \u{0}\u{1}€ b");
        assert_eq!(l.errors.len(), 1, "{:?}", l.errors);
        assert_eq!(kinds("a \u{0}\u{1}€ b"), ["W(a)", "error", "W(b)"]);
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r#""a\"b\\c""#), "a\"b\\c");
        assert_eq!(string_escape_errors(r#""a\qb""#), vec![2..4]);
    }
}
