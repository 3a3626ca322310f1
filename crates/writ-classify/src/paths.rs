//! Paths as the kernel will see them: made absolute against the working
//! directory, symlinks resolved for the part that exists, then sorted into
//! secret files, control files and critical targets.
//!
//! Reading the file system here is limited to resolving links; nothing is
//! opened.

use std::path::{Component, Path, PathBuf};

use crate::Context;

/// What a path is, for deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathFacts {
    /// The real path (symlinks resolved where the path exists).
    pub real: PathBuf,
    /// Holds credentials or keys: reading it is the secret tier.
    pub secret: bool,
    /// An agent, shell or repository control file: an agent never writes it.
    pub control: bool,
    /// Unrecoverable to lose: `/`, a top-level folder, `$HOME`, the working
    /// folder or one of their parents.
    pub critical: bool,
    /// Inside one of the workspace roots.
    pub in_workspace: bool,
}

/// Makes `text` absolute against `cwd` and resolves it as the kernel
/// will: component by component, following every symlink, including one
/// whose target does not exist yet, and taking `..` from where a link
/// really led.
pub fn resolve(cwd: &Path, text: &Path) -> PathBuf {
    let joined = if text.is_absolute() {
        text.to_path_buf()
    } else {
        cwd.join(text)
    };
    follow(&joined, 0)
}

/// Folds `.` and `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Links followed before a path is taken as a loop (the kernel's limit).
const MAX_LINKS: usize = 40;

fn follow(path: &Path, hops: usize) -> PathBuf {
    let parts: Vec<Component<'_>> = path.components().collect();
    let mut out = PathBuf::from("/");
    for (i, part) in parts.iter().enumerate() {
        match part {
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                let candidate = out.join(name);
                let is_link =
                    std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.file_type().is_symlink());
                let target = is_link
                    .then(|| std::fs::read_link(&candidate).ok())
                    .flatten();
                match target {
                    Some(target) if hops < MAX_LINKS => {
                        let mut next = if target.is_absolute() {
                            target
                        } else {
                            out.join(target)
                        };
                        for rest in &parts[i + 1..] {
                            next.push(rest.as_os_str());
                        }
                        return follow(&next, hops + 1);
                    }
                    _ => out = candidate,
                }
            }
        }
    }
    out
}

/// Resolves a path as written and sorts it.
pub fn facts(ctx: &Context, cwd: &Path, text: &Path) -> PathFacts {
    let written = normalize(&if text.is_absolute() {
        text.to_path_buf()
    } else {
        cwd.join(text)
    });
    let real = resolve(cwd, text);
    // A link and its target are both judged: the stricter wins.
    PathFacts {
        secret: is_secret(ctx, &real) || is_secret(ctx, &written),
        control: is_control(ctx, &real) || is_control(ctx, &written),
        critical: is_critical(ctx, &real) || is_critical(ctx, &written),
        in_workspace: ctx.workspace.iter().any(|root| real.starts_with(root)),
        real,
    }
}

/// The file name, lower-cased: on a case-insensitive file system (macOS's
/// default) `.Claude` is `.claude`, so names are compared without case.
fn name_of(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_lowercase()
}

fn has_component(path: &Path, wanted: &str) -> bool {
    path.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|s| s.eq_ignore_ascii_case(wanted))
    })
}

/// Files under `$HOME` that hold credentials, as paths relative to it.
const HOME_SECRETS: &[&str] = &[
    ".ssh",
    ".aws",
    ".azure",
    ".gnupg",
    ".password-store",
    ".config/gcloud",
    ".config/gh/hosts.yml",
    ".config/hub",
    ".config/op",
    ".docker/config.json",
    ".kube/config",
    ".cargo/credentials",
    ".cargo/credentials.toml",
    ".terraform.d/credentials.tfrc.json",
    ".vault-token",
    ".netrc",
    ".git-credentials",
    ".npmrc",
    ".pypirc",
    ".pgpass",
    ".my.cnf",
    ".claude/.credentials.json",
    ".codex/auth.json",
    ".gemini/oauth_creds.json",
];

/// File names that hold credentials wherever they are.
const SECRET_NAMES: &[&str] = &[
    ".netrc",
    "_netrc",
    ".git-credentials",
    ".pgpass",
    ".npmrc",
    ".pypirc",
    ".vault-token",
    "credentials",
    "credentials.json",
    "service-account.json",
    "secrets.yml",
    "secrets.yaml",
    "secrets.json",
    "shadow",
    "environ",
];

/// Endings of key and keystore files.
const SECRET_ENDINGS: &[&str] = &[".pem", ".key", ".p12", ".pfx", ".jks", ".kdbx", ".ppk"];

/// `.env` variants that are templates, not secrets.
const ENV_TEMPLATES: &[&str] = &["example", "sample", "template", "dist", "defaults"];

/// Whether reading `path` would reveal a credential.
pub fn is_secret(ctx: &Context, path: &Path) -> bool {
    let name = name_of(path);
    let name = name.as_str();
    if name.ends_with(".pub") {
        return false;
    }
    if name == ".env" || name == ".envrc" {
        return true;
    }
    if let Some(suffix) = name.strip_prefix(".env.") {
        return !ENV_TEMPLATES.contains(&suffix);
    }
    if name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || name.starts_with("id_ecdsa")
        || name.starts_with("id_dsa")
    {
        return true;
    }
    if SECRET_NAMES.contains(&name) || SECRET_ENDINGS.iter().any(|e| name.ends_with(e)) {
        return true;
    }
    if path.starts_with(&ctx.writ_home) {
        return true;
    }
    HOME_SECRETS
        .iter()
        .any(|rel| path.starts_with(ctx.home.join(rel)))
}

/// Folders whose contents steer an agent, an editor or git.
const CONTROL_DIRS: &[&str] = &[
    ".claude",
    ".cursor",
    ".codex",
    ".gemini",
    ".git",
    ".husky",
    ".vscode",
    ".devcontainer",
];

/// Files that steer a shell, git, a package manager or an agent.
const CONTROL_NAMES: &[&str] = &[
    ".mcp.json",
    ".claude.json",
    ".gitconfig",
    ".gitmodules",
    ".bashrc",
    ".bash_profile",
    ".bash_login",
    ".bash_logout",
    ".profile",
    ".zshrc",
    ".zprofile",
    ".zshenv",
    ".zlogin",
    ".envrc",
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".pre-commit-config.yaml",
    "lefthook.yml",
    ".devcontainer.json",
    ".ripgreprc",
    "authorized_keys",
    "crontab",
];

/// Folders under `$HOME` that steer the user's tools.
const HOME_CONTROL: &[&str] = &[
    ".ssh",
    ".config/git",
    ".config/fish",
    ".config/gh",
    ".aws",
    ".kube",
    ".docker",
    ".cargo/config.toml",
    ".local/bin",
    "bin",
];

/// Whether an agent writing `path` would change how agents, shells, git or
/// writ itself behave.
pub fn is_control(ctx: &Context, path: &Path) -> bool {
    if path.starts_with(&ctx.writ_home) || CONTROL_NAMES.contains(&name_of(path).as_str()) {
        return true;
    }
    if CONTROL_DIRS.iter().any(|dir| has_component(path, dir)) {
        // Claude Code keeps disposable worktrees under `.claude/worktrees`.
        return !has_component_pair(path, ".claude", "worktrees");
    }
    HOME_CONTROL
        .iter()
        .any(|rel| path.starts_with(ctx.home.join(rel)))
}

fn has_component_pair(path: &Path, first: &str, second: &str) -> bool {
    let parts: Vec<_> = path.components().collect();
    parts.windows(2).any(|w| {
        w[0].as_os_str()
            .to_str()
            .is_some_and(|s| s.eq_ignore_ascii_case(first))
            && w[1]
                .as_os_str()
                .to_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(second))
    })
}

/// Whether losing `path` would be unrecoverable: the root, a top-level
/// folder, `$HOME`, the working folder, a workspace root, or a parent of any
/// of them.
pub fn is_critical(ctx: &Context, path: &Path) -> bool {
    if path.components().count() <= 2 {
        return true;
    }
    let anchors = std::iter::once(&ctx.home)
        .chain(std::iter::once(&ctx.cwd))
        .chain(ctx.workspace.iter())
        .chain(std::iter::once(&ctx.writ_home));
    anchors.into_iter().any(|anchor| anchor.starts_with(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context::for_tests("/home/u/project", "/home/u")
    }

    #[test]
    fn dot_dot_is_folded_before_judging() {
        let f = facts(
            &ctx(),
            Path::new("/home/u/project"),
            Path::new("../.ssh/id_rsa"),
        );
        assert_eq!(f.real, PathBuf::from("/home/u/.ssh/id_rsa"));
        assert!(f.secret);
        assert!(!f.in_workspace);
    }

    #[test]
    fn links_are_followed_even_when_their_target_does_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("repo/.git/hooks")).unwrap();
        std::os::unix::fs::symlink(".git/hooks/pre-commit", root.join("repo/pc")).unwrap();
        std::os::unix::fs::symlink(root.join("home/.ssh"), root.join("repo/s")).unwrap();
        let repo = root.join("repo");
        assert_eq!(
            resolve(&repo, Path::new("pc")),
            repo.join(".git/hooks/pre-commit")
        );
        // `..` after a link is taken from where the link led.
        assert_eq!(
            resolve(&repo, Path::new("s/../.ssh/id")),
            root.join("home/.ssh/id")
        );
        std::os::unix::fs::symlink("loop", root.join("repo/loop")).unwrap();
        let _ = resolve(&repo, Path::new("loop/x"));
    }

    #[test]
    fn env_templates_are_not_secret_but_env_files_are() {
        let c = ctx();
        assert!(is_secret(&c, Path::new("/home/u/project/.env")));
        assert!(is_secret(&c, Path::new("/home/u/project/.env.production")));
        assert!(!is_secret(&c, Path::new("/home/u/project/.env.example")));
        assert!(!is_secret(&c, Path::new("/home/u/.ssh/id_ed25519.pub")));
    }

    #[test]
    fn home_and_parents_are_critical() {
        let c = ctx();
        assert!(is_critical(&c, Path::new("/home/u")));
        assert!(is_critical(&c, Path::new("/home")));
        assert!(is_critical(&c, Path::new("/usr")));
        assert!(is_critical(&c, Path::new("/home/u/project")));
        assert!(!is_critical(&c, Path::new("/home/u/project/build")));
    }

    #[test]
    fn control_files_are_found_anywhere() {
        let c = ctx();
        assert!(is_control(
            &c,
            Path::new("/home/u/project/.claude/settings.json")
        ));
        assert!(is_control(
            &c,
            Path::new("/home/u/project/.git/hooks/pre-commit")
        ));
        assert!(is_control(&c, Path::new("/home/u/.bashrc")));
        assert!(!is_control(
            &c,
            Path::new("/home/u/project/.claude/worktrees/a/x.rs")
        ));
        assert!(!is_control(&c, Path::new("/home/u/project/src/main.rs")));
    }
}
