//! Reading the workspace's `.rs` files from disk (the core never does IO).
//!
//! Policy, for files that are not plain readable UTF-8:
//! - a file that cannot be read (permissions, vanished, a directory loop) is logged and skipped;
//! - a file larger than [`MAX_FILE_SIZE`] is logged and skipped (no real source file is that big);
//! - a file that is not valid UTF-8 is logged and loaded lossily (invalid bytes become U+FFFD),
//!   so the traits in the rest of the file are still known. rustc would reject such a file,
//!   but one bad byte in a comment should not hide a workspace's traits.
//!
//! Skipped while walking: hidden directories (`.git`, …), `target/` and `node_modules/`.
//! Symbolic links to directories are not followed (no cycles).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dynlens_base::FileSource;

/// Files larger than this are skipped.
pub const MAX_FILE_SIZE: u64 = 64 << 20;

/// Reads one source file under the policy above; `None` (logged) when it is skipped.
pub fn read_source(path: &Path) -> Option<String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => {
            tracing::warn!("skipping {}: {e}", path.display());
            return None;
        }
    };
    if meta.len() > MAX_FILE_SIZE {
        tracing::warn!(
            "skipping {}: {} bytes is over the {MAX_FILE_SIZE}-byte limit",
            path.display(),
            meta.len()
        );
        return None;
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::warn!("skipping {}: {e}", path.display());
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(e) => {
            tracing::warn!(
                "{} is not valid UTF-8 ({}); loaded with replacement characters",
                path.display(),
                e.utf8_error()
            );
            Some(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}

/// The core's [`FileSource`] on disk: each call reads the file under the policy above
/// ([`read_source`]); nothing is cached here (the analysis keeps what it parsed).
#[derive(Debug, Clone, Copy, Default)]
pub struct DiskFileSource;

impl FileSource for DiskFileSource {
    fn read(&self, path: &Path) -> Option<Arc<str>> {
        read_source(path).map(Arc::from)
    }
}

/// Every `.rs` file under `root`, in a stable order; directories that cannot be listed are
/// logged and skipped.
pub fn rust_files(root: &Path) -> Vec<PathBuf> {
    walk_rust_files(root, &mut |dir, e| {
        tracing::warn!("cannot list {}: {e}", dir.display())
    })
}

/// Every `.rs` file under the directory `root`, sorted. Skips hidden directories (`.git`, …),
/// `target/` and `node_modules/`; does not follow symbolic links to directories (no cycles).
/// A directory that cannot be listed is reported to `on_error` and skipped. Shared by the CLI
/// and the language server's workspace scan.
pub fn walk_rust_files(
    root: &Path,
    on_error: &mut dyn FnMut(&Path, std::io::Error),
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                on_error(&dir, e);
                continue;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if kind.is_dir() {
                if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") && (kind.is_file() || path.is_file()) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sources_and_reads_them_under_the_policy() {
        let root = std::env::temp_dir().join(format!("dynlens-ws-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["src/nested", "target/debug", ".git", "node_modules/x"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("src/lib.rs"), "trait A {}").unwrap();
        std::fs::write(root.join("src/nested/bad.rs"), b"trait B {}\n// \xff\xfe\n").unwrap();
        std::fs::write(root.join("src/notes.txt"), "x").unwrap();
        std::fs::write(root.join("target/debug/gen.rs"), "x").unwrap();
        std::fs::write(root.join(".git/hook.rs"), "x").unwrap();
        std::fs::write(root.join("node_modules/x/y.rs"), "x").unwrap();

        let files = rust_files(&root);
        assert_eq!(
            files,
            vec![root.join("src/lib.rs"), root.join("src/nested/bad.rs")]
        );
        let lossy = read_source(&root.join("src/nested/bad.rs")).unwrap();
        assert!(
            lossy.starts_with("trait B {}") && lossy.contains('\u{FFFD}'),
            "{lossy:?}"
        );
        assert_eq!(read_source(&root.join("src/missing.rs")), None);
        let disk: &dyn FileSource = &DiskFileSource;
        assert_eq!(
            disk.read(&root.join("src/lib.rs")).as_deref(),
            Some("trait A {}")
        );
        assert_eq!(disk.read(&root.join("src/nested")), None, "a directory");
        assert_eq!(disk.read(&root.join("src/missing.rs")), None);
        let _ = std::fs::remove_dir_all(&root);
    }
}
