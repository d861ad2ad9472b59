//! A hostile editor: random sequences of LSP messages to one server process, with the
//! server's text of each open document compared to the client's after every batch.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use crate::client::{Client, position_of_offset};
use crate::mutate::{self, Seeds};
use crate::rng::Rng;

/// How a session ended badly.
pub enum Failure {
    Crash(String),
    Hang(String),
    Divergence(String),
}

const URIS: &[&str] = &[
    "file:///fuzz/a.rs",
    "file:///fuzz/b%20c.rs",
    "file:///fuzz/%C3%A9.rs",
    "untitled:Untitled-1",
];

/// One server process and the client's model of its open documents.
pub struct Session<'a> {
    client: Client,
    seeds: &'a Seeds,
    rng: Rng,
    timeout: Duration,
    /// The client's text of each open document.
    docs: BTreeMap<&'static str, String>,
    version: i32,
    next_id: i64,
    /// Requests sent and not yet answered: (id, method).
    waiting: Vec<(i64, String)>,
    /// Code actions listed by the last `codeAction`, to resolve.
    actions: Vec<Value>,
    /// Every frame sent, in order (written out on failure).
    pub transcript: Vec<String>,
    pub steps: usize,
    pub ended: bool,
}

impl<'a> Session<'a> {
    pub fn start(
        bin: &Path,
        seeds: &'a Seeds,
        rng: Rng,
        timeout: Duration,
    ) -> Result<Session<'a>, Failure> {
        let mut command = Command::new(bin);
        command
            .env("DYNLENS_TEST_HOOKS", "1")
            .env("DYNLENS_LOG", "warn");
        let client = Client::spawn_command(command);
        let mut session = Session {
            client,
            seeds,
            rng,
            timeout,
            docs: BTreeMap::new(),
            version: 0,
            next_id: 1,
            waiting: Vec::new(),
            actions: Vec::new(),
            transcript: Vec::new(),
            steps: 0,
            ended: false,
        };
        let resolve = session.rng.one_in(2);
        let mut caps = json!({ "textDocument": { "hover": { "contentFormat": ["markdown"] } } });
        if resolve {
            caps["textDocument"]["codeAction"] =
                json!({ "dataSupport": true, "resolveSupport": { "properties": ["edit"] } });
        }
        let id = session.request(
            "initialize",
            json!({ "processId": null, "capabilities": caps }),
        );
        session.await_responses()?;
        let _ = id;
        session.notify("initialized", json!({}));
        Ok(session)
    }

    pub fn stderr(&self) -> String {
        self.client.stderr()
    }

    fn send(&mut self, message: Value) {
        self.transcript.push(message.to_string());
        self.client.send(&message);
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.waiting.push((id, method.to_owned()));
        id
    }

    /// Waits for every request sent; the responses to `codeAction` are kept for resolving.
    fn await_responses(&mut self) -> Result<(), Failure> {
        let deadline = std::time::Instant::now() + self.timeout;
        for (id, method) in std::mem::take(&mut self.waiting) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let response = self
                .client
                .try_wait_for(left.max(Duration::from_millis(1)), |m| {
                    m.get("method").is_none() && m["id"] == json!(id)
                });
            let Some(response) = response else {
                return Err(if self.client.is_running() {
                    Failure::Hang(format!(
                        "no response to request {id} ({method}) within {:?}",
                        self.timeout
                    ))
                } else {
                    Failure::Crash(format!(
                        "the server exited before answering request {id} ({method})"
                    ))
                });
            };
            if method == "textDocument/codeAction"
                && let Some(list) = response["result"].as_array()
            {
                self.actions = list.clone();
            }
            if method == "shutdown" && response.get("error").is_some() {
                return Err(Failure::Crash(format!("shutdown failed: {response}")));
            }
        }
        self.client.clear_pending();
        Ok(())
    }

    /// A snippet of text to insert.
    fn snippet(&mut self) -> String {
        match self.rng.below(8) {
            0 => String::new(),
            1 => (*self
                .rng
                .pick(&["\r", "\n", "\r\n", "\r\r\n", "😀", "é", "\u{feff}", "𝄞x"]))
            .to_owned(),
            2 => {
                let (input, _) = mutate::generate(self.seeds, &mut self.rng);
                let mut text = String::from_utf8_lossy(&input).into_owned();
                let cut = (self.rng.size(1 << 20)).min(text.len());
                let cut = (cut..=text.len())
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(text.len());
                text.truncate(cut);
                text
            }
            3 => "trait T { fn m(&self); }\nfn f(_: &dyn T) {}\n".to_owned(),
            4 => self
                .rng
                .pick(&["<", "(", "{", "Box<", "&", "-"])
                .repeat(self.rng.size(20_000)),
            _ => {
                let seed = &self.rng.pick(&self.seeds.files).1;
                let text = String::from_utf8_lossy(seed);
                let start = self.rng.below(text.len() + 1);
                let len = self.rng.size(2_000);
                text.chars()
                    .skip(start % (text.chars().count() + 1))
                    .take(len)
                    .collect()
            }
        }
    }

    /// A position in `uri`'s text: valid, past the end of a line or of the file, inside a
    /// surrogate pair, or extreme.
    fn position(&mut self, uri: &str) -> Value {
        let text = self.docs.get(uri).cloned().unwrap_or_default();
        let (line, character) = match self.rng.below(8) {
            0 => (self.rng.below(10_000) as u32, self.rng.below(10_000) as u32),
            1 => (u32::MAX, u32::MAX),
            2 => {
                // Inside a surrogate pair, when the text has one.
                match text
                    .char_indices()
                    .filter(|(_, c)| c.len_utf16() == 2)
                    .nth(self.rng.below(4))
                {
                    Some((i, _)) => {
                        let (l, c) = position_of_offset(&text, i);
                        (l, c + 1)
                    }
                    None => (0, 1),
                }
            }
            3 => {
                let mut at = self.rng.below(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let (l, c) = position_of_offset(&text, at);
                (l, c + self.rng.range(1, 500) as u32)
            }
            _ => {
                let mut at = self.rng.below(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                position_of_offset(&text, at)
            }
        };
        json!({ "line": line, "character": character })
    }

    fn range(&mut self, uri: &str) -> Value {
        json!({ "start": self.position(uri), "end": self.position(uri) })
    }

    #[allow(clippy::explicit_auto_deref)] // `pick` needs the element type spelled out
    fn uri(&mut self) -> &'static str {
        // Mostly an open document.
        let open: Vec<&'static str> = self.docs.keys().copied().collect();
        if !open.is_empty() && !self.rng.one_in(5) {
            *self.rng.pick(&open)
        } else {
            *self.rng.pick(URIS)
        }
    }

    /// One random step.
    pub fn step(&mut self) {
        self.steps += 1;
        let uri = self.uri();
        let doc = json!({ "uri": uri });
        match self.rng.below(20) {
            0 | 1 => {
                let text = self.snippet() + &self.snippet();
                self.version += 1;
                self.notify(
                    "textDocument/didOpen",
                    json!({ "textDocument": { "uri": uri, "languageId": "rust", "version": self.version, "text": text } }),
                );
                self.docs.insert(uri, text);
            }
            2 => {
                let text = self.snippet();
                self.version += 1;
                self.notify(
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": uri, "version": self.version }, "contentChanges": [{ "text": text }] }),
                );
                if let Some(doc) = self.docs.get_mut(uri) {
                    *doc = text;
                }
            }
            3..=6 => {
                let mut changes = Vec::new();
                for _ in 0..self.rng.range(1, 5) {
                    let range = self.range(uri);
                    let text = if self.rng.one_in(3) {
                        self.snippet()
                    } else {
                        self.small_text()
                    };
                    if let Some(doc) = self.docs.get_mut(uri) {
                        apply(doc, &range, &text);
                    }
                    changes.push(json!({ "range": range, "text": text }));
                }
                self.version += 1;
                self.notify(
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": uri, "version": self.version }, "contentChanges": changes }),
                );
            }
            7 => {
                self.notify("textDocument/didClose", json!({ "textDocument": doc }));
                self.docs.remove(uri);
            }
            8 | 9 => {
                let position = self.position(uri);
                self.request(
                    "textDocument/hover",
                    json!({ "textDocument": doc, "position": position }),
                );
            }
            10 | 11 => {
                let range = self.range(uri);
                self.request(
                    "textDocument/codeAction",
                    json!({ "textDocument": doc, "range": range, "context": { "diagnostics": [] } }),
                );
            }
            12 => {
                let action = if !self.actions.is_empty() && !self.rng.one_in(4) {
                    self.rng.pick(&self.actions).clone()
                } else {
                    json!({ "title": "forged", "data": { "uri": uri, "id": "nope", "nth": 99, "version": -1 } })
                };
                self.request("codeAction/resolve", action);
            }
            13 => {
                let position = self.position(uri);
                self.request(
                    "dynlens/expandTrait",
                    json!({ "textDocument": doc, "position": position }),
                );
            }
            14 => {
                let method = *self.rng.pick(&[
                    "textDocument/documentSymbol",
                    "textDocument/completion",
                    "workspace/symbol",
                    "dynlens/nope",
                    "$/fuzz",
                    "$/cancelRequest",
                    "initialize",
                    "textDocument/hover",
                ]);
                // Wrong or missing params on purpose.
                let params = self
                    .rng
                    .pick(&[
                        json!(null),
                        json!({}),
                        json!([1, 2]),
                        json!({ "textDocument": 5 }),
                    ])
                    .clone();
                self.request(method, params);
            }
            15 => {
                let (method, params) = self
                    .rng
                    .pick(&[
                        ("$/cancelRequest", json!({ "id": self.next_id - 1 })),
                        ("$/setTrace", json!({ "value": "verbose" })),
                        ("fuzz/unknownNotification", json!([])),
                        (
                            "workspace/didChangeConfiguration",
                            json!({ "settings": { "dynlens": { "bogus": [1] } } }),
                        ),
                        (
                            "workspace/didChangeWatchedFiles",
                            json!({ "changes": [{ "uri": "file:///fuzz/Cargo.toml", "type": 2 }] }),
                        ),
                        (
                            "textDocument/didSave",
                            json!({ "textDocument": { "uri": "file:///fuzz/none.rs" } }),
                        ),
                    ])
                    .clone();
                self.notify(method, params);
            }
            16 => {
                // Malformed frames with a correct length: the session must go on.
                let bodies: [&[u8]; 7] = [
                    b"{not json",
                    b"[]",
                    b"{\"jsonrpc\":\"2.0\"}",
                    b"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"x\"}",
                    b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":{\"uri\":\"file:///fuzz/x.rs\",\"text\":\"\\ud800\"}}}",
                    b"\xff\xfe",
                    b"null",
                ];
                let body = *self.rng.pick(&bodies);
                let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
                frame.extend_from_slice(body);
                self.transcript
                    .push(format!("RAW {}", String::from_utf8_lossy(body)));
                self.client.send_raw(&frame);
            }
            _ => {
                let position = self.position(uri);
                self.request(
                    "textDocument/hover",
                    json!({ "textDocument": doc, "position": position }),
                );
            }
        }
    }

    fn small_text(&mut self) -> String {
        let pieces = [
            "a",
            "\n",
            "\r\n",
            "\r",
            "{",
            "}",
            "<",
            ">",
            "😀",
            "é",
            " ",
            "trait X {}",
            "dyn ",
            ";",
            "fn f(&self);",
        ];
        (0..self.rng.range(0, 6))
            .map(|_| *self.rng.pick(&pieces))
            .collect()
    }

    /// After a batch: every request answered, the process alive, a hover answered, and the
    /// server's text of each open document equal to the client's.
    pub fn check(&mut self) -> Result<(), Failure> {
        self.await_responses()?;
        if !self.client.is_running() {
            return Err(Failure::Crash("the server exited".to_owned()));
        }
        let uri = self.uri();
        let position = self.position(uri);
        self.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position }),
        );
        self.await_responses()?;
        let open: Vec<(&'static str, String)> =
            self.docs.iter().map(|(u, t)| (*u, t.clone())).collect();
        for (uri, expected) in open {
            let id = self.request(
                "dynlens/documentText",
                json!({ "textDocument": { "uri": uri } }),
            );
            self.waiting.clear();
            let response = self.client.try_wait_for(self.timeout, |m| {
                m.get("method").is_none() && m["id"] == json!(id)
            });
            let Some(response) = response else {
                return Err(Failure::Hang(format!(
                    "no answer to dynlens/documentText for {uri}"
                )));
            };
            let actual = response["result"]["text"].as_str();
            if actual != Some(expected.as_str()) {
                return Err(Failure::Divergence(format!(
                    "{uri}: the server's text differs from the client's ({} bytes expected, got {})",
                    expected.len(),
                    actual.map_or_else(|| format!("{response}"), |t| format!("{} bytes", t.len())),
                )));
            }
        }
        if self.client.stderr().contains("panicked at") {
            return Err(Failure::Crash("a handler panicked (caught)".to_owned()));
        }
        Ok(())
    }

    /// `shutdown` and `exit`: the process must end with code 0.
    pub fn shutdown(&mut self) -> Result<(), Failure> {
        self.request("shutdown", Value::Null);
        self.await_responses()?;
        self.notify("exit", Value::Null);
        self.ended = true;
        let deadline = std::time::Instant::now() + self.timeout;
        while self.client.is_running() {
            if std::time::Instant::now() > deadline {
                return Err(Failure::Hang("no exit after shutdown + exit".to_owned()));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }
}

/// Applies an LSP edit to the client's text, as the specification says: lines end at `\n`,
/// `\r\n` and `\r`; a column past the end of its line is the line's end, a line past the end
/// of the text is the text's end, a column inside a surrogate pair moves to the next
/// character; a reversed range is put in order.
fn apply(text: &mut String, range: &Value, insert: &str) {
    let a = offset(text, &range["start"]);
    let b = offset(text, &range["end"]);
    text.replace_range(a.min(b)..a.max(b), insert);
}

fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap_or(0) as usize;
    let character = position["character"].as_u64().unwrap_or(0) as usize;
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    let Some(&start) = starts.get(line) else {
        return text.len();
    };
    let end = starts.get(line + 1).copied().unwrap_or(text.len());
    let content = &text[start..end];
    let content = content.strip_suffix('\n').unwrap_or(content);
    let content = content.strip_suffix('\r').unwrap_or(content);
    let mut units = 0;
    for (i, c) in content.char_indices() {
        if units >= character {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + content.len()
}
