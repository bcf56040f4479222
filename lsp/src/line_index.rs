//! Byte offsets ⇄ LSP positions. The compiler's spans are UTF-8 byte offsets; LSP positions are
//! (line, UTF-16 code unit) pairs, so a multi-byte character before the cursor moves the two
//! apart (`é` is 2 bytes and 1 unit, `🦀` 4 bytes and 2 units). Lines end at `\n`, `\r\n` or a
//! lone `\r`, as the protocol specifies.

use tower_lsp_server::ls_types::{Position, Range};

use govc_compiler::syntax::Span;

#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of every line; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

/// A position that lies past the last line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPosition;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // The compiler's line index decides where lines start, so the editor and the CLI
        // agree on every line number; this type adds the UTF-16 columns.
        let starts = govc_compiler::diagnostics::render::LineIndex::new(text)
            .starts()
            .to_vec();
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The line's text without its terminator.
    fn line<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.starts.get(line).copied().unwrap_or(self.len);
        let end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let s = text.get(start..end).unwrap_or("");
        s.strip_suffix("\r\n")
            .or_else(|| s.strip_suffix('\n'))
            .or_else(|| s.strip_suffix('\r'))
            .unwrap_or(s)
    }

    /// The position of a byte offset; an offset inside a character counts as its start, one
    /// past the end as the end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = match self.starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let before = text.get(start..).unwrap_or("");
        let mut units = 0u32;
        for (i, c) in before.char_indices() {
            if start + i + c.len_utf8() > offset || c == '\n' || c == '\r' {
                break;
            }
            units += u32::try_from(c.len_utf16()).unwrap_or(2);
        }
        Position::new(u32::try_from(line).unwrap_or(u32::MAX), units)
    }

    /// The byte offset of a position. A character past the end of its line means the end of
    /// the line (the protocol's rule), one inside a surrogate pair the character's start; a
    /// line past the last is an error.
    pub fn offset(&self, text: &str, pos: Position) -> Result<usize, BadPosition> {
        let line = pos.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return Err(BadPosition);
        };
        let mut units = 0u32;
        for (i, c) in self.line(text, line).char_indices() {
            let next = units + u32::try_from(c.len_utf16()).unwrap_or(2);
            if next > pos.character {
                return Ok(start + i);
            }
            units = next;
        }
        Ok(start + self.line(text, line).len())
    }

    /// The byte range of a viewport-like range (inlay hints, code actions): positions past the
    /// end mean the end; an inverted range is an error.
    pub fn span_clamped(
        &self,
        text: &str,
        range: Range,
    ) -> Result<std::ops::Range<usize>, BadPosition> {
        let clamp = |p: Position| self.offset(text, p).unwrap_or(self.len);
        let (a, b) = (clamp(range.start), clamp(range.end));
        if (range.end.line, range.end.character) < (range.start.line, range.start.character) {
            return Err(BadPosition);
        }
        Ok(a..b)
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start as usize),
            self.position(text, span.end as usize),
        )
    }

    /// The byte range of an LSP range; an inverted range is an error.
    pub fn span(&self, text: &str, range: Range) -> Result<std::ops::Range<usize>, BadPosition> {
        let a = self.offset(text, range.start)?;
        let b = self.offset(text, range.end)?;
        if b < a {
            return Err(BadPosition);
        }
        Ok(a..b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn multi_byte_characters_before_the_cursor() {
        let text = "é🦀x\nab\r\ncd\ref";
        let li = LineIndex::new(text);
        // `x` is at byte 6 (é: 2 bytes, 🦀: 4) and UTF-16 unit 3 (é: 1, 🦀: 2).
        assert_eq!(li.position(text, 6), Position::new(0, 3));
        assert_eq!(li.offset(text, Position::new(0, 3)), Ok(6));
        // Inside the surrogate pair: the crab's start.
        assert_eq!(li.offset(text, Position::new(0, 2)), Ok(2));
        // Past the end of a line: its end, before the terminator.
        assert_eq!(li.offset(text, Position::new(0, 99)), Ok(7));
        assert_eq!(li.offset(text, Position::new(1, 99)), Ok(10));
        assert_eq!(li.position(text, 13), Position::new(2, 1));
        // A lone `\r` ends a line.
        assert_eq!(li.position(text, 15), Position::new(3, 0));
        assert_eq!(li.offset(text, Position::new(4, 0)), Err(BadPosition));
        // An offset inside a character is that character's position.
        assert_eq!(li.position(text, 3), Position::new(0, 1));
    }

    proptest! {
        #[test]
        fn offsets_round_trip(text in "[a-z\\n\\réé🦀 \\t]{0,60}") {
            let li = LineIndex::new(&text);
            for (i, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
                // `\r\n` is one terminator: the offset between its two bytes has no position.
                if text.get(..i).is_some_and(|b| b.ends_with('\r')) && text.get(i..).is_some_and(|a| a.starts_with('\n')) {
                    continue;
                }
                let p = li.position(&text, i);
                prop_assert_eq!(li.offset(&text, p), Ok(i), "offset {} at {:?}", i, p);
            }
        }

        #[test]
        fn position_counts_utf16_units(prefix in "[a-zé🦀]{0,20}", rest in "[a-z]{0,5}") {
            let text = format!("line\n{prefix}{rest}");
            let li = LineIndex::new(&text);
            let at = 5 + prefix.len();
            let units = u32::try_from(prefix.encode_utf16().count()).unwrap_or(0);
            prop_assert_eq!(li.position(&text, at), Position::new(1, units));
        }
    }
}
