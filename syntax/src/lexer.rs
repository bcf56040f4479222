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

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
pub enum Tok<'s> {
    #[regex(r"//[^\n\r]*", allow_greedy = true)]
    LineComment,
    /// `true` when terminated.
    #[token("/*", block_comment)]
    BlockComment(bool),
    /// The raw text including quotes; `bool` is `true` when terminated.
    #[token("\"", |lex| string(lex))]
    Str(bool),

    // Punctuation.
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token("::")]
    PathSep,
    #[token(":")]
    Colon,
    #[token("=")]
    Assign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("!")]
    Bang,

    // Keywords. Most are also accepted as names (see `Name` in the grammar), so a policy may be
    // called `models` or `regions` (as in the first sketch, docs/language.md §15).
    #[token("absent")]
    KwAbsent,
    #[token("account")]
    KwAccount,
    #[token("action")]
    KwAction,
    #[token("actions")]
    KwActions,
    #[token("all")]
    KwAll,
    #[token("allow")]
    KwAllow,
    #[token("any")]
    KwAny,
    #[token("api_keys")]
    KwApiKeys,
    #[token("attach")]
    KwAttach,
    #[token("const")]
    KwConst,
    #[token("context")]
    KwContext,
    #[token("control")]
    KwControl,
    #[token("deny")]
    KwDeny,
    #[token("except")]
    KwExcept,
    #[token("exempt")]
    KwExempt,
    #[token("expect")]
    KwExpect,
    #[token("false")]
    KwFalse,
    #[token("for")]
    KwFor,
    #[token("forbid")]
    KwForbid,
    #[token("guarding")]
    KwGuarding,
    #[token("guardrail")]
    KwGuardrail,
    #[token("identity")]
    KwIdentity,
    #[token("in")]
    KwIn,
    #[token("input_tags")]
    KwInputTags,
    #[token("invoke")]
    KwInvoke,
    #[token("is")]
    KwIs,
    #[token("like")]
    KwLike,
    #[token("limits")]
    KwLimits,
    #[token("lock")]
    KwLock,
    #[token("model")]
    KwModel,
    #[token("models")]
    KwModels,
    #[token("not")]
    KwNot,
    #[token("on")]
    KwOn,
    #[token("only")]
    KwOnly,
    #[token("org")]
    KwOrg,
    #[token("ou")]
    KwOu,
    #[token("permit")]
    KwPermit,
    #[token("present")]
    KwPresent,
    #[token("principal")]
    KwPrincipal,
    #[token("principals")]
    KwPrincipals,
    #[token("region")]
    KwRegion,
    #[token("regions")]
    KwRegions,
    #[token("require")]
    KwRequire,
    #[token("resource")]
    KwResource,
    #[token("root")]
    KwRoot,
    #[token("scp")]
    KwScp,
    #[token("service")]
    KwService,
    #[token("services")]
    KwServices,
    #[token("set")]
    KwSet,
    #[token("tags")]
    KwTags,
    #[token("test")]
    KwTest,
    #[token("to")]
    KwTo,
    #[token("true")]
    KwTrue,
    #[token("under")]
    KwUnder,
    #[token("unless")]
    KwUnless,
    #[token("use")]
    KwUse,
    #[token("via_mcp")]
    KwViaMcp,
    #[token("when")]
    KwWhen,
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
    pub fn describe(&self) -> String {
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
    pub span: Span,
    pub block: bool,
}

/// What went wrong in the lexer, reported as a diagnostic by the parser driver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexErrorKind {
    InvalidChar,
    UnterminatedString,
    UnterminatedComment,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LexError {
    pub kind: LexErrorKind,
    pub span: Span,
}

/// The result of lexing a whole file: tokens for the parser, comments and lexical errors aside.
#[derive(Debug, Default)]
pub struct Lexed<'s> {
    pub tokens: Vec<(usize, Tok<'s>, usize)>,
    pub comments: Vec<Comment>,
    pub errors: Vec<LexError>,
}

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
pub fn unescape(raw: &str) -> String {
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
pub fn string_escape_errors(raw: &str) -> Vec<std::ops::Range<usize>> {
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
