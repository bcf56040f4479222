//! Diagnostics: one crate-owned type, rendered to a terminal (codespan-reporting, rustc style)
//! or to JSON. Every diagnostic has a stable code with a long explanation (`govc explain`).

mod codes;
pub mod render;

pub use codes::{Code, Severity};

use crate::syntax::Span;

/// A secondary location, possibly in another file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    /// `None`: the diagnostic's own file.
    pub file: Option<String>,
    pub span: Span,
    pub message: String,
}

/// A machine-applicable replacement, offered as a quick fix ("did you mean …").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    /// Path of the file the primary span points into; filled in by the database layer.
    pub file: String,
    pub span: Span,
    pub message: String,
    /// Text under the primary span.
    pub label: Option<String>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            file: String::new(),
            span,
            message: message.into(),
            label: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_secondary(
        mut self,
        file: Option<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// "did you mean `x`?" as help, plus the quick fix that applies it.
    pub fn with_suggestion(mut self, replacement: &str) -> Self {
        self.help = Some(format!("did you mean `{replacement}`?"));
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

    pub fn in_file(mut self, file: &str) -> Self {
        self.file = file.to_string();
        self
    }
}
