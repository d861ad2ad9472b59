//! The workspace on disk: every `.rs` file under the workspace folder is read (not
//! `target/`, not hidden directories), open documents override disk, and on close the disk
//! version comes back. Files that are not UTF-8 are logged and loaded lossily; huge files
//! are fine.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::client::{Client, Options, TempDir, file_uri, position_of};

/// The core's text of a document, or `None` while the server does not know it.
fn known_text(client: &mut Client, uri: &str) -> Option<String> {
    let response = client.request(
        "dynlens/documentText",
        json!({ "textDocument": { "uri": uri } }),
    );
    response["result"]["text"].as_str().map(str::to_owned)
}

/// Polls until the background workspace scan has loaded `uri` (bounded).
fn wait_known(client: &mut Client, uri: &str) -> String {
    let deadline = Instant::now() + crate::client::TIMEOUT;
    loop {
        if let Some(text) = known_text(client, uri) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{uri} never loaded; stderr:\n{}",
            client.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

const REMOTE: &str = "pub trait Remote {\n    fn fetch<T>(&self) -> T;\n}\n";

#[test]
fn workspace_files_are_read_and_open_documents_override_them() {
    let ws = TempDir::new("ws-scan");
    let lib = ws.write("src/lib.rs", REMOTE);
    let bad = ws.write(
        "src/bad.rs",
        b"pub trait Latin1 {}\n// caf\xe9 \xff\n".as_slice(),
    );
    let ignored = ws.write("target/debug/build/generated.rs", "trait Ignored {}");
    let hidden = ws.write(".hidden/secret.rs", "trait Hidden {}");
    let mut big = String::new();
    let mut i = 0;
    while big.len() < 5 * 1024 * 1024 {
        big.push_str(&format!(
            "// generated row {i}\nstatic ROW{i}: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];\n"
        ));
        if i % 100 == 0 {
            big.push_str(&format!(
                "trait Filler{i} {{ fn f(&self); }}\nfn filler{i}(_: &dyn Filler{i}) {{}}\n"
            ));
        }
        i += 1;
    }
    let big_path = ws.write("src/big.rs", &big);

    let mut client = Client::start(Options {
        hooks: true,
        workspace: Some(ws.0.clone()),
        ..Options::default()
    });
    let lib_uri = file_uri(&lib);
    assert_eq!(wait_known(&mut client, &lib_uri), REMOTE);
    let lossy = wait_known(&mut client, &file_uri(&bad));
    assert!(
        lossy.starts_with("pub trait Latin1 {}\n// caf\u{FFFD} \u{FFFD}"),
        "{lossy:?}"
    );
    assert!(
        client.stderr().contains("bad.rs is not valid UTF-8"),
        "logged: {}",
        client.stderr()
    );
    assert_eq!(
        wait_known(&mut client, &file_uri(&big_path)).len(),
        big.len()
    );
    for skipped in [&ignored, &hidden] {
        assert_eq!(
            known_text(&mut client, &file_uri(skipped)),
            None,
            "{} must be skipped",
            skipped.display()
        );
    }

    // Open documents override disk; closing brings the disk version back.
    let edited = "pub trait Remote {}\n";
    client.open(&lib_uri, edited);
    assert_eq!(known_text(&mut client, &lib_uri).as_deref(), Some(edited));
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": lib_uri } }),
    );
    assert_eq!(known_text(&mut client, &lib_uri).as_deref(), Some(REMOTE));

    // A file created later is picked up through workspace/didChangeWatchedFiles.
    let later = ws.write("src/later.rs", "trait Later {}\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&later), "type": 1 }] }),
    );
    assert_eq!(
        known_text(&mut client, &file_uri(&later)).as_deref(),
        Some("trait Later {}\n")
    );
    std::fs::remove_file(&later).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&later), "type": 3 }] }),
    );
    assert_eq!(known_text(&mut client, &file_uri(&later)), None);

    let hover = client.hover(&file_uri(&bad), 0, 12);
    assert!(hover.get("error").is_none(), "{hover}");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn an_unreadable_workspace_does_not_stop_the_server() {
    let ws = TempDir::new("ws-unreadable");
    let dir = ws.0.join("src");
    std::fs::create_dir_all(&dir).unwrap();
    // A dangling symlink named like a source file, and a directory named like one.
    #[cfg(unix)]
    std::os::unix::fs::symlink(ws.0.join("missing.rs"), dir.join("dangling.rs")).unwrap();
    std::fs::create_dir_all(dir.join("dir.rs")).unwrap();
    ws.write("src/ok.rs", "trait Ok {}\n");
    let mut client = Client::start(Options {
        hooks: true,
        workspace: Some(ws.0.clone()),
        ..Options::default()
    });
    assert_eq!(
        wait_known(&mut client, &file_uri(&dir.join("ok.rs"))),
        "trait Ok {}\n"
    );
    // The workspace folder itself may even vanish.
    let gone = Client::start(Options {
        workspace: Some(ws.0.join("no-such-dir")),
        ..Options::default()
    });
    assert_eq!(gone.shutdown_and_exit().code(), Some(0));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn traits_in_unopened_workspace_files_are_known() {
    let ws = TempDir::new("ws-cross");
    let lib = ws.write("src/lib.rs", REMOTE);
    let main = ws.write("src/main.rs", "fn main() {}\n");
    let mut client = Client::start(Options {
        hooks: true,
        workspace: Some(ws.0.clone()),
        ..Options::default()
    });
    wait_known(&mut client, &file_uri(&lib));
    let uri = file_uri(&main);
    let text = "fn take(_: &dyn Remote) {}\n";
    client.open(&uri, text);
    let diagnostics = client.diagnostics(&uri, Some(1));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("the trait `Remote` is not dyn compatible")
    );
    let related: &Vec<Value> = diagnostics[0]["relatedInformation"]
        .as_array()
        .expect("related information");
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == file_uri(&lib)),
        "points into lib.rs: {related:?}"
    );
    let (line, col) = position_of(text, "Remote", 0, 1);
    let hover = client.hover(&uri, line, col);
    assert!(
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("not dyn compatible"),
        "{hover}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
