//! The lifecycle and the features: initialize, open, change, hover, diagnostics, code
//! actions, `dynlens/expandTrait`, settings, shutdown.

use serde_json::{Value, json};

use crate::client::{Client, Options, position_of};

const URI: &str = "file:///virtual/shapes.rs";

/// `Shape` is dyn compatible; `Cloner` is not (a generic method), and is used as `dyn`.
const SHAPES: &str = "\
trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String;
}

trait Cloner {
    fn dup<T>(&self, t: T) -> T;
}

fn draw(_: &dyn Shape) {}
fn copy(_: &dyn Cloner) {}
";

fn hover_markdown(client: &mut Client, text: &str, needle: &str, n: usize) -> String {
    let (line, col) = position_of(text, needle, n, 1);
    let response = client.hover(URI, line, col);
    assert!(response.get("error").is_none(), "hover failed: {response}");
    let result = &response["result"];
    assert!(!result.is_null(), "no hover on `{needle}` #{n}");
    assert_eq!(result["contents"]["kind"], "markdown");
    result["contents"]["value"]
        .as_str()
        .expect("markdown string")
        .to_owned()
}

/// Applies a WorkspaceEdit's edits for `uri` to `text` (ranges in the same UTF-16 terms).
pub(crate) fn apply_edits(text: &str, edit: &Value, uri: &str) -> String {
    let offset = |pos: &Value| {
        let (line, col) = (
            pos["line"].as_u64().unwrap() as usize,
            pos["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let line_text = text[start..].split('\n').next().unwrap_or("");
        let mut units = 0;
        for (i, ch) in line_text.char_indices() {
            if units >= col {
                return start + i;
            }
            units += ch.len_utf16();
        }
        start + line_text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap_or_else(|| panic!("no edits for {uri} in {edit}"))
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

#[test]
fn initialize_advertises_the_contract_and_shutdown_exits_with_zero() {
    let client = Client::start(Options::default());
    let caps = &client.initialize_result["capabilities"];
    assert_eq!(
        caps["textDocumentSync"]["change"], 2,
        "incremental sync: {caps}"
    );
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    let kinds = caps["codeActionProvider"]["codeActionKinds"]
        .as_array()
        .expect("code action kinds");
    assert!(
        kinds.contains(&json!("quickfix")) && kinds.contains(&json!("refactor.rewrite")),
        "{kinds:?}"
    );
    assert_eq!(client.initialize_result["serverInfo"]["name"], "dynlens");
    let status = client.shutdown_and_exit();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_a_nonzero_exit() {
    let mut client = Client::start(Options::default());
    client.notify("exit", Value::Null);
    let status = client.wait_exit();
    assert_ne!(
        status.code(),
        Some(0),
        "LSP: exit without shutdown exits with 1"
    );
}

#[test]
fn closing_stdin_ends_the_server() {
    let mut client = Client::start(Options::default());
    client.close_stdin();
    let status = client.wait_exit();
    assert!(status.code().is_some(), "ended by itself, not by a signal");
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut client = Client::spawn_raw(false);
    let response = client.hover(URI, 0, 0);
    assert_eq!(
        response["error"]["code"], -32002,
        "server not initialized: {response}"
    );
}

#[test]
fn hover_explains_the_verdict() {
    let mut client = Client::start(Options::default());
    client.open(URI, SHAPES);
    let cloner = hover_markdown(&mut client, SHAPES, "Cloner", 0);
    assert!(
        cloner.starts_with("**dynlens** · trait `Cloner`"),
        "{cloner}"
    );
    assert!(cloner.contains("not dyn compatible"), "{cloner}");
    assert!(
        cloner.contains("dup"),
        "the violation names the method: {cloner}"
    );
    // At a use: `&dyn Cloner`.
    let at_use = hover_markdown(&mut client, SHAPES, "Cloner", 1);
    assert!(at_use.contains("not dyn compatible"), "{at_use}");
    let shape = hover_markdown(&mut client, SHAPES, "Shape", 0);
    assert!(shape.starts_with("**dynlens** · trait `Shape`"), "{shape}");
    assert!(
        shape.contains("dyn compatible") && !shape.contains("not dyn compatible"),
        "{shape}"
    );
    assert!(
        shape.contains("drop_in_place") && shape.contains("area"),
        "vtable layout: {shape}"
    );
    // Nothing to say on a keyword.
    let (line, col) = position_of(SHAPES, "fn draw", 0, 0);
    let nothing = client.hover(URI, line, col);
    assert!(
        nothing.get("error").is_none() && nothing["result"].is_null(),
        "{nothing}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn diagnostics_are_published_and_follow_edits() {
    let mut client = Client::start(Options::default());
    client.open(URI, SHAPES);
    let diagnostics = client.diagnostics(URI, Some(1));
    assert_eq!(
        diagnostics.len(),
        1,
        "one `dyn` use of a non-dyn-compatible trait: {diagnostics:?}"
    );
    let d = &diagnostics[0];
    assert_eq!(d["source"], "dynlens");
    assert_eq!(d["code"], "dyn-incompatible");
    assert_eq!(d["severity"], 1);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("the trait `Cloner` is not dyn compatible"),
        "{d}"
    );
    let (line, _) = position_of(SHAPES, "fn copy", 0, 0);
    assert_eq!(
        d["range"]["start"]["line"], line,
        "on the `dyn Cloner` use: {d}"
    );
    let related = d["relatedInformation"]
        .as_array()
        .expect("related information");
    let (dup_line, _) = position_of(SHAPES, "fn dup", 0, 0);
    assert!(
        related
            .iter()
            .any(|r| r["location"]["range"]["start"]["line"] == dup_line
                && r["location"]["uri"] == URI),
        "{related:?}"
    );

    // Make `dup` exempt: the diagnostic goes away.
    let (line, col) = position_of(SHAPES, " -> T;", 0, 5);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": URI, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col } },
                                 "text": " where Self: Sized" }]
        }),
    );
    assert_eq!(client.diagnostics(URI, Some(2)), Vec::<Value>::new());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Issue 8's headline bug, end to end: `Arc<dyn Store>` with an `#[async_trait]` trait gets no
/// diagnostic, nor does a trait an unknown attribute macro may reshape; `dyn SendCache`, which
/// only `#[trait_variant::make]`'s output defines, gets rustc's E0038.
#[test]
fn attribute_macros_publish_only_what_rustc_says() {
    const MACROS: &str = "use std::sync::Arc;\n\
        #[async_trait::async_trait]\n\
        pub trait Store { async fn get(&self, k: &str) -> Option<String>; }\n\
        #[foo::bar]\n\
        pub trait Reshaped { async fn get(&self) -> u8; }\n\
        #[trait_variant::make(SendCache: Send)]\n\
        pub trait Cache { async fn get(&self, k: u32) -> Option<String>; }\n\
        pub fn f(_: Arc<dyn Store>, _: &dyn Reshaped, _: &dyn SendCache) {}\n";
    let mut client = Client::start(Options::default());
    client.open(URI, MACROS);
    let diagnostics = client.diagnostics(URI, Some(1));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("the trait `SendCache` is not dyn compatible"),
        "{diagnostics:?}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn diagnostics_can_be_disabled_and_reenabled() {
    let mut client = Client::start(Options {
        init_options: Some(json!({ "dynlens": { "diagnostics": { "enable": false } } })),
        ..Options::default()
    });
    client.open(URI, SHAPES);
    assert_eq!(
        client.diagnostics(URI, Some(1)),
        Vec::<Value>::new(),
        "disabled by initializationOptions"
    );
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "dynlens": { "diagnostics": { "enable": true } } } }),
    );
    let diagnostics = client.diagnostics(URI, None);
    assert_eq!(diagnostics.len(), 1, "re-enabled: {diagnostics:?}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn code_actions_offer_the_fix_and_the_expansion() {
    let mut client = Client::start(Options::default());
    client.open(URI, SHAPES);
    let (line, col) = position_of(SHAPES, "dup", 0, 1);
    let at = json!({ "line": line, "character": col });
    let actions = client.call(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let fix = actions
        .iter()
        .find(|a| a["title"] == "dynlens: Add `where Self: Sized` to `dup`")
        .unwrap_or_else(|| panic!("no `where Self: Sized` fix among {actions:?}"));
    assert_eq!(fix["kind"], "quickfix");
    let fixed = apply_edits(SHAPES, &fix["edit"], URI);
    assert!(fixed.contains("where Self: Sized"), "{fixed}");

    let (line, col) = position_of(SHAPES, "Shape", 0, 1);
    let at = json!({ "line": line, "character": col });
    let actions = client.call(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let expand = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("dynlens: Expand `Shape` into explicit vtable"))
        })
        .unwrap_or_else(|| panic!("no expansion among {actions:?}"));
    assert_eq!(expand["kind"], "refactor.rewrite");
    assert!(apply_edits(SHAPES, &expand["edit"], URI).contains("ShapeVtable"));

    // `only` filters by kind.
    let only_fixes = client.call(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI }, "range": { "start": at, "end": at },
                "context": { "diagnostics": [], "only": ["quickfix"] } }),
    );
    let only_fixes = only_fixes.as_array().cloned().unwrap_or_default();
    assert!(
        only_fixes.iter().all(|a| a["kind"] == "quickfix"),
        "{only_fixes:?}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn expand_trait_request() {
    let mut client = Client::start(Options::default());
    client.open(URI, SHAPES);
    let (line, col) = position_of(SHAPES, "Shape", 0, 2);
    let result = client.call(
        "dynlens/expandTrait",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col } }),
    );
    assert_eq!(result["traitName"], "Shape", "{result}");
    assert!(
        result["text"]
            .as_str()
            .unwrap_or("")
            .contains("ShapeVtable"),
        "{result}"
    );
    assert!(
        result["title"]
            .as_str()
            .unwrap_or("")
            .starts_with("dynlens: Expand `Shape`"),
        "{result}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn expand_trait_answers_null_where_there_is_no_trait_and_errors_on_bad_params() {
    let mut client = Client::start(Options::default());
    client.open(URI, SHAPES);
    let (line, col) = position_of(SHAPES, "fn draw", 0, 0);
    let nothing = client.request(
        "dynlens/expandTrait",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": col } }),
    );
    assert!(
        nothing.get("error").is_none() && nothing["result"].is_null(),
        "{nothing}"
    );
    let missing = client.request("dynlens/expandTrait", Value::Null);
    assert_eq!(missing["error"]["code"], -32602, "{missing}");
    let unknown = client.request(
        "dynlens/expandTrait",
        json!({ "textDocument": { "uri": "file:///nowhere/x.rs" }, "position": { "line": 0, "character": 0 } }),
    );
    assert!(
        unknown["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("unknown document"),
        "{unknown}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
