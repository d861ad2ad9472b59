//! Conversions between LSP positions (line, UTF-16 column) and the core's byte offsets.
//!
//! Positions from the client are clamped, never trusted: a column past the end of its line
//! means the end of that line (as the LSP specification says), a line past the end of the
//! file means the end of the file, and a column inside a surrogate pair moves to the next
//! character boundary. Nothing here can panic on any input.

use line_index::{LineIndex, WideEncoding};
use tower_lsp_server::ls_types::{Position, Range};

use dynlens_core::{TextRange, TextSize};

/// A file's text with its line index, for conversions in both directions.
pub(crate) struct LineMap<'a> {
    pub(crate) text: &'a str,
    pub(crate) index: &'a LineIndex,
}

impl LineMap<'_> {
    /// The byte offset of an LSP position, clamped into the text.
    pub(crate) fn offset(&self, pos: Position) -> TextSize {
        let Some(line) = self.index.line(pos.line) else {
            return TextSize::of(self.text);
        };
        let start = usize::from(line.start());
        let Some(mut line_text) = self.text.get(start..usize::from(line.end())) else {
            return TextSize::of(self.text);
        };
        line_text = line_text.strip_suffix('\n').unwrap_or(line_text);
        line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        let mut utf16 = 0u32;
        for (i, ch) in line_text.char_indices() {
            if utf16 >= pos.character {
                return to_size(start + i);
            }
            utf16 += ch.len_utf16() as u32;
        }
        to_size(start + line_text.len())
    }

    /// The byte range of an LSP range, clamped; a reversed range is put in order.
    pub(crate) fn range(&self, range: Range) -> TextRange {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        TextRange::new(a.min(b), a.max(b))
    }

    /// The LSP position of a byte offset (clamped to the text, rounded down to a character).
    pub(crate) fn position(&self, offset: TextSize) -> Position {
        let mut offset = usize::from(offset).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let Some(line_col) = self.index.try_line_col(to_size(offset)) else {
            return Position::new(0, 0);
        };
        let col = match self.index.to_wide(WideEncoding::Utf16, line_col) {
            Some(wide) => wide.col,
            None => line_col.col,
        };
        Position::new(line_col.line, col)
    }

    /// The LSP range of a byte range.
    pub(crate) fn lsp_range(&self, range: TextRange) -> Range {
        Range::new(self.position(range.start()), self.position(range.end()))
    }
}

fn to_size(offset: usize) -> TextSize {
    TextSize::from(u32::try_from(offset).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_of(text: &str, f: impl FnOnce(&LineMap<'_>)) {
        let index = LineIndex::new(text);
        f(&LineMap {
            text,
            index: &index,
        });
    }

    #[test]
    fn positions_round_trip_through_utf16() {
        let text = "fn a() {}\r\n// é𝄞x\nlast";
        map_of(text, |map| {
            // `x` is after é (1 UTF-16 unit, 2 bytes) and 𝄞 (2 units, 4 bytes).
            let x = map.offset(Position::new(1, 6));
            assert_eq!(&text[usize::from(x)..usize::from(x) + 1], "x");
            assert_eq!(map.position(x), Position::new(1, 6));
            assert_eq!(
                map.offset(Position::new(2, 0)),
                TextSize::of("fn a() {}\r\n// é𝄞x\n")
            );
        });
    }

    #[test]
    fn positions_out_of_bounds_clamp() {
        let text = "ab\r\ncd\n";
        map_of(text, |map| {
            assert_eq!(
                map.offset(Position::new(0, 99)),
                TextSize::from(2),
                "end of line, before \\r\\n"
            );
            assert_eq!(map.offset(Position::new(1, u32::MAX)), TextSize::from(6));
            assert_eq!(
                map.offset(Position::new(2, 5)),
                TextSize::from(7),
                "the empty last line"
            );
            assert_eq!(map.offset(Position::new(99, 0)), TextSize::of(text));
            assert_eq!(
                map.offset(Position::new(u32::MAX, u32::MAX)),
                TextSize::of(text)
            );
            assert_eq!(map.position(TextSize::from(1000)), Position::new(2, 0));
        });
    }

    #[test]
    fn inside_a_character() {
        let text = "𝄞é";
        map_of(text, |map| {
            // UTF-16 column 1 is inside the surrogate pair: the next boundary.
            assert_eq!(map.offset(Position::new(0, 1)), TextSize::from(4));
            // Byte 5 is inside `é`: rounded down.
            assert_eq!(map.position(TextSize::from(5)), Position::new(0, 2));
            let reversed = Range::new(Position::new(0, 3), Position::new(0, 0));
            assert_eq!(map.range(reversed), TextRange::new(0.into(), 6.into()));
        });
    }
}
