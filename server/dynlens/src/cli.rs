//! The command line: `dynlens [lsp]`, `dynlens check PATH… [--json]`, `dynlens expand FILE TRAIT`.
//!
//! This module and `lsp::workspace` are the only places that read files; errors are one clear
//! line on stderr and a non-zero exit, never a panic.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use dynlens_core::Analysis;

#[derive(Parser, Debug)]
#[command(
    name = "dynlens",
    version,
    about = "Makes dynamic dispatch visible: dyn-compatibility verdicts and explicit vtables for Rust traits."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Accepted and ignored: many LSP clients pass `--stdio`; stdio is the only transport.
    #[arg(long, global = true, hide = true)]
    pub stdio: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the language server on stdin/stdout (the default).
    Lsp,
    /// Report the dyn compatibility of every trait under the given files or directories.
    Check {
        /// Files or directories (searched recursively for `.rs` files; `target/` and hidden
        /// directories are skipped).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print a JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the explicit vtable expansion of TRAIT defined in FILE (see docs/expansion.md).
    Expand {
        file: PathBuf,
        #[arg(value_name = "TRAIT")]
        trait_name: String,
        /// Also emit the forwarding impls for `Box<T>`, `&T`, `&mut T`.
        #[arg(long)]
        forwarding: bool,
    },
}

/// A failure to report: one line, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

/// Every `.rs` file under `path` (or `path` itself). Unreadable directories are reported.
pub fn rust_files(path: &Path, warnings: &mut Vec<String>) -> Result<Vec<PathBuf>, CliError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| CliError(format!("cannot read `{}`: {e}", path.display())))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !meta.is_dir() {
        // `/dev/zero`, a FIFO, a socket (or a symlink to one): never read.
        return Err(CliError(format!(
            "`{}` is neither a file nor a directory (a device, a FIFO or a socket): not read",
            path.display()
        )));
    }
    Ok(dynlens_loader::walk_rust_files(path, &mut |dir, e| {
        warnings.push(format!("skipping `{}`: {e}", dir.display()))
    }))
}

/// Reads a source file; invalid UTF-8 is an error with the byte offset.
pub fn read_source(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError(format!("cannot read `{}`: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|e| {
        CliError(format!(
            "`{}` is not valid UTF-8 (at byte {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Gives `analysis` the Cargo project `path` belongs to (its crate graph, with the
/// dependencies' sources where Cargo keeps them), so that names resolve per module and
/// dependency traits are known. Nothing is run: manifests, `Cargo.lock` and `.cargo/config.toml`
/// are read as data. A path in no Cargo project keeps the file-wide name resolution. Missing
/// dependency sources become warnings, except those only some other platform needs.
fn attach_project(analysis: &mut Analysis, path: &Path, warnings: &mut Vec<String>) {
    let Ok(load) = dynlens_loader::load_project(path) else {
        return;
    };
    for w in &load.warnings {
        if !matches!(
            w,
            dynlens_loader::LoadWarning::MissingSources {
                target_specific: true,
                ..
            }
        ) {
            warnings.push(w.to_string());
        }
    }
    analysis.set_project(load.graph, Arc::new(dynlens_loader::DiskFileSource));
}

/// `dynlens check`.
pub fn check(
    paths: &[PathBuf],
    json: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    let mut warnings = Vec::new();
    // One project per run: the one the first path belongs to.
    if let Some(first) = paths.first() {
        attach_project(&mut analysis, first, &mut warnings);
    }
    let mut files = Vec::new();
    for p in paths {
        let explicit = std::fs::metadata(p).map(|m| m.is_file()).unwrap_or(false);
        for f in rust_files(p, &mut warnings)? {
            match read_source(&f) {
                // By its canonical path, as the crate graph names files (a relative path
                // would be a file of no crate).
                Ok(text) => files.push(analysis.set_file_text(canonical(&f), text)),
                // A file named on the command line must be readable; one found in a
                // directory is skipped with a warning.
                Err(e) if explicit => return Err(e),
                Err(e) => warnings.push(format!("skipping: {e}")),
            }
        }
    }
    for w in &warnings {
        let _ = writeln!(err, "dynlens: warning: {w}");
    }
    let mut reports: Vec<_> = files.iter().flat_map(|f| analysis.check_file(*f)).collect();
    for r in &mut reports {
        r.file = shown(&r.file);
    }
    // Files too deeply nested to analyse: not parsed, no verdict (said on stdout in text, on
    // stderr with `--json`, whose array holds traits only).
    let too_deep: Vec<String> = files
        .iter()
        .filter_map(|&f| {
            let depth = analysis.too_deeply_nested(f)?;
            let path = analysis.file_path(f)?.display().to_string();
            Some(format!(
                "{}: {}",
                shown(&path),
                dynlens_core::too_deep_message(depth).trim_start_matches("dynlens: ")
            ))
        })
        .collect();
    if json {
        for line in &too_deep {
            let _ = writeln!(err, "dynlens: warning: {line}");
        }
        let text = serde_json::to_string_pretty(&reports)
            .map_err(|e| CliError(format!("cannot encode JSON: {e}")))?;
        writeln!(out, "{text}").map_err(|e| CliError(format!("cannot write output: {e}")))?;
        return Ok(());
    }
    let (mut ok, mut bad, mut unknown) = (0, 0, 0);
    for r in &reports {
        let n = r.violations.len() + r.more_violations;
        let verdict = match r.dyn_compatible {
            Some(true) => "dyn compatible".to_string(),
            Some(false) => format!(
                "NOT dyn compatible ({n} violation{})",
                if n == 1 { "" } else { "s" }
            ),
            None if r.shape == "incomplete" => format!(
                "incomplete: fix the syntax first (`{}` does not parse); no verdict",
                r.shape_attribute.as_deref().unwrap_or("?")
            ),
            None if r.shape == "unknown" => format!(
                "no verdict: `#[{}]` may reshape it (unknown attribute macro)",
                r.shape_attribute.as_deref().unwrap_or("?")
            ),
            None => format!(
                "no verdict: supertrait not found ({})",
                r.unresolved_supertraits.join(", ")
            ),
        };
        let star = match r.dyn_star_compatible {
            Some(true) => "dyn*: yes",
            Some(false) => "dyn*: no",
            None if r.shape == "incomplete" => "dyn*: no verdict",
            None => "dyn*: not expandable",
        };
        let _ = writeln!(
            out,
            "{}:{}: trait `{}`: {verdict}; {star}",
            r.file, r.line, r.trait_name
        );
        for v in &r.violations {
            let line = v.line.map(|l| format!("line {l}: ")).unwrap_or_default();
            let _ = writeln!(out, "    - {line}{} [{}]", v.message, v.kind);
        }
        if r.more_violations > 0 {
            let _ = writeln!(
                out,
                "    - {}",
                dynlens_core::more_violations(r.more_violations)
            );
        }
        match r.dyn_compatible {
            Some(true) => ok += 1,
            Some(false) => bad += 1,
            None => unknown += 1,
        }
    }
    for line in &too_deep {
        let _ = writeln!(out, "{line}");
    }
    let unknown_text = if unknown > 0 {
        format!(
            ", {unknown} without a verdict (syntax errors, an unknown attribute macro or supertrait)"
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} traits: {ok} dyn compatible, {bad} not dyn compatible{unknown_text}",
        reports.len()
    );
    Ok(())
}

/// `path` made absolute with symlinks resolved, as the loader names the crates' files (or as
/// it is when it cannot be).
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A canonical path as the user sees it: relative to the current directory when under it.
fn shown(path: &str) -> String {
    let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) else {
        return path.to_string();
    };
    Path::new(path)
        .strip_prefix(&cwd)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

/// The directory of the nearest `Cargo.toml` above `file`, if any.
fn crate_root(file: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(file).ok()?;
    abs.ancestors()
        .skip(1)
        .find(|d| d.join("Cargo.toml").is_file())
        .map(Path::to_path_buf)
}

/// `dynlens expand`.
pub fn expand(
    file: &Path,
    trait_name: &str,
    forwarding: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let text = read_source(file)?;
    let shown = file.display().to_string();
    let file = &canonical(file);
    let mut analysis = Analysis::new(dynlens_loader::std_library());
    attach_project(&mut analysis, file, &mut Vec::new());
    // The crate's other files, so that supertraits defined elsewhere resolve.
    if let Some(root) = crate_root(file) {
        for f in rust_files(&root, &mut Vec::new()).unwrap_or_default() {
            let f = canonical(&f);
            if f == *file {
                continue;
            }
            if let Ok(t) = read_source(&f) {
                analysis.set_file_text(f, t);
            }
        }
    }
    let id = analysis.set_file_text(file.to_path_buf(), text);
    let exp = analysis
        .expand_named_with(id, trait_name, forwarding)
        .map_err(|e| CliError(format!("cannot expand `{trait_name}` in `{shown}`: {e}")))?;
    write!(out, "{}", exp.text).map_err(|e| CliError(format!("cannot write output: {e}")))?;
    Ok(())
}
