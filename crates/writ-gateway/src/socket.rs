//! The daemon's local socket: one JSON line in, one JSON line out. The
//! socket lives in writ's home (mode 0700) and is itself mode 0600, so only
//! its owner can reach it.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use writ_core::Decision;

use crate::{Engine, Invocation, Outcome};

/// Largest request line accepted.
pub const MAX_LINE: usize = 1024 * 1024;

/// What a client asks.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Decide and record an invocation.
    Decide {
        /// The invocation.
        invocation: Invocation,
    },
    /// Record how a call ended.
    Outcome {
        /// The invocation it ended.
        invocation: Invocation,
        /// How.
        outcome: Outcome,
    },
    /// Is anyone there.
    Ping,
}

/// What the daemon answers.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Response {
    /// A decision.
    Decision {
        /// The decision.
        decision: Decision,
    },
    /// Done.
    Ok,
    /// The request failed.
    Error {
        /// Why.
        message: String,
    },
}

/// Serves `engine` on the socket at `path` until the process ends.
pub fn serve(engine: Arc<Engine>, path: &Path) -> std::io::Result<()> {
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    tracing::info!(socket = %path.display(), "writ serve listening");
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let engine = Arc::clone(&engine);
        std::thread::spawn(move || handle(&engine, stream));
    }
    Ok(())
}

fn handle(engine: &Engine, stream: UnixStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream.take(MAX_LINE as u64 + 1));
    let mut line = String::new();
    let response = match reader.read_line(&mut line) {
        Ok(n) if n > MAX_LINE => Response::Error {
            message: "request too large".into(),
        },
        Ok(_) => match serde_json::from_str::<Request>(&line) {
            Ok(Request::Decide { mut invocation }) => {
                // The record says the daemon decided it.
                invocation.enforcement_point.push_str("@serve");
                Response::Decision {
                    decision: engine.decide(&invocation),
                }
            }
            Ok(Request::Outcome {
                invocation,
                outcome,
            }) => match engine.record_outcome(&invocation, &outcome) {
                Ok(_) => Response::Ok,
                Err(e) => Response::Error {
                    message: e.to_string(),
                },
            },
            Ok(Request::Ping) => Response::Ok,
            Err(e) => Response::Error {
                message: format!("bad request: {e}"),
            },
        },
        Err(e) => Response::Error {
            message: e.to_string(),
        },
    };
    if let Ok(mut text) = serde_json::to_string(&response) {
        text.push('\n');
        let _ = writer.write_all(text.as_bytes());
    }
}

/// Sends one request to the daemon at `path`, if one answers.
pub fn call(path: &Path, request: &Request, timeout: Duration) -> std::io::Result<Response> {
    let mut stream = UnixStream::connect(path)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut text = serde_json::to_string(request).map_err(std::io::Error::other)?;
    text.push('\n');
    stream.write_all(text.as_bytes())?;
    let mut line = String::new();
    BufReader::new(stream.take(MAX_LINE as u64)).read_line(&mut line)?;
    serde_json::from_str(&line).map_err(std::io::Error::other)
}
