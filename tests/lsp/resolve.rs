//! Lazy code actions: a client that declares `codeAction/resolve` support for `edit` gets
//! actions without edits and resolves the one it applies; other clients get edits eagerly.

use serde_json::{Value, json};

use crate::client::{Client, Options, position_of};
use crate::features::apply_edits;

const URI: &str = "file:///virtual/resolve.rs";

/// `Shape` expands (both expand actions); `Cloner` has a generic method (the quick fix).
const TEXT: &str = "\
trait Shape: Send {
    fn area(&self) -> f64;
    fn name(&self) -> String;
}

trait Cloner {
    fn dup<T>(&self, t: T) -> T;
}

fn copy(_: &dyn Cloner) {}
";

fn start(resolve_edits: bool) -> Client {
    let mut client = Client::start(Options {
        resolve_edits,
        ..Options::default()
    });
    client.open(URI, TEXT);
    client
}

fn code_actions(client: &mut Client, uri: &str, text: &str, needle: &str) -> Vec<Value> {
    let (line, col) = position_of(text, needle, 0, 1);
    let at = json!({ "line": line, "character": col });
    let actions = client.call(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
    );
    actions.as_array().cloned().unwrap_or_default()
}

fn resolve(client: &mut Client, action: &Value) -> Value {
    client.request("codeAction/resolve", action.clone())
}

#[test]
fn resolve_provider_is_advertised() {
    let client = start(false);
    assert_eq!(
        client.initialize_result["capabilities"]["codeActionProvider"]["resolveProvider"], true,
        "{}",
        client.initialize_result
    );
}

#[test]
fn resolving_clients_list_without_edits_and_resolve_to_the_eager_edit() {
    let mut eager = start(false);
    let mut lazy = start(true);
    for needle in ["Shape", "dup", "Cloner)"] {
        let listed = code_actions(&mut lazy, URI, TEXT, needle);
        let full = code_actions(&mut eager, URI, TEXT, needle);
        let titles = |actions: &[Value]| -> Vec<Value> {
            actions.iter().map(|a| a["title"].clone()).collect()
        };
        assert_eq!(titles(&listed), titles(&full), "at `{needle}`");
        assert!(!listed.is_empty(), "actions at `{needle}`");
        if needle == "Shape" {
            assert_eq!(listed.len(), 2, "both expand actions: {listed:?}");
        }
        for (action, eager_action) in listed.iter().zip(&full) {
            assert!(
                action.get("edit").is_none(),
                "listed with an edit: {action}"
            );
            assert!(action["data"].is_object(), "no data to resolve: {action}");
            let response = resolve(&mut lazy, action);
            let resolved = response
                .get("result")
                .unwrap_or_else(|| panic!("resolve failed: {response}"));
            assert_eq!(resolved["title"], action["title"]);
            assert_eq!(resolved["kind"], eager_action["kind"]);
            assert_eq!(
                resolved["edit"], eager_action["edit"],
                "`{}`: the same edit as eager mode",
                action["title"]
            );
            let applied = apply_edits(TEXT, &resolved["edit"], URI);
            assert_eq!(
                applied,
                apply_edits(TEXT, &eager_action["edit"], URI),
                "byte for byte"
            );
            assert_ne!(applied, TEXT, "the edit changes the text");
        }
    }
    let expanded = {
        let listed = code_actions(&mut lazy, URI, TEXT, "Shape");
        let response = resolve(&mut lazy, &listed[0]);
        apply_edits(TEXT, &response["result"]["edit"], URI)
    };
    assert!(expanded.contains("pub struct ShapeVtable"), "{expanded}");
    assert_eq!(lazy.shutdown_and_exit().code(), Some(0));
    assert_eq!(eager.shutdown_and_exit().code(), Some(0));
}

#[test]
fn other_clients_get_edits_eagerly() {
    let mut client = start(false);
    let actions = code_actions(&mut client, URI, TEXT, "Shape");
    assert_eq!(actions.len(), 2, "{actions:?}");
    for action in &actions {
        assert!(action.get("data").is_none(), "{action}");
        let applied = apply_edits(TEXT, &action["edit"], URI);
        assert!(applied.contains("pub struct ShapeVtable"), "{applied}");
    }
    // Resolving an action that already has its edit is harmless.
    let response = resolve(&mut client, &actions[0]);
    assert_eq!(response["result"], actions[0], "{response}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_change_across_files_names_every_file() {
    let trait_uri = "file:///virtual/cloner.rs";
    let trait_text = "pub trait Cloner {\n    fn dup<T>(&self, t: T) -> T;\n}\n";
    let use_uri = "file:///virtual/user.rs";
    let use_text = "use crate::cloner::Cloner;\nfn copy(_: &dyn Cloner) {}\n";
    for resolve_edits in [false, true] {
        let mut client = Client::start(Options {
            resolve_edits,
            ..Options::default()
        });
        client.open(trait_uri, trait_text);
        client.open(use_uri, use_text);
        let actions = code_actions(&mut client, use_uri, use_text, "Cloner)");
        let fix = actions
            .iter()
            .find(|a| a["title"] == "dynlens: Add `where Self: Sized` to `dup`")
            .unwrap_or_else(|| panic!("no fix among {actions:?}"))
            .clone();
        let edit = if resolve_edits {
            assert!(fix.get("edit").is_none(), "{fix}");
            let response = resolve(&mut client, &fix);
            response["result"]["edit"].clone()
        } else {
            fix["edit"].clone()
        };
        let changes = edit["changes"].as_object().expect("changes");
        assert_eq!(
            changes.keys().collect::<Vec<_>>(),
            [trait_uri],
            "the edit is in the trait's file: {edit}"
        );
        assert!(
            apply_edits(trait_text, &edit, trait_uri).contains("-> T where Self: Sized;"),
            "{edit}"
        );
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

#[test]
fn stale_or_foreign_resolves_are_errors_and_the_server_keeps_serving() {
    let mut client = start(true);
    let listed = code_actions(&mut client, URI, TEXT, "Shape");
    let action = listed.first().expect("an expand action").clone();

    // Garbage data, no data, data of an unknown document: invalid params / an error.
    for data in [json!("garbage"), json!({ "id": 7 }), json!([1, 2, 3])] {
        let mut bad = action.clone();
        bad["data"] = data;
        let response = resolve(&mut client, &bad);
        assert_eq!(response["error"]["code"], -32602, "{response}");
    }
    let mut bare = action.clone();
    bare.as_object_mut().unwrap().remove("data");
    let response = resolve(&mut client, &bare);
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let mut elsewhere = action.clone();
    elsewhere["data"]["uri"] = json!("file:///virtual/nowhere.rs");
    let response = resolve(&mut client, &elsewhere);
    assert_eq!(response["error"]["code"], -32801, "{response}");
    // An index past the actions there, or a title that is not the action's.
    let mut past = action.clone();
    past["data"]["nth"] = json!(5);
    let response = resolve(&mut client, &past);
    assert_eq!(response["error"]["code"], -32801, "{response}");
    let mut retitled = action.clone();
    retitled["title"] = json!("dynlens: something else");
    let response = resolve(&mut client, &retitled);
    assert_eq!(response["error"]["code"], -32801, "{response}");

    // The listing is still good: it resolves.
    let response = resolve(&mut client, &action);
    assert!(response["result"]["edit"].is_object(), "{response}");

    // The document changes (the range no longer means the same text): content modified.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": URI, "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "// moved\n" },
        ] }),
    );
    let response = resolve(&mut client, &action);
    assert_eq!(response["error"]["code"], -32801, "{response}");
    assert!(
        response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("changed")),
        "{response}"
    );

    // A fresh listing of the new text resolves again.
    let moved = format!("// moved\n{TEXT}");
    let fresh = code_actions(&mut client, URI, &moved, "Shape");
    let response = resolve(&mut client, &fresh[0]);
    let applied = apply_edits(&moved, &response["result"]["edit"], URI);
    assert!(
        applied.starts_with("// moved\ntrait Shape") && applied.contains("ShapeVtable"),
        "{applied}"
    );

    // Closed: content modified too.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    let response = resolve(&mut client, &fresh[0]);
    assert_eq!(response["error"]["code"], -32801, "{response}");
    assert!(
        response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("closed")),
        "{response}"
    );

    // Still serving.
    client.open(URI, TEXT);
    let again = code_actions(&mut client, URI, TEXT, "Shape");
    assert_eq!(again.len(), 2, "{again:?}");
    let response = resolve(&mut client, &again[1]);
    assert!(
        apply_edits(TEXT, &response["result"]["edit"], URI).contains("impl<T: Shape + ?Sized"),
        "{response}"
    );
    assert!(client.is_running());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
