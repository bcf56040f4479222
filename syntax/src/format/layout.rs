//! A small Wadler/Prettier-style layout engine over a flat stream of instructions: groups
//! print on one line when they fit in the width, otherwise every `Line` directly inside breaks.
//! Newlines and spaces are owed lazily, so a line never ends in white space, the next line
//! takes the indentation in force when its first text arrives, and forced breaks merge.

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Text(String),
    /// A trailing `//` comment: printed like text, but never counted against the width, so a
    /// long comment does not reflow the code it follows.
    Comment(String),
    /// One space, dropped at the start of a line.
    Space,
    /// A space when its group is flat, a newline when it is broken.
    Line,
    /// Nothing when its group is flat, a newline when it is broken.
    SoftLine,
    /// Always a newline; a group containing one is broken.
    Break,
    /// A newline and one empty line (not directly after an opening bracket).
    Blank,
    /// Text printed only when its group is broken (trailing commas).
    IfBreak(&'static str),
    Open,
    Close,
    Indent(usize),
    Dedent(usize),
}

impl Op {
    /// Instructions that print nothing by themselves; a trailing comment may move back past
    /// them (but not past `Close`: a comment after a group must not break that group).
    pub(crate) fn is_layout(&self) -> bool {
        matches!(
            self,
            Op::Space
                | Op::Line
                | Op::SoftLine
                | Op::Break
                | Op::Blank
                | Op::Open
                | Op::Indent(_)
                | Op::Dedent(_)
        )
    }
}

fn width_of(s: &str) -> usize {
    s.chars().count()
}

/// For each `Open`, the index of its `Close` (unbalanced streams close at the end).
fn matching_closes(ops: &[Op]) -> Vec<usize> {
    let mut closes = vec![ops.len(); ops.len()];
    let mut stack = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Open => stack.push(i),
            Op::Close => {
                if let Some(open) = stack.pop() {
                    if let Some(c) = closes.get_mut(open) {
                        *c = i;
                    }
                }
            }
            _ => {}
        }
    }
    closes
}

/// Whether the group `open..close` fits flat from column `col`, counting the text that follows
/// it up to the next possible line break.
fn fits(ops: &[Op], open: usize, close: usize, col: usize, width: usize) -> bool {
    let mut w = col;
    for op in ops.iter().take(close).skip(open + 1) {
        match op {
            Op::Text(s) => {
                if s.contains('\n') {
                    return false;
                }
                w += width_of(s);
            }
            Op::Space | Op::Line => w += 1,
            Op::Break | Op::Blank | Op::Comment(_) => return false,
            Op::SoftLine
            | Op::IfBreak(_)
            | Op::Open
            | Op::Close
            | Op::Indent(_)
            | Op::Dedent(_) => {}
        }
        if w > width {
            return false;
        }
    }
    for op in ops.iter().skip(close + 1) {
        match op {
            Op::Text(s) => {
                if let Some((first, _)) = s.split_once('\n') {
                    return w + width_of(first) <= width;
                }
                w += width_of(s);
            }
            Op::IfBreak(s) => w += width_of(s),
            Op::Space => w += 1,
            Op::Line | Op::SoftLine | Op::Break | Op::Blank | Op::Comment(_) => break,
            Op::Open | Op::Close | Op::Indent(_) | Op::Dedent(_) => {}
        }
        if w > width {
            return false;
        }
    }
    w <= width
}

struct Printer {
    out: String,
    col: usize,
    indent: usize,
    /// Newlines owed before the next text (2 = one empty line).
    newlines: usize,
    space: bool,
    /// The last text opened a bracket: no empty line directly after it.
    after_opener: bool,
}

impl Printer {
    fn text(&mut self, s: &str) {
        if self.newlines > 0 && !self.out.is_empty() {
            for _ in 0..self.newlines {
                self.out.push('\n');
            }
            for _ in 0..self.indent {
                self.out.push(' ');
            }
            self.col = self.indent;
        } else if self.space && !self.out.is_empty() {
            self.out.push(' ');
            self.col += 1;
        }
        self.newlines = 0;
        self.space = false;
        self.out.push_str(s);
        match s.rsplit_once('\n') {
            Some((_, last)) => self.col = width_of(last),
            None => self.col += width_of(s),
        }
        self.after_opener = s.ends_with(['{', '[', '(']);
    }

    fn newline(&mut self, n: usize) {
        let n = if self.after_opener { 1 } else { n };
        self.newlines = self.newlines.max(n);
        self.space = false;
    }

    /// The column the next text would start at.
    fn next_col(&self) -> usize {
        if self.newlines > 0 {
            self.indent
        } else {
            self.col + usize::from(self.space)
        }
    }
}

/// Lays out the stream; the result ends with exactly one newline (or is empty).
pub(crate) fn render(ops: &[Op], width: usize) -> String {
    let closes = matching_closes(ops);
    let mut p = Printer {
        out: String::new(),
        col: 0,
        indent: 0,
        newlines: 0,
        space: false,
        after_opener: false,
    };
    // `true` = broken; outside every group, lines break.
    let mut modes: Vec<bool> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let broken = modes.last().copied().unwrap_or(true);
        match op {
            Op::Open => {
                let close = closes.get(i).copied().unwrap_or(ops.len());
                let mode = broken && !fits(ops, i, close, p.next_col(), width);
                modes.push(mode);
            }
            Op::Close => {
                modes.pop();
            }
            Op::Indent(n) => p.indent += n,
            Op::Dedent(n) => p.indent = p.indent.saturating_sub(*n),
            Op::Text(s) | Op::Comment(s) => p.text(s),
            Op::Space => {
                if p.newlines == 0 {
                    p.space = true;
                }
            }
            Op::Line => {
                if broken {
                    p.newline(1);
                } else if p.newlines == 0 {
                    p.space = true;
                }
            }
            Op::SoftLine => {
                if broken {
                    p.newline(1);
                }
            }
            Op::Break => p.newline(1),
            Op::Blank => p.newline(2),
            Op::IfBreak(s) => {
                if broken {
                    p.text(s);
                }
            }
        }
    }
    if !p.out.is_empty() {
        p.out.push('\n');
    }
    p.out
}
