#![warn(missing_docs)]
//! Where things were written: a byte range into a file's text. Its own crate because two
//! layers that must not know each other need it — the syntax (every node is spanned) and the
//! IAM statements (each remembers the source statement it came from) — as rust-analyzer's
//! layers share `text-size`.

/// A half-open byte range `start..end` into a file's text.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// The first byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// `start..end`, so parse-tree snapshots stay readable.
impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl Span {
    /// `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        // Files are capped well below 4 GiB before lexing, so offsets always fit.
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// As a range, for slicing the text.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The span from the start of either to the end of either.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Its length in bytes.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    /// Whether it covers no byte.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// A value together with the span it was written at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// The value at `span`.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}
