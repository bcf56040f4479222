//! Renderers: human (codespan-reporting, rustc style) and JSON. Both take the files' texts by
//! path through a lookup function, so they work the same for the CLI and for tests.

use std::collections::BTreeMap;
use std::ops::Range;

use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity,
};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config};
use serde_json::json;

use super::{Diagnostic, Severity};
use crate::Span;

/// Source lines longer than this are shown as an excerpt around the span, so a 2 MB line never
/// floods the terminal.
const MAX_SHOWN_LINE: usize = 160;

/// Line starts of a text, for byte offset → (line, column): the one line index of govc, used
/// by the CLI's reports and (for its UTF-16 positions) the language server. Lines end at `\n`,
/// `\r\n` or a lone `\r`, as editors and the Language Server Protocol count them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        LineIndex { starts }
    }

    /// Byte offset of the start of every line; the first is 0.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// 0-based line containing `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    pub(crate) fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(0)
    }

    pub(crate) fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.line_start(line).min(text.len());
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len())
            .min(text.len())
            .max(start);
        start..end
    }

    /// 1-based line and 1-based column counted in characters, as editors and rustc show them.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line(offset);
        let start = self.line_start(line).min(offset);
        let col = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (line + 1, col + 1)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// One entry of the per-render file table: a whole file, or an excerpt of one long line.
struct Entry<'a> {
    name: String,
    text: &'a str,
    index: Option<LineIndex>,
    /// For excerpts: real 0-based line number, and characters cut from the line's start.
    line_base: usize,
    col_base: usize,
}

struct RenderFiles<'a> {
    entries: Vec<Entry<'a>>,
}

impl<'a> Files<'a> for RenderFiles<'a> {
    type FileId = usize;
    type Name = &'a str;

    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.entries
            .get(id)
            .map(|e| e.name.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.entries
            .get(id)
            .map(|e| e.text)
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let e = self.entries.get(id).ok_or(FilesError::FileMissing)?;
        Ok(match &e.index {
            Some(ix) => ix.line(byte_index),
            None => 0,
        })
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, FilesError> {
        let e = self.entries.get(id).ok_or(FilesError::FileMissing)?;
        Ok(e.line_base + line_index + 1)
    }

    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, FilesError> {
        let e = self.entries.get(id).ok_or(FilesError::FileMissing)?;
        let range = self.line_range(id, line_index)?;
        let end = floor_char_boundary(e.text, byte_index.clamp(range.start, range.end));
        let col = e
            .text
            .get(range.start..end)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Ok(e.col_base + col + 1)
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let e = self.entries.get(id).ok_or(FilesError::FileMissing)?;
        Ok(match &e.index {
            Some(ix) => ix.line_range(e.text, line_index),
            None => 0..e.text.len(),
        })
    }
}

/// Options for the human renderer.
#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    /// Whether to colour the output with ANSI escapes (for a terminal).
    pub color: bool,
    /// At most this many diagnostics are shown; a summary line counts the rest.
    pub max_shown: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            max_shown: 100,
        }
    }
}

/// Renders diagnostics (already sorted by the caller) like rustc, then a summary line.
pub fn render_human<'t>(
    diags: &[Diagnostic],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
    opts: HumanOptions,
) -> String {
    let mut out = String::new();
    let mut indexes: BTreeMap<String, LineIndex> = BTreeMap::new();
    // Control characters would be echoed raw to the terminal (and have no width for the caret);
    // show each as `?`, which is also one byte, so every offset stays valid.
    let mut shown: BTreeMap<String, String> = BTreeMap::new();
    for d in diags.iter().take(opts.max_shown) {
        for f in std::iter::once(d.file.as_str())
            .chain(d.secondary.iter().filter_map(|l| l.file.as_deref()))
        {
            if let (false, Some(t)) = (shown.contains_key(f), text_of(f)) {
                shown.insert(f.to_string(), visible(t));
            }
        }
    }
    let shown_of = |f: &str| shown.get(f).map(String::as_str);
    for d in diags.iter().take(opts.max_shown) {
        render_one(&mut out, d, &shown_of, opts.color, &mut indexes);
    }
    let hidden = diags.len().saturating_sub(opts.max_shown);
    if hidden > 0 {
        out.push_str(&format!(
            "note: {hidden} more diagnostic{} not shown (use `--format json` for all of them)\n\n",
            if hidden == 1 { "" } else { "s" }
        ));
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    if errors > 0 || warnings > 0 {
        out.push_str(&summary(errors, warnings));
        out.push('\n');
    }
    out
}

/// The source as excerpts show it: each control or text-reordering character (see
/// [`super::needs_escape`]) becomes as many `?` as it has bytes, so every offset stays valid.
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if super::needs_escape(c) && c != '\r' {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => format!("{} emitted", plural(w, "warning")),
        (e, 0) => format!("{} emitted", plural(e, "error")),
        (e, w) => format!(
            "{} and {} emitted",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}

fn render_one<'t>(
    out: &mut String,
    d: &Diagnostic,
    text_of: &dyn Fn(&str) -> Option<&'t str>,
    color: bool,
    indexes: &mut BTreeMap<String, LineIndex>,
) {
    let mut files = RenderFiles {
        entries: Vec::new(),
    };
    let mut labels = Vec::new();
    let mut notes = Vec::new();

    let mut wanted: Vec<(&str, Span, String, bool)> = vec![(
        d.file.as_str(),
        d.span,
        d.label.clone().unwrap_or_default(),
        true,
    )];
    for l in &d.secondary {
        wanted.push((
            l.file.as_deref().unwrap_or(&d.file),
            l.span,
            l.message.clone(),
            false,
        ));
    }
    for (file, span, msg, primary) in wanted {
        let Some(text) = text_of(file) else { continue };
        let index = indexes
            .entry(file.to_string())
            .or_insert_with(|| LineIndex::new(text));
        let (id, range) = add_entry(&mut files, file, text, index, span, &mut notes);
        let label = if primary {
            CsLabel::primary(id, range)
        } else {
            CsLabel::secondary(id, range)
        };
        labels.push(label.with_message(msg));
    }

    let severity = match d.severity() {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let mut all_notes: Vec<String> = Vec::new();
    if let Some(h) = &d.help {
        all_notes.push(format!("help: {h}"));
    }
    all_notes.extend(d.notes.iter().map(|n| format!("note: {n}")));
    all_notes.extend(notes);
    let cs = CsDiagnostic::new(severity)
        .with_code(d.code.as_str())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(all_notes);
    let config = Config::default();
    let mut buf = String::new();
    let res = if color {
        let mut w = AnsiWriter::new(&mut buf);
        term::emit_to_write_style(&mut w, &config, &files, &cs)
    } else {
        term::emit_into_string(&config, &files, &cs).map(|s| buf.push_str(&s))
    };
    if res.is_err() {
        // A span outside its file (a compiler bug) still yields the message and the location.
        buf = format!(
            "{}[{}]: {}\n  --> {}\n",
            d.severity().as_str(),
            d.code.as_str(),
            d.message,
            d.file
        );
    }
    out.push_str(&buf);
}

fn add_entry<'a>(
    files: &mut RenderFiles<'a>,
    name: &str,
    text: &'a str,
    index: &LineIndex,
    span: Span,
    notes: &mut Vec<String>,
) -> (usize, Range<usize>) {
    let start = floor_char_boundary(text, (span.start as usize).min(text.len()));
    let end = ceil_char_boundary(text, (span.end as usize).min(text.len()).max(start));
    let line = index.line(start);
    let lr = index.line_range(text, line);
    // A file name is shown with its control characters escaped, like any message text.
    let name = super::tidy(name.to_string());
    let name = name.as_str();
    if lr.len() <= MAX_SHOWN_LINE {
        if let Some(pos) = files
            .entries
            .iter()
            .position(|e| e.name == name && e.index.is_some())
        {
            return (pos, start..end);
        }
        files.entries.push(Entry {
            name: name.to_string(),
            text,
            index: Some(index.clone()),
            line_base: 0,
            col_base: 0,
        });
        return (files.entries.len() - 1, start..end);
    }
    // Excerpt: a window of the long line around the span's start.
    let half = MAX_SHOWN_LINE / 2;
    let ex_start = floor_char_boundary(text, start.saturating_sub(half).max(lr.start));
    let ex_end = ceil_char_boundary(text, (start + half).min(lr.end));
    let excerpt = text.get(ex_start..ex_end).unwrap_or("");
    let excerpt = excerpt.trim_end_matches(['\n', '\r']);
    let col_base = text
        .get(lr.start..ex_start)
        .map(|s| s.chars().count())
        .unwrap_or(0);
    files.entries.push(Entry {
        name: name.to_string(),
        text: excerpt,
        index: None,
        line_base: line,
        col_base,
    });
    let rel_start = (start - ex_start).min(excerpt.len());
    let rel_end = end.saturating_sub(ex_start).clamp(rel_start, excerpt.len());
    notes.push(format!(
        "note: line {} is {} bytes long; showing bytes {}..{} of it",
        line + 1,
        lr.len(),
        ex_start - lr.start,
        ex_end - lr.start
    ));
    (files.entries.len() - 1, rel_start..rel_end)
}

/// `WriteColor` into a String with ANSI escapes, so colour output can be captured and tested.
struct AnsiWriter<'a> {
    buf: &'a mut String,
}

impl<'a> AnsiWriter<'a> {
    fn new(buf: &'a mut String) -> Self {
        AnsiWriter { buf }
    }
}

impl std::io::Write for AnsiWriter<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.push_str(&String::from_utf8_lossy(data));
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl codespan_reporting::term::termcolor::WriteColor for AnsiWriter<'_> {
    fn supports_color(&self) -> bool {
        true
    }
    fn set_color(
        &mut self,
        spec: &codespan_reporting::term::termcolor::ColorSpec,
    ) -> std::io::Result<()> {
        use codespan_reporting::term::termcolor::Color;
        let mut codes: Vec<String> = Vec::new();
        if spec.bold() {
            codes.push("1".into());
        }
        if let Some(c) = spec.fg() {
            let n = match c {
                Color::Black => 30,
                Color::Red => 31,
                Color::Green => 32,
                Color::Yellow => 33,
                Color::Blue => 34,
                Color::Magenta => 35,
                Color::Cyan => 36,
                _ => 37,
            };
            codes.push((if spec.intense() { n + 60 } else { n }).to_string());
        }
        if !codes.is_empty() {
            self.buf.push_str(&format!("\x1b[{}m", codes.join(";")));
        }
        Ok(())
    }
    fn reset(&mut self) -> std::io::Result<()> {
        self.buf.push_str("\x1b[0m");
        Ok(())
    }
}

/// 1-based (line, column in characters) of many offsets of one text, in one sweep: O(text +
/// k log k) rather than O(k × line length), which matters for thousands of diagnostics on one
/// long line.
pub(crate) fn positions(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets.get(i).copied().unwrap_or(0));
    let mut out = vec![(1, 1); offsets.len()];
    let (mut line, mut col, mut pos) = (1usize, 1usize, 0usize);
    let mut chars = text.char_indices().peekable();
    for i in order {
        let target =
            floor_char_boundary(text, offsets.get(i).copied().unwrap_or(0).min(text.len()));
        while pos < target {
            match chars.next() {
                Some((at, c)) => {
                    pos = at + c.len_utf8();
                    // Line ends as `LineIndex` counts them: `\n`, `\r\n`, a lone `\r`.
                    let ends_line =
                        c == '\n' || (c == '\r' && chars.peek().is_none_or(|(_, n)| *n != '\n'));
                    if ends_line {
                        line += 1;
                        col = 1;
                    } else {
                        col += 1;
                    }
                }
                None => break,
            }
        }
        if let Some(slot) = out.get_mut(i) {
            *slot = (line, col);
        }
    }
    out
}

/// JSON: an array with one object per diagnostic (never capped; for CI tools).
pub fn render_json<'t>(diags: &[Diagnostic], text_of: &dyn Fn(&str) -> Option<&'t str>) -> String {
    let pos = line_columns(diags, text_of);
    let related = related_positions(diags, text_of);
    json_of(diags, pos, related)
}

/// For each diagnostic, its secondary labels' files and 1-based (line, column) start and end,
/// computed in one sweep per file over every label of every diagnostic.
type Related<'d> = Vec<Vec<(&'d str, (usize, usize), (usize, usize))>>;

fn related_positions<'d, 't>(
    diags: &'d [Diagnostic],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> Related<'d> {
    // (diagnostic, label) of every secondary label, by file.
    let mut by_file: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, d) in diags.iter().enumerate() {
        for (j, l) in d.secondary.iter().enumerate() {
            let file = l.file.as_deref().unwrap_or(d.file.as_str());
            by_file.entry(file).or_default().push((i, j));
        }
    }
    let mut out: Related<'d> = diags
        .iter()
        .map(|d| {
            d.secondary
                .iter()
                .map(|l| (l.file.as_deref().unwrap_or(d.file.as_str()), (1, 1), (1, 1)))
                .collect()
        })
        .collect();
    for (file, labels) in &by_file {
        let text = text_of(file).unwrap_or("");
        let offsets: Vec<usize> = labels
            .iter()
            .flat_map(|&(i, j)| {
                diags
                    .get(i)
                    .and_then(|d| d.secondary.get(j))
                    .map(|l| [l.span.start as usize, l.span.end as usize])
                    .unwrap_or([0, 0])
            })
            .collect();
        let found = positions(text, &offsets);
        for (k, &(i, j)) in labels.iter().enumerate() {
            if let (Some(slot), Some(s), Some(e)) = (
                out.get_mut(i).and_then(|v| v.get_mut(j)),
                found.get(2 * k),
                found.get(2 * k + 1),
            ) {
                slot.1 = *s;
                slot.2 = *e;
            }
        }
    }
    out
}

/// Each diagnostic's start and end as 1-based (line, column), computed in one sweep per file.
pub(crate) fn line_columns<'t>(
    diags: &[Diagnostic],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> Vec<((usize, usize), (usize, usize))> {
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in diags.iter().enumerate() {
        by_file.entry(d.file.as_str()).or_default().push(i);
    }
    let mut pos: Vec<((usize, usize), (usize, usize))> = vec![((1, 1), (1, 1)); diags.len()];
    for (file, idx) in &by_file {
        let text = text_of(file).unwrap_or("");
        let offsets: Vec<usize> = idx
            .iter()
            .flat_map(|&i| {
                diags
                    .get(i)
                    .map(|d| [d.span.start as usize, d.span.end as usize])
                    .unwrap_or([0, 0])
            })
            .collect();
        let found = positions(text, &offsets);
        for (k, &i) in idx.iter().enumerate() {
            if let (Some(slot), Some(s), Some(e)) =
                (pos.get_mut(i), found.get(2 * k), found.get(2 * k + 1))
            {
                *slot = (*s, *e);
            }
        }
    }
    pos
}

fn json_of(
    diags: &[Diagnostic],
    pos: Vec<((usize, usize), (usize, usize))>,
    related: Related<'_>,
) -> String {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .zip(pos)
        .zip(related)
        .map(|((d, ((line, column), (end_line, end_column))), related)| {
            let mut o = json!({
                "code": d.code.as_str(),
                "severity": d.severity().as_str(),
                "message": d.message,
                "file": d.file,
                "line": line,
                "column": column,
                "end": { "line": end_line, "column": end_column },
                "help": d.help,
            });
            if let Some(map) = o.as_object_mut() {
                if let Some(fix) = &d.fix {
                    map.insert("fix".into(), json!({ "replacement": fix.replacement }));
                }
                // What the human report shows besides the message: the text at the primary
                // place, the notes, and the other places with theirs.
                if let Some(label) = &d.label {
                    map.insert("label".into(), json!(label));
                }
                if !d.notes.is_empty() {
                    map.insert("notes".into(), json!(d.notes));
                }
                if !related.is_empty() {
                    let items: Vec<serde_json::Value> = d
                        .secondary
                        .iter()
                        .zip(&related)
                        .map(|(l, (file, (line, column), (end_line, end_column)))| {
                            json!({
                                "file": file,
                                "line": line,
                                "column": column,
                                "end": { "line": end_line, "column": end_column },
                                "message": l.message,
                            })
                        })
                        .collect();
                    map.insert("related".into(), json!(items));
                }
            }
            o
        })
        .collect();
    terminal_safe_json(serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_string()))
}

/// JSON text with every control or text-reordering character written as a `\uXXXX` escape:
/// the same JSON value, but nothing a terminal or log viewer would act on. (serde_json escapes
/// C0 controls itself; C1 controls and bidirectional overrides it writes raw.) Outside strings
/// JSON is ASCII, so only string contents change.
pub fn terminal_safe_json(json: String) -> String {
    if !json.chars().any(super::needs_escape) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if super::needs_escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_agree_with_line_index() {
        let text = "ab\nc€d\n\r\nx\ryz\r";
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .rev()
            .collect();
        let ix = LineIndex::new(text);
        let swept = positions(text, &offsets);
        for (o, p) in offsets.iter().zip(swept) {
            assert_eq!(ix.line_col(text, *o), p, "offset {o}");
        }
    }
}
