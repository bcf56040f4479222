//! Diagnostics: one crate-owned type, rendered to a terminal (codespan-reporting, rustc style)
//! or to JSON. Every diagnostic has a stable code with a long explanation (`govc explain`).

mod codes;
pub mod github;
pub mod render;
pub mod sarif;

pub use codes::{Code, Severity};

use crate::Span;

/// The most diagnostics collected per file and phase; the rest are counted (E0012). Bounds the
/// memory and output of a file made of errors (each diagnostic carries its texts).
pub const MAX_PER_PHASE: usize = 1_000;

/// A diagnostic list that keeps at most [`MAX_PER_PHASE`] and counts the rest.
#[derive(Debug, Default)]
pub struct Capped {
    kept: Vec<Diagnostic>,
    dropped: usize,
    /// How many of the dropped ones were errors: when none was, the summary is a warning
    /// (W0013), so that many warnings never stop a program that compiles.
    dropped_errors: usize,
    /// Where the first dropped one was (file, span), for the summary.
    first_dropped: Option<(String, Span)>,
}

impl Capped {
    /// Keeps `d`, or only counts it once [`MAX_PER_PHASE`] are kept.
    pub fn push(&mut self, d: Diagnostic) {
        if self.kept.len() < MAX_PER_PHASE {
            self.kept.push(d);
        } else {
            if self.dropped == 0 {
                self.first_dropped = Some((d.file.clone(), d.span));
            }
            self.dropped += 1;
            self.dropped_errors += usize::from(d.is_error());
        }
    }

    /// Counts `n` diagnostics of `severity` that were never built, the first at `span` in
    /// `file`.
    pub fn count_dropped(&mut self, n: usize, severity: Severity, file: &str, span: Span) {
        if n > 0 && self.dropped == 0 && self.first_dropped.is_none() {
            self.first_dropped = Some((file.to_string(), span));
        }
        self.dropped += n;
        if severity == Severity::Error {
            self.dropped_errors += n;
        }
    }

    /// How many diagnostics are kept (the counted ones not included).
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether the next diagnostic would only be counted: callers skip building it.
    pub fn is_full(&self) -> bool {
        self.kept.len() >= MAX_PER_PHASE
    }

    /// Whether no diagnostic is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The kept diagnostics, in the order they came.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.kept.iter()
    }

    /// The kept diagnostics, then one standing for the dropped ones: E0012, or W0013 when
    /// they were all warnings.
    pub fn finish(self) -> Vec<Diagnostic> {
        let mut out = self.kept;
        if let Some((file, span)) = self.first_dropped {
            let n = self.dropped;
            let plural = if n == 1 { "" } else { "s" };
            let (code, what) = if self.dropped_errors > 0 {
                (Code::E0012, "diagnostic")
            } else {
                (Code::W0013, "warning")
            };
            let mut d =
                Diagnostic::new(code, span, format!("{n} more {what}{plural} not collected"))
                    .with_label("the first of them")
                    .with_help(format!(
                "govc collects at most {MAX_PER_PHASE} per file and phase; fix these and run again"
            ));
            d.file = file;
            out.push(d);
        }
        out
    }
}

impl Extend<Diagnostic> for Capped {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        for d in iter {
            self.push(d);
        }
    }
}

/// The longest text quoted between backticks in a message or label (a header names a token, it
/// does not echo it); longer ones are clipped.
const MAX_QUOTED_CHARS: usize = 120;
/// The same for help and notes, which quote rewrites govc writes (an ARN template, a
/// statement) as well as the user's tokens.
const MAX_QUOTED_HELP_CHARS: usize = 200;
/// The longest message, label, help or note.
const MAX_TEXT_CHARS: usize = 1_000;

/// A message's text as every output shows it: control characters escaped (a file name or a
/// token must not move the cursor, ring the bell or forge a line in a terminal or a CI log), a
/// quoted token clipped to [`MAX_QUOTED_CHARS`] characters in a message or label
/// ([`MAX_QUOTED_HELP_CHARS`] in help and notes) (a 2 MB identifier is named, not
/// echoed), the whole clipped to [`MAX_TEXT_CHARS`]. Newlines and tabs written by govc itself
/// stay.
pub fn tidy(text: String) -> String {
    tidy_at(text, MAX_QUOTED_CHARS)
}

fn tidy_help(text: String) -> String {
    tidy_at(text, MAX_QUOTED_HELP_CHARS)
}

fn tidy_at(text: String, max_quoted: usize) -> String {
    let plain = text.len() <= max_quoted && !text.chars().any(needs_escape);
    if plain {
        return text;
    }
    let mut out = String::with_capacity(text.len().min(4 * MAX_TEXT_CHARS));
    let mut chars = 0usize;
    let mut quoted: Option<usize> = None; // characters inside the current backtick pair
    for c in text.chars() {
        if chars >= MAX_TEXT_CHARS {
            out.push('…');
            break;
        }
        if c == '`' {
            quoted = match quoted {
                Some(_) => None,
                None => Some(0),
            };
            out.push(c);
            chars += 1;
            continue;
        }
        if let Some(n) = quoted.as_mut() {
            *n += 1;
            if *n == max_quoted + 1 {
                out.push('…');
                chars += 1;
            }
            if *n > max_quoted {
                continue;
            }
        }
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
        chars += 1;
    }
    out
}

/// Characters shown escaped: controls other than newline and tab, and the Unicode format
/// characters that reorder or hide text (bidirectional overrides, zero-width joiners).
pub(crate) fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A secondary location, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    /// `None`: the diagnostic's own file.
    pub file: Option<String>,
    /// The place pointed at, in that file.
    pub span: Span,
    /// The text shown at that place ("first declared here").
    pub message: String,
}

/// A machine-applicable replacement, offered as a quick fix ("did you mean …").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    /// The text to replace, in the diagnostic's file.
    pub span: Span,
    /// What to write instead.
    pub replacement: String,
}

/// A problem found in a program: a stable code, a primary span and message, and optionally a
/// label, secondary locations, help, notes and a quick fix. Every layer reports through it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// The stable code, which decides the severity and the `govc explain` text.
    pub code: Code,
    /// Path of the file the primary span points into; filled in by the database layer.
    pub file: String,
    /// The primary location, in `file`.
    pub span: Span,
    /// The one-line headline, [`tidy`]-ed.
    pub message: String,
    /// Text under the primary span.
    pub label: Option<String>,
    /// Other places that explain the problem, possibly in other files.
    pub secondary: Vec<Label>,
    /// How to fix it, shown as `help:`.
    pub help: Option<String>,
    /// Further explanations, each shown as `note:`.
    pub notes: Vec<String>,
    /// The quick fix, when the repair is certain enough to apply mechanically.
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A diagnostic with its code, primary span and message only; the file is set later
    /// ([`Diagnostic::in_file`]).
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: String::new(),
            span,
            message: tidy(message.into()),
            label: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    /// The severity of its code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Whether it is an error, which keeps the program from compiling.
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    /// Sets the text under the primary span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(tidy(label.into()));
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(tidy_help(help.into()));
        self
    }

    /// Adds a note.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(tidy_help(note.into()));
        self
    }

    /// Adds a secondary location with its text; `file` is `None` for the diagnostic's own file.
    pub fn with_secondary(
        mut self,
        file: Option<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: tidy(message.into()),
        });
        self
    }

    /// "did you mean `x`?" as help, plus the quick fix that applies it.
    pub fn with_suggestion(mut self, replacement: &str) -> Self {
        self.help = Some(tidy_help(format!("did you mean `{replacement}`?")));
        self.fix = Some(Fix {
            span: self.span,
            replacement: replacement.to_string(),
        });
        self
    }

    /// The suggestion when there is one, else the general help.
    pub fn with_suggestion_or(self, suggestion: Option<&str>, help: impl Into<String>) -> Self {
        match suggestion {
            Some(s) => self.with_suggestion(s),
            None => self.with_help(help),
        }
    }

    /// Sets the path of the file the primary span points into.
    pub fn in_file(mut self, file: &str) -> Self {
        self.file = file.to_string();
        self
    }
}
