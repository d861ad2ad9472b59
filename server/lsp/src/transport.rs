//! Message framing on stdio, in front of tower-lsp-server.
//!
//! Why this exists: tower-lsp-server decodes stdin with tokio-util's `FramedRead`, which ends
//! the stream after the first decoder error — so a single frame with bad JSON, a body that is
//! JSON but not JSON-RPC, or an unknown charset would end the whole session. dynlens must
//! survive malformed input (an editor must never lose its server to one bad message), so
//! every incoming frame is read and checked
//! here first:
//!
//! - a body that is not JSON is answered with a JSON-RPC "parse error" (−32700, id `null`);
//! - a body that is JSON but neither a request, a notification nor a response is answered with
//!   "invalid request" (−32600, with the message's id when it has a usable one);
//! - headers that cannot be understood (no or unparsable `Content-Length`, garbage lines) are
//!   logged and skipped up to the next line that holds a `Content-Length` header;
//! - a `Content-Length` larger than [`MAX_BODY`] is treated as unparsable.
//!
//! Only well-formed messages reach tower-lsp-server, re-framed with a single
//! `Content-Length` header. Its output is framed again onto stdout by one writer, which is
//! also where the error answers of this module are written, so frames never interleave.

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::jsonrpc;

/// The largest body accepted (a 5 MB document is about 5.3 MB of JSON; leave ample room).
pub(crate) const MAX_BODY: usize = 256 << 20;

const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// One frame read from the wire.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A body whose length was announced by a valid `Content-Length` header.
    Body(Vec<u8>),
    /// Headers that could not be understood; what was skipped is described for the log.
    BadHeaders(String),
}

/// Reads `Content-Length`-framed messages, resynchronising after garbage.
pub(crate) struct FrameReader<R> {
    inner: R,
}

impl<R: AsyncBufRead + Unpin> FrameReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        FrameReader { inner }
    }

    /// The next frame, or `None` at the end of the input (also when it ends inside a frame).
    pub(crate) async fn next_frame(&mut self) -> std::io::Result<Option<Frame>> {
        let mut content_length: Option<Result<usize, String>> = None;
        let mut saw_header = false;
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.inner.read_until(b'\n', &mut line).await? == 0 {
                return Ok(None);
            }
            let mut text: &[u8] = trim_line_end(&line);
            if text.is_empty() {
                if !saw_header {
                    continue; // stray blank line between frames
                }
                return match content_length {
                    Some(Ok(len)) => {
                        let mut body = vec![0; len];
                        match self.inner.read_exact(&mut body).await {
                            Ok(_) => Ok(Some(Frame::Body(body))),
                            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
                            Err(e) => Err(e),
                        }
                    }
                    Some(Err(why)) => Ok(Some(Frame::BadHeaders(why))),
                    None => Ok(Some(Frame::BadHeaders(
                        "headers without Content-Length".to_owned(),
                    ))),
                };
            }
            // A body that was not followed by a newline runs into the next frame's header:
            // resynchronise on the `Content-Length` inside the line.
            if let Some(at) = find(text, CONTENT_LENGTH).filter(|&at| at > 0) {
                let skipped = String::from_utf8_lossy(&text[..at.min(80)]).into_owned();
                tracing::warn!("skipped {at} bytes of garbage before a header: {skipped:?}");
                text = &text[at..];
                content_length = None;
            }
            let Some(colon) = text.iter().position(|&b| b == b':') else {
                let shown = String::from_utf8_lossy(&text[..text.len().min(80)]).into_owned();
                tracing::warn!("skipped a line that is not a header: {shown:?}");
                content_length = None;
                saw_header = false;
                continue;
            };
            saw_header = true;
            let (name, value) = (&text[..colon], &text[colon + 1..]);
            if name.eq_ignore_ascii_case(CONTENT_LENGTH) {
                content_length = Some(parse_length(value));
            }
            // Other headers (Content-Type) are accepted and ignored: bodies are always UTF-8 JSON.
        }
    }
}

fn parse_length(value: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(value).map_err(|_| "Content-Length is not ASCII".to_owned())?;
    let len: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("Content-Length {:?} is not a number", text.trim()))?;
    if len > MAX_BODY {
        return Err(format!(
            "Content-Length {len} exceeds the limit of {MAX_BODY} bytes"
        ));
    }
    Ok(len)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What tower-lsp-server accepts as a message (mirrors its private `Message`).
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only deserialized, to check the shape
enum JsonRpcMessage {
    Response(jsonrpc::Response),
    Request(jsonrpc::Request),
}

/// Checks a body: `Ok` when tower-lsp-server can decode it, otherwise the JSON-RPC error
/// response to send back.
pub(crate) fn check_body(body: &[u8]) -> Result<(), Value> {
    if serde_json::from_slice::<JsonRpcMessage>(body).is_ok() {
        return dollar_request(body).map_or(Ok(()), Err);
    }
    match serde_json::from_slice::<Value>(body) {
        Err(e) => Err(error_response(
            Value::Null,
            -32700,
            format!("Parse error: {e}"),
        )),
        Ok(value) => {
            let id = value
                .get("id")
                .filter(|id| id.is_number() || id.is_string())
                .cloned();
            Err(error_response(
                id.unwrap_or(Value::Null),
                -32600,
                "Invalid request: not a JSON-RPC 2.0 request, notification or response".to_owned(),
            ))
        }
    }
}

/// The answer to a request whose method starts with `$/`: the LSP specification says a server
/// that does not implement one answers `MethodNotFound` (a `$/` notification is ignored).
/// tower-lsp-server drops such requests without answering, so they are answered here.
fn dollar_request(body: &[u8]) -> Option<Value> {
    // Cheap test first: most bodies (large `didChange`s included) hold no `"$/`.
    find(body, b"\"$/")?;
    #[derive(Deserialize)]
    struct Head {
        id: Option<Value>,
        method: Option<String>,
    }
    let head: Head = serde_json::from_slice(body).ok()?;
    let (id, method) = (head.id.filter(|id| !id.is_null())?, head.method?);
    method.starts_with("$/").then(|| {
        error_response(
            id,
            -32601,
            format!("Method not found: {method} (dynlens implements no `$/` request)"),
        )
    })
}

fn error_response(id: Value, code: i64, message: String) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Writes one framed message.
pub(crate) async fn write_frame<W: AsyncWrite + Unpin>(
    out: &mut W,
    body: &[u8],
) -> std::io::Result<()> {
    out.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    out.write_all(body).await?;
    out.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        while let Some(frame) = reader.next_frame().await.expect("reading from memory") {
            out.push(frame);
        }
        out
    }

    fn body(s: &str) -> Frame {
        Frame::Body(s.as_bytes().to_vec())
    }

    #[tokio::test]
    async fn reads_well_formed_frames() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: 3\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[1]";
        assert_eq!(frames(input).await, vec![body("{}"), body("[1]")]);
    }

    #[tokio::test]
    async fn resynchronises_after_garbage_and_bad_lengths() {
        let input = b"garbage line\r\nContent-Length: x\r\n\r\nbody{}Content-Length: 2\r\n\r\n{}";
        let got = frames(input).await;
        assert!(
            matches!(&got[0], Frame::BadHeaders(why) if why.contains("not a number")),
            "{got:?}"
        );
        assert_eq!(got[1..], [body("{}")]);
    }

    #[tokio::test]
    async fn rejects_huge_lengths_and_stops_at_a_truncated_body() {
        let input = format!(
            "Content-Length: {}\r\n\r\nContent-Length: 10\r\n\r\n{{}}",
            MAX_BODY + 1
        );
        let got = frames(input.as_bytes()).await;
        assert!(
            matches!(&got[0], Frame::BadHeaders(why) if why.contains("exceeds")),
            "{got:?}"
        );
        assert_eq!(
            got.len(),
            1,
            "the truncated last body is the end of input: {got:?}"
        );
    }

    #[test]
    fn classifies_bodies() {
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#).is_ok());
        assert!(check_body(br#"{"jsonrpc":"2.0","method":"x"}"#).is_ok());
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        let parse = check_body(b"{not json").unwrap_err();
        assert_eq!(parse["error"]["code"], -32700);
        assert_eq!(parse["id"], Value::Null);
        // tower-lsp-server reads `{"jsonrpc":"2.0","id":7}` as a response (result null): passed on.
        assert!(check_body(br#"{"jsonrpc":"2.0","id":7}"#).is_ok());
        let invalid = check_body(br#"{"id":7,"method":"x"}"#).unwrap_err();
        assert_eq!(invalid["error"]["code"], -32600);
        assert_eq!(invalid["id"], 7);
        assert!(check_body(b"\xff\xfe").is_err());
    }

    #[test]
    fn dollar_requests_are_method_not_found_and_dollar_notifications_pass() {
        let request = check_body(br#"{"jsonrpc":"2.0","id":3,"method":"$/x"}"#).unwrap_err();
        assert_eq!(request["error"]["code"], -32601);
        assert_eq!(request["id"], 3);
        let named = check_body(br#"{"jsonrpc":"2.0","id":"a","method":"$/cancelRequest"}"#);
        assert_eq!(named.unwrap_err()["id"], "a");
        assert!(
            check_body(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#)
                .is_ok()
        );
        assert!(check_body(br#"{"jsonrpc":"2.0","id":4,"method":"x","params":"$/"}"#).is_ok());
    }
}
