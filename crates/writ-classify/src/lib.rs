//! Classification: invocations in, operations out. A Claude Code tool call,
//! a shell command, a file path, a URL or an MCP tool name becomes a list of
//! operations (action, resource, tier, facts), by parsing its structure.
//!
//! This crate reads the file system only to resolve paths and to read a
//! repository's `HEAD` and config; it never writes, spawns or connects.

mod forge;
mod git;
mod invocation;
mod net;
pub mod paths;
mod sed;
pub mod shell;
pub mod table;
mod tools;

use std::path::PathBuf;

use globset::{Glob, GlobSet, GlobSetBuilder};

pub use git::Repo;
pub use invocation::{ToolCall, classify_tool_call, is_bookkeeping_tool};
pub use net::host_of;

/// What the classifier knows about where a call is made.
#[derive(Debug, Clone)]
pub struct Context {
    /// The working directory of the call.
    pub cwd: PathBuf,
    /// `$HOME`.
    pub home: PathBuf,
    /// writ's own home: always secret to read and control to write.
    pub writ_home: PathBuf,
    /// Roots inside which writes and deletes are ordinary work: the task's
    /// paths, or the repository holding `cwd` when there is no task.
    pub workspace: Vec<PathBuf>,
    /// Branches that only a merge may change.
    pub protected_branches: Globs,
    /// The task's own branches.
    pub task_branches: Globs,
    /// The user's tool table (`policies/tools.toml` in writ's home): its
    /// entries add to, and replace, the shipped table's.
    pub extra_tools: Option<std::sync::Arc<table::ToolTable>>,
}

/// A set of glob patterns over names, such as branch names.
#[derive(Debug, Clone)]
pub struct Globs {
    patterns: Vec<String>,
    set: GlobSet,
}

impl Globs {
    /// Compiles patterns; a pattern that is not a valid glob is an error
    /// naming it.
    pub fn new(patterns: &[String]) -> Result<Globs, String> {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            let glob = Glob::new(p).map_err(|e| format!("invalid pattern `{p}`: {e}"))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| e.to_string())?;
        Ok(Globs {
            patterns: patterns.to_vec(),
            set,
        })
    }

    /// Matches nothing.
    pub fn empty() -> Globs {
        Globs {
            patterns: Vec::new(),
            set: GlobSet::empty(),
        }
    }

    /// Whether `name` matches any pattern.
    pub fn matches(&self, name: &str) -> bool {
        self.set.is_match(name)
    }

    /// The patterns as given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

impl Context {
    /// Whether a branch is protected.
    pub fn is_protected(&self, branch: &str) -> bool {
        self.protected_branches.matches(branch)
    }

    /// Whether a branch belongs to the task.
    pub fn is_task_branch(&self, branch: &str) -> bool {
        self.task_branches.matches(branch)
    }

    /// A context for unit tests: `cwd` is the only workspace root, `main`
    /// and `master` are protected.
    pub fn for_tests(cwd: &str, home: &str) -> Context {
        Context {
            cwd: cwd.into(),
            home: home.into(),
            writ_home: PathBuf::from(home).join(".local/share/writ"),
            workspace: vec![cwd.into()],
            protected_branches: Globs::new(&["main".into(), "master".into()])
                .unwrap_or_else(|_| Globs::empty()),
            task_branches: Globs::empty(),
            extra_tools: None,
        }
    }
}

/// Classifies one shell command line.
pub fn classify_shell(ctx: &Context, command: &str) -> Vec<writ_core::Operation> {
    shell::classify(ctx, command)
}
