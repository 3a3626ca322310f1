//! Arbitrary text as a Bash tool's command. Checks that classification
//! never panics, is deterministic, stays bounded, and fails closed: text
//! bash cannot parse, or longer than writ decides, yields an `unknown`
//! operation rather than nothing.

#![no_main]

use libfuzzer_sys::fuzz_target;
use writ_classify::shell::{MAX_COMMAND_BYTES, MAX_COMMANDS};
use writ_core::{Operation, Tier};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ctx = writ_fuzz::context();
    let ops = writ_classify::classify_shell(ctx, text);

    assert_eq!(
        ops,
        writ_classify::classify_shell(ctx, text),
        "classification is not deterministic"
    );
    assert!(
        ops.len() <= bound(text),
        "{} operations from {} bytes",
        ops.len(),
        text.len()
    );
    // Without an `unknown`, writ parsed the whole text itself, so handing
    // it to the parser here cannot hit a parser panic writ guards against.
    if !has_unknown(&ops) {
        assert!(text.len() <= MAX_COMMAND_BYTES, "over-long text decided");
        assert!(bash_parses(text), "text bash cannot parse was decided");
    }
});

/// A ceiling on operations: a few per byte of input, and never more than
/// `MAX_COMMANDS` simple commands' worth. Text walked twice (a nested
/// `sh -c`, a substitution in an argument) stays well inside it.
fn bound(text: &str) -> usize {
    (16 * (text.len() + 1)).min(64 * (MAX_COMMANDS + 1))
}

fn bash_parses(text: &str) -> bool {
    let options = brush_parser::ParserOptions::default();
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(text), &options);
    parser.parse_program().is_ok()
}

fn has_unknown(ops: &[Operation]) -> bool {
    ops.iter().any(|op| op.tier == Tier::Unknown)
}
