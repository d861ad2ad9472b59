//! The server's state: the core's [`Analysis`], the open documents, the settings, and what
//! was last published. All of it sits behind one mutex in the backend, taken only for the
//! synchronous core calls (never across an `.await`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, DiagnosticRelatedInformation,
    DiagnosticSeverity, Location, NumberOrString, Uri, WorkspaceEdit,
};

use super::convert::{LineIndex, LineMap};
use super::settings::Settings;
use dynlens_core::{
    Analysis, Assist, AssistKind, Diagnostic, FileId, Severity, SourceChange, TextEdit,
};
use dynlens_core::{TextRange, TextSize};

/// A document the client has opened: its text comes from the client, not from disk.
///
/// One document per path: URIs that name the same file (`file:///x/a.rs`, `file:///x/%61.rs`,
/// `file:///x/y/../a.rs`) are one document, opened once per spelling the client used.
#[derive(Debug, Clone)]
pub(crate) struct OpenDocument {
    pub(crate) file: FileId,
    pub(crate) path: PathBuf,
    pub(crate) version: i32,
    /// The client's URIs for it, in the order opened (never empty while it is open); its
    /// diagnostics are published under each.
    pub(crate) uris: Vec<Uri>,
}

/// Diagnostics to publish for one document.
pub(crate) struct Publication {
    pub(crate) uri: Uri,
    pub(crate) diagnostics: Vec<lsp::Diagnostic>,
    pub(crate) version: Option<i32>,
}

/// Everything the handlers share.
pub(crate) struct State {
    pub(crate) analysis: Analysis,
    /// The open documents, by [`uri_to_path`].
    pub(crate) open: HashMap<PathBuf, OpenDocument>,
    pub(crate) settings: Settings,
    /// The workspace folders, as paths.
    pub(crate) roots: Vec<PathBuf>,
    /// The files the crate graph was built from (manifests, `Cargo.lock`, `.cargo/config.toml`):
    /// a change to one of them reloads the project.
    pub(crate) project_inputs: Vec<PathBuf>,
    line_indexes: HashMap<FileId, Arc<LineIndex>>,
    /// What was last published per open document (to skip identical re-publications).
    published: HashMap<Uri, Vec<lsp::Diagnostic>>,
    /// Documents opened or changed since the last publication: always republished.
    changed: HashSet<PathBuf>,
    /// URIs closed since the last publication: their diagnostics are cleared.
    closed: HashSet<Uri>,
    /// The client applies workspace edits that create files (`documentChanges` with
    /// `create` resource operations).
    pub(crate) create_files: bool,
}

/// The path under which a document is known to the core: its file path for `file:` URIs,
/// the URI itself otherwise (e.g. `untitled:Untitled-1`), so that every document has one.
///
/// Normalized, so that every spelling of one file gives one path: percent-escapes decoded
/// (whatever the case of their hex digits), `.` and `..` segments resolved lexically (as the
/// URI specification does; symbolic links are not followed). Other URIs get their
/// percent-escapes normalized (RFC 3986 §6.2.2: unreserved characters decoded, hex digits
/// upper case).
pub(crate) fn uri_to_path(uri: &Uri) -> PathBuf {
    if uri.scheme().as_str().eq_ignore_ascii_case("file")
        && let Some(path) = uri.to_file_path()
    {
        return normalize_path(&path);
    }
    PathBuf::from(normalize_escapes(uri.as_str()))
}

/// `.` and `..` resolved lexically; `..` at the root stays at the root.
fn normalize_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let at_root = out.parent().is_none() && out.has_root();
                if !out.pop() && !at_root {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// RFC 3986 percent-encoding normalization: escapes of unreserved characters decoded, the
/// hex digits of the others in upper case.
fn normalize_escapes(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = String::with_capacity(uri.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            let decoded = (hi * 16 + lo) as u8;
            if decoded.is_ascii_alphanumeric() || b"-._~".contains(&decoded) {
                out.push(decoded as char);
            } else {
                out.push_str(&format!("%{decoded:02X}"));
            }
            i += 3;
            continue;
        }
        let len = uri[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&uri[i..i + len]);
        i += len;
    }
    out
}

impl State {
    pub(crate) fn new(analysis: Analysis) -> Self {
        State {
            analysis,
            open: HashMap::new(),
            settings: Settings::default(),
            roots: Vec::new(),
            project_inputs: Vec::new(),
            line_indexes: HashMap::new(),
            published: HashMap::new(),
            changed: HashSet::new(),
            closed: HashSet::new(),
            create_files: false,
        }
    }

    /// The open document a URI names (in any of its spellings).
    pub(crate) fn document(&self, uri: &Uri) -> Option<&OpenDocument> {
        self.open.get(&uri_to_path(uri))
    }

    /// The file behind a URI: an open document, or a workspace file read from disk.
    pub(crate) fn file_of(&self, uri: &Uri) -> Option<FileId> {
        let path = uri_to_path(uri);
        match self.open.get(&path) {
            Some(doc) => Some(doc.file),
            None => self.analysis.file_id(&path),
        }
    }

    /// The URI of a file: the open document's own URI when it is open (the first the client
    /// opened it under), its `file:` URI otherwise.
    pub(crate) fn uri_of(&self, file: FileId) -> Option<Uri> {
        if let Some(uri) = self
            .open
            .values()
            .find(|doc| doc.file == file)
            .and_then(|doc| doc.uris.first())
        {
            return Some(uri.clone());
        }
        let path = self.analysis.file_path(file)?;
        if path.is_absolute() {
            Uri::from_file_path(path)
        } else {
            path.to_str()?.parse().ok()
        }
    }

    fn line_index(&mut self, file: FileId) -> Option<Arc<LineIndex>> {
        if let Some(index) = self.line_indexes.get(&file) {
            return Some(index.clone());
        }
        let index = Arc::new(LineIndex::new(self.analysis.file_text(file)?));
        self.line_indexes.insert(file, index.clone());
        Some(index)
    }

    /// Runs `f` with the file's text and line map.
    pub(crate) fn with_map<R>(
        &mut self,
        file: FileId,
        f: impl FnOnce(&LineMap<'_>, &Analysis) -> R,
    ) -> Option<R> {
        let index = self.line_index(file)?;
        let text = self.analysis.file_text(file)?;
        Some(f(
            &LineMap {
                text,
                index: &index,
            },
            &self.analysis,
        ))
    }

    /// Byte offset of a position in a file (clamped).
    pub(crate) fn offset(&mut self, file: FileId, pos: lsp::Position) -> Option<TextSize> {
        self.with_map(file, |map, _| map.offset(pos))
    }

    /// Byte range of an LSP range in a file (clamped).
    pub(crate) fn range(&mut self, file: FileId, range: lsp::Range) -> Option<TextRange> {
        self.with_map(file, |map, _| map.range(range))
    }

    /// LSP range of a byte range in a file.
    pub(crate) fn lsp_range(&mut self, file: FileId, range: TextRange) -> Option<lsp::Range> {
        self.with_map(file, |map, _| map.lsp_range(range))
    }

    fn set_text(&mut self, path: PathBuf, text: String) -> FileId {
        let file = self.analysis.set_file_text(path, text);
        self.line_indexes.remove(&file);
        file
    }

    /// Loads a workspace file read from disk, unless the client has it open (open documents
    /// override disk).
    pub(crate) fn load_disk_file(&mut self, path: PathBuf, text: String) {
        if self.open.contains_key(&path) {
            return;
        }
        self.set_text(path, text);
    }

    /// Forgets a workspace file deleted from disk, unless it is open.
    pub(crate) fn forget_disk_file(&mut self, path: &Path) {
        if self.open.contains_key(path) {
            return;
        }
        if let Some(file) = self.analysis.file_id(path) {
            self.analysis.remove_file(file);
            self.line_indexes.remove(&file);
        }
    }

    /// `textDocument/didOpen`. Opening a document already open under another URI (or the
    /// same one) replaces its text and adds the URI.
    pub(crate) fn open_document(&mut self, uri: Uri, version: i32, text: String) {
        let path = uri_to_path(&uri);
        let file = self.set_text(path.clone(), text);
        self.closed.remove(&uri);
        self.changed.insert(path.clone());
        let doc = self
            .open
            .entry(path.clone())
            .or_insert_with(|| OpenDocument {
                file,
                path,
                version,
                uris: Vec::new(),
            });
        doc.file = file;
        doc.version = version;
        doc.uris.push(uri);
    }

    /// `textDocument/didChange`: applies the changes in order. `false` if the document is
    /// not open (the change is ignored).
    pub(crate) fn change_document(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) -> bool {
        let Some(doc) = self.document(uri).cloned() else {
            return false;
        };
        let mut file = doc.file;
        for change in changes {
            file = match change.range {
                None => self.set_text(doc.path.clone(), change.text),
                Some(range) => self.apply_edit(file, &doc.path, range, change.text),
            };
        }
        if let Some(doc) = self.open.get_mut(&doc.path) {
            doc.file = file;
            doc.version = version;
        }
        self.changed.insert(doc.path);
        true
    }

    /// One incremental edit. If the core refuses it, the document is resynchronised with the
    /// whole edited text, so the server's text never diverges from the client's.
    fn apply_edit(
        &mut self,
        file: FileId,
        path: &Path,
        range: lsp::Range,
        insert: String,
    ) -> FileId {
        let Some(range) = self.range(file, range) else {
            tracing::error!("no text for {}; edit ignored", path.display());
            return file;
        };
        let edit = TextEdit { range, insert };
        self.line_indexes.remove(&file);
        match self.analysis.edit_file(file, &edit) {
            Ok(()) => file,
            Err(err) => {
                tracing::warn!(
                    "the core refused an edit of {} ({err}); resynchronising the whole text",
                    path.display()
                );
                let mut text = self.analysis.file_text(file).unwrap_or_default().to_owned();
                let (start, end) = (
                    usize::from(edit.range.start()),
                    usize::from(edit.range.end()),
                );
                if text.is_char_boundary(start) && text.is_char_boundary(end) && end <= text.len() {
                    text.replace_range(start..end, &edit.insert);
                }
                self.set_text(path.to_owned(), text)
            }
        }
    }

    /// `textDocument/didClose`: the disk version comes back, or the file is forgotten — once
    /// the client has closed every URI it opened the document under.
    pub(crate) fn close_document(&mut self, uri: &Uri) {
        let path = uri_to_path(uri);
        let Some(doc) = self.open.get_mut(&path) else {
            return;
        };
        let alias = doc.uris.iter().position(|u| u == uri).unwrap_or(0);
        if alias < doc.uris.len() {
            doc.uris.remove(alias);
        }
        self.published.remove(uri);
        if !doc.uris.iter().any(|u| u == uri) {
            self.closed.insert(uri.clone());
        }
        if !doc.uris.is_empty() {
            return;
        }
        let Some(doc) = self.open.remove(&path) else {
            return;
        };
        self.changed.remove(&path);
        self.line_indexes.remove(&doc.file);
        let in_workspace = self.roots.iter().any(|root| doc.path.starts_with(root));
        let on_disk = if in_workspace {
            dynlens_loader::read_source(&doc.path)
        } else {
            None
        };
        match on_disk {
            Some(text) => {
                self.set_text(doc.path, text);
            }
            None => self.analysis.remove_file(doc.file),
        }
    }

    /// Whether a path is an open document's.
    pub(crate) fn is_open_path(&self, path: &Path) -> bool {
        self.open.contains_key(path)
    }

    /// What must be published now: empty diagnostics for documents closed since the last
    /// time; the diagnostics of documents opened or changed since then; and those of the other
    /// open documents when they differ from what was last published (traits are
    /// workspace-wide, so an edit anywhere can change them).
    pub(crate) fn diagnostics_to_publish(&mut self) -> Vec<Publication> {
        let mut out: Vec<Publication> = self
            .closed
            .drain()
            .map(|uri| Publication {
                uri,
                diagnostics: Vec::new(),
                version: None,
            })
            .collect();
        let changed = std::mem::take(&mut self.changed);
        let docs: Vec<OpenDocument> = self.open.values().cloned().collect();
        for doc in docs {
            let diagnostics = if self.settings.diagnostics.enable {
                self.lsp_diagnostics(doc.file)
            } else {
                Vec::new()
            };
            let mut uris = doc.uris.clone();
            uris.dedup();
            for uri in uris {
                let same = self.published.get(&uri) == Some(&diagnostics);
                if changed.contains(&doc.path) || !same {
                    self.published.insert(uri.clone(), diagnostics.clone());
                    out.push(Publication {
                        uri,
                        diagnostics: diagnostics.clone(),
                        version: Some(doc.version),
                    });
                }
            }
        }
        out
    }

    fn lsp_diagnostics(&mut self, file: FileId) -> Vec<lsp::Diagnostic> {
        let core = self.analysis.diagnostics(file);
        core.into_iter()
            .filter_map(|d| self.lsp_diagnostic(file, d))
            .collect()
    }

    fn lsp_diagnostic(&mut self, file: FileId, d: Diagnostic) -> Option<lsp::Diagnostic> {
        let range = self.lsp_range(file, d.range)?;
        let related: Vec<DiagnosticRelatedInformation> = d
            .related
            .into_iter()
            .filter_map(|info| {
                let location = Location {
                    uri: self.uri_of(info.file)?,
                    range: self.lsp_range(info.file, info.range)?,
                };
                Some(DiagnosticRelatedInformation {
                    location,
                    message: info.message,
                })
            })
            .collect();
        Some(lsp::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Hint => DiagnosticSeverity::HINT,
            }),
            code: Some(NumberOrString::String(d.code.to_owned())),
            source: Some("dynlens".to_owned()),
            message: d.message,
            related_information: (!related.is_empty()).then_some(related),
            ..Default::default()
        })
    }

    /// A core assist as an LSP code action: with its edit when the core built it, with
    /// `data` (to resolve it later) otherwise.
    pub(crate) fn code_action(
        &mut self,
        assist: Assist,
        diagnostics: &[lsp::Diagnostic],
        data: Option<serde_json::Value>,
    ) -> Option<CodeActionOrCommand> {
        let edit = match assist.change {
            Some(change) => Some(self.workspace_edit(change)?),
            None => None,
        };
        let kind = code_action_kind(assist.kind);
        let is_fix = assist.kind == AssistKind::QuickFix;
        Some(CodeActionOrCommand::CodeAction(CodeAction {
            title: assist.label,
            kind: Some(kind),
            diagnostics: (is_fix && !diagnostics.is_empty()).then(|| diagnostics.to_vec()),
            edit,
            data,
            ..Default::default()
        }))
    }

    /// A core change as a workspace edit: `changes` holds every file it touches; a change
    /// that creates files is `documentChanges` (each creation, then the text edits). `None`
    /// when a file has no URI or text any more, or the change creates a file and the client
    /// cannot.
    pub(crate) fn workspace_edit(&mut self, change: SourceChange) -> Option<WorkspaceEdit> {
        let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
        let mut order = Vec::new();
        for dynlens_core::FileEdit { file, edits } in change.files {
            let uri = self.uri_of(file)?;
            let converted = self.with_map(file, |map, _| {
                edits
                    .iter()
                    .map(|e| lsp::TextEdit::new(map.lsp_range(e.range), e.insert.clone()))
                    .collect::<Vec<_>>()
            })?;
            if !changes.contains_key(&uri) {
                order.push(uri.clone());
            }
            changes.entry(uri).or_default().extend(converted);
        }
        if change.new_files.is_empty() {
            return Some(WorkspaceEdit {
                changes: Some(changes),
                ..Default::default()
            });
        }
        if !self.create_files {
            return None;
        }
        let mut ops = Vec::new();
        for f in change.new_files {
            let uri = Uri::from_file_path(&f.path)?;
            ops.push(lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(
                lsp::CreateFile {
                    uri: uri.clone(),
                    options: Some(lsp::CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                },
            )));
            ops.push(text_document_edit(
                uri,
                vec![lsp::TextEdit::new(lsp::Range::default(), f.text)],
            ));
        }
        for uri in order {
            let edits = changes.remove(&uri).unwrap_or_default();
            ops.push(text_document_edit(uri, edits));
        }
        Some(WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(ops)),
            ..Default::default()
        })
    }
}

fn text_document_edit(uri: Uri, edits: Vec<lsp::TextEdit>) -> lsp::DocumentChangeOperation {
    lsp::DocumentChangeOperation::Edit(lsp::TextDocumentEdit {
        text_document: lsp::OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
    })
}

/// The LSP kind of a core assist.
pub(crate) fn code_action_kind(kind: AssistKind) -> CodeActionKind {
    match kind {
        AssistKind::QuickFix => CodeActionKind::QUICKFIX,
        AssistKind::Refactor => CodeActionKind::REFACTOR,
        AssistKind::RefactorRewrite => CodeActionKind::REFACTOR_REWRITE,
    }
}

/// Whether a kind passes the client's `only` filter (a kind matches its prefixes:
/// `refactor` admits `refactor.rewrite`).
pub(crate) fn kind_allowed(kind: &CodeActionKind, only: Option<&[CodeActionKind]>) -> bool {
    let Some(only) = only else { return true };
    only.iter().any(|want| {
        let (want, kind) = (want.as_str(), kind.as_str());
        kind == want || (kind.starts_with(want) && kind.as_bytes().get(want.len()) == Some(&b'.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_filter_matches_prefixes() {
        let rewrite = CodeActionKind::REFACTOR_REWRITE;
        assert!(kind_allowed(&rewrite, None));
        assert!(kind_allowed(&rewrite, Some(&[CodeActionKind::REFACTOR])));
        assert!(!kind_allowed(&rewrite, Some(&[CodeActionKind::QUICKFIX])));
        assert!(!kind_allowed(
            &CodeActionKind::new("refactorx"),
            Some(&[CodeActionKind::REFACTOR])
        ));
    }

    #[test]
    fn non_file_uris_keep_their_own_path() {
        let uri: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(uri_to_path(&uri), PathBuf::from("untitled:Untitled-1"));
        let file: Uri = "file:///tmp/a%20b.rs".parse().unwrap();
        assert_eq!(uri_to_path(&file), PathBuf::from("/tmp/a b.rs"));
    }

    #[test]
    fn every_spelling_of_a_file_is_one_path() {
        let path = |s: &str| uri_to_path(&s.parse::<Uri>().unwrap());
        let a = path("file:///x/a.rs");
        assert_eq!(a, PathBuf::from("/x/a.rs"));
        for same in [
            "file:///x/%61.rs",
            "file:///x/%61%2Ers",
            "file:///x/%61%2ers",
            "file:///x/./a.rs",
            "file:///x/y/../a.rs",
            "file:///x/y/./../a.rs",
            "file:///../x/a.rs",
        ] {
            assert_eq!(path(same), a, "{same}");
        }
        assert_ne!(path("file:///x/b.rs"), a);
        assert_eq!(path("untitled:%61%2f%2F"), path("untitled:a%2F%2F"));
    }
}
