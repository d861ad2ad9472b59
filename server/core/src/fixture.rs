//! Test fixtures: Rust source with `$0` cursor markers and in-place annotations, in
//! rust-analyzer's conventions (`test-utils`' `trim_indent` and `extract_annotations`).
//!
//! An annotation is a comment line whose `//` is followed (after optional spaces) by carets;
//! the carets mark columns of the nearest line above that is not itself an annotation, and the
//! text after them is the annotation's label:
//!
//! ```text
//! trait D {
//!     fn c<T>(&self, t: T);
//!      //^ generic_method
//! }
//! ```
//!
//! Several annotation lines may follow one line. Carets cannot point at columns 0 and 1 (the
//! `//` is there); fixtures are indented or name items that start further right.

use crate::{TextRange, TextSize};

/// Removes the indentation common to all non-blank lines, and a leading newline, so that a
/// fixture can be written indented inside a raw string.
pub fn trim_indent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.split_inclusive('\n')
        .map(|l| {
            if l.trim().is_empty() {
                l.trim_start_matches([' ', '\t'])
            } else {
                &l[indent..]
            }
        })
        .collect()
}

/// Splits off the `$0` cursor marker: the text without it, and its offset.
pub fn cursor(fixture: &str) -> (String, TextSize) {
    let text = trim_indent(fixture);
    let offset = text.find("$0").expect("a `$0` cursor marker");
    (
        text.replacen("$0", "", 1),
        TextSize::from(u32::try_from(offset).expect("a small fixture")),
    )
}

/// One annotation: the marked range (on one line) and its label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Annotation {
    /// 0-based line of the marked text.
    pub line: usize,
    /// Byte columns on that line, end exclusive.
    pub cols: (usize, usize),
    /// The text after the carets (for rules: the violation kind's `--json` name).
    pub label: String,
}

/// The carets of an annotation line: (column of the first caret, number of carets, label).
fn caret_line(line: &str) -> Option<(usize, usize, &str)> {
    let rest = line.trim_start().strip_prefix("//")?;
    let carets = rest.trim_start_matches(' ');
    let n = carets.len() - carets.trim_start_matches('^').len();
    if n == 0 {
        return None;
    }
    let col = line.len() - carets.len();
    Some((col, n, carets[n..].trim()))
}

/// Is `line` an annotation line?
pub fn is_annotation(line: &str) -> bool {
    caret_line(line).is_some()
}

/// Every annotation of `text`.
pub fn extract_annotations(text: &str) -> Vec<Annotation> {
    let mut out = Vec::new();
    let mut target = None;
    for (i, line) in text.lines().enumerate() {
        match caret_line(line) {
            Some((col, n, label)) => {
                let line = target.unwrap_or_else(|| panic!("annotation on line {i} marks nothing"));
                assert!(!label.is_empty(), "annotation on line {i} has no label");
                out.push(Annotation {
                    line,
                    cols: (col, col + n),
                    label: label.to_string(),
                });
            }
            None => target = Some(i),
        }
    }
    out
}

/// The annotation marking `range` of `text` with `label`. A range that spans lines is marked
/// from its start to the end of its first line.
pub fn annotate(text: &str, range: TextRange, label: String) -> Annotation {
    let start = usize::from(range.start());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = usize::from(range.end()).min(line_end).max(start + 1);
    Annotation {
        line: text[..start].matches('\n').count(),
        cols: (start - line_start, end - line_start),
        label,
    }
}

/// `text` with its annotation lines replaced by `annotations`: what a fixture would have to
/// say to pass. Shown when a fixture fails.
pub fn render(text: &str, annotations: &[Annotation]) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if is_annotation(line) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        for a in annotations.iter().filter(|a| a.line == i) {
            let (col, end) = a.cols;
            out.push_str(&" ".repeat(col.saturating_sub(2)));
            out.push_str("//");
            out.push_str(&"^".repeat(end - col));
            out.push(' ');
            out.push_str(&a.label);
            out.push('\n');
        }
    }
    out
}

/// Compares the annotations a fixture states with those the code under test produced (as
/// multisets) and panics with both versions of the fixture when they differ.
pub fn assert_annotations(text: &str, mut actual: Vec<Annotation>) {
    let mut expected = extract_annotations(text);
    expected.sort();
    actual.sort();
    if expected == actual {
        return;
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|a| !actual.contains(a))
        .map(|a| format!("  line {} cols {:?}: {}", a.line + 1, a.cols, a.label))
        .collect();
    let unexpected: Vec<String> = actual
        .iter()
        .filter(|a| !expected.contains(a))
        .map(|a| format!("  line {} cols {:?}: {}", a.line + 1, a.cols, a.label))
        .collect();
    panic!(
        "annotations differ\n\nexpected, not found:\n{}\n\nfound, not expected:\n{}\n\n\
         the fixture as it would pass:\n{}",
        missing.join("\n"),
        unexpected.join("\n"),
        render(text, &actual)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_mark_the_line_above() {
        let text = trim_indent(
            r#"
            trait D {
                fn c<T>(&self, t: T);
                 //^ generic_method
                   // ^^^^^^^^^^^^^ two
            }
            "#,
        );
        assert_eq!(
            extract_annotations(&text),
            vec![
                Annotation {
                    line: 1,
                    cols: (7, 8),
                    label: "generic_method".into()
                },
                Annotation {
                    line: 1,
                    cols: (10, 23),
                    label: "two".into()
                },
            ]
        );
        let c = TextRange::at(TextSize::from(17), TextSize::from(1));
        assert_eq!(&text[c], "c");
        assert_eq!(
            annotate(&text, c, "generic_method".into()),
            extract_annotations(&text)[0]
        );
        assert_eq!(
            render(&text, &[annotate(&text, c, "x".into())]),
            "trait D {\n    fn c<T>(&self, t: T);\n     //^ x\n}\n"
        );
    }

    #[test]
    #[should_panic(expected = "found, not expected:\n  line 2 cols (7, 8): generic_method")]
    fn an_unannotated_finding_fails() {
        let text = trim_indent("trait D {\n    fn c<T>(&self, t: T);\n}\n");
        let c = TextRange::at(TextSize::from(17), TextSize::from(1));
        assert_annotations(&text, vec![annotate(&text, c, "generic_method".into())]);
    }
}
