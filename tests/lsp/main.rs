//! Protocol tests: the real `dynlens` binary over stdio, as an editor talks to it.
//!
//! Run with `cargo test -p dynlens-tests --test lsp` (builds `dynlens` first when needed).

mod client;
mod deep;
mod features;
mod ordering;
mod project;
mod protocol;
mod resolve;
mod robustness;
mod workspace;
