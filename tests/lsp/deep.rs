//! Deeply nested documents (issue 11): the server stays alive and answers, hover says the
//! document is too deeply nested to analyse, no diagnostic is published, `expandTrait` is
//! refused with a clear error, and a 200,000-deep tree is freed without overflowing.
//! Inputs are generated here.

use std::time::Duration;

use serde_json::json;

use crate::client::{Client, Options};

fn inputs() -> Vec<(&'static str, String)> {
    let rep = |s: &str, n: usize| s.repeat(n);
    vec![
        ("lt", format!("type T = {};\n", rep("<", 20_000))),
        (
            "box",
            format!(
                "trait Deep {{ fn f(&self) -> {}u8{}; }}\nfn g(_: &dyn Deep) {{}}\n",
                rep("Box<", 20_000),
                rep(">", 20_000)
            ),
        ),
        (
            "neg",
            format!("fn f() {{ let x = {}1; }}\n", rep("-", 200_000)),
        ),
        (
            "paren",
            format!("fn f() {{ let x = {}1; }}\n", rep("(", 200_000)),
        ),
        (
            "amp",
            format!("fn f() {{ let x = {}1; }}\n", rep("&", 200_000)),
        ),
        ("brace", format!("fn f() {}\n", rep("{", 20_000))),
    ]
}

#[test]
fn deeply_nested_documents_get_a_clear_hover_and_no_diagnostic() {
    let mut client = Client::start(Options::default());
    for (name, text) in inputs() {
        let uri = format!("file:///virtual/deep/{name}.rs");
        client.open(&uri, &text);
        let diagnostics = client.diagnostics(&uri, Some(1));
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        let response = client.hover(&uri, 0, 3);
        let markdown = response["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {response}"));
        assert!(
            markdown.contains("too deeply nested to analyse"),
            "{name}: {markdown}"
        );
    }
    // `expandTrait` on a trait 2,000 `Box<` deep: refused, not a crash.
    let uri = "file:///virtual/deep/expand.rs";
    client.open(
        uri,
        &format!(
            "trait Deep {{ fn f(&self) -> {}u8{}; }}\n",
            "Box<".repeat(2_000),
            ">".repeat(2_000)
        ),
    );
    let response = client.request(
        "dynlens/expandTrait",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 7 } }),
    );
    let message = response["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("too deeply nested"), "{response}");
    assert!(client.is_running());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_deep_method_chain_is_analysed_and_its_tree_freed() {
    let uri = "file:///virtual/deep/chain.rs";
    let chain = format!(
        "trait Shape {{ fn area(&self) -> f64; }}\nfn f() {{ x{}; }}\n",
        ".f()".repeat(200_000)
    );
    let mut client = Client::start(Options::default());
    client.open(uri, &chain);
    let response = client.hover(uri, 0, 7);
    assert!(
        response["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|m| m.contains("Shape")),
        "{response}"
    );
    // Replacing the text frees the deep tree (on ra_ap_syntax's dropping thread).
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 },
                "contentChanges": [{ "text": "trait Shape { fn area(&self) -> f64; }\n" }] }),
    );
    // That thread frees trees every 100 ms or so: give it time, then check the server is alive.
    std::thread::sleep(Duration::from_millis(1_500));
    let response = client.hover(uri, 0, 7);
    assert!(response.get("error").is_none(), "{response}");
    assert!(client.is_running());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// A supertrait chain of 3,000 traits (issue 11: a hover on its head got no answer in 60 s):
/// the hover on the head and the diagnostics answer within a generous bound.
#[test]
fn hover_on_the_head_of_a_long_supertrait_chain_answers() {
    let mut text = String::from("pub trait T0 { fn f0(&self); }\n");
    for i in 1..3000 {
        text.push_str(&format!(
            "pub trait T{i}: T{} {{ fn f{i}(&self); }}\n",
            i - 1
        ));
    }
    text.push_str("pub fn use_it(_: &dyn T2999) {}\n");
    let mut client = Client::start(Options::default());
    let uri = "file:///virtual/chain.rs";
    client.open(uri, &text);
    let started = std::time::Instant::now();
    let line = 2999;
    let hover = client.hover(uri, line, 11);
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(value.contains("dyn compatible"), "{hover}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the hover took {:?}",
        started.elapsed()
    );
    let diagnostics = client.diagnostics(uri, None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(client.shutdown_and_exit().success());
}

/// Found by the fuzzer (tests/fuzz): a code action past the start of a document too deeply
/// nested to parse asked the syntax tree (empty) for a token at an offset beyond its end, and
/// the handler panicked.
#[test]
fn code_actions_anywhere_in_a_deeply_nested_document_do_not_panic() {
    let mut client = Client::start(Options::default());
    let uri = "file:///virtual/deep/actions.rs";
    client.open(uri, &format!("fn f(_: &dyn {}T);\n", "Box<".repeat(2_000)));
    for character in [0, 1, 5, 500, 9_000] {
        let range = json!({ "start": { "line": 0, "character": character }, "end": { "line": 0, "character": character } });
        let response = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } }),
        );
        assert!(
            response.get("error").is_none(),
            "at {character}: {response}"
        );
    }
    assert!(!client.stderr().contains("panicked"), "{}", client.stderr());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
