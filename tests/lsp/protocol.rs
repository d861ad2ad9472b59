//! Protocol rules of issue 11: a lone `\r` ends a line, every spelling of a file's URI is one
//! document, and `$/` requests are answered with `MethodNotFound`.

use serde_json::{Value, json};

use crate::client::{Client, Options, position_of, position_of_offset};

fn document_text(client: &mut Client, uri: &str) -> String {
    let result = client.call(
        "dynlens/documentText",
        json!({ "textDocument": { "uri": uri } }),
    );
    result["text"].as_str().expect("text").to_owned()
}

fn change(client: &mut Client, uri: &str, version: i64, changes: Value) {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

fn range(text: &str, start: usize, end: usize) -> Value {
    let (a, b) = (
        position_of_offset(text, start),
        position_of_offset(text, end),
    );
    json!({ "start": { "line": a.0, "character": a.1 }, "end": { "line": b.0, "character": b.1 } })
}

fn hover_markdown(client: &mut Client, uri: &str, at: (u32, u32)) -> String {
    let response = client.hover(uri, at.0, at.1);
    response["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover at {at:?}: {response}"))
        .to_owned()
}

#[test]
fn a_lone_carriage_return_ends_a_line_for_positions_and_edits() {
    const URI: &str = "file:///virtual/protocol/cr.rs";
    // Lone `\r`s, with a `\r\n` and a `\n` among them.
    let text = "struct S;\rtrait Shape {\r    fn area(&self) -> f64;\r}\r\n\
                trait Bad {\r    fn make() -> Self;\r}\n\
                fn f(_: &dyn Bad) {}\r";
    let mut client = Client::start(Options {
        hooks: true,
        ..Options::default()
    });
    client.open(URI, text);
    let diagnostics = client.diagnostics(URI, Some(1));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let start = &diagnostics[0]["range"]["start"];
    let (line, col) = position_of(text, "dyn Bad", 0, 0);
    assert_eq!(start["line"], line, "{diagnostics:?}");
    assert_eq!(line, 7, "the `dyn Bad` line, counting lone \\r");
    // The range starts at `dyn Bad` or at `Bad`.
    let got = start["character"].as_u64().expect("column") as u32;
    assert!(got == col || got == col + 4, "{diagnostics:?}");

    let markdown = hover_markdown(&mut client, URI, position_of(text, "Shape", 0, 1));
    assert!(markdown.contains("Shape"), "{markdown}");
    let markdown = hover_markdown(&mut client, URI, position_of(text, "Bad", 0, 1));
    assert!(markdown.contains("Bad"), "{markdown}");

    // An incremental edit on a later line lands where the client means it.
    let at = text.find("area").expect("area");
    let mut expected = text.to_owned();
    expected.replace_range(at..at + 4, "size");
    change(
        &mut client,
        URI,
        2,
        json!([{ "range": range(text, at, at + 4), "text": "size" }]),
    );
    // And one that inserts lone `\r`s, then one after them.
    let at = expected.find("fn make").expect("make");
    let edited = expected.clone();
    expected.replace_range(at..at, "fn one(&self);\r    ");
    change(
        &mut client,
        URI,
        3,
        json!([{ "range": range(&edited, at, at), "text": "fn one(&self);\r    " }]),
    );
    let at = expected.find("f64").expect("f64");
    let edited = expected.clone();
    expected.replace_range(at..at + 3, "u8");
    change(
        &mut client,
        URI,
        4,
        json!([{ "range": range(&edited, at, at + 3), "text": "u8" }]),
    );
    assert_eq!(document_text(&mut client, URI), expected);
    let markdown = hover_markdown(&mut client, URI, position_of(&expected, "size", 0, 1));
    assert!(markdown.contains("size"), "{markdown}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn every_spelling_of_a_uri_is_one_document() {
    const A: &str = "file:///virtual/protocol/a.rs";
    const ESCAPED: &str = "file:///virtual/protocol/%61.rs";
    let text = "trait Shape {\n    fn area(&self) -> f64;\n}\n";
    let mut client = Client::start(Options {
        hooks: true,
        ..Options::default()
    });
    client.open(A, text);
    client.open(ESCAPED, text);
    assert_eq!(document_text(&mut client, ESCAPED), text);

    // An edit through one spelling is seen through every other.
    let mut expected = text.to_owned();
    let at = expected.find("area").expect("area");
    change(
        &mut client,
        ESCAPED,
        2,
        json!([{ "range": range(&expected, at, at + 4), "text": "size" }]),
    );
    expected.replace_range(at..at + 4, "size");
    for uri in [
        A,
        ESCAPED,
        "file:///virtual/protocol/%2e/a.rs",
        "file:///virtual/protocol/x/../%61%2Ers",
        "file:///virtual/protocol/x/../%61%2ers",
    ] {
        assert_eq!(document_text(&mut client, uri), expected, "{uri}");
    }

    // Closing one spelling keeps the document open under the other: its later edits count.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": A } }),
    );
    let cleared = client.diagnostics(A, None);
    assert!(cleared.is_empty(), "{cleared:?}");
    let at = expected.find("f64").expect("f64");
    change(
        &mut client,
        ESCAPED,
        3,
        json!([{ "range": range(&expected, at, at + 3), "text": "u8" }]),
    );
    expected.replace_range(at..at + 3, "u8");
    assert_eq!(document_text(&mut client, ESCAPED), expected);
    let markdown = hover_markdown(&mut client, ESCAPED, position_of(&expected, "size", 0, 1));
    assert!(markdown.contains("size"), "{markdown}");
    let version = client.call(
        "dynlens/documentText",
        json!({ "textDocument": { "uri": A } }),
    )["version"]
        .clone();
    assert_eq!(version, 3, "still open, at the last version");

    // Closing the last spelling closes the document.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": ESCAPED } }),
    );
    let response = client.request(
        "dynlens/documentText",
        json!({ "textDocument": { "uri": A } }),
    );
    assert!(response.get("error").is_some(), "{response}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn dollar_requests_get_method_not_found_and_dollar_notifications_are_ignored() {
    const URI: &str = "file:///virtual/protocol/dollar.rs";
    let mut client = Client::start(Options::default());
    client.open(URI, "trait Shape {}\n");
    client.notify("$/unknownNotification", json!({ "x": 1 }));
    for method in ["$/unknownRequest", "$/cancelRequest", "$/setTrace"] {
        let response = client.request(method, json!({}));
        assert_eq!(response["error"]["code"], -32601, "{method}: {response}");
    }
    let response = client.hover(URI, 0, 7);
    assert!(response.get("error").is_none(), "{response}");
    // The `$/` notification got no answer.
    assert!(
        client
            .pending_messages()
            .iter()
            .all(|m| m.get("method").is_some()),
        "{:?}",
        client.pending_messages()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
