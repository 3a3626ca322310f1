use thiserror::Error;

/// Errors raised while reading writ's own vocabulary from text.
#[derive(Debug, Error)]
pub enum CoreError {
    /// A tier name that is not one of the eight tiers.
    #[error(
        "unknown tier `{0}`; tiers are read, write, merge, deploy, publish, secret, destructive, unknown"
    )]
    UnknownTier(String),
    /// A duration such as `30m` that could not be read.
    #[error("invalid duration `{0}`; write it like `90s`, `30m`, `8h` or `2d`")]
    Duration(String),
    /// A task state name that is not known.
    #[error("unknown task state `{0}`")]
    TaskState(String),
}
