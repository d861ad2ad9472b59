//! The toolchain's rust-src on disk: where it is (`RUST_SRC_PATH`, or below the sysroot that
//! `rustc --print sysroot` reports) and a [`StdSource`] reading its files, for
//! [`dynlens_std::StdLibrary`], which does no IO itself.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use dynlens_std::{StdLibrary, StdSource};

/// How long `rustc --print sysroot` may take before dynlens gives up on rust-src.
pub const SYSROOT_PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// rust-src's `library/` directory on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustSrcDir {
    library: PathBuf,
}

impl RustSrcDir {
    /// `library/` (holding `core/`, `alloc/`, `std/`), or the directory above it; `None` when
    /// it does not hold rust-src.
    pub fn new(path: impl Into<PathBuf>) -> Option<Self> {
        validate_rust_src(path.into()).map(|library| RustSrcDir { library })
    }
}

impl StdSource for RustSrcDir {
    fn read(&self, relative_path: &str) -> std::io::Result<String> {
        std::fs::read_to_string(self.library.join(relative_path))
    }

    fn library(&self) -> PathBuf {
        self.library.clone()
    }
}

/// rust-src when installed, the catalog otherwise.
///
/// Cheap: env `RUST_SRC_PATH` (pointing at `library/`) wins when set — and when it does not
/// hold rust-src, that means the catalog; otherwise `rustc --print sysroot` runs on a
/// background thread (at most [`SYSROOT_PROBE_TIMEOUT`], once per process), and traits are
/// read on first use. Only a look-up made before the probe has answered waits for it.
pub fn detect() -> StdLibrary {
    if let Some(path) = std::env::var_os("RUST_SRC_PATH").filter(|p| !p.is_empty()) {
        return from_rust_src(path);
    }
    let library = StdLibrary::probing(Box::new(|| {
        let dir = RustSrcDir::new(locate_rust_src(None, probe_sysroot)?)?;
        Some(Arc::new(dir) as Arc<dyn StdSource>)
    }));
    let probing = library.clone();
    let spawned = std::thread::Builder::new()
        .name("dynlens-rust-src-probe".into())
        .spawn(move || {
            probing.source_kind();
        });
    if let Err(error) = spawned {
        tracing::debug!("cannot start the rust-src probe in the background: {error}");
    }
    library
}

/// rust-src's `library/` directory as [`detect`] finds it (`RUST_SRC_PATH`, else below the
/// sysroot), waiting for the sysroot probe when it has not answered yet; `None` when rust-src
/// is not installed.
pub fn installed_library() -> Option<PathBuf> {
    locate_rust_src(std::env::var_os("RUST_SRC_PATH"), probe_sysroot)
}

/// The declarations of the rust-src at `library` (the `library/` directory holding `core/`,
/// `alloc/` and `std/`, or the directory above); traits missing there come from the catalog.
/// A path that does not hold rust-src means the catalog.
pub fn from_rust_src(library: impl Into<PathBuf>) -> StdLibrary {
    match RustSrcDir::new(library) {
        Some(dir) => StdLibrary::from_source(Arc::new(dir)),
        None => StdLibrary::catalog(),
    }
}

/// `library/` if it holds rust-src (`core/src/lib.rs`), `None` otherwise. A path to the
/// directory above (`…/src/rust`, holding `library/`) is accepted too.
fn validate_rust_src(path: PathBuf) -> Option<PathBuf> {
    let holds_rust_src = |dir: &Path| dir.join("core/src/lib.rs").is_file();
    if holds_rust_src(&path) {
        return Some(path);
    }
    let below = path.join("library");
    holds_rust_src(&below).then_some(below)
}

/// Where rust-src is: `RUST_SRC_PATH` when set (and then only there), else below the sysroot
/// that `probe_sysroot` reports.
fn locate_rust_src(
    rust_src_path: Option<OsString>,
    probe_sysroot: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    match rust_src_path {
        Some(path) if !path.is_empty() => validate_rust_src(PathBuf::from(path)),
        _ => validate_rust_src(probe_sysroot()?.join("lib/rustlib/src/rust/library")),
    }
}

/// `rustc --print sysroot`, run from the temporary directory (so no project's
/// `rust-toolchain` file is honored) with rustup's auto-install off (so nothing is downloaded),
/// killed after [`SYSROOT_PROBE_TIMEOUT`].
fn probe_sysroot() -> Option<PathBuf> {
    // Once per process: the answer does not change while we run.
    static SYSROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    SYSROOT.get_or_init(run_rustc_print_sysroot).clone()
}

fn run_rustc_print_sysroot() -> Option<PathBuf> {
    let mut child = Command::new("rustc")
        .args(["--print", "sysroot"])
        .current_dir(std::env::temp_dir())
        .env("RUSTUP_AUTO_INSTALL", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => break,
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) if started.elapsed() > SYSROOT_PROBE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                tracing::warn!("`rustc --print sysroot` timed out; using the built-in catalog");
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut stdout).ok()?;
    let sysroot = stdout.trim();
    (!sysroot.is_empty()).then(|| PathBuf::from(sysroot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynlens_std::StdSourceKind;

    /// The installed rust-src `library/`, if any (the same search as [`detect`]).
    fn installed_rust_src() -> Option<PathBuf> {
        let found = locate_rust_src(std::env::var_os("RUST_SRC_PATH"), probe_sysroot);
        if found.is_none() {
            eprintln!("SKIPPED: rust-src not installed (`rustup component add rust-src`)");
        }
        found
    }

    #[test]
    fn a_rust_src_path_without_rust_src_means_the_catalog() {
        let missing = std::env::temp_dir().join("dynlens-no-such-rust-src");
        let located = locate_rust_src(Some(missing.clone().into_os_string()), || {
            panic!("RUST_SRC_PATH is set: rustc must not be asked")
        });
        assert_eq!(located, None);

        let std = from_rust_src(&missing);
        assert_eq!(std.source_kind(), StdSourceKind::Catalog);
        let debug = std.find("std::fmt::Debug").expect("Debug from the catalog");
        assert_eq!(std.origin(debug), StdSourceKind::Catalog);
        assert!(
            debug
                .source
                .contains("fn fmt(&self, f: &mut Formatter<'_>) -> Result;"),
            "{}",
            debug.source
        );
    }

    #[test]
    fn detect_finds_the_installed_rust_src() {
        let Some(library) = installed_rust_src() else {
            return;
        };
        if std::env::var_os("RUST_SRC_PATH").is_some() {
            return; // detect() would use it; covered by the locate_rust_src tests
        }
        let started = Instant::now();
        let std = detect();
        let detect_time = started.elapsed();
        assert_eq!(std.source_kind(), StdSourceKind::RustSrc(library.clone()));
        let probe_time = started.elapsed();
        eprintln!("detect(): returns in {detect_time:?}; rust-src known after {probe_time:?}");
        let iterator = std.find("std::iter::Iterator").expect("Iterator");
        assert_eq!(std.origin(iterator), StdSourceKind::RustSrc(library));
    }

    #[test]
    fn rust_src_path_may_name_library_or_the_directory_above() {
        let Some(library) = installed_rust_src() else {
            return;
        };
        let above = library
            .parent()
            .map(Path::to_path_buf)
            .expect("library/ has a parent");
        let never =
            || -> Option<PathBuf> { panic!("RUST_SRC_PATH is set: rustc must not be asked") };
        assert_eq!(
            locate_rust_src(Some(library.clone().into_os_string()), never),
            Some(library.clone())
        );
        assert_eq!(
            locate_rust_src(Some(above.clone().into_os_string()), never),
            Some(library.clone())
        );
        assert_eq!(
            from_rust_src(above).source_kind(),
            StdSourceKind::RustSrc(library.clone())
        );
        // An empty RUST_SRC_PATH counts as unset: the sysroot is asked.
        let sysroot = library.ancestors().nth(5).map(Path::to_path_buf);
        assert_eq!(
            locate_rust_src(Some("".into()), || sysroot.clone()),
            installed_rust_src()
        );
    }

    #[test]
    fn the_file_system_source_reads_below_library() {
        let Some(library) = installed_rust_src() else {
            return;
        };
        let dir = RustSrcDir::new(&library).expect("rust-src");
        assert_eq!(dir.library(), library);
        assert!(dir.read("core/src/lib.rs").is_ok_and(|t| t.contains("#![")));
        assert!(dir.read("core/src/no-such-file.rs").is_err());
    }

    #[test]
    fn detect_falls_back_to_the_catalog_when_rust_src_path_holds_no_rust_src() {
        // `detect()` reads the process environment, which tests must not change: run the check
        // below in a child process of this test binary with RUST_SRC_PATH set.
        let exe = std::env::current_exe().expect("the test binary");
        let missing = std::env::temp_dir().join("dynlens-no-such-rust-src");
        let output = Command::new(exe)
            .args([
                "--exact",
                "rust_src::tests::detect_in_child_process",
                "--ignored",
                "--nocapture",
            ])
            .env("RUST_SRC_PATH", &missing)
            .env("DYNLENS_DETECT_CHILD", "1")
            .output()
            .expect("run the child test");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("detected: Catalog"), "{stdout}");
    }

    #[test]
    #[ignore = "run by detect_falls_back_to_the_catalog_when_rust_src_path_holds_no_rust_src"]
    fn detect_in_child_process() {
        if std::env::var_os("DYNLENS_DETECT_CHILD").is_none() {
            return;
        }
        let std = detect();
        assert_eq!(std.source_kind(), StdSourceKind::Catalog);
        let debug = std.find("std::fmt::Debug").expect("Debug");
        assert_eq!(std.origin(debug), StdSourceKind::Catalog);
        println!("detected: {:?}", std.source_kind());
    }
}
