//! Conversions between LSP positions (line, UTF-16 column) and the core's byte offsets.
//!
//! Lines end at `\n`, `\r\n` and a lone `\r`, as the LSP specification says (the
//! `line-index` crate knows only `\n`, so a document with lone `\r`s had its edits land on
//! the wrong line: [`LineIndex`] is ours).
//!
//! Positions from the client are clamped, never trusted: a column past the end of its line
//! means the end of that line (as the LSP specification says), a line past the end of the
//! file means the end of the file, and a column inside a surrogate pair moves to the next
//! character boundary. Nothing here can panic on any input.

use tower_lsp_server::ls_types::{Position, Range};

use dynlens_core::{TextRange, TextSize};

/// Where the lines of a text start, with `\n`, `\r\n` and a lone `\r` as line ends.
#[derive(Debug)]
pub(crate) struct LineIndex {
    /// The byte offset of each line's start; the first is 0.
    starts: Vec<u32>,
    /// Per line: whether it holds a non-ASCII character (then UTF-16 columns are not bytes).
    wide: Vec<bool>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0u32];
        let mut wide = vec![false];
        for (i, &b) in bytes.iter().enumerate() {
            let line_end = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if line_end {
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                wide.push(false);
            } else if b >= 0x80
                && let Some(last) = wide.last_mut()
            {
                *last = true;
            }
        }
        LineIndex { starts, wide }
    }

    /// The byte range of line `line` (without its line end), if it exists.
    fn line<'t>(&self, text: &'t str, line: u32) -> Option<(usize, &'t str, bool)> {
        let i = usize::try_from(line).ok()?;
        let start = *self.starts.get(i)? as usize;
        let end = self
            .starts
            .get(i + 1)
            .map_or(text.len(), |&next| next as usize);
        let mut line_text = text.get(start..end)?;
        line_text = line_text.strip_suffix('\n').unwrap_or(line_text);
        line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
        Some((start, line_text, self.wide.get(i).copied().unwrap_or(true)))
    }
}

/// A file's text with its line index, for conversions in both directions.
pub(crate) struct LineMap<'a> {
    pub(crate) text: &'a str,
    pub(crate) index: &'a LineIndex,
}

impl LineMap<'_> {
    /// The byte offset of an LSP position, clamped into the text.
    pub(crate) fn offset(&self, pos: Position) -> TextSize {
        let Some((start, line_text, wide)) = self.index.line(self.text, pos.line) else {
            return TextSize::of(self.text);
        };
        if !wide {
            let col = usize::try_from(pos.character).unwrap_or(usize::MAX);
            return to_size(start + col.min(line_text.len()));
        }
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
        let line = self
            .index
            .starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1);
        let start = self.index.starts.get(line).map_or(0, |&s| s as usize);
        let col = if self.index.wide.get(line).copied().unwrap_or(true) {
            self.text
                .get(start..offset)
                .map_or(0, |before| before.encode_utf16().count())
        } else {
            offset - start
        };
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
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
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a\rbé\r\ncd\ne\r\rf";
        map_of(text, |map| {
            assert_eq!(
                map.offset(Position::new(1, 0)),
                TextSize::from(2),
                "after the lone \\r"
            );
            assert_eq!(
                map.offset(Position::new(1, 9)),
                TextSize::from(5),
                "end of `bé`"
            );
            assert_eq!(map.offset(Position::new(2, 1)), TextSize::from(8), "`d`");
            assert_eq!(
                map.offset(Position::new(4, 0)),
                TextSize::from(12),
                "the empty line"
            );
            assert_eq!(map.offset(Position::new(5, 0)), TextSize::from(13), "`f`");
            for (offset, pos) in [
                (0, (0, 0)),
                (2, (1, 0)),
                (5, (1, 2)),
                (8, (2, 1)),
                (12, (4, 0)),
                (13, (5, 0)),
                (14, (5, 1)),
            ] {
                assert_eq!(
                    map.position(TextSize::from(offset)),
                    Position::new(pos.0, pos.1),
                    "offset {offset}"
                );
            }
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
