//! Operations: what an invocation means once classified.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::CoreError;

/// The risk class of an operation.
///
/// The order is the order of restriction used when one tier must stand for
/// several operations: `unknown` ranks highest because nothing is known
/// about what it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Looks, changes nothing.
    Read,
    /// Changes files or task branches.
    Write,
    /// Lands work on a protected branch.
    Merge,
    /// Changes a running environment.
    Deploy,
    /// Ships an artifact to others.
    Publish,
    /// Reads or reveals a secret.
    Secret,
    /// Destroys data or rewrites shared history.
    Destructive,
    /// Could not be modelled; treated as high.
    Unknown,
}

impl Tier {
    /// Every tier, lowest first.
    pub const ALL: [Tier; 8] = [
        Tier::Read,
        Tier::Write,
        Tier::Merge,
        Tier::Deploy,
        Tier::Publish,
        Tier::Secret,
        Tier::Destructive,
        Tier::Unknown,
    ];

    /// The tier's name as it appears in config, policies and records.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Read => "read",
            Tier::Write => "write",
            Tier::Merge => "merge",
            Tier::Deploy => "deploy",
            Tier::Publish => "publish",
            Tier::Secret => "secret",
            Tier::Destructive => "destructive",
            Tier::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Tier {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| CoreError::UnknownTier(s.to_string()))
    }
}

/// What kind of thing an operation touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A file or folder, by real path.
    File,
    /// A ref on a git remote, or the local repository.
    GitRef,
    /// A network host.
    Host,
    /// A tool of an MCP server.
    McpTool,
    /// A forge object such as a pull request or release.
    Forge,
    /// A deployment environment or cluster.
    Environment,
    /// A package registry.
    Registry,
    /// A program whose effect could not be modelled.
    Program,
    /// The agent's own bookkeeping (todo lists, tool search).
    Agent,
}

impl ResourceKind {
    /// The kind's name as it appears in policies and records.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::File => "file",
            ResourceKind::GitRef => "git_ref",
            ResourceKind::Host => "host",
            ResourceKind::McpTool => "mcp_tool",
            ResourceKind::Forge => "forge",
            ResourceKind::Environment => "environment",
            ResourceKind::Registry => "registry",
            ResourceKind::Program => "program",
            ResourceKind::Agent => "agent",
        }
    }
}

/// The thing an operation acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// What kind of thing it is.
    pub kind: ResourceKind,
    /// A stable name: a real path, `origin:refs/heads/main`, a host name,
    /// `server/tool`.
    pub name: String,
    /// The real path, for files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The repository: a local root path or a remote URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The branch name (without `refs/heads/`), for git refs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The host, for network resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Resource {
    /// A resource with only a kind and a name.
    pub fn new(kind: ResourceKind, name: impl Into<String>) -> Self {
        Resource {
            kind,
            name: name.into(),
            path: None,
            repo: None,
            branch: None,
            host: None,
        }
    }

    /// A file resource for a real path.
    pub fn file(path: impl Into<String>) -> Self {
        let path = path.into();
        Resource {
            path: Some(path.clone()),
            ..Resource::new(ResourceKind::File, path)
        }
    }

    /// A network host.
    pub fn host(host: impl Into<String>) -> Self {
        let host = host.into();
        Resource {
            host: Some(host.clone()),
            ..Resource::new(ResourceKind::Host, host)
        }
    }
}

/// One classified operation: action + resource + tier + facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// A dotted action name such as `git.push`, `file.write`, `shell.exec`.
    pub action: String,
    /// What it acts on.
    pub resource: Resource,
    /// Its risk class.
    pub tier: Tier,
    /// Agent or repository control file, or writ's own state: never
    /// written by an agent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub control: bool,
    /// A target whose loss is unrecoverable (`/`, `$HOME`, the working
    /// tree itself): destructive operations on it are denied outright.
    #[serde(default, skip_serializing_if = "is_false")]
    pub critical: bool,
    /// Why the classifier chose this tier, in a few words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Operation {
    /// An operation without flags or note.
    pub fn new(action: impl Into<String>, resource: Resource, tier: Tier) -> Self {
        Operation {
            action: action.into(),
            resource,
            tier,
            control: false,
            critical: false,
            note: None,
        }
    }

    /// The same operation with a note saying why.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// An operation the classifier could not model.
    pub fn unknown(what: impl Into<String>, note: impl Into<String>) -> Self {
        Operation::new(
            "unknown",
            Resource::new(ResourceKind::Program, what),
            Tier::Unknown,
        )
        .with_note(note)
    }
}
