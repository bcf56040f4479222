//! `govc explain`: the long explanation of a diagnostic code.

use crate::*;

pub(crate) fn explain(code: Option<&str>) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match code {
        None => {
            for c in Code::ALL {
                let _ = writeln!(out, "{}  {}", c.as_str(), c.title());
            }
            ExitCode::SUCCESS
        }
        Some(s) => match Code::parse(s) {
            Some(c) => {
                let kind = match c.severity() {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let _ = writeln!(
                    out,
                    "{} ({kind}): {}\n\n{}",
                    c.as_str(),
                    c.title(),
                    c.explanation()
                );
                ExitCode::SUCCESS
            }
            None => {
                errln!("error: `{s}` is not a govc diagnostic code; `govc explain` lists them all");
                ExitCode::from(2)
            }
        },
    }
}
