//! `#[cfg(…)]` on items, evaluated where the answer is certain: for the target dynlens runs
//! on (its `target_os`, `target_family`, `unix`/`windows`, `target_arch`, pointer width,
//! endianness, `target_env`, `target_vendor`), with `doc`, `docsrs` and `miri` off (a build,
//! not rustdoc). Everything else — features (dynlens does not resolve them), `test`,
//! `debug_assertions`, custom `--cfg`s — is unknown, and an item whose predicate is unknown
//! is kept: name resolution then sees every alternative, the first declared winning, as
//! before. Only an item whose predicate is certainly false is dropped, so that std's
//! documentation stubs (`#[cfg(doc)] pub mod unix {}`) and other platforms' modules do not
//! shadow the real ones.

use ra_ap_syntax::ast::{self, HasAttrs};

/// Whether the item's `#[cfg]`s are all on: `Some(false)` when one is certainly off.
pub fn enabled(item: &impl HasAttrs) -> Option<bool> {
    let mut all = Some(true);
    for attr in item.attrs() {
        if let Some(ast::Meta::CfgMeta(cfg)) = attr.meta() {
            all = and(all, cfg.cfg_predicate().and_then(|p| eval(&p)));
        }
    }
    all
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// One predicate.
fn eval(p: &ast::CfgPredicate) -> Option<bool> {
    match p {
        ast::CfgPredicate::CfgAtom(a) => {
            if a.true_token().is_some() {
                return Some(true);
            }
            if a.false_token().is_some() {
                return Some(false);
            }
            let name = a.ident_token()?;
            match (a.eq_token(), a.string_token()) {
                (Some(_), Some(value)) => key_value(name.text(), value.text().trim_matches('"')),
                (None, None) => atom(name.text()),
                _ => None,
            }
        }
        ast::CfgPredicate::CfgComposite(c) => {
            let preds: Vec<ast::CfgPredicate> = c.cfg_predicates().collect();
            match c.keyword()?.text() {
                // Not `try_fold`: an unknown operand does not decide, a later one may.
                "all" => {
                    let mut acc = Some(true);
                    for p in &preds {
                        acc = and(acc, eval(p));
                    }
                    acc
                }
                "any" => {
                    let mut acc = Some(false);
                    for p in &preds {
                        acc = or(acc, eval(p));
                    }
                    acc
                }
                "not" if preds.len() == 1 => eval(&preds[0]).map(|b| !b),
                _ => None,
            }
        }
    }
}

fn atom(name: &str) -> Option<bool> {
    match name {
        "unix" => Some(cfg!(unix)),
        "windows" => Some(cfg!(windows)),
        "doc" | "docsrs" | "miri" => Some(false),
        _ => None,
    }
}

fn key_value(key: &str, value: &str) -> Option<bool> {
    let host = match key {
        "target_os" => HOST_OS?,
        "target_family" => HOST_FAMILY?,
        "target_arch" => HOST_ARCH?,
        "target_pointer_width" => return Some(value == usize::BITS.to_string()),
        "target_endian" if cfg!(target_endian = "little") => "little",
        "target_endian" => "big",
        "target_env" if cfg!(target_env = "gnu") => "gnu",
        "target_env" if cfg!(target_env = "musl") => "musl",
        "target_env" if cfg!(target_env = "msvc") => "msvc",
        "target_vendor" if cfg!(target_vendor = "apple") => "apple",
        "target_vendor" if cfg!(target_vendor = "pc") => "pc",
        "target_vendor" if cfg!(target_vendor = "unknown") => "unknown",
        _ => return None,
    };
    Some(value == host)
}

/// The host's `target_os` (compile-time; `None` where dynlens does not know its name).
const HOST_OS: Option<&str> = if cfg!(target_os = "linux") {
    Some("linux")
} else if cfg!(target_os = "macos") {
    Some("macos")
} else if cfg!(target_os = "windows") {
    Some("windows")
} else if cfg!(target_os = "freebsd") {
    Some("freebsd")
} else if cfg!(target_os = "android") {
    Some("android")
} else {
    None
};

const HOST_FAMILY: Option<&str> = if cfg!(unix) {
    Some("unix")
} else if cfg!(windows) {
    Some("windows")
} else {
    None
};

const HOST_ARCH: Option<&str> = if cfg!(target_arch = "x86_64") {
    Some("x86_64")
} else if cfg!(target_arch = "aarch64") {
    Some("aarch64")
} else if cfg!(target_arch = "x86") {
    Some("x86")
} else if cfg!(target_arch = "arm") {
    Some("arm")
} else if cfg!(target_arch = "riscv64") {
    Some("riscv64")
} else {
    None
};

#[cfg(test)]
mod tests {
    use super::*;
    use ra_ap_syntax::{AstNode, SourceFile};

    fn on(attrs: &str) -> Option<bool> {
        let file = SourceFile::parse(
            &format!("{attrs} mod m;"),
            ra_ap_syntax::Edition::Edition2021,
        )
        .tree();
        let m = file
            .syntax()
            .descendants()
            .find_map(ast::Module::cast)
            .unwrap();
        enabled(&m)
    }

    #[test]
    fn host_predicates_are_certain_others_unknown() {
        assert_eq!(on(""), Some(true));
        assert_eq!(on("#[cfg(doc)]"), Some(false));
        assert_eq!(on("#[cfg(all(doc, any(windows, unix)))]"), Some(false));
        assert_eq!(on("#[cfg(not(doc))]"), Some(true));
        assert_eq!(on("#[cfg(feature = \"x\")]"), None);
        assert_eq!(on("#[cfg(test)]"), None);
        assert_eq!(on("#[cfg(any(feature = \"x\", doc))]"), None);
        assert_eq!(on("#[cfg(all(feature = \"x\", doc))]"), Some(false));
        assert_eq!(on("#[cfg(feature = \"x\")] #[cfg(docsrs)]"), Some(false));
        if cfg!(target_os = "linux") {
            assert_eq!(on("#[cfg(target_os = \"linux\")]"), Some(true));
            assert_eq!(
                on("#[cfg(all(unix, target_family = \"unix\"))]"),
                Some(true)
            );
        }
        assert_eq!(on("#[cfg(target_os = \"no-such-os\")]"), Some(false));
        assert_eq!(
            on("#[cfg(any(unix, windows))]"),
            Some(cfg!(any(unix, windows)))
        );
    }
}
