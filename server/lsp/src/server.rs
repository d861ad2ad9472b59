//! The handlers: each converts positions, takes the state lock for one synchronous core
//! call (inside `catch_unwind`, so a panic becomes an error response), and converts back.
//!
//! Ordering: the server runs with a concurrency level of 1 (see [`super::run_stdio`]), so
//! messages are handled one after the other in the order they arrive — `didChange`
//! notifications are applied in the order sent (tower-lsp issue #284). Work that is not a
//! response to a message runs in background tasks that take the same lock for short moments:
//! the workspace scan, and the diagnostics publisher — the only task that sends
//! `publishDiagnostics`, woken after every change, so that a burst of edits is answered with
//! the diagnostics of the latest state (never an older one after a newer one) and requests
//! queued behind an edit do not wait for its diagnostics.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{self, ErrorCode};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileChangeType, FileSystemWatcher,
    GlobPattern, Hover, HoverContents, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, InitializedParams, MarkupContent, MarkupKind, MessageType, Position,
    ProgressToken, Registration, ServerCapabilities, ServerInfo, TextDocumentIdentifier,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri, WorkspaceEdit,
};
use tower_lsp_server::{Client, LanguageServer};

use super::settings::Settings;
use super::state::{State, code_action_kind, kind_allowed, uri_to_path};
use dynlens_core::{Analysis, AssistKind, AssistResolve};
use dynlens_loader::workspace;

/// What the handlers and the background tasks share.
#[derive(Clone)]
pub(crate) struct Shared {
    client: Client,
    state: Arc<Mutex<State>>,
    /// Wakes the diagnostics publisher.
    publish_needed: Arc<tokio::sync::Notify>,
    /// How many handlers are waiting for the state lock (the workspace scan yields to them).
    waiting: Arc<AtomicUsize>,
}

/// The language server.
pub(crate) struct Backend {
    shared: Shared,
    shutdown_requested: Arc<AtomicBool>,
    watch_files: AtomicBool,
    /// The client resolves code actions' edits (`codeAction/resolve`): list them without.
    resolve_edits: AtomicBool,
    /// The client shows `$/progress` (`window.workDoneProgress`).
    progress: AtomicBool,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

fn invalid_params(message: String) -> jsonrpc::Error {
    jsonrpc::Error {
        code: ErrorCode::InvalidParams,
        message: message.into(),
        data: None,
    }
}

impl Shared {
    /// Runs `f` on the state. A panic inside becomes an internal-error response (the lock's
    /// poison is cleared: the next request is served).
    pub(crate) fn with_state<R>(
        &self,
        what: &str,
        f: impl FnOnce(&mut State) -> R,
    ) -> jsonrpc::Result<R> {
        let started = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| {
            self.waiting.fetch_add(1, Ordering::SeqCst);
            let guard = self.state.lock();
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            let mut guard = guard.unwrap_or_else(|poisoned| poisoned.into_inner());
            let locked = started.elapsed();
            let result = f(&mut guard);
            tracing::debug!(
                "{what}: {:?} (of which {locked:?} waiting for the lock)",
                started.elapsed()
            );
            result
        }));
        if self.state.is_poisoned() {
            self.state.clear_poison();
        }
        result.map_err(|payload| {
            let message = panic_message(payload.as_ref());
            tracing::error!("panic while handling {what}: {message}");
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let (client, text) = (
                    self.client.clone(),
                    format!("dynlens: panic while handling {what}: {message}"),
                );
                runtime.spawn(async move { client.log_message(MessageType::ERROR, text).await });
            }
            jsonrpc::Error {
                code: ErrorCode::InternalError,
                message: format!("dynlens: internal error while handling {what}: {message}").into(),
                data: None,
            }
        })
    }

    /// Asks the publisher to publish what changed (see [`State::diagnostics_to_publish`]).
    pub(crate) fn publish(&self) {
        self.publish_needed.notify_one();
    }

    /// The diagnostics publisher: runs for the whole session. Wake-ups that arrive while it
    /// works collapse into one, so a burst of edits costs one computation, of the latest state.
    async fn publisher(self) {
        loop {
            self.publish_needed.notified().await;
            let Ok(publications) = self.with_state("diagnostics", State::diagnostics_to_publish)
            else {
                continue;
            };
            for p in publications {
                self.client
                    .publish_diagnostics(p.uri, p.diagnostics, p.version)
                    .await;
            }
        }
    }

    /// Loads the Cargo project of the first workspace folder (its crate graph: manifests,
    /// `Cargo.lock`, `.cargo/config.toml`, read as data; nothing is run) and hands it to the
    /// analysis, then republishes: names now resolve per module and into dependencies. Reports
    /// `$/progress` when the client supports it. Called at start and when one of the files the
    /// graph was built from changes.
    async fn load_project(self, progress: bool) {
        let Ok(Some(root)) = self.with_state("project", |s| s.roots.first().cloned()) else {
            return;
        };
        let reporter = if progress {
            let token = ProgressToken::String("dynlens/project".to_owned());
            // A client that never answers must not keep the project from loading.
            let created = tokio::time::timeout(
                Duration::from_secs(2),
                self.client.create_work_done_progress(token.clone()),
            )
            .await;
            match created.unwrap_or(Err(jsonrpc::Error::request_cancelled())) {
                Ok(()) => Some(
                    self.client
                        .progress(token, "dynlens: loading the crate graph")
                        .with_message(root.display().to_string())
                        .begin()
                        .await,
                ),
                Err(e) => {
                    tracing::debug!("no progress reports: {e}");
                    None
                }
            }
        } else {
            None
        };
        let started = Instant::now();
        let loaded = tokio::task::spawn_blocking(move || dynlens_loader::load_project(&root)).await;
        let summary = match loaded {
            Ok(Ok(load)) => {
                let crates = load.graph.len();
                for w in &load.warnings {
                    tracing::info!("project: {w}");
                }
                let missing = load.warnings.len();
                let _ = self.with_state("project", |s| {
                    s.project_inputs = load.inputs;
                    s.analysis
                        .set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
                });
                format!(
                    "dynlens: loaded the crate graph of {} ({crates} crates, {missing} warnings) in {:?}",
                    load.workspace_root.display(),
                    started.elapsed()
                )
            }
            Ok(Err(e)) => format!("dynlens: no Cargo project ({e}); names resolve file by file"),
            Err(e) => format!("dynlens: loading the crate graph failed: {e}"),
        };
        tracing::info!("{summary}");
        self.client.log_message(MessageType::INFO, &summary).await;
        if let Some(reporter) = reporter {
            reporter.finish_with_message(summary).await;
        }
        self.publish();
    }

    /// Reads every `.rs` file of the workspace folders into the analysis, then republishes.
    ///
    /// It starts after a short delay, because editors open the visible documents right after
    /// `initialized` and those must not wait behind the scan; it skips open documents; and
    /// before each file it lets handlers waiting for the state go first.
    async fn scan_workspace(self) {
        let Ok(roots) = self.with_state("workspace scan", |s| s.roots.clone()) else {
            return;
        };
        if roots.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let shared = self.clone();
        let scanned = tokio::task::spawn_blocking(move || {
            let mut loaded = 0usize;
            for root in &roots {
                for path in workspace::rust_files(root) {
                    while shared.waiting.load(Ordering::SeqCst) > 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    if shared
                        .with_state("workspace scan", |s| s.is_open_path(&path))
                        .unwrap_or(true)
                    {
                        continue;
                    }
                    if let Some(text) = workspace::read_source(&path)
                        && shared
                            .with_state("workspace scan", |s| s.load_disk_file(path, text))
                            .is_ok()
                    {
                        loaded += 1;
                    }
                }
            }
            loaded
        })
        .await;
        match scanned {
            Ok(loaded) => {
                let message = format!(
                    "dynlens: read {loaded} workspace files in {:?}",
                    started.elapsed()
                );
                tracing::info!("{message}");
                self.client.log_message(MessageType::INFO, message).await;
            }
            Err(e) => tracing::error!("the workspace scan failed: {e}"),
        }
        self.publish();
    }
}

impl Backend {
    pub(crate) fn new(
        client: Client,
        analysis: Analysis,
        shutdown_requested: Arc<AtomicBool>,
    ) -> Self {
        let shared = Shared {
            client,
            state: Arc::new(Mutex::new(State::new(analysis))),
            publish_needed: Arc::new(tokio::sync::Notify::new()),
            waiting: Arc::new(AtomicUsize::new(0)),
        };
        // Called inside the runtime (`LspService::build` in `serve`).
        tokio::spawn(shared.clone().publisher());
        Backend {
            shared,
            shutdown_requested,
            watch_files: AtomicBool::new(false),
            resolve_edits: AtomicBool::new(false),
            progress: AtomicBool::new(false),
        }
    }

    fn with_state<R>(&self, what: &str, f: impl FnOnce(&mut State) -> R) -> jsonrpc::Result<R> {
        self.shared.with_state(what, f)
    }

    fn apply_settings(&self, value: &Value) {
        match Settings::from_json(value) {
            Ok(Some(settings)) => {
                tracing::info!("settings: {settings:?}");
                let _ = self.with_state("settings", |s| s.settings = settings);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("{e}; keeping the current settings"),
        }
    }

    /// `dynlens/expandTrait`.
    pub(crate) async fn expand_trait(
        &self,
        params: ExpandTraitParams,
    ) -> jsonrpc::Result<Option<ExpandTraitResult>> {
        let uri = params.text_document.uri;
        let expanded = self.with_state("dynlens/expandTrait", |s| {
            let file = s.file_of(&uri)?;
            let offset = s.offset(file, params.position)?;
            Some(s.analysis.expand_at(file, offset))
        })?;
        match expanded {
            None => Err(invalid_params(format!(
                "unknown document: {}",
                uri.as_str()
            ))),
            Some(None) => Ok(None),
            Some(Some(Ok(out))) => Ok(Some(ExpandTraitResult {
                trait_name: out.trait_name,
                text: out.text,
                title: out.title,
            })),
            Some(Some(Err(message))) => Err(jsonrpc::Error {
                code: ErrorCode::ServerError(-32803), // LSP "RequestFailed"
                message: format!("dynlens: cannot expand the trait: {message}").into(),
                data: None,
            }),
        }
    }

    /// `dynlens/testPanic` (test hook): panics inside the handler.
    pub(crate) async fn test_panic(&self) -> jsonrpc::Result<Value> {
        self.with_state("dynlens/testPanic", |_| -> Value {
            panic!("deliberate panic (dynlens/testPanic)")
        })
    }

    /// `dynlens/documentText` (test hook): the core's current text of a document.
    pub(crate) async fn document_text(&self, params: DocumentTextParams) -> jsonrpc::Result<Value> {
        let uri = params.text_document.uri;
        let found = self.with_state("dynlens/documentText", |s| {
            let file = s.file_of(&uri)?;
            let version = s.document(&uri).map(|d| d.version);
            Some(json!({ "text": s.analysis.file_text(file)?, "version": version }))
        })?;
        found.ok_or_else(|| invalid_params(format!("unknown document: {}", uri.as_str())))
    }
}

/// The `data` of a code action listed without its edit: enough to find the assist again on
/// `codeAction/resolve`.
///
/// Resolving recomputes the assists at `range` with only the edit of `id` built, and takes the
/// `nth` assist with that id (several share an id on a `dyn` use). The range is only
/// meaningful in the text it was computed on, so a document whose `version` is no longer the
/// current one (changed, or closed: `None` then stands for a file not open in the editor) is
/// answered with `ContentModified` — the client asks for the actions again — rather than
/// recomputed at a range that may now point elsewhere. The title is checked too.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CodeActionData {
    uri: Uri,
    range: tower_lsp_server::ls_types::Range,
    id: String,
    nth: usize,
    version: Option<i32>,
}

fn content_modified(message: String) -> jsonrpc::Error {
    jsonrpc::Error {
        code: ErrorCode::ContentModified,
        message: message.into(),
        data: None,
    }
}

/// Params of `dynlens/expandTrait`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExpandTraitParams {
    text_document: TextDocumentIdentifier,
    position: Position,
}

/// Result of `dynlens/expandTrait`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExpandTraitResult {
    trait_name: String,
    text: String,
    title: String,
}

/// Params of `dynlens/documentText`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DocumentTextParams {
    text_document: TextDocumentIdentifier,
}

/// A file the crate graph is read from: a manifest, a lock file, Cargo's configuration.
fn is_project_input(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    matches!(name, "Cargo.toml" | "Cargo.lock")
        || (name == "config.toml"
            && path
                .parent()
                .and_then(|p| p.file_name())
                .is_some_and(|n| n == ".cargo"))
}

fn roots_of(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let file_root = |uri: &Uri| {
        let path = uri_to_path(uri);
        path.is_absolute().then_some(path)
    };
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders.iter().filter_map(|f| file_root(&f.uri)).collect();
    }
    #[allow(deprecated)] // rootUri and rootPath are what older clients send
    let root = params
        .root_uri
        .as_ref()
        .and_then(file_root)
        .or_else(|| params.root_path.as_ref().map(Into::into));
    root.into_iter().collect()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        if let Some(options) = &params.initialization_options {
            self.apply_settings(options);
        }
        let roots = roots_of(&params);
        tracing::info!("workspace folders: {roots:?}");
        self.with_state("initialize", |s| s.roots = roots)?;
        let dynamic_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.watch_files.store(dynamic_watch, Ordering::Relaxed);
        // VS Code and Neovim 0.11+ resolve `edit` lazily: list actions without it.
        let resolve_edits = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref())
            .and_then(|c| c.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "edit"));
        self.resolve_edits.store(resolve_edits, Ordering::Relaxed);
        // Creating `dyn_star.rs` needs `documentChanges` with `create` operations.
        let create_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .is_some_and(|e| {
                e.document_changes == Some(true)
                    && e.resource_operations.as_ref().is_some_and(|ops| {
                        ops.contains(&tower_lsp_server::ls_types::ResourceOperationKind::Create)
                    })
            });
        self.with_state("initialize", |s| s.create_files = create_files)?;
        let progress = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false);
        self.progress.store(progress, Ordering::Relaxed);

        let kinds = [
            AssistKind::QuickFix,
            AssistKind::Refactor,
            AssistKind::RefactorRewrite,
        ]
        .map(code_action_kind);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(kinds.to_vec()),
                        resolve_provider: Some(true),
                        ..Default::default()
                    },
                )),
                experimental: Some(json!({ "expandTrait": true })),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "dynlens".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tokio::spawn(
            self.shared
                .clone()
                .load_project(self.progress.load(Ordering::Relaxed)),
        );
        tokio::spawn(self.shared.clone().scan_workspace());
        if self.watch_files.load(Ordering::Relaxed) {
            // Not awaited here: the handler must not wait for the client while it blocks the queue.
            let client = self.shared.client.clone();
            tokio::spawn(async move {
                // The `.rs` files, and what the crate graph is read from.
                let watchers = [
                    "**/*.rs",
                    "**/Cargo.toml",
                    "**/Cargo.lock",
                    "**/.cargo/config.toml",
                ]
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.to_owned()),
                    kind: None,
                });
                let options = DidChangeWatchedFilesRegistrationOptions {
                    watchers: watchers.to_vec(),
                };
                let registration = Registration {
                    id: "dynlens-watch-rs".to_owned(),
                    method: "workspace/didChangeWatchedFiles".to_owned(),
                    register_options: serde_json::to_value(options).ok(),
                };
                if let Err(e) = client.register_capability(vec![registration]).await {
                    tracing::warn!("could not register file watchers: {e}");
                }
            });
        }
        tracing::info!("dynlens {} initialized", env!("CARGO_PKG_VERSION"));
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        if self
            .with_state("textDocument/didOpen", |s| {
                s.open_document(doc.uri, doc.version, doc.text)
            })
            .is_ok()
        {
            self.shared.publish();
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let changes = params.content_changes;
        match self.with_state("textDocument/didChange", |s| {
            s.change_document(&uri, version, changes)
        }) {
            Ok(true) => self.shared.publish(),
            Ok(false) => tracing::warn!(
                "didChange for a document that is not open: {}",
                uri.as_str()
            ),
            Err(_) => {} // logged; the next full open resynchronises
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if self
            .with_state("textDocument/didClose", |s| s.close_document(&uri))
            .is_ok()
        {
            // Clears the closed document's diagnostics and refreshes the others.
            self.shared.publish();
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.apply_settings(&params.settings);
        self.shared.publish();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut reload = false;
        for change in params.changes {
            let path = uri_to_path(&change.uri);
            if is_project_input(&path)
                || self
                    .with_state("workspace/didChangeWatchedFiles", |s| {
                        s.project_inputs.contains(&path)
                    })
                    .unwrap_or(false)
            {
                reload = true;
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                let _ = self.with_state("workspace/didChangeWatchedFiles", |s| {
                    s.forget_disk_file(&path)
                });
            } else if let Some(text) = workspace::read_source(&path) {
                let _ = self.with_state("workspace/didChangeWatchedFiles", |s| {
                    s.load_disk_file(path, text)
                });
            }
        }
        if reload {
            tokio::spawn(
                self.shared
                    .clone()
                    .load_project(self.progress.load(Ordering::Relaxed)),
            );
        }
        self.shared.publish();
    }

    async fn hover(&self, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.with_state("textDocument/hover", |s| {
            let Some(file) = s.file_of(&at.text_document.uri) else {
                tracing::debug!(
                    "hover in an unknown document: {}",
                    at.text_document.uri.as_str()
                );
                return None;
            };
            let offset = s.offset(file, at.position)?;
            let config = s.settings.hover_config();
            let result = s.analysis.hover(file, offset, &config)?;
            let range = s.lsp_range(file, result.range);
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: result.markdown,
                }),
                range,
            })
        })
    }

    async fn code_action(
        &self,
        params: CodeActionParams,
    ) -> jsonrpc::Result<Option<CodeActionResponse>> {
        let lazy = self.resolve_edits.load(Ordering::Relaxed);
        self.with_state("textDocument/codeAction", |s| {
            let uri = &params.text_document.uri;
            let file = s.file_of(uri)?;
            let range = s.range(file, params.range)?;
            let only = params.context.only.as_deref();
            let resolve = if lazy {
                AssistResolve::None
            } else {
                AssistResolve::All
            };
            let version = s.document(uri).map(|d| d.version);
            let assists = s.analysis.assists(file, range, resolve);
            let mut seen: Vec<&'static str> = Vec::new();
            let mut actions = Vec::new();
            for a in assists {
                // An action that would create a file the client cannot create is not offered
                // (listed lazily, its edit is built here to know).
                if lazy
                    && !s.create_files
                    && a.change.is_none()
                    && s.analysis
                        .assists(file, range, AssistResolve::Single(a.id.to_owned()))
                        .iter()
                        .any(|x| x.change.as_ref().is_some_and(|c| !c.new_files.is_empty()))
                {
                    continue;
                }
                // Counted before the `only` filter: resolve recomputes without it.
                let nth = seen.iter().filter(|id| **id == a.id).count();
                seen.push(a.id);
                if !kind_allowed(&code_action_kind(a.kind), only) {
                    continue;
                }
                let data = lazy
                    .then(|| {
                        serde_json::to_value(CodeActionData {
                            uri: uri.clone(),
                            range: params.range,
                            id: a.id.to_owned(),
                            nth,
                            version,
                        })
                        .ok()
                    })
                    .flatten();
                actions.extend(s.code_action(a, &params.context.diagnostics, data));
            }
            Some(actions)
        })
    }

    async fn code_action_resolve(&self, mut action: CodeAction) -> jsonrpc::Result<CodeAction> {
        let Some(data) = action.data.clone() else {
            if action.edit.is_some() {
                return Ok(action); // listed with its edit: nothing to resolve
            }
            return Err(invalid_params(
                "dynlens: codeAction/resolve of an action without `data`".to_owned(),
            ));
        };
        let data: CodeActionData = serde_json::from_value(data).map_err(|e| {
            invalid_params(format!(
                "dynlens: codeAction/resolve: `data` is not one of dynlens's: {e}"
            ))
        })?;
        let title = action.title.clone();
        let edit = self.with_state("codeAction/resolve", |s| -> jsonrpc::Result<WorkspaceEdit> {
            let stale = |why: &str| {
                content_modified(format!(
                    "dynlens: the code action `{title}` is out of date ({why}); ask for the actions again"
                ))
            };
            let current = s.document(&data.uri).map(|d| d.version);
            if current != data.version {
                return Err(stale(if current.is_none() {
                    "its document was closed"
                } else {
                    "its document changed"
                }));
            }
            let file = s
                .file_of(&data.uri)
                .ok_or_else(|| stale("its document is gone"))?;
            let range = s
                .range(file, data.range)
                .ok_or_else(|| stale("its document is gone"))?;
            let assists = s
                .analysis
                .assists(file, range, AssistResolve::Single(data.id.clone()));
            let assist = assists
                .into_iter()
                .nth(data.nth)
                .filter(|a| a.label == title)
                .ok_or_else(|| stale("it no longer applies there"))?;
            let change = assist.change.ok_or_else(|| stale("its edit was not built"))?;
            s.workspace_edit(change)
                .ok_or_else(|| stale("a file it edits is gone"))
        })??;
        action.edit = Some(edit);
        Ok(action)
    }
}
