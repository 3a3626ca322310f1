//! git's own grammar: global options before the subcommand (some of which
//! run programs), then per-subcommand models. `push` is decided by the
//! destination ref of every refspec, as git itself would compute it from
//! the repository's HEAD and configuration.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use writ_core::{Operation, Resource, ResourceKind, Tier};

use crate::paths;
use crate::shell::{Branch, Shell, SimpleCmd, State, Word};
use crate::tools::{Access, file};

/// `-c` keys that change only how git looks or names things.
const SAFE_CONFIG: &[&str] = &[
    "color.",
    "advice.",
    "log.",
    "i18n.",
    "user.name",
    "user.email",
    "core.quotepath",
    "init.defaultbranch",
    "diff.renames",
    "diff.algorithm",
    "core.abbrev",
    "pull.rebase",
    "merge.ff",
    "gc.auto",
    "core.autocrlf",
    "protocol.version",
    "column.ui",
    "commit.gpgsign",
    "core.safecrlf",
    "status.",
    "blame.",
    "format.pretty",
];

/// What git would read of a repository to compute a push.
#[derive(Debug, Default, Clone)]
pub struct Repo {
    /// The working tree root.
    pub root: PathBuf,
    /// The git directory.
    pub git_dir: PathBuf,
    /// `HEAD`'s branch, `None` when detached.
    pub head: Option<String>,
    /// `section.sub.key` (lower-cased section and key) to values.
    pub config: BTreeMap<String, Vec<String>>,
}

impl Repo {
    /// Finds the repository holding `dir`, reading only `.git` files.
    pub fn discover(dir: &Path) -> Option<Repo> {
        let mut current = Some(dir);
        while let Some(d) = current {
            let dot_git = d.join(".git");
            if dot_git.is_dir() {
                return Repo::load(d, &dot_git);
            }
            if let Ok(text) = std::fs::read_to_string(&dot_git) {
                let target = text.strip_prefix("gitdir:")?.trim();
                return Repo::load(d, &paths::resolve(d, Path::new(target)));
            }
            current = d.parent();
        }
        None
    }

    fn load(root: &Path, git_dir: &Path) -> Option<Repo> {
        let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
        let head = head
            .trim()
            .strip_prefix("ref: refs/heads/")
            .map(str::to_string);
        let mut config = BTreeMap::new();
        // A linked worktree keeps its config in the common dir.
        let common = std::fs::read_to_string(git_dir.join("commondir"))
            .map(|c| paths::resolve(git_dir, Path::new(c.trim())))
            .unwrap_or_else(|_| git_dir.to_path_buf());
        if let Ok(text) = std::fs::read_to_string(common.join("config")) {
            parse_config(&text, &mut config);
        }
        Some(Repo {
            root: root.to_path_buf(),
            git_dir: common,
            head,
            config,
        })
    }

    /// The last value of a config key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.config
            .get(key)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// A remote URL as a stable name: local paths (absolute, relative to
    /// the working tree, or `file://`) become real absolute paths; network
    /// URLs are kept as written.
    pub fn normalize_url(&self, url: &str) -> String {
        let local = url.strip_prefix("file://").unwrap_or(url);
        let is_network = url.contains("://") && !url.starts_with("file://");
        let scp_like = !local.starts_with('/')
            && !local.starts_with('.')
            && local
                .split('/')
                .next()
                .is_some_and(|first| first.contains(':'));
        if is_network || scp_like {
            return url.to_string();
        }
        paths::resolve(&self.root, Path::new(local))
            .to_string_lossy()
            .into_owned()
    }

    /// Every URL a remote of this repository pushes to, normalised.
    pub fn remote_urls(&self) -> Vec<String> {
        self.config
            .iter()
            .filter(|(k, _)| {
                k.starts_with("remote.") && (k.ends_with(".url") || k.ends_with(".pushurl"))
            })
            .flat_map(|(_, v)| v.iter().map(|u| self.normalize_url(u)))
            .collect()
    }

    /// Whether a local branch of that name exists.
    pub fn has_branch(&self, name: &str) -> bool {
        if self.git_dir.join("refs/heads").join(name).is_file() {
            return true;
        }
        std::fs::read_to_string(self.git_dir.join("packed-refs"))
            .map(|t| {
                t.lines().any(|l| {
                    l.split_once(' ')
                        .is_some_and(|(_, r)| r == format!("refs/heads/{name}"))
                })
            })
            .unwrap_or(false)
    }

    /// Whether a local tag of that name exists.
    pub fn has_tag(&self, name: &str) -> bool {
        self.git_dir.join("refs/tags").join(name).is_file()
            || std::fs::read_to_string(self.git_dir.join("packed-refs"))
                .map(|t| t.contains(&format!(" refs/tags/{name}")))
                .unwrap_or(false)
    }
}

/// Reads git's config format: `[section "sub"]` headers and `key = value`.
pub fn parse_config(text: &str, out: &mut BTreeMap<String, Vec<String>>) {
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            section = match header.split_once(' ') {
                Some((name, sub)) => {
                    format!(
                        "{}.{}",
                        name.to_ascii_lowercase(),
                        sub.trim().trim_matches('"')
                    )
                }
                None => header.to_ascii_lowercase(),
            };
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, "true"));
        let value = value.trim().trim_matches('"').to_string();
        out.entry(format!("{section}.{}", key.trim().to_ascii_lowercase()))
            .or_default()
            .push(value);
    }
}

struct Git<'s, 'c> {
    sh: &'s mut Shell<'c>,
    cwd: Option<PathBuf>,
}

/// Decides a `git` command.
pub fn run(sh: &mut Shell<'_>, args: &[Word], state: &mut State) {
    let mut git = Git {
        sh,
        cwd: state.cwd.clone(),
    };
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let Some(text) = word.literal() else {
            return git.sh.unknown("git", "a git option writ cannot see");
        };
        if !text.starts_with('-') {
            break;
        }
        i += 1;
        let (opt, inline) = match text.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v.to_string())),
            _ => (text, None),
        };
        let mut value = || {
            inline.clone().or_else(|| {
                i += 1;
                args.get(i - 1).and_then(Word::literal).map(str::to_string)
            })
        };
        match opt {
            "-C" => match (value(), &git.cwd) {
                (Some(dir), Some(cwd)) => git.cwd = Some(paths::resolve(cwd, Path::new(&dir))),
                _ => git.cwd = None,
            },
            "-c" => {
                let Some(setting) = value() else {
                    return git.sh.unknown("git -c", "a setting writ cannot see");
                };
                let key = setting
                    .split('=')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if !SAFE_CONFIG.iter().any(|safe| key.starts_with(safe)) {
                    return git.sh.unknown(
                        "git -c",
                        format!("`-c {key}` can make git run a program or change what it touches"),
                    );
                }
            }
            "--exec-path" | "--config-env" | "--git-dir" | "--work-tree" | "--namespace"
            | "--super-prefix" | "--upload-pack" | "--receive-pack" => {
                return git.sh.unknown(
                    "git",
                    format!("`git {opt}` changes which repository or program git uses"),
                );
            }
            "-p"
            | "--paginate"
            | "-P"
            | "--no-pager"
            | "--bare"
            | "--no-replace-objects"
            | "--literal-pathspecs"
            | "--glob-pathspecs"
            | "--noglob-pathspecs"
            | "--icase-pathspecs"
            | "--no-optional-locks"
            | "--no-advice"
            | "--version"
            | "--help"
            | "-h"
            | "--html-path"
            | "--man-path"
            | "--info-path" => {}
            other => {
                return git
                    .sh
                    .unknown("git", format!("writ does not model `git {other}`"));
            }
        }
    }
    let Some(sub) = args.get(i) else {
        return git.sh.push(git_op("git", Tier::Read, None));
    };
    let Some(sub) = sub.literal() else {
        return git.sh.unknown("git", "a subcommand writ cannot see");
    };
    let rest = &args[i + 1..];
    git.subcommand(sub, rest, state);
}

fn git_op(action: &str, tier: Tier, repo: Option<&Repo>) -> Operation {
    let mut resource = Resource::new(
        ResourceKind::GitRef,
        repo.map_or("?".to_string(), |r| r.root.to_string_lossy().into_owned()),
    );
    resource.repo = repo.map(|r| r.root.to_string_lossy().into_owned());
    let action = if action == "git" {
        "git".to_string()
    } else {
        format!("git.{action}")
    };
    Operation::new(action, resource, tier)
}

fn lits(args: &[Word]) -> Vec<&str> {
    args.iter().filter_map(Word::literal).collect()
}

fn has(args: &[Word], flags: &[&str]) -> bool {
    lits(args).iter().any(|a| {
        flags.iter().any(|f| {
            *a == *f
                || a.starts_with(&format!("{f}="))
                || (f.len() == 2
                    && !f.starts_with("--")
                    && a.starts_with('-')
                    && !a.starts_with("--")
                    && a.contains(&f[1..]))
        })
    })
}

/// Operands: words that are not options, skipping the values of the
/// options listed in `valued`; everything after `--` is an operand.
fn operands<'w>(args: &'w [Word], valued: &[&str]) -> Vec<&'w Word> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut rest = false;
    while let Some(w) = args.get(i) {
        i += 1;
        match w.literal() {
            Some("--") if !rest => rest = true,
            Some(t) if !rest && t.starts_with('-') && t.len() > 1 => {
                if valued.contains(&t) {
                    i += 1;
                }
            }
            _ => out.push(w),
        }
    }
    out
}

fn positionals(args: &[Word]) -> Vec<&Word> {
    args.iter()
        .filter(|w| w.literal().is_none_or(|t| !t.starts_with('-')))
        .collect()
}

impl Git<'_, '_> {
    fn repo(&self) -> Option<Repo> {
        self.cwd.as_deref().and_then(Repo::discover)
    }

    fn push_op(&mut self, action: &str, tier: Tier) {
        let repo = self.repo();
        self.sh.push(git_op(action, tier, repo.as_ref()));
    }

    fn subcommand(&mut self, sub: &str, args: &[Word], state: &mut State) {
        let first = positionals(args)
            .first()
            .and_then(|w| w.literal())
            .unwrap_or("");
        match sub {
            "push" => self.push(args, state),
            "fetch"
                if operands(
                    args,
                    &[
                        "--depth",
                        "--deepen",
                        "--shallow-since",
                        "--shallow-exclude",
                        "-j",
                        "--jobs",
                        "--negotiation-tip",
                        "--server-option",
                        "-o",
                        "--filter",
                        "--refmap",
                    ],
                )
                .iter()
                .any(|w| w.literal().is_none_or(|t| t.contains(':'))) =>
            {
                // `src:dst` writes a local ref; with `+` or --force it may
                // rewrite it.
                let forced = has(args, &["-f", "--force"])
                    || lits(args)
                        .iter()
                        .any(|t| t.starts_with('+') && t.contains(':'));
                self.push_op(
                    "fetch",
                    if forced {
                        Tier::Destructive
                    } else {
                        Tier::Write
                    },
                )
            }
            "diff" if has(args, &["--no-index"]) => {
                // Compares two files anywhere on disk, printing both.
                for path in operands(args, &["-U", "--unified", "--output"]) {
                    self.path_op(path, Access::Read);
                }
                self.push_op("diff", Tier::Read)
            }
            "status" | "log" | "diff" | "show" | "blame" | "annotate" | "shortlog" | "describe"
            | "rev-parse" | "rev-list" | "ls-files" | "ls-tree" | "ls-remote" | "show-ref"
            | "cat-file" | "grep" | "help" | "version" | "count-objects" | "fsck"
            | "verify-commit" | "verify-tag" | "whatchanged" | "merge-base" | "name-rev"
            | "for-each-ref" | "check-ignore" | "check-attr" | "check-ref-format" | "var"
            | "fetch" | "range-diff" | "cherry" | "show-branch" | "diff-tree" | "diff-files"
            | "diff-index" => {
                if has(args, &["--output", "--ext-diff", "--textconv"]) {
                    if has(args, &["--ext-diff", "--textconv"]) {
                        return self
                            .sh
                            .unknown("git", format!("`git {sub}` runs configured programs"));
                    }
                    self.output_option(args);
                }
                if sub == "fetch" && has(args, &["--upload-pack"]) {
                    return self
                        .sh
                        .unknown("git fetch", "`--upload-pack` runs a program");
                }
                self.push_op(sub, Tier::Read)
            }
            "remote" => self.remote(args),
            "branch" => self.branch(args, state),
            "tag" => {
                let listing = positionals(args).is_empty()
                    || has(args, &["-l", "--list", "--contains", "--points-at"]);
                let tier = if listing && !has(args, &["-d", "--delete"]) {
                    Tier::Read
                } else {
                    Tier::Write
                };
                self.push_op("tag", tier)
            }
            "stash" => {
                let tier = match first {
                    "list" | "show" => Tier::Read,
                    "clear" => Tier::Destructive,
                    _ => Tier::Write,
                };
                self.push_op("stash", tier)
            }
            "config" => self.config(args),
            "checkout" | "switch" => self.checkout(sub, args, state),
            "reset" => {
                let tier = if has(args, &["--hard", "--merge", "--keep"]) {
                    Tier::Destructive
                } else {
                    Tier::Write
                };
                self.push_op("reset", tier)
            }
            "clean" => {
                let dry = has(args, &["-n", "--dry-run"]);
                self.push_op("clean", if dry { Tier::Read } else { Tier::Destructive })
            }
            "rebase" => {
                if let Some(cmd) = exec_value(args, &["-x", "--exec"]) {
                    self.script(&cmd, state);
                }
                // `git rebase upstream branch` checks `branch` out first.
                let valued = [
                    "--onto",
                    "-x",
                    "--exec",
                    "-s",
                    "--strategy",
                    "-X",
                    "--strategy-option",
                ];
                if operands(args, &valued).len() >= 2 || has(args, &["--root"]) {
                    state.branch = Branch::Unknown;
                }
                self.push_op("rebase", Tier::Write)
            }
            "symbolic-ref" | "update-ref" | "bisect" | "replace"
                if sub == "bisect" || lits(args).contains(&"HEAD") =>
            {
                // These move HEAD to a branch or commit writ cannot follow.
                state.branch = Branch::Unknown;
                self.push_op(sub, Tier::Write)
            }
            "restore" => {
                let valued = ["-s", "--source", "--pathspec-from-file"];
                if has(args, &["--pathspec-from-file"]) {
                    return self
                        .sh
                        .unknown("git restore", "restores paths listed in a file");
                }
                for path in operands(args, &valued) {
                    self.path_op(path, Access::Write);
                }
                self.push_op("restore", Tier::Write)
            }
            "apply" | "am" => {
                let reports = has(args, &["--check", "--stat", "--numstat", "--summary"])
                    && !has(args, &["--apply"]);
                if reports {
                    return self.push_op(sub, Tier::Read);
                }
                self.sh.unknown(
                    &format!("git {sub}"),
                    "writes the files a patch names, which writ does not read",
                );
            }
            "add" => {
                // Adding a secret file puts it where a push can take it.
                for path in operands(args, &["--chmod", "--pathspec-from-file"]) {
                    self.path_op(path, Access::Read);
                }
                self.push_op("add", Tier::Write)
            }
            "submodule" if first == "foreach" => {
                let script: Option<Vec<&str>> =
                    positionals(args)[1..].iter().map(|w| w.literal()).collect();
                match script {
                    Some(parts) => self.script(&Word::Literal(parts.join(" ")), state),
                    None => self
                        .sh
                        .unknown("git submodule foreach", "runs a command writ cannot see"),
                }
                self.push_op("submodule", Tier::Write)
            }
            "bisect" if first == "run" => {
                let inner: Vec<Word> = positionals(args)[1..]
                    .iter()
                    .map(|w| (*w).clone())
                    .collect();
                let cmd = SimpleCmd {
                    argv: inner.clone(),
                    assignments: vec![],
                    stdin_text: None,
                    stdin_piped: false,
                };
                crate::tools::exec(self.sh, &inner, &cmd, state);
                self.push_op("bisect", Tier::Write)
            }
            "commit" | "merge" | "cherry-pick" | "revert" | "mv" | "rm" | "pull" | "init"
            | "notes" | "worktree" | "submodule" | "gc" | "prune" | "repack" | "maintenance"
            | "sparse-checkout" | "bisect" | "format-patch" | "archive" | "bundle"
            | "update-index" | "commit-tree" | "read-tree" | "write-tree" | "hash-object"
            | "update-ref" | "symbolic-ref" | "mktag" | "mktree" | "replace" | "clone" | "lfs"
            | "rerere" | "pack-refs" | "range" => {
                self.output_option(args);
                if sub == "clone"
                    && let Some(dest) = positionals(args).get(1)
                {
                    let dest = (*dest).clone();
                    file(self.sh, state, &dest, Access::Write);
                }
                self.push_op(sub, Tier::Write)
            }
            "filter-branch" | "filter-repo" => self.push_op(sub, Tier::Destructive),
            "reflog" => {
                let tier = if matches!(first, "expire" | "delete" | "drop") {
                    Tier::Destructive
                } else {
                    Tier::Read
                };
                self.push_op("reflog", tier)
            }
            "credential"
            | "credential-store"
            | "credential-cache"
            | "credential-osxkeychain"
            | "credential-manager"
            | "credential-libsecret" => self.push_op("credential", Tier::Secret),
            "send-email" | "request-pull" | "imap-send" => self.push_op(sub, Tier::Publish),
            _ => self.sh.unknown(
                &format!("git {sub}"),
                format!("writ does not model `git {sub}`; it may be an alias that runs anything"),
            ),
        }
    }

    fn script(&mut self, script: &Word, state: &State) {
        match script.literal() {
            Some(text) => self.sh.subshell_script(text, state),
            None => self.sh.unknown("git", "runs a command writ cannot see"),
        }
    }

    fn output_option(&mut self, args: &[Word]) {
        let state = State {
            cwd: self.cwd.clone(),
            branch: Branch::OnDisk,
            functions: Default::default(),
            links: Vec::new(),
        };
        for (i, w) in args.iter().enumerate() {
            let Some(t) = w.literal() else { continue };
            if let Some(v) = t
                .strip_prefix("--output=")
                .or_else(|| t.strip_prefix("--output-directory="))
            {
                file(self.sh, &state, &Word::Literal(v.into()), Access::Write);
            } else if matches!(t, "-o" | "--output" | "--output-directory")
                && let Some(v) = args.get(i + 1)
            {
                file(self.sh, &state, v, Access::Write);
            }
        }
    }

    fn local_state(&self) -> State {
        State {
            cwd: self.cwd.clone(),
            branch: Branch::OnDisk,
            functions: Default::default(),
            links: Vec::new(),
        }
    }

    /// A file git reads or writes on the command's behalf.
    fn path_op(&mut self, path: &Word, access: Access) {
        let state = self.local_state();
        file(self.sh, &state, path, access);
    }

    fn remote(&mut self, args: &[Word]) {
        let ops = operands(args, &["-t", "-m", "--push"]);
        let verb = ops.first().and_then(|w| w.literal()).unwrap_or("");
        let redirects = matches!(verb, "set-url" | "rename" | "set-branches")
            || (verb == "add" && lits(args).iter().any(|a| a.starts_with("--mirror")));
        if redirects {
            let mut op = git_op("remote", Tier::Write, self.repo().as_ref());
            op.control = true;
            op.note = Some("changes where this repository's pushes go".into());
            return self.sh.push(op);
        }
        let tier = if matches!(verb, "" | "show" | "get-url" | "-v") {
            Tier::Read
        } else {
            Tier::Write
        };
        self.push_op("remote", tier)
    }

    fn branch(&mut self, args: &[Word], state: &mut State) {
        // Renaming the current branch or changing its upstream changes
        // where a later refless push goes.
        if has(
            args,
            &[
                "-m",
                "-M",
                "--move",
                "-u",
                "--set-upstream-to",
                "--unset-upstream",
                "--track",
                "-t",
            ],
        ) {
            state.branch = Branch::Unknown;
        }
        let changes = has(
            args,
            &[
                "-d",
                "-D",
                "--delete",
                "-m",
                "-M",
                "--move",
                "-c",
                "-C",
                "--copy",
                "-u",
                "--set-upstream-to",
                "--unset-upstream",
                "-f",
                "--force",
                "--edit-description",
            ],
        );
        let list_only = has(
            args,
            &[
                "-l",
                "--list",
                "-a",
                "--all",
                "-r",
                "--remotes",
                "--contains",
                "--merged",
                "--no-merged",
                "--show-current",
                "-v",
                "-vv",
            ],
        );
        let creates = !positionals(args).is_empty() && !list_only;
        let tier = if changes || creates {
            Tier::Write
        } else {
            Tier::Read
        };
        self.push_op("branch", tier)
    }

    fn config(&mut self, args: &[Word]) {
        let lits = lits(args);
        let reads = lits.iter().any(|a| {
            matches!(
                *a,
                "--get"
                    | "--get-all"
                    | "--get-regexp"
                    | "-l"
                    | "--list"
                    | "get"
                    | "list"
                    | "--show-origin"
                    | "--name-only"
            )
        });
        let pos = positionals(args);
        let key = pos
            .first()
            .and_then(|w| w.literal())
            .unwrap_or("")
            .to_ascii_lowercase();
        if key.contains("credential")
            || key.contains("token")
            || key.contains("extraheader")
            || key.contains("password")
        {
            return self.push_op("config", Tier::Secret);
        }
        if reads || pos.len() <= 1 {
            return self.push_op("config", Tier::Read);
        }
        let mut op = git_op("config", Tier::Write, self.repo().as_ref());
        op.control = true;
        op.note = Some("changing git's configuration can make it run programs".into());
        self.sh.push(op);
    }

    fn checkout(&mut self, sub: &str, args: &[Word], state: &mut State) {
        let repo = self.repo();
        let lits = lits(args);
        let discards = has(args, &["-f", "--force", "--discard-changes"]);
        let create = lits.iter().position(|a| {
            matches!(
                *a,
                "-b" | "-B" | "-c" | "-C" | "--create" | "--force-create" | "--orphan"
            )
        });
        let valued = [
            "-b",
            "-B",
            "-c",
            "-C",
            "--create",
            "--force-create",
            "--orphan",
            "--conflict",
            "--pathspec-from-file",
        ];
        if has(args, &["--pathspec-from-file"]) {
            return self
                .sh
                .unknown("git checkout", "checks out paths listed in a file");
        }
        // Everything after `--`, or after a tree-ish, is a path written.
        let (refs, paths): (Vec<&Word>, Vec<&Word>) = match lits.iter().position(|a| *a == "--") {
            Some(_) => {
                let before: Vec<&Word> = args
                    .iter()
                    .take_while(|w| w.literal() != Some("--"))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .filter(|w| w.literal().is_none_or(|t| !t.starts_with('-')))
                    .collect();
                let after: Vec<&Word> = args
                    .iter()
                    .skip_while(|w| w.literal() != Some("--"))
                    .skip(1)
                    .collect();
                (before, after)
            }
            None => {
                let ops = operands(args, &valued);
                match ops.split_first() {
                    Some((first, rest)) if sub == "checkout" && !rest.is_empty() => {
                        (vec![*first], rest.to_vec())
                    }
                    _ => (ops, Vec::new()),
                }
            }
        };
        for path in &paths {
            self.path_op(path, Access::Write);
        }
        let moved = if create.is_some() {
            match create.and_then(|p| args.get(p + 1)).and_then(Word::literal) {
                Some(name) => Branch::Switched(name.to_string()),
                None => Branch::Unknown,
            }
        } else if has(args, &["--detach", "-d"]) || lits.contains(&"-") {
            Branch::Unknown
        } else if !paths.is_empty() {
            state.branch.clone()
        } else {
            match refs.first().map(|w| w.literal()) {
                None => state.branch.clone(),
                Some(Some(name)) if repo.as_ref().is_some_and(|r| r.has_branch(name)) => {
                    Branch::Switched(name.to_string())
                }
                // A path of the same name, a tag, a commit, a remote branch
                // (git may create a local one): writ cannot name the result.
                _ => Branch::Unknown,
            }
        };
        state.branch = moved;
        self.push_op(
            sub,
            if discards {
                Tier::Destructive
            } else {
                Tier::Write
            },
        );
    }

    fn push(&mut self, args: &[Word], state: &State) {
        let Some(repo) = self.repo() else {
            return self
                .sh
                .unknown("git push", "not inside a git repository writ can read");
        };
        let spec = match PushArgs::parse(args) {
            Ok(s) => s,
            Err(why) => return self.sh.unknown("git push", why),
        };
        let current = match &state.branch {
            Branch::Switched(b) => Some(b.clone()),
            Branch::OnDisk => repo.head.clone(),
            Branch::Unknown => None,
        };
        let remote = spec
            .remote
            .clone()
            .or_else(|| {
                let cur = current.as_deref()?;
                repo.get(&format!("branch.{cur}.pushremote"))
                    .or_else(|| repo.get("remote.pushdefault"))
                    .or_else(|| repo.get(&format!("branch.{cur}.remote")))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "origin".into());
        let url = repo
            .get(&format!("remote.{remote}.pushurl"))
            .or_else(|| repo.get(&format!("remote.{remote}.url")))
            .map(|u| repo.normalize_url(u))
            .unwrap_or_else(|| repo.normalize_url(&remote));
        let ctx = PushCtx {
            repo: &repo,
            remote: &remote,
            url: &url,
        };
        let updates = match spec.updates(&ctx, current.as_deref()) {
            Ok(u) => u,
            Err(why) => return self.sh.unknown("git push", why),
        };
        if updates.is_empty() {
            return self.push_op("push", Tier::Write);
        }
        for update in updates {
            let op = self.judge(&ctx, &update, spec.force);
            self.sh.push(op);
        }
    }

    fn judge(&self, ctx: &PushCtx<'_>, update: &RefUpdate, force_all: bool) -> Operation {
        let force = force_all || update.force;
        let protected = |b: &str| self.sh.ctx.is_protected(b);
        let (tier, note) = match &update.target {
            Target::All => (Tier::Merge, "pushes every branch, protected ones included"),
            Target::Mirror => (
                Tier::Destructive,
                "mirrors every ref, deleting those the local repository lacks",
            ),
            Target::Tags => (Tier::Publish, "pushes tags"),
            // Deleting a remote branch loses what others pushed there, even
            // one whose name matches the task's branch patterns.
            Target::Branch(_) if update.delete => {
                (Tier::Destructive, "deletes a branch on the remote")
            }
            Target::Tag(_) if update.delete => (Tier::Destructive, "deletes a tag on the remote"),
            _ if force => (
                Tier::Destructive,
                "a force push rewrites history others may have",
            ),
            Target::Branch(b) if protected(b) => (Tier::Merge, "lands on a protected branch"),
            Target::Branch(_) => (Tier::Write, "updates a branch"),
            Target::Tag(_) => (Tier::Publish, "pushes a tag"),
            Target::Pattern(_) => (
                Tier::Merge,
                "a refspec pattern may reach protected branches",
            ),
            Target::OtherRef(_) => (Tier::Unknown, "pushes a ref outside branches and tags"),
        };
        let refname = update.target.refname();
        let mut resource = Resource::new(ResourceKind::GitRef, format!("{}:{refname}", ctx.remote));
        resource.repo = Some(ctx.url.to_string());
        if let Target::Branch(b) = &update.target {
            resource.branch = Some(b.clone());
        }
        Operation::new("git.push", resource, tier).with_note(note)
    }
}

fn exec_value(args: &[Word], flags: &[&str]) -> Option<Word> {
    args.iter().enumerate().find_map(|(i, w)| {
        let t = w.literal()?;
        if flags.contains(&t) {
            return args.get(i + 1).cloned();
        }
        flags
            .iter()
            .find_map(|f| t.strip_prefix(&format!("{f}=")))
            .map(|v| Word::Literal(v.to_string()))
    })
}

struct PushCtx<'a> {
    repo: &'a Repo,
    remote: &'a str,
    url: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Branch(String),
    Tag(String),
    OtherRef(String),
    Pattern(String),
    All,
    Mirror,
    Tags,
}

impl Target {
    fn refname(&self) -> String {
        match self {
            Target::Branch(b) => format!("refs/heads/{b}"),
            Target::Tag(t) => format!("refs/tags/{t}"),
            Target::OtherRef(r) | Target::Pattern(r) => r.clone(),
            Target::All => "refs/heads/*".into(),
            Target::Mirror => "refs/*".into(),
            Target::Tags => "refs/tags/*".into(),
        }
    }
}

#[derive(Debug)]
struct RefUpdate {
    target: Target,
    force: bool,
    delete: bool,
}

#[derive(Debug, Default)]
struct PushArgs {
    remote: Option<String>,
    refspecs: Vec<String>,
    force: bool,
    delete: bool,
    all: bool,
    mirror: bool,
    tags: bool,
}

impl PushArgs {
    fn parse(args: &[Word]) -> Result<PushArgs, String> {
        let mut out = PushArgs::default();
        let mut positional = Vec::new();
        let mut i = 0;
        let mut only_positional = false;
        while let Some(word) = args.get(i) {
            i += 1;
            let text = word
                .literal()
                .ok_or("a push argument holds an expansion, so its destination cannot be known")?;
            if only_positional || !text.starts_with('-') || text == "-" {
                positional.push(text.to_string());
                continue;
            }
            if text == "--" {
                only_positional = true;
                continue;
            }
            let (opt, value) = match text.split_once('=') {
                Some((o, v)) if o.starts_with("--") => (o, Some(v)),
                _ => (text, None),
            };
            match opt {
                "--force" | "--force-with-lease" | "--force-if-includes" => out.force = true,
                "--no-force-with-lease" | "--no-force-if-includes" => {}
                "--delete" => out.delete = true,
                "--all" | "--branches" => out.all = true,
                "--mirror" => out.mirror = true,
                "--tags" => out.tags = true,
                "--follow-tags" => out.tags = true,
                "--prune" => out.mirror = true,
                "--repo" => out.remote = value.map(str::to_string),
                "--receive-pack" | "--exec" => {
                    return Err("`--receive-pack` runs a program on the remote".into());
                }
                "--push-option" | "-o" => {
                    if value.is_none() {
                        i += 1;
                    }
                }
                "--set-upstream"
                | "--dry-run"
                | "--porcelain"
                | "--verbose"
                | "--quiet"
                | "--progress"
                | "--no-progress"
                | "--no-verify"
                | "--verify"
                | "--atomic"
                | "--no-atomic"
                | "--thin"
                | "--no-thin"
                | "--ipv4"
                | "--ipv6"
                | "--signed"
                | "--no-signed"
                | "--recurse-submodules"
                | "--no-recurse-submodules"
                | "--no-follow-tags" => {}
                short if !short.starts_with("--") => {
                    for c in short[1..].chars() {
                        match c {
                            'f' => out.force = true,
                            'd' => out.delete = true,
                            'u' | 'n' | 'v' | 'q' | '4' | '6' => {}
                            'o' => i += 1,
                            other => {
                                return Err(format!("writ does not model `git push -{other}`"));
                            }
                        }
                    }
                }
                other => return Err(format!("writ does not model `git push {other}`")),
            }
        }
        let mut positional = positional.into_iter();
        if out.remote.is_none() {
            out.remote = positional.next();
        }
        out.refspecs = positional.collect();
        Ok(out)
    }

    fn updates(&self, ctx: &PushCtx<'_>, current: Option<&str>) -> Result<Vec<RefUpdate>, String> {
        let update = |target, force, delete| RefUpdate {
            target,
            force,
            delete,
        };
        if self.mirror {
            return Ok(vec![update(Target::Mirror, true, true)]);
        }
        let mut out = Vec::new();
        if self.all {
            out.push(update(Target::All, self.force, false));
        }
        if self.tags {
            out.push(update(Target::Tags, self.force, false));
        }
        if self.refspecs.is_empty() && !self.all {
            out.extend(self.default_updates(ctx, current)?);
            return Ok(out);
        }
        let mut specs = self.refspecs.iter();
        while let Some(spec) = specs.next() {
            if spec == "tag" {
                let name = specs.next().ok_or("`tag` without a name")?;
                out.push(update(Target::Tag(name.clone()), self.force, self.delete));
                continue;
            }
            out.push(self.refspec(ctx, spec, current)?);
        }
        Ok(out)
    }

    fn default_updates(
        &self,
        ctx: &PushCtx<'_>,
        current: Option<&str>,
    ) -> Result<Vec<RefUpdate>, String> {
        if ctx
            .repo
            .config
            .contains_key(&format!("remote.{}.push", ctx.remote))
        {
            return Err("the remote has configured push refspecs writ does not model".into());
        }
        let mode = ctx
            .repo
            .get("push.default")
            .unwrap_or("simple")
            .to_ascii_lowercase();
        if mode == "nothing" {
            return Ok(Vec::new());
        }
        if mode == "matching" {
            return Ok(vec![RefUpdate {
                target: Target::All,
                force: self.force,
                delete: false,
            }]);
        }
        let cur =
            current.ok_or("the branch being pushed cannot be known (detached or switched)")?;
        let upstream = ctx
            .repo
            .get(&format!("branch.{cur}.merge"))
            .and_then(|m| m.strip_prefix("refs/heads/"))
            .map(str::to_string);
        let dest = match mode.as_str() {
            "current" => cur.to_string(),
            _ => upstream.unwrap_or_else(|| cur.to_string()),
        };
        Ok(vec![RefUpdate {
            target: Target::Branch(dest),
            force: self.force,
            delete: self.delete,
        }])
    }

    fn refspec(
        &self,
        ctx: &PushCtx<'_>,
        spec: &str,
        current: Option<&str>,
    ) -> Result<RefUpdate, String> {
        let (force, spec) = match spec.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (self.force, spec),
        };
        if self.delete {
            return Ok(RefUpdate {
                target: dest_ref(ctx, spec, spec),
                force,
                delete: true,
            });
        }
        let (src, dst) = match spec.split_once(':') {
            Some((s, d)) => (s, Some(d)),
            None => (spec, None),
        };
        if src.is_empty() {
            let dst = dst.filter(|d| !d.is_empty()).ok_or("an empty refspec")?;
            return Ok(RefUpdate {
                target: dest_ref(ctx, dst, dst),
                force,
                delete: true,
            });
        }
        let src_name = match src {
            "HEAD" | "@" => current
                .ok_or("HEAD is not on a branch writ can name")?
                .to_string(),
            s => s.strip_prefix("refs/heads/").unwrap_or(s).to_string(),
        };
        let target = match dst {
            Some(d) if !d.is_empty() => dest_ref(ctx, d, &src_name),
            _ => dest_ref(ctx, &src_name, &src_name),
        };
        Ok(RefUpdate {
            target,
            force,
            delete: false,
        })
    }
}

/// The ref a destination names, as git infers it.
fn dest_ref(ctx: &PushCtx<'_>, dst: &str, src: &str) -> Target {
    if dst.contains('*') {
        return Target::Pattern(dst.to_string());
    }
    if let Some(b) = dst.strip_prefix("refs/heads/") {
        return Target::Branch(b.to_string());
    }
    if let Some(t) = dst.strip_prefix("refs/tags/") {
        return Target::Tag(t.to_string());
    }
    if dst.starts_with("refs/") {
        return Target::OtherRef(dst.to_string());
    }
    let src = src.strip_prefix("refs/tags/").unwrap_or(src);
    if ctx.repo.has_tag(src) && !ctx.repo.has_branch(src) {
        return Target::Tag(dst.to_string());
    }
    Target::Branch(dst.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_sections_and_subsections() {
        let mut c = BTreeMap::new();
        parse_config(
            "[branch \"feature/x\"]\n\tremote = origin\n\tmerge = refs/heads/feature/x\n[push]\n\tdefault = current\n",
            &mut c,
        );
        assert_eq!(c["branch.feature/x.merge"], vec!["refs/heads/feature/x"]);
        assert_eq!(c["push.default"], vec!["current"]);
    }
}
