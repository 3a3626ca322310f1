//! What the fuzz targets share: one classifier context over a small folder
//! tree laid out like the decision cases' setting (a repository on
//! `feature/x` with `.env` and `src/`, a separate home with keys), so path
//! and git facts are exercised, not only the parser.
//!
//! The tree lives at a fixed place under the system temp folder and is
//! rewritten idempotently at start-up; nothing here ever deletes files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use writ_classify::Context;

/// The context every target classifies in, built once per process.
pub fn context() -> &'static Context {
    static CONTEXT: OnceLock<Context> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let root = std::env::temp_dir().join("writ-fuzz-fixture");
        // A fixture that cannot be written still leaves a usable context:
        // the paths then simply do not exist.
        let _ = lay_out(&root);
        context_in(&root)
    })
}

/// The context for a fixture rooted at `root`, as the gateway builds one
/// without a task.
pub fn context_in(root: &Path) -> Context {
    let repo = root.join("repo");
    let home = root.join("home");
    let mut ctx = Context::for_tests(&repo.to_string_lossy(), &home.to_string_lossy());
    ctx.writ_home = home.join(".local/share/writ");
    ctx
}

fn lay_out(root: &Path) -> std::io::Result<()> {
    let repo = root.join("repo");
    let home = root.join("home");
    for dir in [
        repo.join(".git/refs/heads/feature"),
        repo.join("src"),
        home.join(".ssh"),
        home.join(".aws"),
        home.join(".local/share/writ"),
    ] {
        std::fs::create_dir_all(dir)?;
    }
    let files: [(PathBuf, &str); 8] = [
        (repo.join(".git/HEAD"), "ref: refs/heads/feature/x\n"),
        (
            repo.join(".git/config"),
            "[remote \"origin\"]\n\turl = git@example.invalid:o/r.git\n\
             \tfetch = +refs/heads/*:refs/remotes/origin/*\n",
        ),
        (repo.join(".env"), "TOKEN=fixture\n"),
        (repo.join("src/main.rs"), "fn main() {}\n"),
        (repo.join("README.md"), "fixture\n"),
        (home.join(".ssh/id_ed25519"), "fixture\n"),
        (home.join(".aws/credentials"), "[default]\n"),
        (home.join(".bashrc"), "# fixture\n"),
    ];
    for (path, text) in files {
        std::fs::write(path, text)?;
    }
    Ok(())
}
