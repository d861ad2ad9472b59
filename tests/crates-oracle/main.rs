//! The rustc oracle on real crates: every public trait of tokio, syn, serde, futures, tower,
//! clap, tracing (the registry crates of `tests/fixtures/oracle-crates`) and of core, alloc
//! and std (from rust-src), listed by dynlens (`Analysis::public_traits`), is probed with
//! rustc — `pub fn _pN<'l0, T0, const C0: usize>(_: &dyn path::Trait<'l0, T0, C0>) {}` in the
//! fixture's `src/lib.rs`, fresh unbounded parameters for every generic parameter, judged by
//! `cargo check` (run by this test, never by dynlens) — and dynlens is asked the same
//! question on the same file: its diagnostics (which lines it flags) and its hover verdict on
//! each probed trait. The test fails on any disagreement and on any probe rustc cannot judge
//! (a bug in the enumerator), and prints the agreement table per crate.
//!
//! rustc's answer per probe line: no error → dyn compatible; only E0038 → not; E0658 → an
//! unstable trait (excluded, counted); E0191 → the associated types it names are added as
//! fresh parameters (`Item = A0`) and the line probed again; anything else → a probe error.
//!
//! Traits declared inside `macro_rules!` invocations (tokio's `cfg_io_util! { … }`, serde's
//! `declare_error_trait!`) or in modules a macro declares (serde's `crate_root!()`) are
//! listed through dynlens's macro expansion. As a cross-check, the test scans the crates'
//! sources with syn for `pub trait`s written inside macro invocations and prints those
//! dynlens does not list (traits of private modules, or macros it does not expand).
//!
//! `ORACLE_VERBOSE=1` also lists the unstable traits and the verdict of every probe.
//! The registry sources come from `cargo fetch` (`.ci/run`); when they are missing the test
//! says so loudly and skips; with `CI=true` it fails instead.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use dynlens_core::{Analysis, HoverConfig, ParamKind, PublicTrait, TextSize};

/// The crates probed, in the order of the table.
const CRATES: [&str; 10] = [
    "tokio", "syn", "serde", "futures", "tower", "clap", "tracing", "core", "alloc", "std",
];

/// The sysroot crates of [`CRATES`].
const STD: [&str; 3] = ["core", "alloc", "std"];

/// Rounds of E0191 (each adds the associated types rustc names).
const MAX_ROUNDS: usize = 3;

fn verbose() -> bool {
    std::env::var("ORACLE_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A fresh copy of the fixture (cargo writes nothing into the repository).
fn copy_fixture() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dynlens-crates-oracle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    let from = dynlens_tests::oracle_crates();
    for f in ["Cargo.toml", "Cargo.lock", "src/lib.rs"] {
        std::fs::copy(from.join(f), dir.join(f)).expect("copy");
    }
    dir
}

/// What rustc says about one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rustc {
    Compatible,
    /// E0038, with its first reason.
    NotCompatible(String),
    Unstable,
    /// E0191: the associated types to spell out.
    MissingAssoc(Vec<String>),
    /// Any other error: codes and first message.
    ProbeError(String),
}

/// What dynlens says about one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dynlens {
    Compatible,
    /// Not dyn compatible, with the violations its hover lists.
    NotCompatible(Vec<String>),
    /// No verdict (unknown trait, unknown attribute macro…): the hover's first line.
    NoVerdict(String),
    /// Its hover and its diagnostics disagree.
    Inconsistent(String),
}

struct Probe {
    krate: &'static str,
    tr: PublicTrait,
    /// Associated types rustc asked for (E0191).
    assoc: Vec<String>,
}

impl Probe {
    /// `pub fn _p3<'l0, T0, const C0: usize, A0>(_: &dyn a::B<'l0, T0, C0, Item = A0>) {}`
    fn line(&self, n: usize) -> String {
        let (mut params, mut args) = (Vec::new(), Vec::new());
        for (i, g) in self.tr.generics.iter().enumerate() {
            match g {
                ParamKind::Lifetime => {
                    params.push(format!("'l{i}"));
                    args.push(format!("'l{i}"));
                }
                ParamKind::Type => {
                    params.push(format!("T{i}"));
                    args.push(format!("T{i}"));
                }
                ParamKind::Const(ty) => {
                    params.push(format!("const C{i}: {ty}"));
                    args.push(format!("C{i}"));
                }
            }
        }
        for (i, a) in self.assoc.iter().enumerate() {
            params.push(format!("A{i}"));
            args.push(format!("{a} = A{i}"));
        }
        let params = if params.is_empty() {
            String::new()
        } else {
            format!("<{}>", params.join(", "))
        };
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("<{}>", args.join(", "))
        };
        format!("pub fn _p{n}{params}(_: &dyn {}{args}) {{}}", self.tr.path)
    }
}

/// The probe file's first lines (`alloc` is not in the extern prelude by default).
const HEADER: &str =
    "//! The probes of the crates oracle (tests/crates-oracle).\nextern crate alloc;\n";

/// The probe file: the header, then probe `i` on line [`line_of`]`(i)`.
fn probe_file(probes: &[Probe]) -> String {
    let mut text = String::from(HEADER);
    for (i, p) in probes.iter().enumerate() {
        text.push_str(&p.line(i));
        text.push('\n');
    }
    text
}

fn line_of(i: usize) -> usize {
    i + 1 + HEADER.lines().count()
}

/// Paths rustc cannot see in this build: modules and re-exports under a `#[cfg(feature = …)]`
/// that is off here (dynlens evaluates the target's `#[cfg]`s, not features, so it lists
/// them). A probe on such a path must
/// be an unresolved-path error; the trait is probed by another of its paths when it has one.
fn cfg_off(path: &str) -> Option<&'static str> {
    if path.starts_with("futures::compat::") {
        return Some("`#[cfg(feature = \"compat\")]`: a futures feature not enabled");
    }
    if ["clap::builder::ArgExt", "clap::builder::CommandExt"].contains(&path) {
        return Some("`#[cfg(feature = \"unstable-ext\")]`: a clap feature not enabled");
    }
    None
}

/// The error codes of an unresolved path.
const UNRESOLVED: [&str; 4] = ["E0405", "E0412", "E0433", "E0425"];

/// `cargo check` on the fixture copy: the errors in `src/lib.rs`, by 1-based line.
fn cargo_check(dir: &Path) -> BTreeMap<usize, Vec<serde_json::Value>> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oracle-crates");
    let out = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--locked", "--message-format=json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut by_line: BTreeMap<usize, Vec<serde_json::Value>> = BTreeMap::new();
    let mut elsewhere = Vec::new();
    for line in stdout.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let m = &v["message"];
        if v["reason"] != "compiler-message" || m["level"] != "error" {
            continue;
        }
        let primary = m["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["is_primary"] == true && s["file_name"] == "src/lib.rs");
        match primary {
            Some(span) => by_line
                .entry(span["line_start"].as_u64().unwrap_or(0) as usize)
                .or_default()
                .push(m.clone()),
            None if m["message"]
                .as_str()
                .is_some_and(|s| s.starts_with("aborting due to")) => {}
            None => elsewhere.push(m["rendered"].as_str().unwrap_or("").to_string()),
        }
    }
    assert!(
        elsewhere.is_empty(),
        "cargo check failed outside the probes (stderr: {}):\n{}",
        String::from_utf8_lossy(&out.stderr),
        elsewhere.join("\n")
    );
    by_line
}

/// The associated types an E0191 message names: "the value of the associated types `Item`
/// and `IntoIter` in `IntoIterator` must be specified".
fn e0191_names(message: &str) -> Vec<String> {
    let names = message
        .split_once("associated type")
        .map_or("", |(_, rest)| rest);
    let names = names.split(" in `").next().unwrap_or("");
    names
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// rustc's first reason for an E0038 (a span label "...because method `x` has …").
fn e0038_reason(m: &serde_json::Value) -> String {
    let labels = m["spans"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["label"].as_str())
        .chain(
            m["children"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|c| c["spans"].as_array().into_iter().flatten())
                .filter_map(|s| s["label"].as_str()),
        )
        .find(|l| l.contains("because"));
    labels
        .map(str::to_string)
        .unwrap_or_else(|| m["message"].as_str().unwrap_or("").to_string())
}

fn judge(errors: Option<&Vec<serde_json::Value>>) -> Rustc {
    let Some(errors) = errors else {
        return Rustc::Compatible;
    };
    let code = |m: &serde_json::Value| m["code"]["code"].as_str().unwrap_or("").to_string();
    let codes: BTreeSet<String> = errors.iter().map(code).collect();
    if codes.contains("E0658") {
        return Rustc::Unstable;
    }
    if codes.contains("E0191") {
        let mut names = Vec::new();
        for m in errors.iter().filter(|m| code(m) == "E0191") {
            for n in e0191_names(m["message"].as_str().unwrap_or("")) {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        return Rustc::MissingAssoc(names);
    }
    if codes.len() == 1 && codes.contains("E0038") {
        return Rustc::NotCompatible(e0038_reason(&errors[0]));
    }
    Rustc::ProbeError(format!(
        "{}: {}",
        codes.into_iter().collect::<Vec<_>>().join(","),
        errors[0]["message"].as_str().unwrap_or("")
    ))
}

/// rustc's verdicts, probe by probe (probes rewritten with the associated types it asks for).
fn rustc_verdicts(dir: &Path, probes: &mut [Probe]) -> Vec<Rustc> {
    let lib = dir.join("src/lib.rs");
    let mut verdicts = Vec::new();
    for round in 0..MAX_ROUNDS {
        std::fs::write(&lib, probe_file(probes)).expect("write probes");
        let errors = cargo_check(dir);
        verdicts = (0..probes.len())
            .map(|i| judge(errors.get(&line_of(i))))
            .collect();
        let mut again = false;
        for (p, v) in probes.iter_mut().zip(&verdicts) {
            if let Rustc::MissingAssoc(names) = v {
                for n in names {
                    if !p.assoc.contains(n) {
                        p.assoc.push(n.clone());
                        again = true;
                    }
                }
            }
        }
        if !again || round + 1 == MAX_ROUNDS {
            break;
        }
    }
    verdicts
}

/// dynlens on the probe file: its diagnostics and its hover on each probed trait's name.
fn dynlens_verdicts(analysis: &mut Analysis, lib: &Path, probes: &[Probe]) -> Vec<Dynlens> {
    let text = probe_file(probes);
    let file = analysis.set_file_text(lib.to_path_buf(), text.clone());
    let flagged: BTreeSet<usize> = analysis
        .diagnostics(file)
        .iter()
        .map(|d| text[..usize::from(d.range.start())].matches('\n').count() + 1)
        .collect();
    let config = HoverConfig {
        full: false,
        show_dyn_star: false,
    };
    let mut offset = 0;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(HEADER.lines().count()) {
        let line_start = offset + text[offset..].find(line).expect("the line");
        offset = line_start + line.len();
        // The trait's name: the last segment of the path after `&dyn `.
        let path_at = line.find("&dyn ").expect("a probe") + "&dyn ".len();
        let path_end = line[path_at..]
            .find(['<', ')'])
            .map_or(line.len(), |e| path_at + e);
        let name_at = line[path_at..path_end]
            .rfind("::")
            .map_or(path_at, |c| path_at + c + 2);
        let hover = analysis.hover(file, TextSize::from((line_start + name_at) as u32), &config);
        let markdown = hover.map(|h| h.markdown).unwrap_or_default();
        let flag = flagged.contains(&(i + 1));
        let verdict = if markdown.contains("✅ **dyn compatible**") {
            Dynlens::Compatible
        } else if markdown.contains("❌ **not dyn compatible**") {
            Dynlens::NotCompatible(
                markdown
                    .lines()
                    .filter(|l| l.starts_with(|c: char| c.is_ascii_digit()) && l.contains(". **"))
                    .map(|l| l.replace("**", ""))
                    .collect(),
            )
        } else {
            let first =
                markdown
                    .lines()
                    .find(|l| l.starts_with('❔'))
                    .unwrap_or(if markdown.is_empty() {
                        "no hover"
                    } else {
                        "no verdict"
                    });
            Dynlens::NoVerdict(first.to_string())
        };
        let consistent = match &verdict {
            Dynlens::Compatible | Dynlens::NoVerdict(_) => !flag,
            Dynlens::NotCompatible(_) => flag,
            Dynlens::Inconsistent(_) => false,
        };
        out.push(if consistent {
            verdict
        } else {
            Dynlens::Inconsistent(format!("hover {verdict:?}, diagnostic: {flag}"))
        });
    }
    assert_eq!(out.len(), probes.len(), "one verdict per probe");
    out
}

/// What a crate declares inside macros, by file: `pub trait`s and modules written in the
/// tokens of an item-level macro invocation (`cfg_io_util! { pub trait AsyncReadExt … }`)
/// or of a `macro_rules!` definition (serde's `crate_root!` declares `pub mod de;`). dynlens
/// lists none of them before it expands `macro_rules!` macros.
fn declared_in_macros(src: &Path) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    fn tokens(ts: proc_macro2::TokenStream, traits: &mut Vec<String>, mods: &mut Vec<String>) {
        let mut prev: Vec<String> = Vec::new();
        for tt in ts {
            match tt {
                proc_macro2::TokenTree::Group(g) => tokens(g.stream(), traits, mods),
                proc_macro2::TokenTree::Ident(id) => {
                    let s = id.to_string();
                    let pub_before = prev.iter().rev().nth(1).is_some_and(|p| p == "pub");
                    match prev.last().map(String::as_str) {
                        Some("trait") if pub_before => traits.push(s.clone()),
                        Some("mod") => mods.push(s.clone()),
                        _ => {}
                    }
                    prev.push(s);
                }
                other => prev.push(other.to_string()),
            }
        }
    }
    fn items(list: &[syn::Item], traits: &mut Vec<String>, mods: &mut Vec<String>) {
        for item in list {
            match item {
                syn::Item::Macro(m) if !m.mac.path.is_ident("macro_rules") => {
                    tokens(m.mac.tokens.clone(), traits, mods)
                }
                syn::Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        items(inner, traits, mods);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeMap::new();
    for file in dynlens_loader::rust_files(src) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(parsed) = syn::parse_file(&text) else {
            continue;
        };
        let (mut traits, mut mods) = (Vec::new(), Vec::new());
        items(&parsed.items, &mut traits, &mut mods);
        if !traits.is_empty() || !mods.is_empty() {
            let rel = file
                .strip_prefix(src)
                .unwrap_or(&file)
                .display()
                .to_string();
            out.insert(rel, (traits, mods));
        }
    }
    out
}

#[derive(Default)]
struct Row {
    judged: usize,
    agree: usize,
    disagree: usize,
    unstable: usize,
    cfg_off: usize,
    probe_errors: usize,
}

#[test]
fn dynlens_agrees_with_rustc_on_every_public_trait_of_real_crates() {
    let dir = copy_fixture();
    if !dynlens_tests::dependencies_fetched(&dir) {
        return;
    }
    let load = dynlens_loader::load_project(&dir).expect("project");
    let graph = load.graph.clone();
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));

    // core, alloc and std are read from rust-src (`rustup component add rust-src`).
    let sysroot = graph
        .iter()
        .any(|(_, c)| c.origin == dynlens_core::CrateOrigin::Sysroot);
    if !sysroot {
        let hint = "run `rustup component add rust-src`";
        assert!(
            !dynlens_tests::in_ci(),
            "CI=true and rust-src is missing ({hint})"
        );
        let bar = "!".repeat(78);
        eprintln!(
            "\n{bar}\n!! PARTLY SKIPPED: rust-src is missing, so core, alloc and std are NOT probed.\n!! {hint}\n{bar}\n"
        );
    }
    let mut probes = Vec::new();
    for krate in CRATES.into_iter().filter(|k| sysroot || !STD.contains(k)) {
        let traits = analysis.public_traits(krate);
        // serde declares its modules and re-exports inside `crate_root!()`: listed through
        // the macro's expansion.
        assert!(
            traits.len() >= 3,
            "dynlens lists {} public traits of `{krate}` (rust-src installed? `rustup component add rust-src`)",
            traits.len()
        );
        for mut tr in traits {
            // A path rustc sees, when the trait has one.
            if cfg_off(&tr.path).is_some()
                && let Some(i) = tr.other_paths.iter().position(|p| cfg_off(p).is_none())
            {
                let seen = tr.other_paths.remove(i);
                let cfg_path = std::mem::replace(&mut tr.path, seen);
                tr.other_paths.insert(0, cfg_path);
            }
            probes.push(Probe {
                krate,
                tr,
                assoc: Vec::new(),
            });
        }
    }
    let rustc = rustc_verdicts(&dir, &mut probes);
    let dynlens = dynlens_verdicts(&mut analysis, &dir.join("src/lib.rs"), &probes);

    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    let (mut disagreements, mut probe_errors, mut unstable) = (Vec::new(), Vec::new(), Vec::new());
    let mut cfg_excluded = Vec::new();
    for ((p, r), d) in probes.iter().zip(&rustc).zip(&dynlens) {
        let row = rows.entry(p.krate).or_default();
        if verbose() {
            let assoc = if p.assoc.is_empty() {
                String::new()
            } else {
                format!(" (with {})", p.assoc.join(", "))
            };
            eprintln!(
                "{:<60} rustc {r:?} | dynlens {d:?}",
                p.tr.path.clone() + &assoc
            );
        }
        match r {
            Rustc::Unstable => {
                row.unstable += 1;
                unstable.push(p.tr.path.clone());
                continue;
            }
            Rustc::ProbeError(e)
                if let Some(why) = cfg_off(&p.tr.path)
                    && UNRESOLVED.iter().any(|c| e.starts_with(c)) =>
            {
                row.cfg_off += 1;
                cfg_excluded.push(format!("{}: {why}", p.tr.path));
                continue;
            }
            Rustc::MissingAssoc(_) | Rustc::ProbeError(_) => {
                row.probe_errors += 1;
                probe_errors.push(format!(
                    "{} (defined at {}): {r:?}",
                    p.tr.path, p.tr.defined_at
                ));
                continue;
            }
            Rustc::Compatible | Rustc::NotCompatible(_) => {}
        }
        row.judged += 1;
        let agree = matches!(
            (r, d),
            (Rustc::Compatible, Dynlens::Compatible)
                | (Rustc::NotCompatible(_), Dynlens::NotCompatible(_))
        );
        if agree {
            row.agree += 1;
        } else {
            row.disagree += 1;
            disagreements.push(format!(
                "{} (defined at {})\n    rustc:   {r:?}\n    dynlens: {d:?}",
                p.tr.path, p.tr.defined_at
            ));
        }
    }

    let mut table = format!(
        "{:<10} {:>7} {:>7} {:>9} {:>9} {:>8} {:>13}\n",
        "crate", "judged", "agree", "disagree", "unstable", "cfg off", "probe errors"
    );
    let mut total = Row::default();
    let empty = Row::default();
    for krate in CRATES {
        let r = rows.get(krate).unwrap_or(&empty);
        table.push_str(&format!(
            "{krate:<10} {:>7} {:>7} {:>9} {:>9} {:>8} {:>13}\n",
            r.judged, r.agree, r.disagree, r.unstable, r.cfg_off, r.probe_errors
        ));
        total.judged += r.judged;
        total.agree += r.agree;
        total.disagree += r.disagree;
        total.unstable += r.unstable;
        total.cfg_off += r.cfg_off;
        total.probe_errors += r.probe_errors;
    }
    table.push_str(&format!(
        "{:<10} {:>7} {:>7} {:>9} {:>9} {:>8} {:>13}\n",
        "total",
        total.judged,
        total.agree,
        total.disagree,
        total.unstable,
        total.cfg_off,
        total.probe_errors
    ));
    eprintln!("\n{table}");
    if verbose() {
        eprintln!("unstable (E0658, excluded):\n  {}\n", unstable.join("\n  "));
        eprintln!(
            "under a #[cfg] off in this build (excluded):\n  {}\n",
            cfg_excluded.join("\n  ")
        );
    }
    if !disagreements.is_empty() {
        eprintln!("disagreements:\n{}\n", disagreements.join("\n"));
    }

    // What dynlens cannot list yet: traits and modules declared inside macros.
    for (_, data) in graph.iter() {
        if !CRATES.contains(&data.name.as_str())
            || data.origin != dynlens_core::CrateOrigin::Dependency
        {
            continue;
        }
        let Some(src) = data.root.parent() else {
            continue;
        };
        let listed: BTreeSet<String> = probes
            .iter()
            .filter(|p| p.krate == data.name)
            .flat_map(|p| {
                std::iter::once(&p.tr.defined_at)
                    .chain(std::iter::once(&p.tr.path))
                    .chain(&p.tr.other_paths)
            })
            .filter_map(|p| p.rsplit("::").next().map(str::to_string))
            .collect();
        let (mut expanded, mut missing) = (0, Vec::new());
        for (file, (traits, _)) in declared_in_macros(src) {
            for t in traits {
                if listed.contains(&t) {
                    expanded += 1;
                } else {
                    missing.push(format!("{file}: {t}"));
                }
            }
        }
        if expanded + missing.len() > 0 {
            eprintln!(
                "{}: {expanded} public traits written inside macro invocations are listed through their expansion{}",
                data.name,
                if missing.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; not listed (private modules or macros not expanded):\n  {}",
                        missing.join("\n  ")
                    )
                }
            );
        }
    }

    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        probe_errors.is_empty(),
        "{} probes rustc could not judge (enumerator bugs):\n{}",
        probe_errors.len(),
        probe_errors.join("\n")
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements with rustc:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(total.judged >= 100, "only {} traits judged", total.judged);
}
