//! Tool models: what one simple command does, from its program name and
//! arguments. Plain tools are read from the table in `tools.toml`; tools
//! with a grammar of their own (wrappers, shells, `find`, `sed`, `awk`,
//! `curl`, `rm`, `cp`/`mv`, interpreters, cloud CLIs) are modelled here, and
//! git in `git`.

use std::path::{Path, PathBuf};

use writ_core::{Operation, Resource, ResourceKind, Tier};

use crate::paths;
use crate::shell::{Shell, SimpleCmd, State, Word, clip};
use crate::table::{Operands, ToolSpec, tools};

/// How a command touches a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads its contents.
    Read,
    /// Looks at its name or metadata.
    List,
    /// Writes it.
    Write,
    /// Removes it (and, for a folder, everything in it).
    Delete,
    /// Removes what is inside it, not the folder itself.
    DeleteUnder,
}

/// Decides one simple command.
pub fn run(sh: &mut Shell<'_>, cmd: &SimpleCmd, state: &mut State) {
    for (name, _) in &cmd.assignments {
        if steers_programs(name) {
            sh.unknown(
                &format!("{name}=…"),
                format!("setting `{name}` changes which program runs"),
            );
        }
    }
    exec(sh, &cmd.argv, cmd, state);
}

/// Environment variables that change which program runs or how.
fn steers_programs(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "PATH",
        "BASH_ENV",
        "ENV",
        "PROMPT_COMMAND",
        "IFS",
        "SHELLOPTS",
        "BASHOPTS",
        "PS4",
        "PAGER",
        "EDITOR",
        "VISUAL",
        "NODE_OPTIONS",
        "PYTHONSTARTUP",
        "PYTHONPATH",
        "PERL5OPT",
        "PERL5LIB",
        "RUBYOPT",
        "RUBYLIB",
        "CDPATH",
        "HOME",
        "SHELL",
        "MANPAGER",
        "LESSOPEN",
        "LESSCLOSE",
        "SSH_ASKPASS",
        "SUDO_ASKPASS",
        "CARGO_HOME",
        "RUSTC_WRAPPER",
        "RUSTC",
        "CC",
        "CXX",
        "LD",
        "MAKEFLAGS",
        "npm_config_script_shell",
    ];
    NAMES.contains(&name)
        || name.starts_with("LD_")
        || name.starts_with("DYLD_")
        || name.starts_with("GIT_")
        || name.starts_with("BASH_FUNC_")
        || name.to_ascii_lowercase().starts_with("npm_config_")
}

/// Directories whose programs are the tools they are named after.
const SYSTEM_BIN: &[&str] = &["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"];

/// Decides `argv` as a command.
pub fn exec(sh: &mut Shell<'_>, argv: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let Some(first) = argv.first() else { return };
    let Some(name) = first.literal() else {
        return sh.unknown(
            first.display(),
            "the command word holds an expansion, so the program cannot be known",
        );
    };
    if state.functions.contains(name) {
        // The function's body was decided where it was defined.
        return;
    }
    let name = match program_name(name) {
        Some(n) => n,
        None => {
            return run_program_file(sh, name, state);
        }
    };
    let args = &argv[1..];
    match name {
        "cd" | "pushd" => change_dir(sh, args, state),
        "popd" => state.cwd = None,
        "env" => env(sh, args, cmd, state),
        "sudo" | "doas" => elevate(sh, name, args, cmd, state),
        "nice" | "ionice" | "timeout" | "time" | "nohup" | "stdbuf" | "setsid" | "command"
        | "builtin" | "exec" | "busybox" | "chronic" | "unbuffer" | "caffeinate" => {
            wrapper(sh, name, args, cmd, state)
        }
        "flock" => flock(sh, args, cmd, state),
        "watch" => watch(sh, args, cmd, state),
        "xargs" => xargs(sh, args, cmd, state),
        "npx" | "bunx" | "pnpx" | "uvx" => runner(sh, name, args, cmd, state),
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "mksh" | "fish" => {
            shell(sh, name, args, cmd, state)
        }
        "eval" => eval(sh, args, state),
        "source" | "." => sh.unknown(name, "runs a file as shell code"),
        "trap" => trap(sh, args, state),
        "printenv" => secret_program(sh, "printenv", "prints the environment"),
        "set" | "declare" | "typeset" | "export" | "readonly" | "local" => {
            variables(sh, name, args)
        }
        ":" | "unset" | "shift" | "return" | "exit" | "break" | "continue" | "wait" | "read"
        | "shopt" | "umask" | "ulimit" | "hash" | "jobs" | "fg" | "bg" | "history" | "alias"
        | "unalias" | "getopts" | "let" => {}
        "rm" => rm(sh, args, state),
        "cp" | "install" => copy(sh, name, args, state, false),
        "mv" => copy(sh, name, args, state, true),
        "ln" => link(sh, args, state),
        "dd" => dd(sh, args, state),
        "find" => find(sh, args, cmd, state),
        "fd" | "fdfind" => fd(sh, args, cmd, state),
        "sed" | "gsed" => sed(sh, args, state),
        "awk" | "gawk" | "mawk" | "nawk" => awk(sh, name, args, state),
        "curl" => curl(sh, args, state),
        "wget" => wget(sh, args, state),
        "git" => crate::git::run(sh, args, state),
        "gh" => crate::forge::gh(sh, args, state),
        "kubectl" | "oc" => crate::forge::kubectl(sh, name, args),
        "aws" | "gcloud" | "az" => crate::forge::cloud(sh, name, args),
        "python" | "python3" | "python2" | "node" | "nodejs" | "deno" | "bun" | "ruby" | "perl"
        | "php" | "lua" | "Rscript" | "pwsh" | "powershell" | "osascript" => {
            interpreter(sh, name, args, cmd, state)
        }
        "ssh" | "scp" | "sftp" | "rsync" | "nc" | "ncat" | "netcat" | "socat" | "telnet"
        | "ftp" => sh.unknown(name, "reaches another machine in ways writ does not model"),
        _ => match sh
            .ctx
            .extra_tools
            .as_ref()
            .and_then(|t| t.get(name))
            .or_else(|| tools().get(name))
        {
            Some(spec) => table_tool(sh, name, spec, args, state),
            None => sh.unknown(name, format!("writ does not know what `{name}` does")),
        },
    }
}

/// The tool a command word names: a bare name, or a path into a system
/// folder. Any other path is a program of its own, not the tool it is
/// named after.
fn program_name(word: &str) -> Option<&str> {
    if !word.contains('/') {
        return Some(word);
    }
    let path = Path::new(word);
    let parent = path.parent()?.to_str()?;
    if SYSTEM_BIN.contains(&parent) {
        return path.file_name()?.to_str();
    }
    None
}

fn run_program_file(sh: &mut Shell<'_>, path: &str, state: &State) {
    let facts = state
        .cwd
        .as_ref()
        .map(|cwd| paths::facts(sh.ctx, cwd, Path::new(path)));
    let resource = facts
        .as_ref()
        .map(|f| Resource::file(f.real.to_string_lossy()))
        .unwrap_or_else(|| Resource::new(ResourceKind::Program, path));
    sh.push(
        Operation::new("program.run", resource, Tier::Unknown)
            .with_note("runs a program named by path, which is not the tool it may be named after"),
    );
}

fn change_dir(sh: &mut Shell<'_>, args: &[Word], state: &mut State) {
    let target = args
        .iter()
        .find(|w| w.literal().is_none_or(|s| !s.starts_with('-') || s == "-"));
    state.cwd = match (target, &state.cwd) {
        (None, _) => Some(sh.ctx.home.clone()),
        (Some(Word::Literal(dir)), Some(cwd)) if dir != "-" => {
            Some(paths::resolve(cwd, Path::new(dir)))
        }
        (Some(Word::Literal(dir)), None) if Path::new(dir).is_absolute() => {
            Some(paths::resolve(Path::new("/"), Path::new(dir)))
        }
        _ => None,
    };
}

/// Records an operation on a file named by `word`.
pub fn file(sh: &mut Shell<'_>, state: &State, word: &Word, access: Access) {
    match word {
        Word::Literal(text) => file_path(sh, state, text, access),
        Word::Dynamic { text, glob: true } => glob_path(sh, state, text, access),
        Word::Dynamic { text, .. } => match access {
            Access::List => {}
            _ => sh.unknown(
                text,
                "a file argument holds an expansion, so the file cannot be known",
            ),
        },
    }
}

fn file_path(sh: &mut Shell<'_>, state: &State, text: &str, access: Access) {
    if matches!(
        text,
        "-" | "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/stdin"
    ) || text.starts_with("/dev/fd/")
    {
        return;
    }
    let path = Path::new(text);
    let cwd = match (&state.cwd, path.is_absolute()) {
        (Some(cwd), _) => cwd.clone(),
        (None, true) => PathBuf::from("/"),
        (None, false) => {
            return sh.unknown(
                text,
                "a relative path after a change of folder writ cannot follow",
            );
        }
    };
    let mut facts = paths::facts(sh.ctx, &cwd, path);
    through_links(sh, state, &mut facts);
    sh.push(file_op(&facts, access));
}

/// A path through a symlink made earlier in the same command is judged as
/// its target too: the stricter facts win.
fn through_links(sh: &Shell<'_>, state: &State, facts: &mut paths::PathFacts) {
    for (link, target) in &state.links {
        if let Ok(rest) = facts.real.strip_prefix(link) {
            let behind = paths::facts(sh.ctx, Path::new("/"), &target.join(rest));
            facts.secret |= behind.secret;
            facts.control |= behind.control;
            facts.critical |= behind.critical;
            facts.in_workspace &= behind.in_workspace;
        }
    }
}

/// The operation for a resolved path.
pub fn file_op(facts: &paths::PathFacts, access: Access) -> Operation {
    let resource = Resource::file(facts.real.to_string_lossy());
    let (action, tier) = match access {
        Access::Read if facts.secret => ("file.read", Tier::Secret),
        Access::Read => ("file.read", Tier::Read),
        Access::List => ("file.list", Tier::Read),
        Access::Write if facts.secret => ("file.write", Tier::Secret),
        Access::Write => ("file.write", Tier::Write),
        Access::Delete if facts.critical => ("file.delete", Tier::Destructive),
        Access::Delete | Access::DeleteUnder if facts.in_workspace => ("file.delete", Tier::Write),
        Access::Delete | Access::DeleteUnder => ("file.delete", Tier::Destructive),
    };
    let mut op = Operation::new(action, resource, tier);
    op.control =
        facts.control && matches!(access, Access::Write | Access::Delete | Access::DeleteUnder);
    op.critical = match access {
        Access::Delete => facts.critical,
        Access::DeleteUnder => facts.critical && !facts.in_workspace,
        _ => false,
    };
    if op.control {
        op.note = Some("an agent, shell or repository control file".into());
    }
    op
}

fn glob_path(sh: &mut Shell<'_>, state: &State, pattern: &str, access: Access) {
    // Judge the folder the pattern expands in, and what the pattern could
    // name there.
    let (dir, last) = match pattern.rsplit_once('/') {
        Some((d, l)) => (if d.is_empty() { "/" } else { d }, l),
        None => (".", pattern),
    };
    if dir.contains(['*', '?', '[']) {
        return sh.unknown(
            pattern,
            "a pattern over folders, which writ does not expand",
        );
    }
    let dir = unescape_pattern(dir);
    let Some(cwd) = state
        .cwd
        .clone()
        .or_else(|| Path::new(&dir).is_absolute().then(|| "/".into()))
    else {
        return sh.unknown(
            pattern,
            "a relative path after a change of folder writ cannot follow",
        );
    };
    let facts = paths::facts(sh.ctx, &cwd, Path::new(&dir));
    match access {
        Access::Delete | Access::DeleteUnder => sh.push(file_op(&facts, Access::DeleteUnder)),
        Access::List => sh.push(file_op(&facts, Access::List)),
        Access::Read | Access::Write => {
            let mut op = file_op(&facts, access);
            if access == Access::Read && pattern_may_name_secret(sh, &facts.real, last) {
                op.tier = Tier::Secret;
                op.note = Some("the pattern can name a secret file".into());
            }
            op.resource.name = format!("{}/{last}", facts.real.display());
            sh.push(op);
        }
    }
}

fn unescape_pattern(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a last-component pattern could match a secret file, judged
/// against names that are secret anywhere and against the folder's files.
fn pattern_may_name_secret(sh: &Shell<'_>, dir: &Path, pattern: &str) -> bool {
    let Ok(glob) = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
    else {
        return true;
    };
    let matcher = glob.compile_matcher();
    // Bash's `*` does not match a leading dot unless the pattern has one.
    let dot_ok = pattern.starts_with('.') || pattern == "**";
    const SAMPLES: &[&str] = &[
        ".env",
        ".env.local",
        "id_rsa",
        "id_ed25519",
        "key.pem",
        "server.key",
        "credentials",
        ".netrc",
        ".git-credentials",
        ".npmrc",
        ".pypirc",
        "secrets.json",
    ];
    let listed = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .take(10_000)
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    SAMPLES
        .iter()
        .map(|s| s.to_string())
        .chain(listed)
        .filter(|name| dot_ok || !name.starts_with('.'))
        .any(|name| matcher.is_match(&name) && paths::is_secret(sh.ctx, &dir.join(&name)))
}

/// `> file` and friends.
pub fn redirect_write(sh: &mut Shell<'_>, word: &Word, state: &State) {
    file(sh, state, word, Access::Write);
}

/// `< file`.
pub fn redirect_read(sh: &mut Shell<'_>, word: &Word, state: &State) {
    file(sh, state, word, Access::Read);
}

fn secret_program(sh: &mut Shell<'_>, name: &str, note: &str) {
    sh.push(
        Operation::new(
            "secret.reveal",
            Resource::new(ResourceKind::Program, name),
            Tier::Secret,
        )
        .with_note(note),
    );
}

fn program_op(name: &str, action: &str, tier: Tier) -> Operation {
    Operation::new(
        format!("{name}.{action}"),
        Resource::new(ResourceKind::Program, name),
        tier,
    )
}

/// Splits arguments into options and operands with a simple grammar:
/// `takes_value` says which options consume a value.
fn split_options(
    args: &[Word],
    takes_value: impl Fn(&str) -> bool,
) -> (Vec<(String, Option<&Word>)>, Vec<&Word>) {
    let mut options = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let word = &args[i];
        i += 1;
        let Some(text) = word
            .literal()
            .filter(|t| !only_operands && t.starts_with('-') && t.len() > 1)
        else {
            operands.push(word);
            continue;
        };
        if text == "--" {
            only_operands = true;
            continue;
        }
        if text.starts_with("--") {
            if text.contains('=') {
                options.push((text.to_string(), None));
            } else if takes_value(text) {
                options.push((text.to_string(), args.get(i)));
                i += 1;
            } else {
                options.push((text.to_string(), None));
            }
            continue;
        }
        for (pos, c) in text.char_indices().skip(1) {
            let flag = format!("-{c}");
            if takes_value(&flag) {
                let rest = &text[pos + c.len_utf8()..];
                if rest.is_empty() {
                    options.push((flag, args.get(i)));
                    i += 1;
                } else {
                    options.push((format!("{flag}{rest}"), None));
                }
                break;
            }
            options.push((flag, None));
        }
    }
    (options, operands)
}

/// An option's name and inline value: `--out=x` is (`--out`, `x`), `-ox`
/// after a value-taking `-o` is (`-o`, `x`).
fn option_parts<'a>(option: &'a str, spec: &ToolSpec) -> (&'a str, Option<&'a str>) {
    if let Some((name, value)) = option.split_once('=').filter(|_| option.starts_with("--")) {
        return (name, Some(value));
    }
    // `get` rather than indexing: the letter after `-` may be more than one
    // byte (`-é`), and such an option is kept whole.
    if !option.starts_with("--")
        && let (Some(name), Some(value)) = (option.get(..2), option.get(2..))
        && !value.is_empty()
        && spec.takes_value(name)
    {
        return (name, Some(value));
    }
    (option, None)
}

fn table_tool(sh: &mut Shell<'_>, name: &str, spec: &ToolSpec, args: &[Word], state: &State) {
    // Some tools spell long options with one dash (`go test -exec`): a
    // word that names a listed option whole is that option.
    for word in args.iter().filter_map(Word::literal) {
        let name_part = word.split('=').next().unwrap_or(word);
        if !name_part.starts_with("--") && name_part.len() > 2 {
            if spec.unknown_options.iter().any(|o| o == name_part) {
                return sh.unknown(
                    name,
                    format!("`{name} {name_part}` has effects writ does not model"),
                );
            }
            if spec.exec_options.iter().any(|o| o == name_part) {
                return sh.unknown(name, format!("`{name} {name_part}` runs another program"));
            }
        }
    }
    let (options, operands) = split_options(args, |o| spec.takes_value(o));
    let mut pattern_given = false;
    for (option, value) in &options {
        let (opt, inline) = option_parts(option, spec);
        let value = inline
            .map(|v| Word::Literal(v.to_string()))
            .or_else(|| (*value).cloned());
        let listed = |list: &Vec<String>| list.iter().any(|o| o == opt);
        if listed(&spec.unknown_options) {
            sh.unknown(
                name,
                format!("`{name} {opt}` has effects writ does not model"),
            );
        } else if listed(&spec.exec_options) {
            sh.unknown(name, format!("`{name} {opt}` runs another program"));
        } else if listed(&spec.write_options) {
            if let Some(v) = &value {
                file(sh, state, v, Access::Write);
            }
        } else if listed(&spec.read_options) {
            pattern_given = true;
            if let Some(v) = &value {
                file(sh, state, v, Access::Read);
            }
        } else if matches!(opt, "-e" | "--regexp") {
            pattern_given = true;
        }
    }
    let mut operands = operands.into_iter();
    let tier = if spec.subcommands.is_empty() {
        spec.tier
    } else {
        match subcommand(spec, &mut operands) {
            Some(t) => t,
            None => {
                return sh.unknown(name, format!("writ does not know this `{name}` subcommand"));
            }
        }
    };
    sh.push(program_op(name, "run", tier));
    let access = match spec.operands {
        Operands::Read => Some(Access::Read),
        Operands::List => Some(Access::List),
        Operands::Write => Some(Access::Write),
        Operands::Delete => Some(Access::Delete),
        Operands::None => None,
        Operands::PatternRead => {
            if !pattern_given {
                operands.next();
            }
            Some(Access::Read)
        }
        Operands::ReadThenWrite => {
            if let Some(input) = operands.next() {
                file(sh, state, input, Access::Read);
            }
            Some(Access::Write)
        }
    };
    if let Some(access) = access {
        for word in operands {
            file(sh, state, word, access);
        }
    }
}

fn subcommand(spec: &ToolSpec, operands: &mut std::vec::IntoIter<&Word>) -> Option<Tier> {
    let words: Vec<&str> = operands
        .as_slice()
        .iter()
        .take(3)
        .map_while(|w| w.literal())
        .collect();
    for n in (1..=words.len()).rev() {
        let key = words[..n].join(" ");
        if let Some(tier) = spec.subcommands.get(&key) {
            for _ in 0..n {
                operands.next();
            }
            return Some(*tier);
        }
    }
    if words.is_empty() && !operands.as_slice().is_empty() {
        return None;
    }
    spec.default
}

fn env(sh: &mut Shell<'_>, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let mut i = 0;
    let mut inner_state = state.clone();
    while let Some(word) = args.get(i) {
        let Some(text) = word.literal() else { break };
        match text {
            "-i" | "--ignore-environment" | "-0" | "--null" | "-v" | "--debug" | "-" => i += 1,
            "-u" | "--unset" => i += 2,
            "-C" | "--chdir" => {
                change_dir(sh, &args[i + 1..(i + 2).min(args.len())], &mut inner_state);
                i += 2;
            }
            "-S" | "--split-string" => {
                return match args.get(i + 1).and_then(Word::literal) {
                    Some(script) => sh.script(script, &mut inner_state),
                    None => sh.unknown("env -S", "splits a string writ cannot see"),
                };
            }
            "--" => {
                i += 1;
                break;
            }
            t if t.starts_with("--unset=") => i += 1,
            t if t.starts_with("--chdir=") => {
                let dir = Word::Literal(t["--chdir=".len()..].to_string());
                change_dir(sh, std::slice::from_ref(&dir), &mut inner_state);
                i += 1;
            }
            t if t.starts_with('-') => {
                return sh.unknown("env", format!("writ does not model `env {t}`"));
            }
            t if t.contains('=') => {
                let name = t.split('=').next().unwrap_or_default();
                if steers_programs(name) {
                    sh.unknown(t, format!("setting `{name}` changes which program runs"));
                }
                i += 1;
            }
            _ => break,
        }
    }
    if i >= args.len() {
        return secret_program(sh, "env", "prints the environment");
    }
    exec(sh, &args[i..], cmd, &mut inner_state);
}

fn elevate(sh: &mut Shell<'_>, name: &str, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    sh.push(
        program_op(name, "elevate", Tier::Destructive).with_note("runs a command as another user"),
    );
    let valued = [
        "-u", "-g", "-C", "-D", "-p", "-h", "-r", "-t", "-U", "-T", "--user", "--group", "--chdir",
        "--prompt", "--host",
    ];
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') {
            break;
        }
        if matches!(text, "-i" | "-s" | "--login" | "--shell") && i + 1 >= args.len() {
            return sh.unknown(name, "opens a shell as another user");
        }
        if matches!(text, "-e" | "--edit" | "-l" | "--list" | "-v" | "-k" | "-K") {
            return;
        }
        i += if valued.contains(&text) { 2 } else { 1 };
    }
    if i < args.len() {
        exec(sh, &args[i..], cmd, state);
    }
}

/// Wrappers that run the rest of their arguments as a command after some
/// options of their own.
fn wrapper(sh: &mut Shell<'_>, name: &str, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let valued: &[&str] = match name {
        "nice" => &["-n", "--adjustment"],
        "ionice" => &["-c", "-n", "-t", "--class", "--classdata"],
        "timeout" => &["-s", "-k", "--signal", "--kill-after"],
        "time" => &["-f", "--format"],
        "stdbuf" => &["-i", "-o", "-e", "--input", "--output", "--error"],
        "exec" => &["-a"],
        _ => &[],
    };
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') || text == "-" {
            break;
        }
        if name == "command" && matches!(text, "-v" | "-V") {
            return;
        }
        if name == "time" && matches!(text, "-o" | "--output") {
            if let Some(out) = args.get(i + 1) {
                file(sh, state, out, Access::Write);
            }
            i += 2;
            continue;
        }
        if name == "ionice" && matches!(text, "-p" | "-P" | "-u") {
            return sh.push(program_op(name, "run", Tier::Write));
        }
        i += if valued.contains(&text) { 2 } else { 1 };
    }
    if name == "timeout" {
        i += 1; // the duration
    }
    if name == "nohup" {
        file(sh, state, &Word::Literal("nohup.out".into()), Access::Write);
    }
    if i < args.len() {
        exec(sh, &args[i..], cmd, state);
    } else if name == "exec" {
        // `exec` with only redirections changes this shell's descriptors.
    } else if !matches!(name, "time" | "command" | "builtin") {
        sh.unknown(name, format!("`{name}` without a command"));
    }
}

fn flock(sh: &mut Shell<'_>, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        match text {
            "-c" | "--command" => {
                return match args.get(i + 1).and_then(Word::literal) {
                    Some(script) => sh.subshell_script(script, state),
                    None => sh.unknown("flock -c", "runs a command writ cannot see"),
                };
            }
            "-w" | "--timeout" | "-E" | "--conflict-exit-code" => i += 2,
            t if t.starts_with('-') => i += 1,
            _ => break,
        }
    }
    // The lock file, then the command.
    if let Some(lock) = args.get(i) {
        file(sh, state, lock, Access::Write);
    }
    if i + 1 < args.len() {
        exec(sh, &args[i + 1..], cmd, state);
    }
}

fn watch(sh: &mut Shell<'_>, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let mut i = 0;
    let mut no_shell = false;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        match text {
            "-n" | "--interval" | "-q" | "--equexit" => i += 2,
            "-x" | "--exec" => {
                no_shell = true;
                i += 1;
            }
            t if t.starts_with('-') => i += 1,
            _ => break,
        }
    }
    let rest = &args[i.min(args.len())..];
    if no_shell {
        return exec(sh, rest, cmd, state);
    }
    let parts: Option<Vec<&str>> = rest.iter().map(Word::literal).collect();
    match parts {
        Some(parts) => sh.subshell_script(&parts.join(" "), state),
        None => sh.unknown("watch", "runs a command writ cannot see"),
    }
}

fn xargs(sh: &mut Shell<'_>, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let valued = [
        "-d",
        "-E",
        "-I",
        "-L",
        "-l",
        "-n",
        "-P",
        "-s",
        "--delimiter",
        "--max-args",
        "--max-procs",
        "--max-lines",
        "--max-chars",
        "--process-slot-var",
    ];
    let mut i = 0;
    let mut replace: Option<String> = None;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        if text == "--" {
            i += 1;
            break;
        }
        if !text.starts_with('-') {
            break;
        }
        if matches!(text, "-a" | "--arg-file") {
            if let Some(f) = args.get(i + 1) {
                file(sh, state, f, Access::Read);
            }
            i += 2;
            continue;
        }
        if text == "-I" {
            replace = args.get(i + 1).and_then(Word::literal).map(str::to_string);
        } else if text == "-i" || text.starts_with("--replace") {
            replace = Some("{}".into());
        } else if let Some(r) = text.strip_prefix("-I") {
            replace = Some(r.to_string());
        }
        i += if valued.contains(&text) { 2 } else { 1 };
    }
    // What arrives on standard input becomes arguments writ cannot see.
    let unseen = Word::Dynamic {
        text: "<stdin>".into(),
        glob: false,
    };
    let mut inner: Vec<Word> = args[i.min(args.len())..]
        .iter()
        .map(|w| match (w.literal(), &replace) {
            (Some(t), Some(r)) if t.contains(r.as_str()) => unseen.clone(),
            _ => w.clone(),
        })
        .collect();
    if inner.is_empty() {
        inner.push(Word::Literal("echo".into()));
    }
    if replace.is_none() {
        inner.push(unseen);
    }
    exec(sh, &inner, cmd, state);
}

fn runner(sh: &mut Shell<'_>, name: &str, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        match text {
            "-c" | "--call" => {
                return match args.get(i + 1).and_then(Word::literal) {
                    Some(script) => sh.subshell_script(script, state),
                    None => sh.unknown(name, "runs a command writ cannot see"),
                };
            }
            "-p" | "--package" | "--from" | "--with" | "--python" | "--registry" => i += 2,
            "--" => {
                i += 1;
                break;
            }
            t if t.starts_with('-') => i += 1,
            _ => break,
        }
    }
    if i >= args.len() {
        return sh.unknown(name, format!("`{name}` without a command"));
    }
    sh.push(program_op(name, "fetch", Tier::Write).with_note("may download and run a package"));
    exec(sh, &args[i..], cmd, state);
}

fn shell(sh: &mut Shell<'_>, name: &str, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let mut i = 0;
    let mut inline = false;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        if text == "--" || text == "-" {
            i += 1;
            break;
        }
        if matches!(text, "--rcfile" | "--init-file") {
            return sh.unknown(name, "runs a startup file");
        }
        if matches!(text, "-o" | "+o" | "-O" | "+O") {
            i += 2;
            continue;
        }
        if !(text.starts_with('-') || text.starts_with('+')) {
            break;
        }
        if !text.starts_with("--") && text.contains('c') {
            inline = true;
        }
        i += 1;
    }
    if inline {
        return match args.get(i) {
            Some(Word::Literal(script)) => sh.subshell_script(script, state),
            Some(other) => sh.unknown(other.display(), "a shell runs text writ cannot see"),
            None => sh.unknown(name, "`-c` without a command"),
        };
    }
    if let Some(script) = args.get(i) {
        let shown = script.display().to_string();
        return run_program_file(sh, &shown, state);
    }
    match &cmd.stdin_text {
        Some(Word::Literal(text)) => sh.subshell_script(text, state),
        Some(_) => sh.unknown(name, "a shell runs a here-document with expansions"),
        None if cmd.stdin_piped => sh.unknown(name, "a shell runs whatever comes through the pipe"),
        None => sh.unknown(name, "an interactive shell"),
    }
}

fn eval(sh: &mut Shell<'_>, args: &[Word], state: &mut State) {
    let parts: Option<Vec<&str>> = args.iter().map(Word::literal).collect();
    match parts {
        Some(parts) => sh.script(&parts.join(" "), state),
        None => sh.unknown("eval", "evaluates text writ cannot see"),
    }
}

fn trap(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    match args.first() {
        Some(Word::Literal(text)) if !text.starts_with('-') => sh.subshell_script(text, state),
        Some(Word::Literal(_)) | None => {}
        Some(other) => sh.unknown(other.display(), "a trap runs text writ cannot see"),
    }
}

fn variables(sh: &mut Shell<'_>, name: &str, args: &[Word]) {
    let assigns: Vec<&Word> = args
        .iter()
        .filter(|w| w.literal().is_none_or(|t| !t.starts_with('-')))
        .collect();
    if assigns.is_empty() && name != "local" {
        return secret_program(sh, name, "prints shell variables, which may hold secrets");
    }
    for word in assigns {
        match word.literal() {
            Some(text) => {
                let var = text.split('=').next().unwrap_or_default();
                if steers_programs(var) {
                    sh.unknown(text, format!("setting `{var}` changes which program runs"));
                }
            }
            None => sh.unknown(word.display(), "sets a variable writ cannot name"),
        }
    }
}

fn rm(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    let (options, operands) = split_options(args, |_| false);
    let no_preserve = options.iter().any(|(o, _)| o == "--no-preserve-root");
    sh.push(program_op("rm", "run", Tier::Write));
    for word in operands {
        let before = sh.ops.len();
        file(sh, state, word, Access::Delete);
        if no_preserve {
            for op in &mut sh.ops[before..] {
                op.critical = true;
            }
        }
    }
}

fn copy(sh: &mut Shell<'_>, name: &str, args: &[Word], state: &State, moves: bool) {
    let valued = |o: &str| {
        matches!(
            o,
            "-t" | "--target-directory"
                | "-S"
                | "--suffix"
                | "-m"
                | "--mode"
                | "-o"
                | "--owner"
                | "-g"
                | "--group"
        )
    };
    let (options, operands) = split_options(args, valued);
    sh.push(program_op(name, "run", Tier::Write));
    let target = options
        .iter()
        .find(|(o, _)| o == "-t" || o == "--target-directory")
        .and_then(|(_, v)| *v)
        .cloned()
        .or_else(|| {
            options.iter().find_map(|(o, _)| {
                o.strip_prefix("--target-directory=")
                    .map(|v| Word::Literal(v.into()))
            })
        });
    let (sources, dest): (Vec<&Word>, Option<Word>) = match target {
        Some(t) => (operands, Some(t)),
        None => match operands.split_last() {
            Some((last, rest)) => (rest.to_vec(), Some((*last).clone())),
            None => (Vec::new(), None),
        },
    };
    let sources_count = sources.len();
    let source_names: Vec<Option<String>> = sources
        .iter()
        .map(|w| {
            w.literal().and_then(|t| {
                Path::new(t.trim_end_matches('/'))
                    .file_name()
                    .and_then(|n| n.to_str())
                    .map(str::to_string)
            })
        })
        .collect();
    for src in sources {
        file(
            sh,
            state,
            src,
            if moves { Access::Delete } else { Access::Read },
        );
        if moves {
            file(sh, state, src, Access::Read);
        }
    }
    let Some(dest) = dest else { return };
    file(sh, state, &dest, Access::Write);
    // Into a folder, each source lands under its own name there.
    let into_folder = match (dest.literal(), &state.cwd) {
        (Some(d), Some(cwd)) => paths::resolve(cwd, Path::new(d)).is_dir(),
        _ => false,
    } || sources_count > 1;
    if into_folder {
        for name in &source_names {
            match (dest.literal(), name) {
                (Some(d), Some(n)) => file(
                    sh,
                    state,
                    &Word::Literal(format!("{}/{n}", d.trim_end_matches('/'))),
                    Access::Write,
                ),
                _ => sh.unknown(
                    dest.display(),
                    "copies into a folder under a name writ cannot see",
                ),
            }
        }
    }
}

fn link(sh: &mut Shell<'_>, args: &[Word], state: &mut State) {
    let valued = |o: &str| matches!(o, "-t" | "--target-directory" | "-S" | "--suffix");
    let (options, operands) = split_options(args, valued);
    sh.push(program_op("ln", "run", Tier::Write));
    if options
        .iter()
        .any(|(o, _)| o.starts_with("-t") || o.starts_with("--target"))
    {
        return sh.unknown("ln -t", "links into a folder writ does not follow");
    }
    let Some(last) = operands.last() else { return };
    file(sh, state, last, Access::Write);
    let target = (operands.len() >= 2).then(|| operands[0]);
    let cwd = state.cwd.clone();
    match (target.and_then(Word::literal), last.literal(), cwd) {
        (Some(target), Some(link), Some(cwd)) => {
            // A relative target is relative to the link's folder.
            let link_path = paths::resolve(&cwd, Path::new(link));
            let base = link_path.parent().map_or(cwd.clone(), Path::to_path_buf);
            let target_path = paths::resolve(&base, Path::new(target));
            state.links.push((link_path, target_path));
        }
        (None, _, _) if operands.len() == 1 => {}
        _ => sh.unknown("ln", "a link writ cannot follow"),
    }
}

fn dd(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    sh.push(program_op("dd", "run", Tier::Write));
    for word in args {
        match word.literal() {
            Some(t) if t.starts_with("if=") => {
                file(sh, state, &Word::Literal(t[3..].to_string()), Access::Read)
            }
            Some(t) if t.starts_with("of=") => {
                file(sh, state, &Word::Literal(t[3..].to_string()), Access::Write)
            }
            Some(_) => {}
            None => sh.unknown(word.display(), "a `dd` operand writ cannot see"),
        }
    }
}

fn find(sh: &mut Shell<'_>, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    sh.push(program_op("find", "run", Tier::Read));
    let mut i = 0;
    // Leading options, then start points until the expression begins.
    while let Some(t) = args.get(i).and_then(Word::literal) {
        if matches!(t, "-H" | "-L" | "-P") || t.starts_with("-O") || t == "-D" {
            i += if t == "-D" { 2 } else { 1 };
        } else {
            break;
        }
    }
    let mut starts = Vec::new();
    while let Some(word) = args.get(i) {
        match word.literal() {
            Some(t) if t.starts_with('-') || t == "(" || t == "!" || t == "," => break,
            _ => {
                starts.push(word.clone());
                i += 1;
            }
        }
    }
    if starts.is_empty() {
        starts.push(Word::Literal(".".into()));
    }
    for s in &starts {
        file(sh, state, s, Access::List);
    }
    let filter = name_filter(&args[i..]);
    while let Some(word) = args.get(i) {
        i += 1;
        let Some(t) = word.literal() else { continue };
        match t {
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let end = args[i..]
                    .iter()
                    .position(|w| matches!(w.literal(), Some(";") | Some("+")))
                    .map_or(args.len(), |p| i + p);
                if i == end {
                    sh.unknown("find", "`-exec` without a command");
                }
                // `{}` is each file found: a pattern under each start point.
                for start in &starts {
                    let found = found_files(start, filter.as_deref());
                    let inner: Vec<Word> = args[i..end]
                        .iter()
                        .map(|w| match w.literal() {
                            Some("{}") => found.clone(),
                            Some(t) if t.contains("{}") => Word::Dynamic {
                                text: t.into(),
                                glob: false,
                            },
                            _ => w.clone(),
                        })
                        .collect();
                    if !inner.is_empty() {
                        exec(sh, &inner, cmd, state);
                    }
                }
                i = end + 1;
            }
            "-delete" => {
                // Without a name filter everything under the start point
                // goes, which is as good as deleting it.
                let access = if filter.is_some() {
                    Access::DeleteUnder
                } else {
                    Access::Delete
                };
                for s in &starts {
                    file(sh, state, s, access);
                }
            }
            "-fprint" | "-fprint0" | "-fls" | "-fprintf" => {
                if let Some(f) = args.get(i) {
                    file(sh, state, f, Access::Write);
                }
                i += if t == "-fprintf" { 2 } else { 1 };
            }
            "-name" | "-iname" | "-path" | "-ipath" | "-regex" | "-iregex" | "-type" | "-xtype"
            | "-maxdepth" | "-mindepth" | "-mtime" | "-atime" | "-ctime" | "-mmin" | "-amin"
            | "-cmin" | "-newer" | "-anewer" | "-cnewer" | "-size" | "-user" | "-group"
            | "-perm" | "-printf" | "-wholename" | "-iwholename" | "-links" | "-inum"
            | "-samefile" | "-lname" | "-ilname" | "-used" | "-uid" | "-gid" | "-fstype"
            | "-context" | "-regextype" | "-files0-from" => i += 1,
            t if t.starts_with("-newer") => i += 1,
            _ => {}
        }
    }
}

/// The one `-name`/`-iname` pattern a `find` expression filters on, when
/// the expression has exactly one and no alternation or negation.
fn name_filter(expr: &[Word]) -> Option<String> {
    let words: Vec<&str> = expr.iter().filter_map(Word::literal).collect();
    let alternatives = [
        "-o",
        "-or",
        "!",
        "-not",
        ",",
        "-path",
        "-ipath",
        "-regex",
        "-iregex",
        "-wholename",
    ];
    if words.iter().any(|w| alternatives.contains(w)) {
        return None;
    }
    let names: Vec<&str> = words
        .windows(2)
        .filter(|w| matches!(w[0], "-name" | "-iname"))
        .map(|w| w[1])
        .collect();
    match names.as_slice() {
        [one] if !one.contains('/') => Some((*one).to_string()),
        _ => None,
    }
}

/// A word standing for the files `find` passes to `-exec`.
fn found_files(start: &Word, filter: Option<&str>) -> Word {
    match start.literal() {
        Some(dir) => Word::Dynamic {
            text: format!("{}/{}", dir.trim_end_matches('/'), filter.unwrap_or("**")),
            glob: true,
        },
        None => Word::Dynamic {
            text: "{}".into(),
            glob: false,
        },
    }
}

fn fd(sh: &mut Shell<'_>, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    sh.push(program_op("fd", "run", Tier::Read));
    if let Some(pos) = args
        .iter()
        .position(|w| matches!(w.literal(), Some("-x" | "--exec" | "-X" | "--exec-batch")))
    {
        let mut inner: Vec<Word> = args[pos + 1..]
            .iter()
            .take_while(|w| w.literal() != Some(";"))
            .cloned()
            .collect();
        inner.push(Word::Dynamic {
            text: "{}".into(),
            glob: false,
        });
        exec(sh, &inner, cmd, state);
    }
}

fn sed(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    let valued = |o: &str| {
        matches!(
            o,
            "-e" | "--expression" | "-f" | "--file" | "-l" | "--line-length"
        )
    };
    let (options, operands) = split_options(args, valued);
    let mut scripts: Vec<Word> = Vec::new();
    let mut in_place = false;
    for (o, v) in &options {
        match o.as_str() {
            "-e" | "--expression" => scripts.extend((*v).cloned()),
            "-f" | "--file" => {
                sh.unknown("sed -f", "runs a sed script from a file writ does not read")
            }
            o if o.starts_with("--expression=") => {
                scripts.push(Word::Literal(o["--expression=".len()..].to_string()))
            }
            o if o.starts_with("--file=") => {
                sh.unknown("sed -f", "runs a sed script from a file writ does not read")
            }
            o if o == "-i"
                || o.starts_with("--in-place")
                || (o.starts_with("-i") && !o.starts_with("-in")) =>
            {
                in_place = true
            }
            "-s" | "-n" | "-E" | "-r" | "-z" | "-u" | "--quiet" | "--silent"
            | "--regexp-extended" | "--separate" | "--null-data" | "--unbuffered" | "--posix"
            | "--debug" | "--sandbox" | "--follow-symlinks" => {}
            other => sh.unknown("sed", format!("writ does not model `sed {other}`")),
        }
    }
    let mut operands = operands.into_iter();
    if scripts.is_empty() {
        scripts.extend(operands.next().cloned());
    }
    sh.push(program_op(
        "sed",
        "run",
        if in_place { Tier::Write } else { Tier::Read },
    ));
    for script in &scripts {
        match script.literal() {
            Some(text) => sed_script(sh, state, text),
            None => sh.unknown(script.display(), "a sed script writ cannot see"),
        }
    }
    for word in operands {
        file(sh, state, word, Access::Read);
        if in_place {
            file(sh, state, word, Access::Write);
        }
    }
}

/// Finds the commands in a sed script that touch files or run programs:
/// `w`, `W`, `r`, `R`, `e`, and the `w` and `e` flags of `s`.
fn sed_script(sh: &mut Shell<'_>, state: &State, script: &str) {
    match crate::sed::effects(script) {
        Ok(effects) => {
            for effect in effects {
                match effect {
                    crate::sed::Effect::Read(f) => file(sh, state, &Word::Literal(f), Access::Read),
                    crate::sed::Effect::Write(f) => {
                        file(sh, state, &Word::Literal(f), Access::Write)
                    }
                    crate::sed::Effect::Exec => sh.unknown("sed", "the script runs a command"),
                }
            }
        }
        Err(why) => sh.unknown(&clip(script), format!("sed script: {why}")),
    }
}

fn awk(sh: &mut Shell<'_>, name: &str, args: &[Word], state: &State) {
    let valued = |o: &str| {
        matches!(
            o,
            "-F" | "-v"
                | "-f"
                | "-i"
                | "-E"
                | "-l"
                | "--field-separator"
                | "--assign"
                | "--file"
                | "--include"
                | "--load"
        )
    };
    let (options, operands) = split_options(args, valued);
    let mut operands = operands.into_iter();
    let mut in_place = false;
    let mut has_program = false;
    for (o, v) in &options {
        match o.as_str() {
            "-f" | "--file" | "-E" | "-l" | "--load" => {
                return sh.unknown(name, "runs an awk program from a file writ does not read");
            }
            "-i" | "--include" => in_place = v.and_then(Word::literal) == Some("inplace"),
            _ => {}
        }
        has_program |= o == "-f";
    }
    if !has_program {
        match operands.next().map(Word::literal) {
            Some(Some(program)) if awk_is_plain(program) => {}
            Some(Some(_)) => {
                return sh.unknown(name, "the awk program runs commands or writes files");
            }
            Some(None) => return sh.unknown(name, "an awk program writ cannot see"),
            None => return sh.unknown(name, "awk without a program"),
        }
    }
    sh.push(program_op(
        name,
        "run",
        if in_place { Tier::Write } else { Tier::Read },
    ));
    for word in operands {
        if word
            .literal()
            .is_some_and(|t| t.contains('=') && !t.contains('/'))
        {
            continue; // `var=value` operands assign, they are not files
        }
        file(
            sh,
            state,
            word,
            if in_place {
                Access::Write
            } else {
                Access::Read
            },
        );
    }
}

/// An awk program that neither runs commands nor redirects output.
fn awk_is_plain(program: &str) -> bool {
    if program.contains("system") || program.contains("getline") || program.contains('|') {
        return false;
    }
    // `print … > file` writes; a `>` elsewhere is a comparison.
    !program.split([';', '{', '}', '\n']).any(|stmt| {
        let s = stmt.trim_start();
        (s.starts_with("print") || s.starts_with("printf")) && s.contains('>')
    })
}

fn curl(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    crate::net::curl(sh, args, state);
}

fn wget(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    crate::net::wget(sh, args, state);
}

fn interpreter(sh: &mut Shell<'_>, name: &str, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    let inline = [
        "-c", "-e", "-E", "-p", "-r", "--eval", "--print", "-Command", "-command", "eval",
    ];
    let mut i = 0;
    while let Some(text) = args.get(i).and_then(Word::literal) {
        if inline.contains(&text) || (text.starts_with("-c") && name.starts_with("python")) {
            return sh.unknown(name, format!("`{name} {text}` runs inline code"));
        }
        if matches!(text, "--version" | "-V" | "-v" | "--help" | "-h") {
            return sh.push(program_op(name, "version", Tier::Read));
        }
        if text == "-m" {
            return module(sh, name, &args[i + 1..], cmd, state);
        }
        if !text.starts_with('-') {
            break;
        }
        i += 1;
    }
    match args.get(i) {
        Some(script) => {
            let before = sh.ops.len();
            file(sh, state, script, Access::Read);
            let in_workspace = sh.ops[before..].iter().all(|op| {
                op.resource.path.as_deref().is_some_and(|p| {
                    sh.ctx
                        .workspace
                        .iter()
                        .any(|root| Path::new(p).starts_with(root))
                })
            });
            let tier = if in_workspace {
                Tier::Write
            } else {
                Tier::Unknown
            };
            sh.push(program_op(name, "script", tier).with_note("runs a script file"));
        }
        None => match (&cmd.stdin_text, cmd.stdin_piped) {
            (None, false) => sh.unknown(name, "an interactive interpreter"),
            _ => sh.unknown(name, "runs code from standard input"),
        },
    }
}

fn module(sh: &mut Shell<'_>, name: &str, args: &[Word], cmd: &SimpleCmd, state: &mut State) {
    match args.first().and_then(Word::literal) {
        Some(m @ ("pip" | "twine" | "pytest" | "venv" | "build" | "mypy" | "ruff" | "black")) => {
            let mut argv = vec![Word::Literal(if m == "venv" || m == "build" {
                "mkdir".into()
            } else {
                m.into()
            })];
            argv.extend(args[1..].iter().cloned());
            if m == "venv" || m == "build" {
                return sh.push(program_op(name, m, Tier::Write));
            }
            exec(sh, &argv, cmd, state)
        }
        Some(m) => sh.unknown(
            name,
            format!("`{name} -m {m}` runs a module writ does not model"),
        ),
        None => sh.unknown(name, "a module writ cannot see"),
    }
}
