//! The `dynlens` binary: a small dispatcher over the library.

use std::process::ExitCode;

use clap::Parser;
use dynlens::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let result = match cli.command {
        None | Some(Command::Lsp) => {
            dynlens::lsp::run_stdio().map_err(|e| dynlens::cli::CliError(format!("{e:#}")))
        }
        Some(Command::Check { paths, json }) => {
            dynlens::cli::check(&paths, json, &mut stdout.lock(), &mut stderr.lock())
        }
        Some(Command::Expand {
            file,
            trait_name,
            forwarding,
        }) => dynlens::cli::expand(&file, &trait_name, forwarding, &mut stdout.lock()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dynlens: error: {e}");
            ExitCode::from(2)
        }
    }
}
