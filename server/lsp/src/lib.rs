//! The protocol shell: capabilities, documents, handlers. Thin: it converts positions and
//! types and calls [`dynlens_core::Analysis`]; files are read through `dynlens-loader`.
//!
//! - [`transport`]: framing on stdio, which keeps malformed JSON-RPC from ending the session;
//! - [`server`]: the handlers (`initialize`, document sync, hover, code actions and
//!   `codeAction/resolve`, `dynlens/expandTrait`), with panics caught per request;
//! - [`state`]: open documents, settings and publication bookkeeping around the `Analysis`;
//! - [`convert`]: LSP positions (line, UTF-16 column) ⇄ byte offsets, clamped;
//! - [`settings`]: `initializationOptions` / `didChangeConfiguration`.
//!
//! Test hooks: with the environment variable `DYNLENS_TEST_HOOKS=1`, the server also answers
//! `dynlens/testPanic` (panics inside the handler) and `dynlens/documentText` (the core's
//! current text of a document). Without it, both are unknown methods.

mod convert;
mod server;
mod settings;
mod state;
mod transport;

pub use settings::Settings;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncRead, AsyncWrite, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::{LspService, Server};

use dynlens_core::Analysis;
use server::Backend;
use transport::{Frame, FrameReader};

/// The stack size of the threads that analyse (the runtime's workers and blocking threads;
/// the binary runs the session itself on a thread of this size too): reserved address space,
/// committed only as deep input uses it. See `dynlens_base::nesting`.
pub const STACK_SIZE: usize = 512 << 20;

/// Whether the test hooks are enabled (`DYNLENS_TEST_HOOKS=1`).
fn test_hooks_enabled() -> bool {
    std::env::var("DYNLENS_TEST_HOOKS").is_ok_and(|v| v == "1")
}

/// Runs the language server on stdin/stdout until the client exits.
///
/// Builds its own tokio runtime. Returns `Ok` after `shutdown` then `exit`; an error when the
/// client exits without `shutdown` or closes the connection (the LSP specification asks for a
/// non-zero exit code then). Logs go to stderr (`DYNLENS_LOG` sets the filter, default `info`).
pub fn run_stdio() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DYNLENS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(STACK_SIZE)
        .enable_all()
        .build()?;
    let analysis = Analysis::new(dynlens_loader::std_library());
    let clean_exit = runtime.block_on(serve(
        tokio::io::stdin(),
        tokio::io::stdout(),
        analysis,
        test_hooks_enabled(),
    ));
    // stdin may still be open (a client need not close it after `exit`): don't wait for the
    // blocking read.
    runtime.shutdown_background();
    if clean_exit {
        Ok(())
    } else {
        anyhow::bail!("the client ended the session without `shutdown`")
    }
}

/// Serves one session on the given streams; `true` when it ended with `shutdown` + `exit`.
async fn serve<I, O>(input: I, output: O, analysis: Analysis, hooks: bool) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = shutdown_requested.clone();
    let mut builder = LspService::build(move |client| Backend::new(client, analysis, flag))
        .custom_method("dynlens/expandTrait", Backend::expand_trait);
    if hooks {
        tracing::warn!("test hooks enabled (DYNLENS_TEST_HOOKS=1)");
        builder = builder
            .custom_method("dynlens/testPanic", Backend::test_panic)
            .custom_method("dynlens/documentText", Backend::document_text);
    }
    let (service, socket) = builder.finish();

    // stdout has one writer: tower-lsp-server's frames and this layer's error answers.
    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Option<Vec<u8>>>();
    let writer = tokio::spawn(async move {
        let mut output = output;
        while let Some(Some(body)) = out_rx.recv().await {
            if let Err(e) = transport::write_frame(&mut output, &body).await {
                tracing::error!("cannot write to the client: {e}");
                break;
            }
        }
    });

    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);

    // Incoming: validate every frame; only well-formed messages reach tower-lsp-server.
    let errors = out_tx.clone();
    tokio::spawn(async move {
        let mut frames = FrameReader::new(BufReader::with_capacity(1 << 16, input));
        let mut to_server = to_server;
        loop {
            match frames.next_frame().await {
                Ok(Some(Frame::Body(body))) => match transport::check_body(&body) {
                    Ok(()) => {
                        if transport::write_frame(&mut to_server, &body).await.is_err() {
                            break; // the server has stopped (after `exit`)
                        }
                    }
                    Err(response) => {
                        tracing::warn!("malformed message: {}", response["error"]["message"]);
                        let _ = errors.send(serde_json::to_vec(&response).ok());
                    }
                },
                Ok(Some(Frame::BadHeaders(why))) => tracing::warn!("skipped a frame: {why}"),
                Ok(None) => break,
                Err(e) => {
                    tracing::error!("cannot read from the client: {e}");
                    break;
                }
            }
        }
        // Dropping `to_server` ends the session when the client closes its end.
    });

    // Outgoing: tower-lsp-server's frames, in order, to the writer.
    let forward = out_tx.clone();
    let forwarder = tokio::spawn(async move {
        let mut frames = FrameReader::new(BufReader::new(from_server));
        while let Ok(Some(frame)) = frames.next_frame().await {
            if let Frame::Body(body) = frame {
                let _ = forward.send(Some(body));
            }
        }
    });

    // Concurrency 1: messages are handled strictly in arrival order (see `server`).
    Server::new(server_in, server_out, socket)
        .concurrency_level(1)
        .serve(service)
        .await;
    let _ = forwarder.await;
    let _ = out_tx.send(None);
    let _ = writer.await;
    let clean = shutdown_requested.load(Ordering::SeqCst);
    tracing::info!(
        "session ended ({})",
        if clean {
            "shutdown and exit"
        } else {
            "without shutdown"
        }
    );
    clean
}
