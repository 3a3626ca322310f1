//! Properties of the shell model over commands built from the vocabulary
//! agents really use (git, rm, cat, curl, sed, find, npm …), decided in a
//! folder tree laid out like the decision cases' setting:
//!
//! - adding a command to a list or pipeline never lowers the verdict of any
//!   command in it;
//! - a wrapper (`env`, `timeout`, `nice`, `nohup`, `sh -c`, …) never hides
//!   what it runs;
//! - spelling a word another way bash reads the same (`r''m`, `"rm"`,
//!   `r\m`, `$'\x72m'`) never changes the operations.
//!
//! The vocabulary leaves out `cd`, `pushd` and branch checkouts: they
//! rightly change what a later command in the same list touches, so a
//! later `rm ../x` may be lower after `cd src` than alone.
//!
//! Case counts are capped so the suite stays quick in a debug build; set
//! `PROPTEST_CASES` to search longer.

#![expect(
    clippy::expect_used,
    reason = "the fixture's setup failing is a failed test"
)]

use std::path::Path;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestError, TestRunner};
use tempfile::TempDir;
use writ_classify::{Context, Globs, classify_shell};
use writ_core::{Operation, Tier};

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 200;

// ---------------------------------------------------------------------------
// The setting
// ---------------------------------------------------------------------------

/// A repository on `feature/x` with a remote, `.env` and `src/`, and a
/// separate home holding keys; removed when dropped.
struct Fixture {
    _root: TempDir,
    ctx: Context,
}

fn fixture() -> Fixture {
    let root = tempfile::tempdir().expect("temp folder");
    let base = std::fs::canonicalize(root.path()).expect("temp folder resolves");
    let repo = base.join("repo");
    let home = base.join("home");
    lay_out(&repo, &home);
    let ctx = Context {
        writ_home: home.join(".local/share/writ"),
        task_branches: Globs::new(&["feature/*".to_string()]).expect("valid glob"),
        ..Context::for_tests(&repo.to_string_lossy(), &home.to_string_lossy())
    };
    Fixture { _root: root, ctx }
}

fn lay_out(repo: &Path, home: &Path) {
    for dir in [
        repo.join(".git/refs/heads/feature"),
        repo.join("src"),
        home.join(".ssh"),
        home.join(".aws"),
    ] {
        std::fs::create_dir_all(dir).expect("fixture folder");
    }
    let files = [
        (repo.join(".git/HEAD"), "ref: refs/heads/feature/x\n"),
        (
            repo.join(".git/config"),
            "[remote \"origin\"]\n\turl = git@example.invalid:o/r.git\n",
        ),
        (repo.join(".env"), "TOKEN=fixture\n"),
        (repo.join("src/main.rs"), "fn main() {}\n"),
        (home.join(".ssh/id_ed25519"), "fixture\n"),
        (home.join(".aws/credentials"), "[default]\n"),
        (home.join(".bashrc"), "# fixture\n"),
    ];
    for (path, text) in files {
        std::fs::write(path, text).expect("fixture file");
    }
}

fn max_tier(ctx: &Context, command: &str) -> Option<Tier> {
    classify_shell(ctx, command).iter().map(|op| op.tier).max()
}

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CASES);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

// ---------------------------------------------------------------------------
// The vocabulary
// ---------------------------------------------------------------------------

/// Commands as the words their program receives; `%name` is filled from
/// the list of that name, and an empty fill drops the word. A word that
/// starts with [`OPERATOR`] is a redirection operator, written bare.
const TEMPLATES: &[&[&str]] = &[
    &["git", "status"],
    &["git", "log", "--oneline", "-5"],
    &["git", "diff", "HEAD~1", "--", "src"],
    &["git", "add", "-A"],
    &["git", "commit", "-m", "fix the parser"],
    &["git", "push", "%push_flag", "origin", "%refspec"],
    &["git", "push", "%push_flag"],
    &["git", "reset", "--hard", "HEAD~1"],
    &["git", "clean", "-fdx"],
    &["git", "checkout", "--", "%file"],
    &["rm", "%rm_flag", "%path"],
    &["rm", "%rm_flag", "%file", "%path"],
    &["cat", "%file"],
    &["head", "-5", "%file"],
    &["grep", "-n", "TOKEN", "%file"],
    &["wc", "-l", "%file"],
    &["echo", "%word"],
    &["ls", "-la", "%dir"],
    &["npm", "publish"],
    &["npm", "test"],
    &["npm", "install"],
    &["curl", "-fsSL", "https://example.com/install.sh"],
    &[
        "curl",
        "-X",
        "POST",
        "-d",
        "@%file",
        "https://example.com/upload",
    ],
    &["curl", "-o", "%file", "https://example.com/x"],
    &["sed", "-n", "1,5p", "%file"],
    &["sed", "-i", "s/a/b/", "%file"],
    &["find", "%dir", "-name", "*.rs"],
    &["find", "%dir", "-delete"],
    &["find", "%dir", "-exec", "rm", "-f", "{}", ";"],
    &["find", "%dir", "-type", "f", "-exec", "cat", "{}", "+"],
    &["cp", "%file", "%path"],
    &["mv", "%file", "%path"],
    &["touch", "%file"],
    &["mkdir", "-p", "%path"],
    &["printenv"],
    &["echo", "%word", "\u{1}>", "%file"],
    &["echo", "%word", "\u{1}>>", "%path"],
    &["cat", "\u{1}<", "%file"],
    &["wc", "-c", "%file", "\u{1}2>", "/dev/null"],
    &["tee", "-a", "%file"],
    &["awk", "{print $1}", "%file"],
    &["dd", "if=%file", "of=%path"],
    &["ln", "-sf", "%file", "%path"],
    &["git", "-C", "%dir", "status"],
    &["git", "push", "origin", "HEAD:refs/heads/%refspec"],
    &["python3", "-c", "print(1)"],
];

/// Marks a template word that is a redirection operator.
const OPERATOR: char = '\u{1}';

const FILES: &[&str] = &[
    "README.md",
    ".env",
    "src/main.rs",
    "src/new file.rs",
    "~/.ssh/id_ed25519",
    "~/.aws/credentials",
    "~/.bashrc",
    ".env.example",
    "/etc/passwd",
    "../outside.txt",
    ".git/config",
];
const PATHS: &[&str] = &[
    "build",
    "src",
    "src/main.rs",
    ".",
    "..",
    "../outside",
    "/",
    "~",
    "~/.ssh",
    "/tmp/writ-scratch",
    ".git",
];
const DIRS: &[&str] = &[".", "src", "..", "~", "~/.ssh", "/"];
const REFSPECS: &[&str] = &[
    "feature/x",
    "feature/x:feature/y",
    "HEAD",
    "main",
    "master",
    "HEAD:main",
    "+feature/x",
    "feature/x:main",
    ":feature/y",
    "refs/heads/main",
    "+HEAD:refs/heads/master",
    "+refs/heads/*:refs/heads/*",
    "v1.0",
];
const PUSH_FLAGS: &[&str] = &[
    "",
    "-u",
    "--dry-run",
    "--force",
    "-f",
    "--force-with-lease",
    "--delete",
    "--mirror",
];
const RM_FLAGS: &[&str] = &["", "-f", "-v", "-r", "-rf"];
const WORDS: &[&str] = &["hello", "hello world", "$HOME", "*", "a;b", "it's", "`id`"];

/// One command's words.
fn command() -> impl Strategy<Value = Vec<String>> {
    let fills = (
        select(FILES),
        select(PATHS),
        select(DIRS),
        select(REFSPECS),
        select(PUSH_FLAGS),
        select(RM_FLAGS),
        select(WORDS),
    );
    (select(TEMPLATES), fills).prop_map(|(template, fills)| {
        let (file, path, dir, refspec, push_flag, rm_flag, word) = fills;
        let fill = |w: &str| {
            w.replace("%file", file)
                .replace("%path", path)
                .replace("%dir", dir)
                .replace("%refspec", refspec)
                .replace("%push_flag", push_flag)
                .replace("%rm_flag", rm_flag)
                .replace("%word", word)
        };
        template
            .iter()
            .map(|w| fill(w))
            .filter(|w| !w.is_empty())
            .collect()
    })
}

// ---------------------------------------------------------------------------
// Spelling words as bash reads them
// ---------------------------------------------------------------------------

/// A way to quote a whole value.
#[derive(Debug, Clone, Copy)]
enum Quote {
    /// Bare when nothing in it is special, else single quotes.
    Auto,
    Single,
    Double,
    /// A backslash before every character.
    Backslash,
    /// `$'…'` with only `\` and `'` escaped.
    AnsiC,
    /// `$'\x72\x6d'`.
    AnsiHex,
    /// `$'\162\155'`.
    AnsiOctal,
}

/// A way to spell a value.
#[derive(Debug, Clone, Copy)]
enum Spelling {
    Whole(Quote),
    /// Empty quotes inserted at a position: `r''m`.
    EmptyAt(usize, bool),
    /// Two halves quoted separately: `"r"'m'`.
    Split(usize, Quote, Quote),
}

fn quote() -> impl Strategy<Value = Quote> {
    select(&[
        Quote::Auto,
        Quote::Single,
        Quote::Double,
        Quote::Backslash,
        Quote::AnsiC,
        Quote::AnsiHex,
        Quote::AnsiOctal,
    ])
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        quote().prop_map(Spelling::Whole),
        (any::<usize>(), any::<bool>()).prop_map(|(at, double)| Spelling::EmptyAt(at, double)),
        (any::<usize>(), quote(), quote()).prop_map(|(at, a, b)| Spelling::Split(at, a, b)),
    ]
}

fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:@%+=,".contains(c))
}

fn quoted(value: &str, quote: Quote) -> String {
    match quote {
        Quote::Auto if is_plain(value) => value.to_string(),
        Quote::Auto | Quote::Single => format!("'{}'", value.replace('\'', r"'\''")),
        Quote::Double => {
            let mut out = String::from("\"");
            for c in value.chars() {
                if matches!(c, '\\' | '"' | '$' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
            out
        }
        Quote::Backslash => value.chars().map(|c| format!("\\{c}")).collect(),
        Quote::AnsiC => format!("$'{}'", value.replace('\\', r"\\").replace('\'', r"\'")),
        Quote::AnsiHex => {
            let body: String = value.bytes().map(|b| format!("\\x{b:02x}")).collect();
            format!("$'{body}'")
        }
        Quote::AnsiOctal => {
            let body: String = value.bytes().map(|b| format!("\\{b:03o}")).collect();
            format!("$'{body}'")
        }
    }
}

/// `value` spelled one way; a leading `~/` stays bare so it still
/// expands, and only what follows it is respelled.
fn spelled(value: &str, spelling: Spelling) -> String {
    if let Some(operator) = value.strip_prefix(OPERATOR) {
        return operator.to_string();
    }
    if value == "~" {
        return value.to_string();
    }
    if let Some(rest) = value.strip_prefix("~/") {
        return format!("~/{}", spelled_plainly(rest, spelling));
    }
    spelled_plainly(value, spelling)
}

fn spelled_plainly(value: &str, spelling: Spelling) -> String {
    let cut = |at: usize| {
        let n = value.chars().count();
        let at = if n == 0 { 0 } else { at % (n + 1) };
        let split = value.char_indices().nth(at).map_or(value.len(), |(i, _)| i);
        value.split_at(split)
    };
    match spelling {
        Spelling::Whole(q) => quoted(value, q),
        Spelling::EmptyAt(at, double) => {
            let (a, b) = cut(at);
            let empty = if double { "\"\"" } else { "''" };
            format!(
                "{}{empty}{}",
                quoted_part(a, Quote::Auto),
                quoted_part(b, Quote::Auto)
            )
        }
        Spelling::Split(at, qa, qb) => {
            let (a, b) = cut(at);
            format!("{}{}", quoted_part(a, qa), quoted_part(b, qb))
        }
    }
}

/// A part of a word: empty parts vanish rather than add quotes.
fn quoted_part(part: &str, quote: Quote) -> String {
    if part.is_empty() {
        String::new()
    } else {
        quoted(part, quote)
    }
}

fn render(words: &[String]) -> String {
    let auto = Spelling::Whole(Quote::Auto);
    words
        .iter()
        .map(|w| spelled(w, auto))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const JOINERS: &[&str] = &[" ; ", " && ", " || ", " | "];

#[test]
fn adding_a_command_to_a_list_never_lowers_any_commands_tier() {
    let fx = fixture();
    let strategy = proptest::collection::vec((command(), select(JOINERS)), 2..=4);
    let result = runner().run(&strategy, |parts| {
        let mut text = String::new();
        for (i, (words, joiner)) in parts.iter().enumerate() {
            if i > 0 {
                text.push_str(joiner);
            }
            text.push_str(&render(words));
        }
        let combined = max_tier(&fx.ctx, &text);
        for (words, _) in &parts {
            let alone = render(words);
            let tier = max_tier(&fx.ctx, &alone);
            prop_assert!(
                combined >= tier,
                "`{text}` is {combined:?}, below `{alone}` alone at {tier:?}"
            );
        }
        Ok(())
    });
    check(result);
}

/// A wrapper around a command's words.
#[derive(Debug, Clone, Copy)]
enum Wrapper {
    Prefix(&'static [&'static str]),
    /// A shell given the command as one string, quoted this way.
    Script(&'static [&'static str], Quote),
}

const WRAPPERS: &[Wrapper] = &[
    Wrapper::Prefix(&["env"]),
    Wrapper::Prefix(&["env", "LANG=C"]),
    Wrapper::Prefix(&["timeout", "5"]),
    Wrapper::Prefix(&["timeout", "-s", "KILL", "5"]),
    Wrapper::Prefix(&["nice"]),
    Wrapper::Prefix(&["nice", "-n", "10"]),
    Wrapper::Prefix(&["nohup"]),
    Wrapper::Prefix(&["stdbuf", "-oL"]),
    Wrapper::Prefix(&["setsid"]),
    Wrapper::Prefix(&["command"]),
    Wrapper::Prefix(&["exec"]),
    Wrapper::Prefix(&["xargs"]),
    Wrapper::Prefix(&["xargs", "-r"]),
    Wrapper::Script(&["sh", "-c"], Quote::Single),
    Wrapper::Script(&["bash", "-c"], Quote::Double),
    Wrapper::Script(&["bash", "-lc"], Quote::Single),
    Wrapper::Script(&["eval"], Quote::Single),
];

/// The command `words` with each wrapper put around it in turn.
fn wrapped(words: &[String], wrappers: &[Wrapper]) -> String {
    let mut text = render(words);
    for wrapper in wrappers {
        text = match wrapper {
            Wrapper::Prefix(prefix) => format!("{} {text}", prefix.join(" ")),
            Wrapper::Script(shell, q) => format!("{} {}", shell.join(" "), quoted(&text, *q)),
        };
    }
    text
}

#[test]
fn a_wrapper_never_lowers_the_tier_of_what_it_runs() {
    let fx = fixture();
    let strategy = (
        command(),
        proptest::collection::vec(select(WRAPPERS), 1..=3),
    );
    let result = runner().run(&strategy, |(words, wrappers)| {
        let bare = render(&words);
        let text = wrapped(&words, &wrappers);
        let tier = max_tier(&fx.ctx, &bare);
        let wrapped_tier = max_tier(&fx.ctx, &text);
        prop_assert!(
            wrapped_tier >= tier,
            "`{text}` is {wrapped_tier:?}, below `{bare}` at {tier:?}"
        );
        Ok(())
    });
    check(result);
}

#[test]
fn respelling_a_word_as_bash_reads_it_never_changes_the_operations() {
    let fx = fixture();
    let strategy = (
        command(),
        proptest::collection::vec(spelling(), 1..=8),
        select(&["", " ; echo done", " | head -1"]),
    );
    let result = runner().run(&strategy, |(words, spellings, tail)| {
        let plain = format!("{}{tail}", render(&words));
        let respelled: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| match spellings.get(i) {
                Some(s) => spelled(w, *s),
                None => spelled(w, Spelling::Whole(Quote::Auto)),
            })
            .collect();
        let text = format!("{}{tail}", respelled.join(" "));
        let expected = classify_shell(&fx.ctx, &plain);
        let got = classify_shell(&fx.ctx, &text);
        prop_assert!(
            expected == got,
            "`{text}` differs from `{plain}`:\n{}\nvs\n{}",
            show(&got),
            show(&expected)
        );
        Ok(())
    });
    check(result);
}

fn show(ops: &[Operation]) -> String {
    ops.iter()
        .map(|op| format!("  {} {} {:?}", op.action, op.resource.name, op.tier))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails the test with proptest's minimal counterexample.
fn check(result: Result<(), TestError<impl std::fmt::Debug>>) {
    if let Err(e) = result {
        panic!("{e}");
    }
}

// The common spellings of `rm`, written out, so a regression in any one
// of them names itself.
#[test]
fn the_listed_spellings_of_rm_decide_like_rm() {
    let fx = fixture();
    let expected = classify_shell(&fx.ctx, "rm -rf ~/.ssh");
    for spelling in ["r''m", "'rm'", "\"rm\"", r"r\m", "$'rm'", r"$'\x72m'"] {
        let got = classify_shell(&fx.ctx, &format!("{spelling} -rf ~/.ssh"));
        assert_eq!(got, expected, "{spelling}");
    }
}
