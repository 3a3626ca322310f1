//! Classification time per command, for a corpus of typical agent commands
//! and for adversarial ones, against a baseline measured in the same run:
//! brush-parser parsing the same text (what any bash-aware tool pays).
//!
//! Run: `cargo bench -p writ-classify --bench classify`

use std::hint::black_box;
use std::time::{Duration, Instant};

use writ_classify::{Context, classify_shell};

fn typical() -> Vec<String> {
    [
        "git status",
        "git log --oneline -20 && git diff HEAD~1 -- src",
        "rg -n 'fn main' src | head -5",
        "ls -la src && wc -l src/*.rs",
        "git add -A && git commit -m 'fix parser'",
        "git push origin feature/x",
        "cargo test --workspace 2>&1 | tail -20",
        "npm install && npm test",
        "sed -i 's/foo/bar/g' src/main.rs",
        "find . -name '*.rs' -exec wc -l {} +",
        "curl -s https://api.example.invalid/x | jq .items",
        "cat <<'EOF' > notes.txt\nhello\nEOF",
        "git checkout main && git merge --ff-only feature/x && git push",
        "python3 scripts/gen.py --out build/out.json",
        "kubectl -n staging get pods -o wide",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn adversarial() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut nested = "git push origin HEAD:main".to_string();
    for _ in 0..6 {
        nested = format!("sh -c {}", quote(&nested));
    }
    out.push(("6 nested sh -c".into(), nested));
    out.push(("500-command list".into(), vec!["echo a"; 500].join(" && ")));
    out.push(("200-stage pipeline".into(), vec!["cat x"; 200].join(" | ")));
    out.push((
        "60 nested substitutions".into(),
        format!("echo {}x{}", "$(echo ".repeat(60), ")".repeat(60)),
    ));
    out.push((
        "60 KiB argument".into(),
        format!("echo {}", "a".repeat(60 * 1024)),
    ));
    out.push((
        "over the command limit".into(),
        vec!["true"; 2000].join(";"),
    ));
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn per_call(mut f: impl FnMut(), budget: Duration) -> (Duration, u32) {
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < budget || n < 3 {
        f();
        n += 1;
    }
    (start.elapsed() / n, n)
}

fn parse_only(text: &str) {
    let options = brush_parser::ParserOptions::default();
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(text), &options);
    let _ = black_box(parser.parse_program());
}

fn main() {
    let dir = std::env::temp_dir();
    let ctx = Context::for_tests(&dir.to_string_lossy(), "/nonexistent-home");
    println!(
        "classification per command (baseline: brush-parser parse of the same text, same run)\n"
    );
    println!(
        "{:<28} {:>12} {:>12} {:>7}",
        "typical corpus", "writ", "parse only", "ratio"
    );
    let budget = Duration::from_millis(150);
    let (mut writ_total, mut parse_total) = (Duration::ZERO, Duration::ZERO);
    for cmd in typical() {
        let (w, _) = per_call(|| drop(black_box(classify_shell(&ctx, &cmd))), budget);
        let (p, _) = per_call(|| parse_only(&cmd), budget);
        writ_total += w;
        parse_total += p;
        let shown: String = cmd.replace('\n', "⏎").chars().take(28).collect();
        println!(
            "{shown:<28} {w:>12.1?} {p:>12.1?} {:>7.2}",
            w.as_secs_f64() / p.as_secs_f64()
        );
    }
    let n = typical().len() as u32;
    println!(
        "{:<28} {:>12.1?} {:>12.1?} {:>7.2}\n",
        "mean",
        writ_total / n,
        parse_total / n,
        writ_total.as_secs_f64() / parse_total.as_secs_f64()
    );
    println!(
        "{:<28} {:>12} {:>12} {:>7}",
        "adversarial", "writ", "parse only", "ratio"
    );
    for (name, cmd) in adversarial() {
        let (w, _) = per_call(|| drop(black_box(classify_shell(&ctx, &cmd))), budget);
        let (p, _) = per_call(|| parse_only(&cmd), budget);
        println!(
            "{name:<28} {w:>12.1?} {p:>12.1?} {:>7.2}",
            w.as_secs_f64() / p.as_secs_f64()
        );
    }
    println!("\nhook budget (DESIGN.md): median 3 ms for a whole `writ hook claude` call");
}
