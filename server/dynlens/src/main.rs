//! The `dynlens` binary: a small dispatcher between the language server (`dynlens-lsp`) and
//! the command line ([`cli`]).

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command};

/// The stack of every thread that parses or analyses (reserved address space: memory is
/// committed only as deep input uses it). Parsing, the model's lowering and `syn` recurse
/// once per nesting level; the depth limit (`dynlens_base::nesting::MAX_NESTING`) keeps them
/// far below this.
const STACK_SIZE: usize = dynlens_lsp::STACK_SIZE;

fn main() -> ExitCode {
    big_stacks_for_every_thread();
    // The main thread's stack is the system's (8 MB, often): run on one sized for deep input.
    let worker = std::thread::Builder::new()
        .name("dynlens".to_owned())
        .stack_size(STACK_SIZE)
        .spawn(run);
    match worker.map(|w| w.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => ExitCode::from(101), // a panic, already reported on stderr
        Err(e) => {
            eprintln!("dynlens: error: cannot start a thread with a {STACK_SIZE}-byte stack: {e}");
            ExitCode::from(2)
        }
    }
}

/// Threads dynlens does not spawn itself get the default stack size, which `RUST_MIN_STACK`
/// sets — notably ra_ap_syntax's `ParseNodeDropper`, which frees syntax trees recursively and
/// would overflow on a deep one (`x.f().` repeated 200,000 times). Setting the variable needs
/// `unsafe` (`std::env::set_var`), which dynlens forbids, so on Unix the process replaces
/// itself once (same pid, same stdio) with `RUST_MIN_STACK` set. A value the user set wins.
fn big_stacks_for_every_thread() {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os("RUST_MIN_STACK").is_some() {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let error = std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("RUST_MIN_STACK", STACK_SIZE.to_string())
            .exec();
        // Only reached when the exec failed: carry on with the default stacks.
        let _ = error;
    }
}

fn run() -> ExitCode {
    let cli = Cli::parse();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let result = match cli.command {
        None | Some(Command::Lsp) => {
            dynlens_lsp::run_stdio().map_err(|e| cli::CliError(format!("{e:#}")))
        }
        Some(Command::Check { paths, json }) => {
            cli::check(&paths, json, &mut stdout.lock(), &mut stderr.lock())
        }
        Some(Command::Expand {
            file,
            trait_name,
            forwarding,
        }) => cli::expand(&file, &trait_name, forwarding, &mut stdout.lock()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dynlens: error: {e}");
            ExitCode::from(2)
        }
    }
}
