//! The gateway: where invocations arrive and decisions leave. It runs the
//! decision path (classify, task, policy as agent and as user, grants),
//! records every decision before answering, and serves the hook over a
//! local socket. Policy logic lives in `writ-policy`; SQL in `writ-store`.

pub mod config;
mod engine;
mod home;
pub mod socket;

pub use engine::{
    Engine, Evaluated, GrantLife, Invocation, Outcome, in_scope, invocation_hash, redact,
    redact_text, task_roots,
};
pub use home::Home;

use thiserror::Error;

/// Errors opening or running the gateway.
#[derive(Debug, Error)]
pub enum GatewayError {
    /// writ's home could not be prepared.
    #[error("writ home: {0}")]
    Home(String),
    /// `writ.toml` is invalid.
    #[error("writ.toml: {0}")]
    Config(String),
    /// The policy pack is invalid.
    #[error(transparent)]
    Policy(#[from] writ_policy::PolicyError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] writ_store::StoreError),
    /// A request was refused.
    #[error("{0}")]
    Refused(String),
}
