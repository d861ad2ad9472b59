//! Every trait of the rustc-oracle corpus (`tests/oracle/corpus/*.rs`) and of
//! `examples/dispatch.rs`, expanded through the real entry point (`Analysis::expand_named`, with
//! the built-in std catalog) and compiled by stable rustc together with its file.
//!
//! - Every expansion must compile, complete (`impl Foo for DynFoo`) or not.
//! - An expansion that is not complete says so in its title (`without `impl Foo for DynFoo`: why`)
//!   and in a comment, and its text has no `impl Foo for DynFoo`.
//! - `expand_named` may fail only for the traits in [`CANNOT_EXPAND`] (with a readable message).
//!
//! One rustc call per corpus file: the file, then each trait's expansion in its own module
//! (`mod __expansion_Foo { use super::*; … }`, since the expansion of `Foo: Shape` includes the
//! expansion of `Shape` too). Errors are mapped back to the trait by line; each trait with an error
//! is then compiled alone (its expansion appended to the file, as the code action inserts it) to
//! pinpoint the failure. `CORPUS_VERBOSE=1` prints the verdict of every trait.

use dynlens_core::Analysis;
use dynlens_core::StdLibrary;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The traits the generator cannot expand at all (`expand_named` returns `Err`): (file, trait).
/// Everything else must expand, and its expansion must compile.
const CANNOT_EXPAND: &[(&str, &str)] = &[];

/// How many forwarding impls (of the 3 × 323 possible) the corpus gets at least (562 written, 407 left out with a reason).
const MIN_FORWARDING_IMPLS: usize = 562;

/// The forwarding impls of `name` (`Box<T>`, `&T`, `&mut T`) in an expansion: how many are
/// written (their doc comment) and how many left out with a comment saying why.
fn forwarding_impls(text: &str, name: &str) -> (usize, usize) {
    let mut written = 0;
    let mut left_out = 0;
    for pointer in ["Box<", "&mut ", "&"] {
        let is = |l: &str, prefix: &str| {
            l.split_once(prefix).is_some_and(|(_, rest)| {
                rest.starts_with(pointer) && (pointer != "&" || !rest.starts_with("&mut "))
            })
        };
        let doc = format!("Forwards every item of `{name}` to the `");
        if text
            .lines()
            .any(|l| l.contains(&doc) && is(l, "behind the `"))
        {
            written += 1;
        }
        let comment = format!("// No `impl {name} for ");
        if text.lines().any(|l| is(l, &comment)) {
            left_out += 1;
        }
    }
    (written, left_out)
}

/// One trait and its expansion.
struct Case {
    file: String,
    name: String,
    /// `Ok((text, title))`.
    result: Result<(String, String), String>,
}

impl Case {
    fn complete(&self) -> Option<bool> {
        self.result
            .as_ref()
            .ok()
            .map(|(_, title)| !title.contains("(without `impl"))
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn corpus_files() -> Vec<PathBuf> {
    let root = workspace();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/oracle/corpus"))
        .expect("tests/oracle/corpus")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    files.insert(0, root.join("examples/dispatch.rs"));
    files
}

/// Whether `text` has an item `impl<…> Name<…> for DynName…` (or `unsafe impl`), whose header
/// may span several lines.
fn has_impl_of_trait_for_dyn(text: &str, name: &str) -> bool {
    let lines: Vec<&str> = text.lines().collect();
    (0..lines.len()).any(|i| {
        let line = lines[i].trim_start();
        let line = line.strip_prefix("unsafe ").unwrap_or(line);
        if !line.starts_with("impl") {
            return false;
        }
        let mut header = String::new();
        for l in &lines[i..] {
            header.push_str(l.trim());
            header.push(' ');
            if l.contains('{') || l.trim_end().ends_with(';') {
                break;
            }
        }
        let header = header.trim_start();
        let header = header.strip_prefix("unsafe ").unwrap_or(header);
        let Some(rest) = header.strip_prefix("impl") else {
            return false;
        };
        // Skip the impl's generics `<…>` (balanced).
        let rest = if rest.starts_with('<') {
            let mut depth = 0usize;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '<' => depth += 1,
                    '>' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            &rest[end..]
        } else {
            rest
        };
        let rest = rest.trim_start();
        let head: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        head == name && rest.contains(&format!(" for Dyn{name}"))
    })
}

fn module_name(trait_name: &str) -> String {
    format!("__expansion_{trait_name}")
}

/// Compiles `source` as a library; `Err(stderr)` (short format) on failure.
fn rustc(source: &str, dir: &Path, stem: &str) -> Result<(), String> {
    let path = dir.join(format!("{stem}.rs"));
    std::fs::write(&path, source).expect("write source");
    let out = Command::new("rustc")
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit=metadata",
            "--error-format=short",
            "-A",
            "warnings",
        ])
        .arg("--crate-name")
        .arg(format!("corpus_{}", stem.replace('-', "_")))
        .arg("-o")
        .arg(dir.join(format!("{stem}.rmeta")))
        .arg(&path)
        .output()
        .expect("run rustc");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// The first lines of rustc's errors, for the table.
fn first_errors(stderr: &str, n: usize) -> String {
    let errs: Vec<&str> = stderr.lines().filter(|l| l.contains(": error")).collect();
    let mut s: Vec<String> = errs
        .iter()
        .take(n)
        .map(|l| {
            l.split_once(": error")
                .map(|(_, e)| format!("error{e}"))
                .unwrap_or_else(|| l.to_string())
        })
        .collect();
    if errs.len() > n {
        s.push(format!("… {} more", errs.len() - n));
    }
    s.join(" | ")
}

/// Expands every trait of one file and compiles the expansions; returns the cases and the
/// compile failures `(trait, rustc's errors)`.
fn check_file(path: &Path, dir: &Path, forwarding: bool) -> (Vec<Case>, Vec<(String, String)>) {
    let text = std::fs::read_to_string(path).expect("corpus file");
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .expect("file name")
        .to_string();
    let stem = path
        .file_stem()
        .and_then(|f| f.to_str())
        .expect("stem")
        .to_string();
    let mut analysis = Analysis::new(StdLibrary::catalog());
    let id = analysis.set_file_text(path.to_path_buf(), text.clone());
    let names: Vec<String> = analysis
        .check_file(id)
        .into_iter()
        .map(|r| r.trait_name)
        .collect();
    assert!(!names.is_empty(), "{file}: no traits found");
    let cases: Vec<Case> = names
        .into_iter()
        .map(|name| {
            let result = analysis
                .expand_named_with(id, &name, forwarding)
                .map(|o| (o.text, o.title));
            Case {
                file: file.clone(),
                name,
                result,
            }
        })
        .collect();

    // One crate: the file, then every expansion in its own module; remember the lines.
    let mut batch = text.clone();
    if !batch.ends_with('\n') {
        batch.push('\n');
    }
    let mut ranges: Vec<(usize, usize, &str)> = Vec::new();
    for c in &cases {
        let Ok((exp, _)) = &c.result else { continue };
        let start = batch.lines().count() + 1;
        batch.push_str(&format!(
            "mod {} {{\n#[allow(unused_imports)]\nuse super::*;\n{exp}\n}}\n",
            module_name(&c.name)
        ));
        ranges.push((start, batch.lines().count(), c.name.as_str()));
    }
    let mut suspects: Vec<&str> = Vec::new();
    if let Err(stderr) = rustc(&batch, dir, &stem) {
        let file_name = format!("{stem}.rs:");
        let mut unmapped = false;
        for line in stderr.lines().filter(|l| l.contains(": error")) {
            let n: Option<usize> = line
                .split_once(&file_name)
                .and_then(|(_, r)| r.split(':').next())
                .and_then(|n| n.parse().ok());
            match n.and_then(|n| ranges.iter().find(|(s, e, _)| (*s..=*e).contains(&n))) {
                Some((_, _, t)) => {
                    if !suspects.contains(t) {
                        suspects.push(t)
                    }
                }
                None => unmapped = true,
            }
        }
        // With the forwarding impls, the modules' impls for `Box<T>` of one trait conflict
        // with each other (each module includes its supertraits' expansions), and a
        // conflict may hide other errors: every trait is then compiled alone.
        if unmapped || suspects.is_empty() || forwarding {
            suspects = ranges.iter().map(|(_, _, t)| *t).collect();
        }
    }
    // Alone, appended to the file as the code action would insert it.
    let mut failures = Vec::new();
    for c in cases.iter().filter(|c| suspects.contains(&c.name.as_str())) {
        let Ok((exp, _)) = &c.result else { continue };
        let source = format!("{text}\n{exp}\n");
        if let Err(stderr) = rustc(&source, dir, &format!("{stem}-{}", c.name)) {
            failures.push((c.name.clone(), stderr));
        }
    }
    (cases, failures)
}

#[test]
fn every_corpus_trait_expands_to_code_that_compiles() {
    expand_and_compile_corpus(false);
}

/// The second action: the same, with the forwarding impls (`impl Foo for Box<T>`, `&T`,
/// `&mut T`), each of which must compile or be left out with a comment saying why.
#[test]
fn every_corpus_trait_expands_with_forwarding_impls_to_code_that_compiles() {
    expand_and_compile_corpus(true);
}

/// The rustc error codes in `stderr` (`E0403`), each once, in order of appearance.
fn error_codes(stderr: &str) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for l in stderr.lines() {
        if let Some((_, rest)) = l.split_once("error[") {
            let code: String = rest.chars().take_while(|c| *c != ']').collect();
            if !codes.contains(&code) {
                codes.push(code);
            }
        } else if l.contains(": error") && !codes.iter().any(|c| c == "no code") {
            codes.push("no code".to_string());
        }
    }
    codes
}

fn expand_and_compile_corpus(forwarding: bool) {
    let variant = if forwarding { "-forwarding" } else { "" };
    let dir = std::env::temp_dir().join(format!(
        "dynlens-expand-corpus{variant}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let files = corpus_files();
    let start = Instant::now();
    // Two workers (the machine has two cores).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(f) = files.get(i) else { break };
                    let r = check_file(f, &dir, forwarding);
                    results.lock().expect("results").push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);
    let elapsed = start.elapsed();

    let verbose = std::env::var_os("CORPUS_VERBOSE").is_some();
    let mut problems: Vec<String> = Vec::new();
    let (mut total, mut complete, mut partial, mut errors) = (0, 0, 0, 0);
    let (mut fwd_written, mut fwd_left_out) = (0, 0);
    for (_, (cases, failures)) in &results {
        for c in cases {
            total += 1;
            let status = match (&c.result, c.complete()) {
                (Ok(_), Some(true)) => {
                    complete += 1;
                    "complete"
                }
                (Ok(_), _) => {
                    partial += 1;
                    "not complete"
                }
                (Err(_), _) => {
                    errors += 1;
                    "Err"
                }
            };
            if verbose {
                let detail = match &c.result {
                    Ok((_, title)) => title.clone(),
                    Err(e) => e.clone(),
                };
                eprintln!("{:<22} {:<32} {:<13} {}", c.file, c.name, status, detail);
            }
            let expected_err = CANNOT_EXPAND.contains(&(c.file.as_str(), c.name.as_str()));
            match &c.result {
                Err(e) if !expected_err => problems.push(format!(
                    "{:<22} {:<32} Err (not in CANNOT_EXPAND): {e}",
                    c.file, c.name
                )),
                Err(e) if e.trim().is_empty() || e.contains('\n') => problems.push(format!(
                    "{:<22} {:<32} Err without a one-line message: {e:?}",
                    c.file, c.name
                )),
                Err(_) => {}
                Ok(_) if expected_err => problems.push(format!(
                    "{:<22} {:<32} expands now: remove it from CANNOT_EXPAND",
                    c.file, c.name
                )),
                Ok((text, _)) => {
                    let is_complete = c.complete() == Some(true);
                    if has_impl_of_trait_for_dyn(text, &c.name) != is_complete {
                        problems.push(format!(
                            "{:<22} {:<32} the title says complete = {is_complete}, the text {} `impl {} for Dyn{}`",
                            c.file,
                            c.name,
                            if is_complete { "has no" } else { "has" },
                            c.name,
                            c.name
                        ));
                    }
                    if !is_complete
                        && !text.contains(&format!("// No `impl {} for Dyn{}`", c.name, c.name))
                    {
                        problems.push(format!(
                            "{:<22} {:<32} not complete, but no comment says why",
                            c.file, c.name
                        ));
                    }
                    if forwarding {
                        let (written, left_out) = forwarding_impls(text, &c.name);
                        fwd_written += written;
                        fwd_left_out += left_out;
                        if written + left_out != 3 {
                            problems.push(format!(
                                "{:<22} {:<32} {written} forwarding impl(s) written and {left_out} left out with a reason: expected 3 in all",
                                c.file, c.name
                            ));
                        }
                    }
                    for banned in ["unimplemented!", "todo!"] {
                        if text.contains(banned) {
                            problems.push(format!(
                                "{:<22} {:<32} generated `{banned}`",
                                c.file, c.name
                            ));
                        }
                    }
                }
            }
        }
        for (name, stderr) in failures {
            let file = cases.first().map(|c| c.file.as_str()).unwrap_or("");
            problems.push(format!(
                "{file:<22} {name:<32} does not compile [{}]: {}",
                error_codes(stderr).join(", "),
                first_errors(stderr, 3)
            ));
            if verbose {
                eprintln!("---- {file} {name}\n{stderr}");
            }
        }
    }
    let mut by_code: std::collections::BTreeMap<String, usize> = Default::default();
    for (_, (_, failures)) in &results {
        for (_, stderr) in failures {
            for code in error_codes(stderr) {
                *by_code.entry(code).or_default() += 1;
            }
        }
    }
    let failed: usize = results.iter().map(|(_, (_, f))| f.len()).sum();
    eprintln!(
        "corpus{variant}: {failed} trait(s) do not compile; by error code (traits): {by_code:?}"
    );
    eprintln!(
        "corpus{variant}: {total} traits in {} files: {complete} complete, {partial} not complete, {errors} Err ({} expected); expanded and compiled in {elapsed:.1?}",
        files.len(),
        CANNOT_EXPAND.len()
    );
    if forwarding {
        eprintln!(
            "corpus{variant}: {fwd_written} forwarding impls written, {fwd_left_out} left out with a reason"
        );
        // Leaving everything out would compile too: the impls must keep being written.
        assert!(
            fwd_written >= MIN_FORWARDING_IMPLS,
            "only {fwd_written} forwarding impls written (at least {MIN_FORWARDING_IMPLS} expected)"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        total >= 290,
        "only {total} traits: the corpus is incomplete"
    );
    if !problems.is_empty() {
        panic!(
            "{} problem(s):\n{:<22} {:<32} problem\n{}",
            problems.len(),
            "file",
            "trait",
            problems.join("\n")
        );
    }
}
