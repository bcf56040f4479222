//! `govc simulate`: one request against an account's compiled SCPs.

use crate::*;

/// The request `govc simulate` evaluates, as given on the command line.
pub(crate) struct SimRequest {
    pub(crate) account: String,
    pub(crate) action: String,
    pub(crate) resource: String,
    pub(crate) region: Option<String>,
    pub(crate) context: Vec<String>,
}

/// The simulated request as a `test` expectation, so that it is checked exactly as a test's
/// (actions, Regions, keys and their values, with "did you mean").
pub(crate) fn simulate_as_test(files: &[String], req: &SimRequest) -> Result<String, String> {
    let quote = govc_compiler::syntax::format::quote;
    let mut text = String::new();
    for f in files {
        text.push_str(&format!("use {}\n", quote(f)));
    }
    text.push_str(&format!(
        "test \"govc simulate\" on {} {{\n  expect allow {} on {}",
        req.account,
        quote(&req.action),
        quote(&req.resource)
    ));
    if let Some(r) = &req.region {
        text.push_str(&format!(" in {}", quote(r)));
    }
    let mut pairs = Vec::new();
    for kv in &req.context {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(format!("`--context {kv}`: expected KEY=VALUE"));
        };
        let value = match v.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(list) => {
                let items: Vec<String> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(quote)
                    .collect();
                format!("[{}]", items.join(", "))
            }
            None => quote(v),
        };
        pairs.push(format!("{}: {value}", quote(k)));
    }
    if !pairs.is_empty() {
        text.push_str(&format!(" with {{ {} }}", pairs.join(", ")));
    }
    text.push_str("\n}\n");
    Ok(text)
}

/// Checks the simulated request as a test expectation; `Err` (reported) when it is not one a
/// test could make: an unknown action, Region or key, a value of the wrong type, or an
/// account that is not one.
pub(crate) fn check_simulated(
    paths: &[String],
    req: &SimRequest,
    report: &Report,
) -> Result<(), ExitCode> {
    const VIRTUAL: &str = "<govc simulate>";
    let files = collect(paths).map_err(|e| {
        errln!("error: {}", govc_compiler::diagnostics::tidy(e.to_string()));
        ExitCode::from(2)
    })?;
    // `use` is not transitive: the request's test uses every file of the program.
    let mut first = Database::new(govc_compiler::catalog::embedded());
    let reader = reader(paths);
    let (ws, _) = db::load(&mut first, &files, &|p| reader.read(p));
    let every: Vec<String> = ws
        .files(&first)
        .keys()
        .filter(|p| !govc_compiler::check::Index::is_std(p))
        .cloned()
        .collect();
    let text = simulate_as_test(&every, req).map_err(|e| {
        errln!("error: {}", govc_compiler::diagnostics::tidy(e.to_string()));
        ExitCode::from(2)
    })?;
    let mut database = Database::new(govc_compiler::catalog::embedded());
    let mut roots = files.clone();
    roots.push(VIRTUAL.to_string());
    let (ws, _) = db::load(&mut database, &roots, &|p| {
        if p == VIRTUAL {
            Ok(text.clone().into_bytes())
        } else {
            reader.read(p)
        }
    });
    let diags: Vec<Diagnostic> = db::program_diagnostics(&database, ws)
        .iter()
        .filter(|d| d.file == VIRTUAL)
        .cloned()
        .collect();
    if diags.iter().any(Diagnostic::is_error) {
        let sources = ws.files(&database);
        let text_of = |p: &str| sources.get(p).map(|f| f.text(&database).as_str());
        report.print(&diags, &text_of);
        return Err(ExitCode::from(2));
    }
    Ok(())
}

pub(crate) fn simulate_cmd(paths: &[String], req: &SimRequest, report: &Report) -> ExitCode {
    if let Err(code) = check_simulated(paths, req, report) {
        return code;
    }
    let c = match compiled(paths, &compile::Options::default(), report, false) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let output = &c.output;
    let locate = |file: &str, span: govc_compiler::syntax::Span| c.locate(file, span);
    let program = c.program();
    let mut context = Vec::new();
    for kv in &req.context {
        let Some((k, v)) = kv.split_once('=') else {
            errln!("error: `--context {kv}`: expected KEY=VALUE");
            return ExitCode::from(2);
        };
        let value = match v.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(list) => govc_compiler::rules::TestValue::Many(
                list.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
            None => govc_compiler::rules::TestValue::One(v.to_string()),
        };
        context.push((k.to_string(), value));
    }
    if verify::path(program, &req.account).is_none() {
        errln!(
            "error: `{}` is not an account of the organization",
            req.account
        );
        return ExitCode::from(2);
    }
    let id = program
        .org
        .target(&req.account)
        .map(|t| t.id.clone())
        .unwrap_or_default();
    let expectation = govc_compiler::rules::Expectation {
        allow: true,
        action: req.action.clone(),
        resource: req.resource.clone(),
        region: req.region.clone(),
        context,
        span: Default::default(),
    };
    let request = verify::request(program, &expectation, &id);
    // The SCPs of the principal's account and the RCPs of the resource's account
    // (docs/semantics.md, "Whose policies decide").
    let evaluation = verify::LayerCache::new(verify::Levels::new(program, output))
        .layers(&req.account, &request)
        .evaluate(&request);
    let guardrail_lines: Vec<String> = match (&req.region, guardrails(&c, &req.account, report)) {
        (Some(region), Ok((_, eff))) => {
            bedrock_effective::describe_for_request(&eff, &req.action, region, &req.resource)
        }
        _ => Vec::new(),
    };
    if matches!(report.format, Format::Json) {
        outln!(
            "{}",
            simulation_json(
                &req.account,
                &request,
                &evaluation,
                &guardrail_lines,
                &locate
            )
        );
    } else {
        let text = verify::describe_evaluation(&evaluation, &locate).join("\n");
        outln!("{text}");
        for line in &guardrail_lines {
            outln!("{line}");
        }
    }
    if evaluation.outcome.allowed() {
        ExitCode::SUCCESS
    } else {
        // Apart from 1 (errors in the policies) and 2 (a bad request or usage), so a script
        // can tell a denial from a failure.
        ExitCode::from(DENIED)
    }
}

/// `govc simulate`'s exit status when the organization denies the request.
pub(crate) const DENIED: u8 = 3;

/// `govc simulate --format json`: the request as evaluated, the decision, the deciding
/// statements with their sources, and the guardrail lines.
fn simulation_json(
    account: &str,
    request: &govc_compiler::ir::eval::Request,
    evaluation: &verify::Evaluation,
    guardrails: &[String],
    locate: verify::Locate<'_>,
) -> String {
    use govc_compiler::verify::json as report;
    use serde_json::json;
    let (outcome, no_allow_at) = report::outcome(evaluation);
    let context = report::context(request);
    let deciding = report::deciding(evaluation, locate);
    let v = json!({
        "account": account,
        "request": {
            "action": request.action,
            "resource": request.resource,
            "context": context,
        },
        "allowed": evaluation.outcome.allowed(),
        "outcome": outcome,
        "no_allow_at": no_allow_at,
        "deciding": deciding,
        "guardrails": guardrails,
    });
    terminal_safe_json(serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// The account's BEDROCK_POLICY levels and their merge; `Err` (reported) for an unknown
/// account or a document that does not merge.
pub(crate) fn guardrails(
    c: &Compiled,
    account: &str,
    report: &Report,
) -> Result<(Vec<bedrock_effective::Level>, bedrock_effective::Effective), ExitCode> {
    let Some(levels) = bedrock_effective::account_levels(c.program(), &c.output, account) else {
        errln!("error: `{account}` is not an account of the organization");
        return Err(ExitCode::from(2));
    };
    match bedrock_effective::effective(&levels) {
        Ok(eff) => Ok((levels, eff)),
        Err(d) => {
            let text_of = |f: &str| {
                levels
                    .iter()
                    .flat_map(|l| &l.policies)
                    .find(|p| p.file == f)
                    .map(|p| p.text.as_str())
            };
            report.print(std::slice::from_ref(&*d), &text_of);
            Err(ExitCode::from(1))
        }
    }
}
