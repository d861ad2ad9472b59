//! The `dynlens` binary: a small dispatcher between the language server (`dynlens-lsp`) and
//! the command line ([`cli`]).

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command};

fn main() -> ExitCode {
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
