//! The protocol shell: capabilities, documents, handlers. Thin: it converts positions and
//! types and calls [`crate::Analysis`].
//!
//! PLACEHOLDER (being implemented by the LSP work).

/// Runs the language server on stdin/stdout until the client exits.
pub fn run_stdio() -> anyhow::Result<()> {
    anyhow::bail!("the language server is not implemented yet")
}
