//! A small JSON-RPC client that drives the real `dynlens` binary over stdio, as an editor does.
//!
//! Never hangs: every wait has a deadline, the server's stdout and stderr are drained by
//! threads (so the server never blocks on a full pipe while we write), and the child is
//! killed when the client is dropped.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single wait may take (debug builds on a shared, busy machine).
pub const TIMEOUT: Duration = Duration::from_secs(90);

/// The `dynlens` binary, built once per test run (`cargo build -p dynlens --bin dynlens`),
/// under `CARGO_TARGET_DIR` when it is set. `DYNLENS_BIN` overrides.
pub fn dynlens_binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("DYNLENS_BIN") {
            return PathBuf::from(bin);
        }
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("tests/ has a parent")
            .to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["build", "-p", "dynlens", "--bin", "dynlens"])
            .current_dir(&workspace)
            .status()
            .expect("running cargo build");
        assert!(status.success(), "cargo build -p dynlens failed");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join("target"));
        let target = if target.is_absolute() {
            target
        } else {
            workspace.join(target)
        };
        target
            .join("debug")
            .join(format!("dynlens{}", std::env::consts::EXE_SUFFIX))
    })
    .clone()
}

/// How to start the server.
#[derive(Default)]
pub struct Options {
    /// Set `DYNLENS_TEST_HOOKS=1`.
    pub hooks: bool,
    /// The workspace folder sent in `initialize`.
    pub workspace: Option<PathBuf>,
    /// `initializationOptions`.
    pub init_options: Option<Value>,
    /// Declare `codeAction/resolve` support for `edit` (as VS Code and Neovim 0.11+ do).
    pub resolve_edits: bool,
    /// Declare `window.workDoneProgress` (the client shows `$/progress`).
    pub progress: bool,
    /// Declare workspace edits with `documentChanges` and `create` operations (as VS Code
    /// and Neovim do).
    pub create_files: bool,
}

/// A running server and its conversation.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications and responses received but not yet asked for.
    pending: VecDeque<Value>,
    next_id: i64,
    stderr: Arc<Mutex<String>>,
    /// The `initialize` result.
    pub initialize_result: Value,
    /// The answer to each item of a `workspace/configuration` request from the server.
    pub configuration: Value,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A file URI for a path.
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

impl Client {
    /// Spawns the server without initializing it.
    pub fn spawn_raw(hooks: bool) -> Client {
        let mut command = Command::new(dynlens_binary());
        command.env("DYNLENS_LOG", "info");
        if hooks {
            command.env("DYNLENS_TEST_HOOKS", "1");
        } else {
            command.env_remove("DYNLENS_TEST_HOOKS");
        }
        Client::spawn_command(command)
    }

    /// Spawns any language server (stdin/stdout/stderr are piped here).
    pub fn spawn_command(mut command: Command) -> Client {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("spawning the language server");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut child_err = child.stderr.take().expect("piped stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = child_err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            next_id: 1,
            stderr,
            initialize_result: Value::Null,
            configuration: Value::Null,
        }
    }

    /// The server's process id.
    #[allow(dead_code)] // used by the benchmark, which shares this file
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Spawns and initializes the server (`initialize` + `initialized`).
    pub fn start(options: Options) -> Client {
        let mut client = Client::spawn_raw(options.hooks);
        let mut params = json!({
            "processId": std::process::id(),
            "capabilities": {
                "textDocument": { "hover": { "contentFormat": ["markdown", "plaintext"] } },
                "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } }
            },
        });
        if options.resolve_edits {
            params["capabilities"]["textDocument"]["codeAction"] = json!({
                "dataSupport": true,
                "resolveSupport": { "properties": ["edit"] },
            });
        }
        if options.progress {
            params["capabilities"]["window"] = json!({ "workDoneProgress": true });
        }
        if options.create_files {
            params["capabilities"]["workspace"]["workspaceEdit"] = json!({
                "documentChanges": true,
                "resourceOperations": ["create", "rename", "delete"],
            });
        }
        if let Some(ws) = &options.workspace {
            let uri = file_uri(ws);
            params["rootUri"] = json!(uri);
            params["workspaceFolders"] = json!([{ "uri": uri, "name": "ws" }]);
        }
        if let Some(init) = options.init_options {
            params["initializationOptions"] = init;
        }
        let result = client.request("initialize", params);
        client.initialize_result = result
            .get("result")
            .cloned()
            .unwrap_or_else(|| panic!("initialize failed: {result}"));
        client.notify("initialized", json!({}));
        client
    }

    /// Everything the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Writes raw bytes on the server's stdin.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("writing to dynlens");
        stdin.flush().expect("flushing to dynlens");
    }

    /// Writes one framed message.
    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("serializable");
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        self.send_raw(&frame);
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_nowait(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its whole response message (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_nowait(method, params);
        self.response(id)
    }

    /// Sends a request and returns its `result`, panicking on an error response.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        match response.get("error") {
            Some(error) => panic!("{method} failed: {error}"),
            None => response.get("result").cloned().unwrap_or(Value::Null),
        }
    }

    /// The next message from the server, answering the server's own requests on the way.
    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.incoming.recv_timeout(left) {
                Ok(message) => {
                    if message.get("method").is_some() && message.get("id").is_some() {
                        // A request from the server (e.g. client/registerCapability): accept it;
                        // `workspace/configuration` gets `self.configuration` for each item.
                        let id = message["id"].clone();
                        let result = match message["method"].as_str() {
                            Some("workspace/configuration") => {
                                let items =
                                    message["params"]["items"].as_array().map_or(0, Vec::len);
                                Value::Array(vec![self.configuration.clone(); items])
                            }
                            _ => Value::Null,
                        };
                        self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
                        continue;
                    }
                    return Some(message);
                }
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Waits for the first message (pending first, then new ones) satisfying `pred`.
    pub fn wait_for(&mut self, what: &str, pred: impl FnMut(&Value) -> bool) -> Value {
        match self.try_wait_for(TIMEOUT, pred) {
            Some(message) => message,
            None => panic!("timed out waiting for {what}; stderr:\n{}", self.stderr()),
        }
    }

    /// Like [`Client::wait_for`], with a given timeout; `None` when it passes.
    pub fn try_wait_for(
        &mut self,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.pending.iter().position(&mut pred) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + timeout;
        loop {
            match self.recv(deadline) {
                Some(message) if pred(&message) => return Some(message),
                Some(message) => self.pending.push_back(message),
                None => return None,
            }
        }
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("the response to request {id}"), |m| {
            m.get("method").is_none() && m["id"] == json!(id)
        })
    }

    /// Waits for a notification `method` satisfying `pred`; returns its params.
    pub fn notification(&mut self, method: &str, mut pred: impl FnMut(&Value) -> bool) -> Value {
        let m = self.wait_for(method, |m| m["method"] == method && pred(&m["params"]));
        m["params"].clone()
    }

    /// The next `publishDiagnostics` for `uri` (optionally of a given version).
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && version.is_none_or(|v| p["version"] == json!(v))
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The messages received and not yet asked for, in arrival order.
    pub fn pending_messages(&self) -> Vec<Value> {
        self.pending.iter().cloned().collect()
    }

    /// Forgets every message received so far that nobody asked for.
    #[allow(dead_code)] // used by the benchmark, which shares this file
    pub fn clear_pending(&mut self) {
        self.pending.clear();
        while self.incoming.try_recv().is_ok() {}
    }

    /// Opens a document.
    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "rust", "version": 1, "text": text } }),
        );
    }

    /// Hover request; returns the whole response.
    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
    }

    /// `shutdown` then `exit`; the exit status (the child is killed after the timeout).
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert!(
            response.get("error").is_none(),
            "shutdown failed: {response}"
        );
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Waits for the process to end (bounded; killed after [`TIMEOUT`]).
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("polling dynlens") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("dynlens did not exit; stderr:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the server process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Closes the server's stdin.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The (line, UTF-16 column) of byte offset `offset` in `text`; lines end at `\n`, `\r\n`
/// and a lone `\r`, as the LSP specification says.
pub fn position_of_offset(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let bytes = text.as_bytes();
    let mut line = 0;
    let mut line_start = 0;
    for (i, &b) in before.as_bytes().iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
    }
    let col = before[line_start..].encode_utf16().count() as u32;
    (line, col)
}

/// The position of the `n`-th (0-based) occurrence of `needle` in `text`, plus `shift` bytes.
pub fn position_of(text: &str, needle: &str, n: usize, shift: usize) -> (u32, u32) {
    let offset = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("`{needle}` occurs fewer than {} times", n + 1))
        .0;
    position_of_offset(text, offset + shift)
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("dynlens-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("creating a temp dir");
        TempDir(dir.canonicalize().expect("canonical temp dir"))
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("creating dirs");
        }
        std::fs::write(&path, contents).expect("writing a file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
