//! Forge and cloud command lines: `gh`, `kubectl`, `aws`, `gcloud`, `az`.
//! Each is read down to the verb that decides its tier.

use writ_core::{Operation, Resource, ResourceKind, Tier};

use crate::shell::{Shell, State, Word};

fn op(name: &str, verb: &str, tier: Tier) -> Operation {
    Operation::new(
        format!("{name}.{}", verb.replace(' ', ".")),
        Resource::new(ResourceKind::Forge, name),
        tier,
    )
}

/// The first `n` words that are not options, skipping option values listed
/// in `valued`.
fn verbs<'a>(args: &'a [Word], valued: &[&str], n: usize) -> Option<Vec<&'a str>> {
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < n {
        let Some(word) = args.get(i) else { break };
        let text = word.literal()?;
        i += 1;
        if text.starts_with('-') {
            if valued.contains(&text) {
                i += 1;
            }
            continue;
        }
        out.push(text);
    }
    Some(out)
}

fn has(args: &[Word], flags: &[&str]) -> bool {
    args.iter().filter_map(Word::literal).any(|t| {
        flags
            .iter()
            .any(|f| t == *f || t.starts_with(&format!("{f}=")))
    })
}

/// `gh`, GitHub's CLI.
pub fn gh(sh: &mut Shell<'_>, args: &[Word], _state: &State) {
    let valued = [
        "-R",
        "--repo",
        "-b",
        "--body",
        "-t",
        "--title",
        "-B",
        "--base",
        "-H",
        "--head",
        "-X",
        "--method",
        "-f",
        "-F",
        "--field",
        "--raw-field",
        "-q",
        "--jq",
        "--json",
        "-L",
        "--limit",
        "--template",
        "-a",
        "--assignee",
        "-l",
        "--label",
        "--hostname",
    ];
    let Some(words) = verbs(args, &valued, 2) else {
        return sh.unknown("gh", "a `gh` command writ cannot see");
    };
    let (group, verb) = (
        words.first().copied().unwrap_or(""),
        words.get(1).copied().unwrap_or(""),
    );
    let tier = match (group, verb) {
        ("pr", "merge") => Tier::Merge,
        ("pr", "review") if has(args, &["--approve", "-a"]) => Tier::Merge,
        (
            "pr",
            "review" | "create" | "edit" | "comment" | "close" | "reopen" | "ready" | "checkout"
            | "lock" | "unlock" | "update-branch",
        ) => Tier::Write,
        (
            "pr" | "issue" | "run" | "workflow" | "release" | "repo" | "search" | "label" | "cache"
            | "gist" | "project",
            "list" | "view" | "status" | "diff" | "checks" | "watch" | "download",
        ) => Tier::Read,
        ("issue", _) => Tier::Write,
        ("release", "create" | "upload" | "edit") => Tier::Publish,
        ("release", "delete" | "delete-asset") => Tier::Destructive,
        ("repo", "delete" | "archive" | "rename") => Tier::Destructive,
        ("repo", "create" | "fork" | "clone" | "sync" | "edit" | "set-default") => Tier::Write,
        ("secret", _) => Tier::Secret,
        ("variable", "list" | "get") => Tier::Read,
        ("variable", _) => Tier::Write,
        ("auth", "status") if !has(args, &["--show-token", "-t"]) => Tier::Read,
        ("auth", _) => Tier::Secret,
        ("workflow", "run" | "enable") => Tier::Deploy,
        ("workflow", "disable") => Tier::Write,
        ("run", "rerun") => Tier::Deploy,
        ("run", "cancel") => Tier::Write,
        ("run", "delete") => Tier::Destructive,
        ("cache", "delete") => Tier::Destructive,
        ("label", _) | ("gist", _) | ("project", _) => Tier::Write,
        ("browse" | "status" | "search" | "help" | "version" | "completion", _) => Tier::Read,
        ("api", _) => return gh_api(sh, args),
        _ => return sh.unknown("gh", format!("writ does not model `gh {group} {verb}`")),
    };
    sh.push(op("gh", &format!("{group} {verb}"), tier));
}

fn gh_api(sh: &mut Shell<'_>, args: &[Word]) {
    let method = args.iter().enumerate().find_map(|(i, w)| {
        let t = w.literal()?;
        let inline = t
            .strip_prefix("--method=")
            .or_else(|| t.strip_prefix("-X").filter(|v| !v.is_empty()));
        match (t, inline) {
            (_, Some(v)) => Some(Some(v.to_ascii_uppercase())),
            ("-X" | "--method", None) => Some(
                args.get(i + 1)
                    .and_then(Word::literal)
                    .map(str::to_ascii_uppercase),
            ),
            _ => None,
        }
    });
    let sends_fields = has(args, &["-f", "-F", "--field", "--raw-field", "--input"]);
    match method {
        Some(None) => sh.unknown("gh api", "a method writ cannot see"),
        Some(Some(m)) if m == "GET" => sh.push(op("gh", "api get", Tier::Read)),
        None if !sends_fields => sh.push(op("gh", "api get", Tier::Read)),
        _ => sh.unknown(
            "gh api",
            "a GitHub API call that changes something; writ decides those at its proxy",
        ),
    }
}

/// `kubectl` (and `oc`).
pub fn kubectl(sh: &mut Shell<'_>, name: &str, args: &[Word]) {
    let valued = [
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "--cluster",
        "--user",
        "-o",
        "--output",
        "-l",
        "--selector",
        "-f",
        "--filename",
        "-c",
        "--container",
        "--token",
        "-s",
        "--server",
    ];
    let Some(words) = verbs(args, &valued, 3) else {
        return sh.unknown(name, "a command writ cannot see");
    };
    let verb = words.first().copied().unwrap_or("");
    let secrets = words
        .iter()
        .skip(1)
        .any(|w| w.starts_with("secret") || w.starts_with("secrets"));
    let tier = match verb {
        _ if secrets && verb != "delete" => Tier::Secret,
        "get" | "describe" | "logs" | "top" | "explain" | "api-resources" | "api-versions"
        | "version" | "cluster-info" | "events" | "diff" | "wait" => Tier::Read,
        "auth" => Tier::Read,
        "config" if words.get(1) == Some(&"view") && has(args, &["--raw", "--flatten"]) => {
            Tier::Secret
        }
        "config"
            if matches!(
                words.get(1),
                Some(&("view" | "get-contexts" | "current-context" | "get-clusters"))
            ) =>
        {
            Tier::Read
        }
        "config" => Tier::Write,
        "apply" | "create" | "replace" | "patch" | "set" | "scale" | "rollout" | "label"
        | "annotate" | "edit" | "expose" | "autoscale" | "run" | "cordon" | "uncordon"
        | "drain" | "taint" | "exec" | "cp" | "port-forward" | "attach" | "debug" | "proxy"
        | "certificate" => Tier::Deploy,
        "delete" => Tier::Destructive,
        _ => return sh.unknown(name, format!("writ does not model `{name} {verb}`")),
    };
    sh.push(Operation::new(
        format!("{name}.{verb}"),
        Resource::new(ResourceKind::Environment, name),
        tier,
    ));
}

/// `aws`, `gcloud`, `az`: the tier follows the operation's verb.
pub fn cloud(sh: &mut Shell<'_>, name: &str, args: &[Word]) {
    let valued = [
        "--profile",
        "--region",
        "--output",
        "--query",
        "--endpoint-url",
        "--project",
        "--format",
        "--subscription",
        "-g",
        "--resource-group",
        "--account",
        "--configuration",
    ];
    let Some(words) = verbs(args, &valued, 4) else {
        return sh.unknown(name, "a command writ cannot see");
    };
    let joined = words.join(" ");
    let tier = cloud_tier(name, &words, &joined);
    match tier {
        Some(tier) => sh.push(Operation::new(
            format!("{name}.{}", words.join(".")),
            Resource::new(ResourceKind::Environment, name),
            tier,
        )),
        None => sh.unknown(name, format!("writ does not model `{name} {joined}`")),
    }
}

fn cloud_tier(name: &str, words: &[&str], joined: &str) -> Option<Tier> {
    const SECRET: &[&str] = &[
        "get-secret-value",
        "get-parameter",
        "get-parameters",
        "get-parameters-by-path",
        "get-login-password",
        "get-session-token",
        "assume-role",
        "get-authorization-token",
        "export-credentials",
        "create-access-key",
        "print-access-token",
        "print-identity-token",
        "get-access-token",
        "access",
        "decrypt",
        "get-credentials",
    ];
    if words.iter().any(|w| SECRET.contains(w))
        || joined.contains("keyvault secret show")
        || joined.contains("secrets versions access")
        || (name == "aws" && words.first() == Some(&"configure") && words.get(1) != Some(&"list"))
    {
        return Some(Tier::Secret);
    }
    let last = words.last().copied().unwrap_or("");
    let any = |prefixes: &[&str]| {
        words
            .iter()
            .any(|w| prefixes.iter().any(|p| w.starts_with(p)))
    };
    if any(&[
        "delete",
        "terminate",
        "remove",
        "destroy",
        "purge",
        "deregister",
    ]) || (name == "aws" && matches!(joined, "s3 rm" | "s3 rb"))
        || joined.starts_with("s3 rm")
        || joined.starts_with("s3 rb")
    {
        return Some(Tier::Destructive);
    }
    if any(&["describe", "list", "get", "show", "ls"])
        || matches!(last, "version" | "info" | "whoami")
        || joined.starts_with("sts get-caller-identity")
        || joined.starts_with("config list")
        || joined.starts_with("account show")
    {
        return Some(Tier::Read);
    }
    if joined.starts_with("s3 cp")
        || joined.starts_with("s3 sync")
        || joined.starts_with("s3 mv")
        || joined.starts_with("storage cp")
    {
        return Some(Tier::Deploy);
    }
    if any(&[
        "create", "update", "put", "deploy", "set", "start", "stop", "run", "invoke", "apply",
        "attach", "modify", "publish", "reboot", "scale", "add", "import", "restore", "enable",
        "disable",
    ]) {
        return Some(Tier::Deploy);
    }
    None
}
