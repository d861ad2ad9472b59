//! `lsp-bench`: latency and memory of dynlens over stdio on a generated 20,000-line file with
//! 1,000 traits, side by side with rust-analyzer on the same file. Not a test: it measures and
//! prints a markdown report (see docs/benchmarks.md).
//!
//! ```text
//! cargo run --release -p dynlens-tests --bin lsp-bench -- [--no-ra | --no-dynlens] [--server PATH] [--ra PATH]
//!     [--hovers N] [--actions N] [--edits N] [--diagnostics-timeout SECONDS] [--no-resolve]
//! ```
//!
//! `--real-project` measures instead the real Cargo project of `tests/fixtures/real-project`
//! (tokio, tower-service, serde, futures-core, async-trait, … fetched by `cargo fetch`):
//! from spawning to the first correct hover on a dependency trait (`dyn AsyncRead`), then
//! hovers on the `dyn` uses of dependency traits, and peak RSS.
//!
//! `--server` may be given several times, as `PATH` or `NAME=PATH` (to compare two builds
//! side by side). The client declares `codeAction/resolve` support for `edit`, as VS Code and
//! Neovim do; `--no-resolve` makes it an older client that wants edits with the list.
//!
//! Without `--server`, it builds and uses `target/release/dynlens`. rust-analyzer is found with
//! `rustup which rust-analyzer` unless `--ra` is given; it runs on the same file inside a
//! generated Cargo project (flycheck off: only its own analysis is measured).

#[path = "../lsp/client.rs"]
#[allow(dead_code)] // shared with the protocol tests; the bench uses part of it
mod client;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use client::{Client, TempDir, file_uri, position_of};
use serde_json::{Value, json};

const TRAITS: usize = 1000;
const LINES_PER_TRAIT: usize = 20;

/// One block of exactly [`LINES_PER_TRAIT`] lines: a trait, a type implementing it, a `dyn` use.
/// One in five variants each: dyn compatible; a generic method (not); `-> Self` behind
/// `where Self: Sized` (compatible); `-> Self` (not); a static function (not).
fn block(i: usize) -> String {
    let (decl, imp) = match i % 5 {
        0 => (String::new(), String::new()),
        1 => (
            format!("    fn dup_{i}<T: Clone>(&self, t: T) -> T;\n"),
            format!("    fn dup_{i}<T: Clone>(&self, t: T) -> T {{ t }}\n"),
        ),
        2 => (
            format!("    fn make_{i}() -> Self where Self: Sized;\n"),
            format!("    fn make_{i}() -> Self {{ S{i} {{ v: 0.0 }} }}\n"),
        ),
        3 => (
            format!("    fn fresh_{i}(&self) -> Self;\n"),
            format!("    fn fresh_{i}(&self) -> Self {{ S{i} {{ v: self.v }} }}\n"),
        ),
        _ => (
            format!("    fn count_{i}() -> usize;\n"),
            format!("    fn count_{i}() -> usize {{ {i} }}\n"),
        ),
    };
    let mut text = format!(
        "/// Trait {i} of the benchmark.\n\
         pub trait Tr{i} {{\n    fn area_{i}(&self) -> f64;\n    fn scale_{i}(&mut self, by: f64);\n    \
         fn name_{i}(&self) -> String {{\n        String::from(\"tr{i}\")\n    }}\n{decl}}}\n\n\
         pub struct S{i} {{ v: f64 }}\n\n\
         impl Tr{i} for S{i} {{\n    fn area_{i}(&self) -> f64 {{ self.v }}\n    \
         fn scale_{i}(&mut self, by: f64) {{ self.v *= by; }}\n{imp}}}\n\n\
         pub fn use_{i}(x: &dyn Tr{i}) -> f64 {{ x.area_{i}() }}\n"
    );
    while text.lines().count() < LINES_PER_TRAIT {
        text.push('\n');
    }
    text
}

fn generate() -> String {
    (0..TRAITS).map(block).collect()
}

/// xorshift64*: the same positions for both servers.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    }
}

#[derive(Default)]
struct Results {
    name: String,
    version: String,
    first_answer: Option<Duration>,
    first_content: Option<Duration>,
    ready: Option<Duration>,
    hover: Vec<Duration>,
    hover_nonnull: usize,
    actions: Vec<Duration>,
    /// Code actions at trait headers (where the expand actions are offered).
    actions_header: Vec<Duration>,
    /// `codeAction/resolve` of the first action offered at a trait header, when the server
    /// left its edit out.
    resolves: Vec<Duration>,
    diagnostics: Vec<Duration>,
    diagnostics_missed: usize,
    rss_kib: Option<u64>,
}

fn percentile(samples: &[Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    Some(sorted[rank.min(sorted.len() - 1)])
}

fn ms(d: Option<Duration>) -> String {
    match d {
        Some(d) if d < Duration::from_millis(10) => format!("{:.2} ms", d.as_secs_f64() * 1e3),
        Some(d) => format!("{:.0} ms", d.as_secs_f64() * 1e3),
        None => "n/a".to_owned(),
    }
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

struct Config {
    hovers: usize,
    actions: usize,
    edits: usize,
    diagnostics_timeout: Duration,
    /// Declare `codeAction/resolve` support for `edit`.
    resolve: bool,
    /// The real-project scenario instead of the generated file.
    real_project: bool,
}

/// The real-project scenario: spawn → first correct hover on `dyn AsyncRead` (tokio's trait),
/// then `config.hovers` hovers over the `dyn` uses of dependency traits in `app/src/lib.rs`.
/// "Correct": dynlens's hover states the verdict; rust-analyzer's shows the trait.
fn run_real_project(
    name: &str,
    version: String,
    command: Command,
    config: &Config,
    init_options: Value,
) -> Results {
    let project = dynlens_tests::real_project();
    let file = project.join("app/src/lib.rs");
    let text = std::fs::read_to_string(&file).expect("the fixture");
    let uri = file_uri(&file);
    let mut results = Results {
        name: name.to_owned(),
        version,
        ..Results::default()
    };
    let spawned = Instant::now();
    let mut client = Client::spawn_command(command);
    client.configuration = init_options.clone();
    let root = file_uri(&project);
    let init = client.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root,
            "workspaceFolders": [{ "uri": root, "name": "real-project" }],
            "initializationOptions": init_options,
            "capabilities": {
                "textDocument": { "hover": { "contentFormat": ["markdown", "plaintext"] } },
                "workspace": { "configuration": true },
                "experimental": { "serverStatusNotification": true }
            }
        }),
    );
    assert!(
        init.get("error").is_none(),
        "{name}: initialize failed: {init}"
    );
    client.notify("initialized", json!({}));
    client.open(&uri, &text);
    // dynlens states the verdict; another server at least shows the trait.
    let correct = |v: &Value, trait_name: &str| {
        let value = v["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default();
        value.contains("dyn compatible")
            || (!name.starts_with("dynlens") && value.contains(trait_name))
    };
    let targets: Vec<(u32, u32, &str)> = [
        "dyn AsyncRead",
        "dyn Store",
        "dyn store::Stream",
        "dyn Service",
    ]
    .iter()
    .map(|needle| {
        let shift = needle.rfind([' ', ':']).map_or(0, |i| i + 1);
        let (line, col) = position_of(&text, needle, 0, shift);
        (line, col, &needle[shift..])
    })
    .collect();
    let (line, col, first_name) = targets[0];
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        let response = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col } }),
        );
        results.first_answer.get_or_insert(spawned.elapsed());
        if correct(&response, first_name) {
            results.first_content = Some(spawned.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    eprintln!(
        "  {name}: first hover {:?} / first correct {:?}",
        results.first_answer, results.first_content
    );
    for k in 0..config.hovers {
        let (line, col, trait_name) = targets[k % targets.len()];
        let started = Instant::now();
        let response = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col } }),
        );
        results.hover.push(started.elapsed());
        if correct(&response, trait_name) {
            results.hover_nonnull += 1;
        }
    }
    results.rss_kib = peak_rss_kib(client.pid());
    client.request("shutdown", json!(null));
    client.notify("exit", json!(null));
    results
}

/// What every server is run on.
struct Workload<'a> {
    project: &'a Path,
    file: &'a Path,
    text: &'a str,
    config: &'a Config,
}

/// Runs the whole scenario against one server.
fn run(
    name: &str,
    version: String,
    command: Command,
    work: &Workload<'_>,
    init_options: Value,
) -> Results {
    let Workload {
        project,
        file,
        text,
        config,
    } = *work;
    let mut results = Results {
        name: name.to_owned(),
        version,
        ..Results::default()
    };
    let uri = file_uri(file);
    let mut code_action_caps = json!({ "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["", "quickfix", "refactor", "refactor.rewrite"] } } });
    if config.resolve {
        code_action_caps["dataSupport"] = json!(true);
        code_action_caps["resolveSupport"] = json!({ "properties": ["edit"] });
    }
    let spawned = Instant::now();
    let mut client = Client::spawn_command(command);
    client.configuration = init_options.clone();
    let root = file_uri(project);
    let init = client.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root,
            "workspaceFolders": [{ "uri": root, "name": "bench" }],
            "initializationOptions": init_options,
            "capabilities": {
                "textDocument": {
                    "hover": { "contentFormat": ["markdown", "plaintext"] },
                    "publishDiagnostics": { "relatedInformation": true, "versionSupport": true },
                    "codeAction": code_action_caps
                },
                "workspace": { "configuration": true },
                "window": { "workDoneProgress": false },
                "experimental": { "serverStatusNotification": true }
            }
        }),
    );
    assert!(
        init.get("error").is_none(),
        "{name}: initialize failed: {init}"
    );
    client.notify("initialized", json!({}));
    client.open(&uri, text);

    // Time to the first hover answer, and to the first one with content, on a trait name.
    let (line, col) = position_of(text, "pub trait Tr7 ", 0, 10);
    let deadline = Instant::now() + Duration::from_secs(180);
    while Instant::now() < deadline {
        let id = client.request_nowait("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col } }));
        let Some(response) = client.try_wait_for(Duration::from_secs(180), |m| {
            m.get("method").is_none() && m["id"] == json!(id)
        }) else {
            break;
        };
        results.first_answer.get_or_insert(spawned.elapsed());
        if response["result"].is_object() {
            results.first_content = Some(spawned.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }

    eprintln!(
        "  {name}: first hover {:?} / with content {:?}",
        results.first_answer, results.first_content
    );

    // rust-analyzer keeps loading (cargo metadata, sysroot) after its first answers and says
    // when it is done with `experimental/serverStatus`; measure it once it is quiescent.
    let quiescent =
        |m: &Value| m["method"] == "experimental/serverStatus" && m["params"]["quiescent"] == true;
    // It may turn busy again (a second workspace fetch): ready = quiescent, then 3 s without
    // a busy status.
    if client
        .pending_messages()
        .iter()
        .any(|m| m["method"] == "experimental/serverStatus")
    {
        let busy = |m: &Value| {
            m["method"] == "experimental/serverStatus" && m["params"]["quiescent"] == false
        };
        let give_up = Instant::now() + Duration::from_secs(300);
        loop {
            let last_status = client
                .pending_messages()
                .iter()
                .rev()
                .find(|m| m["method"] == "experimental/serverStatus")
                .is_some_and(|m| m["params"]["quiescent"] == true);
            client.clear_pending();
            if !last_status
                && client
                    .try_wait_for(Duration::from_secs(300), quiescent)
                    .is_none()
            {
                break;
            }
            results.ready = Some(spawned.elapsed());
            if client.try_wait_for(Duration::from_secs(3), busy).is_none()
                || Instant::now() > give_up
            {
                break;
            }
        }
        eprintln!("  {name}: quiescent after {:?}", results.ready);
    }

    // Hover latency: trait names at definitions and at `dyn` uses, one request at a time.
    let mut rng = Rng(0x5EED);
    for _ in 0..config.hovers {
        let i = rng.below(TRAITS);
        let (needle, shift) = if rng.below(2) == 0 {
            (format!("pub trait Tr{i} "), 10)
        } else {
            (format!("&dyn Tr{i})"), 6)
        };
        let (line, col) = position_of(text, &needle, 0, shift);
        let started = Instant::now();
        let response = client.request("textDocument/hover", json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": col } }));
        results.hover.push(started.elapsed());
        if response["result"].is_object() {
            results.hover_nonnull += 1;
        } else if results.hover.len() - results.hover_nonnull == 1 {
            eprintln!("  {name}: a hover without content: {response}");
        }
    }

    eprintln!("  {name}: {} hovers done", results.hover.len());

    // Code-action latency at trait names and method names.
    for _ in 0..config.actions {
        let i = rng.below(TRAITS);
        let on_header = rng.below(2) == 0;
        let (needle, shift) = if on_header {
            (format!("pub trait Tr{i} "), 10)
        } else {
            (format!("fn area_{i}(&self) -> f64;"), 4)
        };
        let (line, col) = position_of(text, &needle, 0, shift);
        let at = json!({ "line": line, "character": col });
        let started = Instant::now();
        let response = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
        );
        let elapsed = started.elapsed();
        results.actions.push(elapsed);
        if on_header {
            results.actions_header.push(elapsed);
            // The user picks the first action; resolve it if its edit was left out.
            let first = &response["result"][0];
            if first.is_object() && first.get("edit").is_none() && first.get("data").is_some() {
                let started = Instant::now();
                let resolved = client.request("codeAction/resolve", first.clone());
                results.resolves.push(started.elapsed());
                if resolved["result"]["edit"].is_null() {
                    eprintln!("  {name}: a resolve without an edit: {resolved}");
                }
            }
        }
    }

    eprintln!("  {name}: {} code actions done", results.actions.len());

    // didChange → publishDiagnostics for that version. Edits come in pairs that cancel out
    // (insert `let ` at the start of a trait's method line — a syntax error, so that both
    // servers' diagnostics change — then remove it), so positions computed on `text` stay right.
    let mut version = 1;
    let mut line = 0;
    for k in 0..config.edits {
        let change = if k % 2 == 0 {
            let i = rng.below(TRAITS);
            line = position_of(text, &format!("    fn area_{i}(&self) -> f64;"), 0, 0).0;
            json!({ "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } }, "text": "let " })
        } else {
            json!({ "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 4 } }, "text": "" })
        };
        version += 1;
        client.clear_pending();
        let started = Instant::now();
        client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }));
        let published = client.try_wait_for(config.diagnostics_timeout, |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && (m["params"]["version"] == json!(version) || m["params"]["version"].is_null())
        });
        match published {
            Some(_) => results.diagnostics.push(started.elapsed()),
            None => results.diagnostics_missed += 1,
        }
    }

    results.rss_kib = peak_rss_kib(client.pid());
    let _ = client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let _ = client.wait_exit();
    results
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{} × {}, {} GiB RAM, {}",
        cores,
        cpu.unwrap_or_else(|| "unknown CPU".to_owned()),
        mem.map_or(0, |kib| kib / 1024 / 1024),
        command_output("uname", &["-sr"]).unwrap_or_default()
    )
}

fn build_release_server() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "dynlens", "--bin", "dynlens"])
        .current_dir(&workspace)
        .status()
        .expect("running cargo build");
    assert!(status.success(), "cargo build --release -p dynlens failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        workspace.join(target)
    };
    target.join("release").join("dynlens")
}

/// The real-project scenario for every server, and its table.
fn real_project_report(
    servers: &[(String, PathBuf)],
    with_dynlens: bool,
    with_ra: bool,
    ra: Option<PathBuf>,
    config: &Config,
) {
    assert!(
        dynlens_tests::dependencies_fetched(&dynlens_tests::real_project()),
        "the fixture's dependencies are needed"
    );
    let mut all = Vec::new();
    for (name, server) in servers.iter().filter(|_| with_dynlens) {
        let version = command_output(server.to_str().unwrap_or("dynlens"), &["--version"])
            .unwrap_or_else(|| "dynlens".to_owned());
        eprintln!("running {name} ({}) on the real project…", server.display());
        all.push(run_real_project(
            name,
            version,
            Command::new(server),
            config,
            json!({}),
        ));
    }
    if with_ra
        && let Some(ra) =
            ra.or_else(|| command_output("rustup", &["which", "rust-analyzer"]).map(PathBuf::from))
    {
        let version = command_output(ra.to_str().unwrap_or("rust-analyzer"), &["--version"])
            .unwrap_or_default();
        eprintln!("running {version} on the real project…");
        let options = json!({ "checkOnSave": false, "check": { "enable": false }, "cachePriming": { "enable": false },
                              "procMacro": { "enable": false }, "cargo": { "buildScripts": { "enable": false } } });
        all.push(run_real_project(
            "rust-analyzer",
            version,
            Command::new(&ra),
            config,
            options,
        ));
    }
    println!("Machine: {}", machine());
    println!(
        "Project: tests/fixtures/real-project (app/src/lib.rs); {} hovers on `dyn` uses of dependency traits.\n",
        config.hovers
    );
    let mut header = String::from("| measure |");
    let mut rule = String::from("|---|");
    for r in &all {
        header.push_str(&format!(" {} |", r.name));
        rule.push_str("---|");
    }
    println!("{header}\n{rule}");
    let row = |label: &str, f: &dyn Fn(&Results) -> String| {
        let mut line = format!("| {label} |");
        for r in &all {
            line.push_str(&format!(" {} |", f(r)));
        }
        println!("{line}");
    };
    row("spawn → first hover answer", &|r| ms(r.first_answer));
    row("spawn → first correct hover on `dyn AsyncRead`", &|r| {
        ms(r.first_content)
    });
    row("hover p50", &|r| ms(percentile(&r.hover, 50.0)));
    row("hover p99", &|r| ms(percentile(&r.hover, 99.0)));
    row("correct hovers", &|r| {
        format!("{}/{}", r.hover_nonnull, r.hover.len())
    });
    row("peak RSS (VmHWM)", &|r| {
        r.rss_kib
            .map(|k| format!("{:.1} MB", k as f64 / 1024.0))
            .unwrap_or_else(|| "n/a".to_owned())
    });
    println!();
    for r in &all {
        println!("- {}: {}", r.name, r.version);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut ra, mut with_ra, mut with_dynlens) = (None, true, true);
    let mut config = Config {
        hovers: 500,
        actions: 200,
        edits: 40,
        diagnostics_timeout: Duration::from_secs(10),
        resolve: true,
        real_project: false,
    };
    let mut servers: Vec<(String, PathBuf)> = Vec::new();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| panic!("{name} needs a value"))
        };
        match arg.as_str() {
            "--server" => {
                let v = value("--server");
                match v.split_once('=') {
                    Some((name, path)) => servers.push((name.to_owned(), PathBuf::from(path))),
                    None => servers.push(("dynlens".to_owned(), PathBuf::from(v))),
                }
            }
            "--no-resolve" => config.resolve = false,
            "--real-project" => config.real_project = true,
            "--ra" => ra = Some(PathBuf::from(value("--ra"))),
            "--no-ra" => with_ra = false,
            "--no-dynlens" => with_dynlens = false,
            "--hovers" => config.hovers = value("--hovers").parse().expect("a number"),
            "--actions" => config.actions = value("--actions").parse().expect("a number"),
            "--edits" => config.edits = value("--edits").parse().expect("a number"),
            "--diagnostics-timeout" => {
                config.diagnostics_timeout =
                    Duration::from_secs(value("--diagnostics-timeout").parse().expect("seconds"))
            }
            other => {
                panic!("unknown argument {other}; see the doc comment of tests/bench/lsp_bench.rs")
            }
        }
    }
    if with_dynlens && servers.is_empty() {
        servers.push(("dynlens".to_owned(), build_release_server()));
    }
    if config.real_project {
        real_project_report(&servers, with_dynlens, with_ra, ra, &config);
        return;
    }
    let text = generate();
    assert_eq!(text.lines().count(), TRAITS * LINES_PER_TRAIT);

    let project = TempDir::new("lsp-bench");
    project.write(
        "Cargo.toml",
        "[package]\nname = \"bench\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n",
    );
    let file = project.write("src/lib.rs", &text);

    let work = Workload {
        project: &project.0,
        file: &file,
        text: &text,
        config: &config,
    };
    let mut all = Vec::new();
    for (name, server) in servers.iter().filter(|_| with_dynlens) {
        let version = command_output(server.to_str().unwrap_or("dynlens"), &["--version"])
            .unwrap_or_else(|| "dynlens".to_owned());
        eprintln!("running {name} ({})…", server.display());
        all.push(run(name, version, Command::new(server), &work, json!({})));
    }

    if with_ra {
        let ra =
            ra.or_else(|| command_output("rustup", &["which", "rust-analyzer"]).map(PathBuf::from));
        match ra {
            Some(ra) => {
                let version =
                    command_output(ra.to_str().unwrap_or("rust-analyzer"), &["--version"])
                        .unwrap_or_default();
                eprintln!("running {version}…");
                let options = json!({ "checkOnSave": false, "check": { "enable": false }, "cachePriming": { "enable": false },
                                      "procMacro": { "enable": false }, "cargo": { "buildScripts": { "enable": false } } });
                all.push(run(
                    "rust-analyzer",
                    version,
                    Command::new(&ra),
                    &work,
                    options,
                ));
            }
            None => {
                eprintln!("rust-analyzer not found (rustup component add rust-analyzer); skipped")
            }
        }
    }

    println!("Machine: {}", machine());
    println!(
        "File: {} lines, {} traits ({} bytes); {} hovers, {} code actions, {} edits.\n",
        TRAITS * LINES_PER_TRAIT,
        TRAITS,
        text.len(),
        config.hovers,
        config.actions,
        config.edits
    );
    let mut header = String::from("| measure | target |");
    let mut rule = String::from("|---|---|");
    for r in &all {
        header.push_str(&format!(" {} |", r.name));
        rule.push_str("---|");
    }
    println!("{header}\n{rule}");
    let row = |label: &str, target: &str, f: &dyn Fn(&Results) -> String| {
        let mut line = format!("| {label} | {target} |");
        for r in &all {
            line.push_str(&format!(" {} |", f(r)));
        }
        println!("{line}");
    };
    row("spawn → first hover answer", "< 100 ms", &|r| {
        ms(r.first_answer)
    });
    row("spawn → first hover with content", "", &|r| {
        ms(r.first_content)
    });
    row(
        "spawn → quiescent (rust-analyzer's serverStatus)",
        "",
        &|r| ms(r.ready),
    );
    row("hover p50", "", &|r| ms(percentile(&r.hover, 50.0)));
    row("hover p99", "< 5 ms", &|r| ms(percentile(&r.hover, 99.0)));
    row("hovers with content", "", &|r| {
        format!("{}/{}", r.hover_nonnull, r.hover.len())
    });
    row("code action p50", "", &|r| ms(percentile(&r.actions, 50.0)));
    row("code action p99", "", &|r| ms(percentile(&r.actions, 99.0)));
    row("code action on a trait header p50", "", &|r| {
        ms(percentile(&r.actions_header, 50.0))
    });
    row("code action on a trait header p99", "", &|r| {
        ms(percentile(&r.actions_header, 99.0))
    });
    row("codeAction/resolve of the picked action p50", "", &|r| {
        ms(percentile(&r.resolves, 50.0))
    });
    row("didChange → publishDiagnostics p50", "", &|r| {
        ms(percentile(&r.diagnostics, 50.0))
    });
    row("didChange → publishDiagnostics p99", "< 20 ms", &|r| {
        ms(percentile(&r.diagnostics, 99.0))
    });
    let missed = format!(
        "edits without diagnostics within {} s",
        config.diagnostics_timeout.as_secs()
    );
    row(&missed, "", &|r| r.diagnostics_missed.to_string());
    row("peak RSS (VmHWM)", "< 100 MB", &|r| {
        r.rss_kib
            .map_or("n/a".to_owned(), |k| format!("{:.1} MB", k as f64 / 1024.0))
    });
    println!();
    for r in &all {
        println!("- {}: {}", r.name, r.version);
    }
}
