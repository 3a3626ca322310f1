//! The store's integration tests: one binary over a shared harness, one
//! module per area.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod approvals;
mod audit;
mod concurrency;
mod decisions;
mod grants;
mod harness;
mod open;
mod tamper;
mod tasks;
