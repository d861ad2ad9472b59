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

/// Opening an untrusted workspace runs nothing of it: its `.cargo/config.toml` names a
/// `build.rustc-wrapper` and a `build.rustc` (scripts that would create a marker file), its
/// package has a `build.rs` and a proc-macro dependency that would too. The server loads the
/// crate graph, answers hovers and publishes diagnostics; no marker appears.
#[test]
fn opening_a_hostile_workspace_runs_nothing() {
    use crate::client::TempDir;
    use std::os::unix::fs::PermissionsExt;

    let tmp = TempDir::new("hostile-workspace");
    let root = tmp.0.clone();
    let marker = |name: &str| root.join(format!("marker-{name}"));
    for name in ["rustc-wrapper", "rustc"] {
        let path = tmp.write(
            &format!("scripts/{name}.sh"),
            format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker(name).display()),
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    tmp.write(
        ".cargo/config.toml",
        format!(
            "[build]\nrustc-wrapper = '{}'\nrustc = '{}'\n",
            root.join("scripts/rustc-wrapper.sh").display(),
            root.join("scripts/rustc.sh").display()
        ),
    );
    tmp.write(
        "Cargo.toml",
        "[package]\nname = \"victim\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"build.rs\"\n\n\
         [dependencies]\nmacros = { path = \"macros\" }\n",
    );
    tmp.write(
        "build.rs",
        format!(
            "fn main() {{ std::fs::write(r\"{}\", \"ran\").unwrap(); }}\n",
            marker("build-rs").display()
        ),
    );
    tmp.write(
        "macros/Cargo.toml",
        "[package]\nname = \"macros\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n",
    );
    tmp.write(
        "macros/src/lib.rs",
        format!(
            "#[proc_macro_attribute]\npub fn hit(_: proc_macro::TokenStream, i: proc_macro::TokenStream) \
             -> proc_macro::TokenStream {{ std::fs::write(r\"{}\", \"ran\").unwrap(); i }}\n",
            marker("proc-macro").display()
        ),
    );
    tmp.write(
        "Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"macros\"\nversion = \"0.1.0\"\n\n\
         [[package]]\nname = \"victim\"\nversion = \"0.1.0\"\ndependencies = [\n \"macros\",\n]\n",
    );
    let text = "mod inner;\n#[macros::hit]\npub trait Hidden { fn f(&self); }\npub trait Plain { fn g(&self) -> Self; }\npub fn f(_: &dyn Plain, _: &dyn Hidden, _: &dyn inner::Deep) {}\n";
    let lib = tmp.write("src/lib.rs", text);
    tmp.write("src/inner.rs", "pub trait Deep: Sized {}\n");

    let mut client = Client::start(Options {
        workspace: Some(root.clone()),
        progress: true,
        ..Options::default()
    });
    client.notification("$/progress", |p| p["value"]["kind"] == "end");
    let uri = file_uri(&lib);
    client.open(&uri, text);
    // The project is read (the module `inner` resolves through the crate's module tree):
    // `Plain` and `Deep` are rejected, `Hidden` — reshaped by an attribute dynlens does not
    // know — gets none.
    let diagnostics = client.diagnostics(&uri, None);
    let lines: Vec<u64> = diagnostics
        .iter()
        .map(|d| d["range"]["start"]["line"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(lines.len(), 2, "{diagnostics:?}");
    let (line, character) = position_of(text, "dyn Hidden", 0, 4);
    let hover = client.hover(&uri, line, character);
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("macros::hit")),
        "{hover}"
    );
    client.request("shutdown", json!(null));
    client.notify("exit", json!(null));
    assert!(client.wait_exit().success());

    let created: Vec<_> = ["rustc-wrapper", "rustc", "build-rs", "proc-macro"]
        .into_iter()
        .filter(|m| marker(m).exists())
        .collect();
    assert_eq!(
        created,
        Vec::<&str>::new(),
        "opening the workspace ran its code"
    );
    // The markers do detect a run.
    let ran = std::process::Command::new(root.join("scripts/rustc-wrapper.sh")).status();
    assert!(ran.is_ok() && marker("rustc-wrapper").exists());
}

/// On `dyn AsyncRead` (tokio's trait), the action "expand into `crate::dyn_star`" creates
/// `app/src/dyn_star.rs` with the expansion written for the app crate and declares the module
/// in the crate root, as one workspace edit (`documentChanges`: the creation, then the
/// edits). A client that cannot create files is not offered it.
#[test]
fn a_dependency_trait_expands_into_the_crates_dyn_star_module() {
    if !dynlens_tests::dependencies_fetched(&fixture()) {
        return;
    }
    let path = fixture().join("app/src/lib.rs");
    let uri = file_uri(&path);
    let text = std::fs::read_to_string(&path).expect("read");
    let actions = |create_files: bool| {
        let mut client = Client::start(Options {
            workspace: Some(fixture()),
            progress: true,
            resolve_edits: true,
            create_files,
            ..Options::default()
        });
        client.notification("$/progress", |p| p["value"]["kind"] == "end");
        client.open(&uri, &text);
        let (line, character) = position_of(&text, "dyn AsyncRead", 0, 6);
        let at = json!({ "line": line, "character": character });
        let listed = client.call(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
        );
        let found = listed
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .find(|a| {
                a["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("in `crate::dyn_star`"))
            });
        let resolved = found.map(|a| client.request("codeAction/resolve", a));
        client.request("shutdown", json!(null));
        client.notify("exit", json!(null));
        resolved
    };
    assert!(
        actions(false).is_none(),
        "offered to a client that cannot create files"
    );
    let resolved = actions(true).expect("offered on `dyn AsyncRead`");
    let ops = resolved["result"]["edit"]["documentChanges"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("documentChanges: {resolved}"));
    let star = file_uri(&fixture().join("app/src/dyn_star.rs"));
    assert_eq!(ops[0]["kind"], "create", "{resolved}");
    assert_eq!(ops[0]["uri"], star.as_str());
    let created = ops[1]["edits"][0]["newText"].as_str().unwrap_or_default();
    assert_eq!(ops[1]["textDocument"]["uri"], star.as_str());
    for needle in [
        "use tokio::io::AsyncRead;",
        "pub struct DynAsyncRead",
        "std::task::Context<'_>",
        "tokio::io::ReadBuf<'_>",
    ] {
        assert!(created.contains(needle), "{needle} in:\n{created}");
    }
    assert_eq!(ops[2]["textDocument"]["uri"], uri.as_str());
    assert!(
        ops[2]["edits"][0]["newText"]
            .as_str()
            .is_some_and(|t| t.contains("pub mod dyn_star;")),
        "{resolved}"
    );
}
