//! A real Cargo project over the protocol (`tests/fixtures/real-project`, with real
//! dependencies fetched by `.ci/run`): the server reports `$/progress` while it loads the crate
//! graph (reading manifests and `Cargo.lock`, running nothing), then hovers on the `dyn` uses
//! of dependency traits state a verdict, and the `#[async_trait]` trait behind `Arc<dyn Store>`
//! gets no diagnostic.

use std::path::PathBuf;

use serde_json::json;

use crate::client::{Client, Options, file_uri, position_of};

fn fixture() -> PathBuf {
    dynlens_tests::real_project()
}

#[test]
fn the_crate_graph_loads_with_progress_and_dependency_traits_are_known() {
    if !dynlens_tests::dependencies_fetched(&fixture()) {
        return;
    }
    let mut client = Client::start(Options {
        workspace: Some(fixture()),
        progress: true,
        ..Options::default()
    });
    // `window/workDoneProgress/create` is answered by the client helper; then begin … end.
    let begin = client.notification("$/progress", |p| p["value"]["kind"] == "begin");
    assert_eq!(begin["token"], "dynlens/project");
    assert!(
        begin["value"]["title"]
            .as_str()
            .is_some_and(|t| t.contains("crate graph")),
        "{begin}"
    );
    let end = client.notification("$/progress", |p| p["value"]["kind"] == "end");
    let message = end["value"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("crates"), "{end}");

    let path = fixture().join("app/src/lib.rs");
    let uri = file_uri(&path);
    let text = std::fs::read_to_string(&path).expect("read");
    client.open(&uri, &text);
    // The fixture compiles: no diagnostic, in particular none on `Arc<dyn Store>`
    // (`#[async_trait]`).
    let diagnostics = client.diagnostics(&uri, None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    for (needle, shift) in [("dyn AsyncRead", 4), ("dyn Store", 4), ("dyn Service", 4)] {
        let (line, character) = position_of(&text, needle, 0, shift);
        let hover = client.hover(&uri, line, character);
        let value = hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default();
        assert!(
            value.contains("dyn compatible"),
            "hover on `{needle}`: {hover}"
        );
    }
    client.request("shutdown", json!(null));
    client.notify("exit", json!(null));
    assert!(client.wait_exit().success());
}
