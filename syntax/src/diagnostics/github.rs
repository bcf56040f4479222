//! GitHub Actions workflow annotations: one `::error …::` or `::warning …::` line per
//! diagnostic, which the runner shows on the pull request's lines
//! (docs.github.com, "Workflow commands for GitHub Actions", "Setting an error message").

use super::render::line_columns;
use super::{Diagnostic, Severity};

/// The value of an annotation property (`file=…`): the message escapes, and `:` and `,`, which
/// separate properties.
pub fn property(s: &str) -> String {
    message(s).replace(':', "%3A").replace(',', "%2C")
}

/// The message of an annotation: `%`, CR and LF escaped, so one diagnostic stays one line
/// (which also keeps a message from writing a workflow command of its own).
pub fn message(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// One annotation line per diagnostic, in order; the help line joins the message.
pub fn render_github<'t>(
    diags: &[Diagnostic],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> String {
    let mut out = String::new();
    for (d, ((line, col), (end_line, end_col))) in diags.iter().zip(line_columns(diags, text_of)) {
        let kind = match d.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut text = d.message.clone();
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        out.push_str(&format!(
            "::{kind} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            property(&d.file),
            property(d.code.as_str()),
            message(&text)
        ));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use crate::Span;

    #[test]
    fn one_line_per_diagnostic_with_its_place_and_escapes() {
        let text = "scp s {\n  only regions us-est-1\n}\n";
        let d = Diagnostic::new(Code::E0200, Span::new(23, 31), "unknown region `us-est-1`")
            .in_file("dir,a:b.gov")
            .with_help("did you mean `us-east-1`?\n::error::forged");
        let out = render_github(&[d], &|_| Some(text));
        assert_eq!(
            out,
            "::error file=dir%2Ca%3Ab.gov,line=2,col=16,endLine=2,endColumn=24,title=E0200::unknown region `us-est-1`%0Ahelp: did you mean `us-east-1`?%0A::error::forged\n"
        );
        assert_eq!(out.lines().count(), 1);
    }
}
