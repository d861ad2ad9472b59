//! Document changes are applied in the order sent (tower-lsp issue #284: notifications are
//! not serialized by the library). 1,000 incremental `didChange`s interleaved with hovers,
//! all sent without waiting; afterwards the server's text must equal the client's, byte for
//! byte; diagnostics are published with non-decreasing versions, the last for the last one.

use serde_json::{Value, json};

use crate::client::{Client, Options, position_of_offset};

/// A tiny deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A random character boundary of `text`.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

const SNIPPETS: &[&str] = &[
    "x",
    "é",
    "𝄞",
    "\n",
    "trait T { fn f<X>(&self); }\n",
    "fn g(_: &dyn T) {}\n",
    "// ünïcödé 😀\n",
    "",
    "  ",
    "Self",
];

fn lsp_range(text: &str, start: usize, end: usize) -> Value {
    let (sl, sc) = position_of_offset(text, start);
    let (el, ec) = position_of_offset(text, end);
    json!({ "start": { "line": sl, "character": sc }, "end": { "line": el, "character": ec } })
}

#[test]
fn a_thousand_interleaved_changes_and_hovers_leave_the_same_text() {
    let uri = "file:///virtual/churn.rs";
    let mut text = String::from("trait Start { fn go(&self); }\nfn use_it(_: &dyn Start) {}\n");
    let mut client = Client::start(Options {
        hooks: true,
        ..Options::default()
    });
    client.open(uri, &text);

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut hovers = Vec::new();
    let mut version = 1;
    for _ in 0..1000 {
        version += 1;
        // One to three changes per notification, each relative to the text after the previous.
        let mut changes = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let start = boundary(&mut rng, &text);
            let mut end = (start + rng.below(12)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let insert = SNIPPETS[rng.below(SNIPPETS.len())];
            changes.push(json!({ "range": lsp_range(&text, start, end), "text": insert }));
            text.replace_range(start..end, insert);
        }
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
        let (line, col) = position_of_offset(&text, boundary(&mut rng, &text));
        hovers.push(client.request_nowait(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col } }),
        ));
    }

    let server = client.call(
        "dynlens/documentText",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(server["version"], version);
    let server_text = server["text"].as_str().expect("text");
    if server_text != text {
        let common = server_text
            .bytes()
            .zip(text.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        panic!(
            "texts differ from byte {common} (server {} bytes, client {} bytes)\nserver: {:?}\nclient: {:?}",
            server_text.len(),
            text.len(),
            &server_text[common.saturating_sub(20)..(common + 40).min(server_text.len())],
            &text[common.saturating_sub(20)..(common + 40).min(text.len())],
        );
    }
    for id in hovers {
        let response = client.response(id);
        assert!(
            response.get("error").is_none(),
            "hover {id} failed: {response}"
        );
    }

    // Diagnostics were published in order (bursts of changes may share one publication), the
    // last one for the last version.
    client.diagnostics(uri, Some(version));
    let versions: Vec<i64> = client
        .pending_messages()
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(
        versions.windows(2).all(|w| w[0] <= w[1]),
        "publications out of order: {versions:?}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
