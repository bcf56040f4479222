//! `govc effective`: an account's effective BEDROCK_POLICY.

use crate::cmd::simulate::guardrails;
use crate::*;

pub(crate) fn effective_cmd(paths: &[String], account: &str, report: &Report) -> ExitCode {
    let c = match compiled(paths, &compile::Options::default(), report, false) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if matches!(report.format, Format::Human) {
        report.print(&c.diags, &|p| c.text(p));
    }
    let (levels, eff) = match guardrails(&c, account, report) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let text = match report.format {
        Format::Human | Format::Github => bedrock_effective::report_human(account, &levels, &eff),
        Format::Json | Format::Junit | Format::Sarif => {
            bedrock_effective::report_json(account, &levels, &eff)
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}
