//! The shell model: parse with a real bash grammar, walk every command bash
//! would run (lists, pipelines, subshells, compound commands, function
//! bodies, substitutions, strings handed to `sh -c` and `eval`), and hand
//! each simple command to the tool models with the working directory and
//! branch it would run with.
//!
//! Anything the walk cannot follow becomes an `unknown` operation; nothing
//! is ever dropped.

mod word;

use std::collections::HashSet;
use std::path::PathBuf;

use brush_parser::ast::{
    self, AndOr, Command, CommandPrefixOrSuffixItem, CompoundCommand, CompoundList,
    IoFileRedirectKind, IoFileRedirectTarget, IoRedirect, Pipeline, SeparatorOperator,
};
use brush_parser::{Parser, ParserOptions};
use writ_core::Operation;

pub use word::{Expanded, Word, decode_ansi_c, expand};

use crate::Context;

/// Longest command text decided; longer is `unknown`.
pub const MAX_COMMAND_BYTES: usize = 64 * 1024;
/// Deepest nesting of `sh -c`, `eval` and substitutions followed.
pub const MAX_DEPTH: usize = 12;
/// Most simple commands decided in one invocation.
pub const MAX_COMMANDS: usize = 1024;
/// Deepest bracket nesting handed to the parser.
const MAX_BRACKETS: usize = 100;
/// Deepest nesting of `(` handed to the parser. On text that fails to
/// parse it tries every reading of each unclosed `(`, so its time doubles
/// with each level: 16 levels take milliseconds, 34 take hours.
const MAX_PARENS: usize = 16;

/// Where the current branch of the repository stands while walking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Branch {
    /// As checked out on disk.
    OnDisk,
    /// Switched to this branch earlier in the same command.
    Switched(String),
    /// Switched to something the walk cannot name.
    Unknown,
}

/// What earlier commands in the same invocation changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The working directory; `None` once it cannot be known.
    pub cwd: Option<PathBuf>,
    /// The branch a refless `git push` would push.
    pub branch: Branch,
    /// Names of shell functions defined so far.
    pub functions: HashSet<String>,
    /// Symlinks made earlier in the same command: link path to target.
    pub links: Vec<(PathBuf, PathBuf)>,
}

impl State {
    /// Paths of two states that may each be the real one afterwards.
    fn merge(&mut self, other: &State) {
        if self.cwd != other.cwd {
            self.cwd = None;
        }
        if self.branch != other.branch {
            self.branch = Branch::Unknown;
        }
        self.functions.extend(other.functions.iter().cloned());
        for link in &other.links {
            if !self.links.contains(link) {
                self.links.push(link.clone());
            }
        }
    }
}

/// One simple command, its words expanded.
#[derive(Debug, Clone)]
pub struct SimpleCmd {
    /// Program and arguments.
    pub argv: Vec<Word>,
    /// `NAME=value` words before the program.
    pub assignments: Vec<(String, Word)>,
    /// Text fed on standard input by a here-document or here-string.
    pub stdin_text: Option<Word>,
    /// Standard input comes from a pipe.
    pub stdin_piped: bool,
}

/// Walks one invocation's shell text and gathers its operations.
#[derive(Debug)]
pub struct Shell<'a> {
    /// What the classifier knows about the machine and task.
    pub ctx: &'a Context,
    /// Operations found so far.
    pub ops: Vec<Operation>,
    depth: usize,
    commands: usize,
}

impl<'a> Shell<'a> {
    /// A walker over `ctx`.
    pub fn new(ctx: &'a Context) -> Self {
        Shell {
            ctx,
            ops: Vec::new(),
            depth: 0,
            commands: 0,
        }
    }

    /// Records an operation.
    pub fn push(&mut self, op: Operation) {
        self.ops.push(op);
    }

    /// Records an operation the model cannot judge.
    pub fn unknown(&mut self, what: &str, note: impl Into<String>) {
        self.ops.push(Operation::unknown(clip(what), note));
    }

    /// Records that the input is past a size or depth limit. The default
    /// pack denies these outright (`guard.over-limit`), so that length or
    /// nesting can never turn a denial into an approval.
    pub fn over_limit(&mut self, what: &str, note: impl Into<String>) {
        let mut op = Operation::unknown(clip(what), note);
        op.action = "shell.over-limit".into();
        self.ops.push(op);
    }

    /// Parses and walks `text` as a script in `state`.
    pub fn script(&mut self, text: &str, state: &mut State) {
        if self.depth >= MAX_DEPTH {
            return self.over_limit(text, "nested deeper than writ follows");
        }
        if text.len() > MAX_COMMAND_BYTES {
            return self.over_limit(text, "command longer than writ decides");
        }
        if bracket_depth(text) > MAX_BRACKETS {
            return self.over_limit(text, "brackets nested deeper than writ follows");
        }
        if heredoc_hazard(text) {
            return self.unknown(text, "a here-document writ cannot delimit");
        }
        if paren_depth(text) > MAX_PARENS {
            return self.over_limit(text, "parentheses nested deeper than writ follows");
        }
        if oversized_fd_number(text) {
            return self.unknown(text, "a file descriptor number too large to parse");
        }
        let options = ParserOptions::default();
        let mut parser = Parser::new(std::io::Cursor::new(text), &options);
        match parser.parse_program() {
            Ok(program) => {
                self.depth += 1;
                for list in &program.complete_commands {
                    self.list(list, state);
                }
                self.depth -= 1;
            }
            Err(_) => self.unknown(text, "bash could not parse it"),
        }
    }

    /// Walks a substitution or other text run in a subshell.
    pub fn subshell_script(&mut self, text: &str, state: &State) {
        let mut inner = state.clone();
        self.script(text, &mut inner);
    }

    fn list(&mut self, list: &CompoundList, state: &mut State) {
        for ast::CompoundListItem(and_or, sep) in &list.0 {
            match sep {
                SeparatorOperator::Async => {
                    let mut background = state.clone();
                    self.and_or(and_or, &mut background);
                }
                SeparatorOperator::Sequence => self.and_or(and_or, state),
            }
        }
    }

    fn and_or(&mut self, list: &ast::AndOrList, state: &mut State) {
        let before = state.clone();
        self.pipeline(&list.first, state);
        for next in &list.additional {
            match next {
                AndOr::And(p) => self.pipeline(p, state),
                AndOr::Or(p) => {
                    // Runs only when what came before failed, whose changes
                    // may or may not have happened.
                    let mut alt = before.clone();
                    alt.merge(state);
                    self.pipeline(p, &mut alt);
                    *state = alt;
                }
            }
        }
        if !list.additional.is_empty() {
            // Any step may fail and stop the chain; what follows the list
            // may see the state before or after it.
            let after = state.clone();
            *state = before;
            state.merge(&after);
        }
    }

    fn pipeline(&mut self, pipeline: &Pipeline, state: &mut State) {
        if pipeline.seq.len() == 1 {
            return self.command(&pipeline.seq[0], state, false);
        }
        // Every part of a pipeline runs in its own subshell.
        for (i, command) in pipeline.seq.iter().enumerate() {
            let mut inner = state.clone();
            self.command(command, &mut inner, i > 0);
        }
    }

    fn command(&mut self, command: &Command, state: &mut State, piped: bool) {
        self.commands += 1;
        if self.commands > MAX_COMMANDS {
            if self.commands == MAX_COMMANDS + 1 {
                self.over_limit("…", "more commands than writ decides in one call");
            }
            return;
        }
        match command {
            Command::Simple(simple) => self.simple(simple, state, piped),
            Command::Compound(compound, redirects) => {
                if let Some(list) = redirects {
                    self.redirects(&list.0, state);
                }
                self.compound(compound, state, piped);
            }
            Command::Function(def) => {
                let mut body = state.clone();
                self.compound(&def.body.0, &mut body, false);
                if let Some(list) = &def.body.1 {
                    self.redirects(&list.0, state);
                }
                state.functions.insert(def.fname.value.clone());
            }
            Command::ExtendedTest(test, redirects) => {
                self.extended_test(&test.expr, state);
                if let Some(list) = redirects {
                    self.redirects(&list.0, state);
                }
            }
        }
    }

    fn conditional(&mut self, list: &CompoundList, state: &mut State) {
        let mut branch = state.clone();
        self.list(list, &mut branch);
        state.merge(&branch);
    }

    fn compound(&mut self, compound: &CompoundCommand, state: &mut State, piped: bool) {
        match compound {
            CompoundCommand::BraceGroup(group) if !piped => self.list(&group.list, state),
            CompoundCommand::BraceGroup(group) => self.conditional(&group.list, state),
            CompoundCommand::Subshell(sub) => {
                let mut inner = state.clone();
                self.list(&sub.list, &mut inner);
            }
            CompoundCommand::IfClause(clause) => {
                self.list(&clause.condition, state);
                self.conditional(&clause.then, state);
                for other in clause.elses.iter().flatten() {
                    if let Some(cond) = &other.condition {
                        self.conditional(cond, state);
                    }
                    self.conditional(&other.body, state);
                }
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                self.conditional(&clause.0, state);
                self.conditional(&clause.1.list, state);
            }
            CompoundCommand::ForClause(clause) => {
                for value in clause.values.iter().flatten() {
                    self.word(&value.value, state);
                }
                self.conditional(&clause.body.list, state);
            }
            CompoundCommand::ArithmeticForClause(clause) => {
                self.conditional(&clause.body.list, state);
            }
            CompoundCommand::CaseClause(clause) => {
                self.word(&clause.value.value, state);
                for item in &clause.cases {
                    if let Some(list) = &item.cmd {
                        self.conditional(list, state);
                    }
                }
            }
            CompoundCommand::Arithmetic(arith) => {
                // `$(…)` inside an arithmetic expression still runs.
                if arith.expr.value.contains("$(") || arith.expr.value.contains('`') {
                    self.unknown(&arith.expr.value, "command substitution in arithmetic");
                }
            }
            CompoundCommand::Coprocess(co) => {
                let mut inner = state.clone();
                self.command(&co.body, &mut inner, false);
            }
        }
    }

    fn extended_test(&mut self, expr: &ast::ExtendedTestExpr, state: &State) {
        use ast::ExtendedTestExpr as E;
        match expr {
            E::And(a, b) | E::Or(a, b) => {
                self.extended_test(a, state);
                self.extended_test(b, state);
            }
            E::Not(a) | E::Parenthesized(a) => self.extended_test(a, state),
            E::UnaryTest(_, w) => {
                self.word(&w.value, state);
            }
            E::BinaryTest(_, a, b) => {
                self.word(&a.value, state);
                self.word(&b.value, state);
            }
        }
    }

    /// Expands a raw word, walking any substitution inside it.
    pub fn word(&mut self, raw: &str, state: &State) -> Word {
        let expanded = expand(raw, &self.ctx.home.to_string_lossy());
        if expanded.unparsed {
            self.unknown(raw, "a word writ cannot parse");
        }
        for sub in &expanded.substitutions {
            self.subshell_script(sub, state);
        }
        self.expansion_effects(&expanded.variables, expanded.hidden_command, raw);
        expanded.word
    }

    /// What an expansion does besides producing text: reading a variable
    /// that holds a secret, or running a command writ cannot take out of
    /// it.
    fn expansion_effects(&mut self, variables: &[String], hidden_command: bool, raw: &str) {
        if hidden_command {
            self.unknown(
                raw,
                "a command runs inside a parameter or arithmetic expansion",
            );
        }
        for name in variables.iter().filter(|n| word::is_secret_variable(n)) {
            self.push(
                Operation::new(
                    "env.read",
                    writ_core::Resource::new(writ_core::ResourceKind::Program, format!("${name}")),
                    writ_core::Tier::Secret,
                )
                .with_note("reads a variable that holds a secret"),
            );
        }
    }

    fn simple(&mut self, simple: &ast::SimpleCommand, state: &mut State, piped: bool) {
        let mut cmd = SimpleCmd {
            argv: Vec::new(),
            assignments: Vec::new(),
            stdin_text: None,
            stdin_piped: piped,
        };
        let mut redirects = Vec::new();
        let items = simple
            .prefix
            .iter()
            .flat_map(|p| p.0.iter())
            .map(|i| (i, true))
            .chain(
                simple
                    .suffix
                    .iter()
                    .flat_map(|s| s.0.iter())
                    .map(|i| (i, false)),
            );
        let mut head = simple.word_or_name.as_ref();
        for (item, in_prefix) in items {
            // The program word sits between prefix and suffix.
            if !in_prefix && let Some(w) = head.take() {
                let word = self.word(&w.value, state);
                cmd.argv.push(word);
            }
            match item {
                CommandPrefixOrSuffixItem::Word(w) => {
                    let word = self.word(&w.value, state);
                    cmd.argv.push(word);
                }
                CommandPrefixOrSuffixItem::AssignmentWord(assignment, raw) => {
                    self.assignment(assignment, raw, state, &mut cmd, in_prefix);
                }
                CommandPrefixOrSuffixItem::IoRedirect(r) => redirects.push(r.clone()),
                CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                    let mut inner = state.clone();
                    self.list(&sub.list, &mut inner);
                    // The program sees a pipe, not a file on disk.
                    cmd.argv.push(Word::Literal("/dev/fd/63".into()));
                }
            }
        }
        if let Some(w) = head.take() {
            let word = self.word(&w.value, state);
            cmd.argv.push(word);
        }
        cmd.stdin_text = self.stdin_text(&redirects, state);
        self.redirects(&redirects, state);
        if !cmd.argv.is_empty() {
            crate::tools::run(self, &cmd, state);
        }
    }

    fn assignment(
        &mut self,
        assignment: &ast::Assignment,
        raw: &ast::Word,
        state: &State,
        cmd: &mut SimpleCmd,
        in_prefix: bool,
    ) {
        let name = match &assignment.name {
            ast::AssignmentName::VariableName(n) => n.clone(),
            ast::AssignmentName::ArrayElementName(n, _) => n.clone(),
        };
        let value = match &assignment.value {
            ast::AssignmentValue::Scalar(w) => self.word(&w.value, state),
            ast::AssignmentValue::Array(items) => {
                for (key, value) in items {
                    if let Some(k) = key {
                        self.word(&k.value, state);
                    }
                    self.word(&value.value, state);
                }
                Word::Dynamic {
                    text: "(…)".into(),
                    glob: false,
                }
            }
        };
        if in_prefix && cmd.argv.is_empty() {
            cmd.assignments.push((name, value));
        } else {
            // After the program word it is an ordinary argument (`export A=b`).
            let word = self.word(&raw.value, state);
            cmd.argv.push(word);
        }
    }

    fn stdin_text(&mut self, redirects: &[IoRedirect], state: &State) -> Option<Word> {
        let mut text = None;
        for r in redirects {
            match r {
                IoRedirect::HereDocument(fd, doc) if fd.is_none_or(|f| f == 0) => {
                    text = Some(if doc.requires_expansion {
                        self.heredoc_body(&doc.doc.value, state)
                    } else {
                        Word::Literal(doc.doc.value.clone())
                    });
                }
                IoRedirect::HereString(fd, w) if fd.is_none_or(|f| f == 0) => {
                    text = Some(self.word(&w.value, state));
                }
                _ => {}
            }
        }
        text
    }

    fn heredoc_body(&mut self, body: &str, state: &State) -> Word {
        let options = ParserOptions::default();
        let parsed = if word::unsafe_to_parse(body) {
            None
        } else {
            brush_parser::word::parse_heredoc(body, &options).ok()
        };
        match parsed {
            Some(pieces) => {
                let mut dynamic = false;
                let mut text = String::new();
                for piece in &pieces {
                    use brush_parser::word::WordPiece as P;
                    match &piece.piece {
                        P::Text(s) => text.push_str(s),
                        P::EscapeSequence(s) => text.push_str(s.strip_prefix('\\').unwrap_or(s)),
                        P::CommandSubstitution(s) | P::BackquotedCommandSubstitution(s) => {
                            self.subshell_script(s, state);
                            dynamic = true;
                        }
                        P::ParameterExpansion(_) | P::ArithmeticExpression(_) => {
                            let shown = format!("{:?}", piece.piece);
                            let variables = word::named_parameters(&shown);
                            self.expansion_effects(&variables, word::holds_command(&shown), body);
                            dynamic = true;
                        }
                        _ => dynamic = true,
                    }
                }
                if dynamic {
                    Word::Dynamic { text, glob: false }
                } else {
                    Word::Literal(text)
                }
            }
            None => {
                // What runs inside a body that does not parse is unknown.
                self.unknown(body, "a here-document body writ cannot parse");
                Word::Dynamic {
                    text: body.to_string(),
                    glob: false,
                }
            }
        }
    }

    fn redirects(&mut self, redirects: &[IoRedirect], state: &State) {
        for r in redirects {
            match r {
                IoRedirect::File(_, kind, target) => self.file_redirect(kind, target, state),
                IoRedirect::OutputAndError(w, _) => {
                    let word = self.word(&w.value, state);
                    crate::tools::redirect_write(self, &word, state);
                }
                IoRedirect::HereDocument(..) | IoRedirect::HereString(..) => {}
            }
        }
    }

    fn file_redirect(
        &mut self,
        kind: &IoFileRedirectKind,
        target: &IoFileRedirectTarget,
        state: &State,
    ) {
        match target {
            IoFileRedirectTarget::Filename(w) => {
                let word = self.word(&w.value, state);
                match kind {
                    IoFileRedirectKind::Read => crate::tools::redirect_read(self, &word, state),
                    IoFileRedirectKind::DuplicateInput | IoFileRedirectKind::DuplicateOutput => {
                        // `>&file` with a name writes the file.
                        if word
                            .literal()
                            .is_none_or(|s| s.parse::<i32>().is_err() && s != "-")
                        {
                            crate::tools::redirect_write(self, &word, state);
                        }
                    }
                    IoFileRedirectKind::ReadAndWrite => {
                        crate::tools::redirect_read(self, &word, state);
                        crate::tools::redirect_write(self, &word, state);
                    }
                    _ => crate::tools::redirect_write(self, &word, state),
                }
            }
            IoFileRedirectTarget::Fd(_) => {}
            IoFileRedirectTarget::Duplicate(w) => {
                let word = self.word(&w.value, state);
                if word
                    .literal()
                    .is_none_or(|s| s.parse::<i32>().is_err() && s != "-")
                {
                    crate::tools::redirect_write(self, &word, state);
                }
            }
            IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                let mut inner = state.clone();
                self.list(&sub.list, &mut inner);
            }
        }
    }
}

/// The deepest nesting of brackets and quotes-that-nest in `text`, a cheap
/// guard against inputs that would exhaust the parser's stack.
fn bracket_depth(text: &str) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    for c in text.chars() {
        match c {
            '(' | '{' | '[' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max.max(text.matches('`').count() / 2)
}

/// Whether `text` holds a here-document that brush-parser's tokenizer
/// mishandles: it can panic, or loop without end until memory runs out, on
/// a delimiter that is not a plain word, on a here-document still open at
/// the end of the text, or on a `$((`, `${` or `$[` left open at the end
/// of a line beside one. Every `<<` outside a closed `((…))` counts,
/// quoted or not, so this errs toward refusing.
fn heredoc_hazard(text: &str) -> bool {
    let joined = text.replace("\\\n", "");
    let mut pending: std::collections::VecDeque<(String, bool)> = Default::default();
    let (mut heredoc, mut unclosed) = (false, false);
    for line in joined.split('\n') {
        if let Some((tag, dash)) = pending.front() {
            let body = if *dash {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if body == tag {
                pending.pop_front();
            }
            continue;
        }
        for at in heredoc_operators(line) {
            heredoc = true;
            match heredoc_delimiter(&line[at + 2..]) {
                Some(tag) => pending.push_back(tag),
                None => return true,
            }
        }
        unclosed |= [("$((", '(', ')'), ("${", '{', '}'), ("$[", '[', ']')]
            .iter()
            .any(|(opener, open, close)| {
                line.match_indices(opener)
                    .any(|(at, _)| closing(&line[at + 1..], *open, *close).is_none())
            });
    }
    !pending.is_empty() || (heredoc && unclosed)
}

/// Byte offsets of the `<<` and `<<-` operators in `line`, leaving out
/// `<<<`, longer runs of `<`, and shifts inside a `((…))` closed on the
/// same line that holds nothing but arithmetic (`$((1 << n))`).
fn heredoc_operators(line: &str) -> Vec<usize> {
    let bytes = line.as_bytes();
    let mut arithmetic = Vec::new();
    for (at, _) in line.match_indices("((") {
        let Some(end) = closing(&line[at..], '(', ')').map(|e| at + e) else {
            continue;
        };
        let inner = &line[at + 2..end];
        let plain = !inner.contains(['\'', '"', '`', '\\', '#', '{', '}', '[', ']'])
            && !inner.contains("$(");
        if plain {
            arithmetic.push(at..end);
        }
    }
    (0..bytes.len().saturating_sub(1))
        .filter(|&i| bytes[i] == b'<' && bytes[i + 1] == b'<')
        .filter(|&i| bytes.get(i + 2) != Some(&b'<') && (i == 0 || bytes[i - 1] != b'<'))
        .filter(|i| !arithmetic.iter().any(|r| r.contains(i)))
        .collect()
}

/// Where the `open` that `text` starts with is closed, counting nested
/// pairs on this line only.
fn closing(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            c if c == open => depth += 1,
            c if c == close => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The delimiter word after `<<` with its quotes removed, and whether
/// tabs before it are stripped (`<<-`); `None` unless it is a plain word.
fn heredoc_delimiter(after: &str) -> Option<(String, bool)> {
    let (after, dash) = match after.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (after, false),
    };
    let mut chars = after.trim_start_matches([' ', '\t']).chars();
    let mut tag = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => loop {
                match chars.next()? {
                    q if q == c => break,
                    inner => tag.push(inner),
                }
            },
            '\\' => tag.push(chars.next()?),
            ' ' | '\t' | ';' | '|' | '&' | '<' | '>' | '(' | ')' => break,
            other => tag.push(other),
        }
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || "_.-+:,@%/=".contains(c);
    (!tag.is_empty() && tag.chars().all(plain)).then_some((tag, dash))
}

/// The deepest nesting of `(` operators in `text` as bash's tokenizer
/// reads it, so quoted parentheses do not count. Text that does not
/// tokenize is left to the parser, which refuses it without backtracking.
fn paren_depth(text: &str) -> usize {
    let options = ParserOptions::default().tokenizer_options();
    let Ok(tokens) = brush_parser::uncached_tokenize_str(text, &options) else {
        return 0;
    };
    let mut depth: usize = 0;
    let mut max = 0;
    for token in &tokens {
        match token {
            brush_parser::Token::Operator(op, _) if op == "(" => {
                depth += 1;
                max = max.max(depth);
            }
            brush_parser::Token::Operator(op, _) if op == ")" => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    max
}

/// Whether `text` puts a number too large for a file descriptor right
/// before a redirection (`99999999999>x`). brush-parser unwraps that number
/// and would panic, so such text is never handed to it. Line continuations
/// are removed first, since the tokenizer joins the digits around them.
fn oversized_fd_number(text: &str) -> bool {
    let joined = text.replace("\\\n", "");
    let mut digits_from = None;
    for (i, c) in joined.char_indices() {
        if c.is_ascii_digit() {
            digits_from.get_or_insert(i);
            continue;
        }
        if let Some(from) = digits_from.take()
            && matches!(c, '<' | '>')
            && joined[from..i].parse::<i32>().is_err()
        {
            return true;
        }
    }
    false
}

/// At most 200 characters of `s`, for messages.
pub fn clip(s: &str) -> String {
    if s.chars().count() <= 200 {
        return s.to_string();
    }
    let mut out: String = s.chars().take(199).collect();
    out.push('…');
    out
}

/// Classifies a shell command in the context's working directory.
pub fn classify(ctx: &Context, command: &str) -> Vec<Operation> {
    let mut shell = Shell::new(ctx);
    let mut state = State {
        cwd: Some(ctx.cwd.clone()),
        branch: Branch::OnDisk,
        functions: HashSet::new(),
        links: Vec::new(),
    };
    shell.script(command, &mut state);
    if shell.ops.is_empty() {
        // A script with no command (comments, blank) does nothing.
        return Vec::new();
    }
    shell.ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use writ_core::Tier;

    fn ctx() -> Context {
        Context::for_tests("/nonexistent/project", "/nonexistent/home")
    }

    fn over_limit(command: &str) -> bool {
        classify(&ctx(), command)
            .iter()
            .any(|op| op.action == "shell.over-limit")
    }

    #[test]
    fn many_commands_are_over_the_limit_not_truncated_quietly() {
        let long = vec!["true"; MAX_COMMANDS + 10].join("; ") + "; rm -rf ~";
        assert!(over_limit(&long));
    }

    #[test]
    fn deep_nesting_is_over_the_limit() {
        let mut nested = "true".to_string();
        for _ in 0..(MAX_DEPTH + 2) {
            nested = format!("sh -c {}", shell_quote(&nested));
        }
        assert!(over_limit(&nested));
        let brackets = "(".repeat(MAX_BRACKETS + 5) + "true" + &")".repeat(MAX_BRACKETS + 5);
        assert!(over_limit(&brackets));
    }

    #[test]
    fn long_text_is_over_the_limit() {
        let long = format!("echo {}", "a".repeat(MAX_COMMAND_BYTES));
        assert!(over_limit(&long));
    }

    #[test]
    fn a_cd_inside_a_subshell_does_not_leak_out() {
        let ops = classify(&ctx(), "(cd /nonexistent/project/src) ; rm -rf ../outside");
        let rm = ops
            .iter()
            .find(|o| o.action == "file.delete")
            .expect("rm decided");
        assert_eq!(rm.resource.name, "/nonexistent/outside");
        assert_eq!(rm.tier, Tier::Destructive);
    }

    #[test]
    fn deeply_nested_unclosed_parentheses_are_over_the_limit_not_slow() {
        // Found by fuzzing: the parser's backtracking doubles per level.
        let start = std::time::Instant::now();
        for command in [
            format!("time {}", "(".repeat(34)),
            "( (x)".repeat(30),
            format!("echo {}", "((".repeat(20)),
        ] {
            assert!(over_limit(&command), "{command}");
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        // Quoted parentheses are text, not nesting.
        let quoted = format!("echo '{}'", "(".repeat(40));
        assert!(!over_limit(&quoted));
        let nested = format!("{}true{}", "( ".repeat(MAX_PARENS), " )".repeat(MAX_PARENS));
        assert!(!over_limit(&nested));
    }

    #[test]
    fn a_here_document_the_tokenizer_mishandles_is_unknown_not_a_hang() {
        // Found by fuzzing: brush-parser panics on the first three and the
        // last, and loops until memory runs out on the others.
        for command in [
            "<<$((E)$\nE",
            "cat <<E $((x) y\nE\n",
            "cat 3<<$((E)\nE",
            "<<$( ))#",
            "$(<<\t|#",
            "cat <<E$( (x))#",
            "x<<\"\"))<<'E'",
            "<<\"'\"<<-EE||\\\n",
            "<<'EOF' ${${{}\nEOF",
        ] {
            let ops = classify(&ctx(), command);
            assert!(
                ops.iter().any(|op| op.tier == Tier::Unknown),
                "{command:?}: {ops:?}"
            );
        }
    }

    #[test]
    fn ordinary_here_documents_are_still_decided() {
        for command in [
            "git commit -m \"$(cat <<'EOF'\nfix: the parser\n\nbody\nEOF\n)\"",
            "cat > src/a.cpp <<'EOF'\nint main() { std::cout << $((1)); }\nEOF",
            "cat <<-END | wc -l\n\tone\n\tEND\necho $((1 << 3))",
            "python3 - <<PY\nprint(1 << 2)\nPY",
        ] {
            let ops = classify(&ctx(), command);
            assert!(
                ops.iter()
                    .all(|op| op.note.as_deref() != Some("a here-document writ cannot delimit")),
                "{command:?}: {ops:?}"
            );
        }
    }

    #[test]
    fn a_word_that_cannot_be_parsed_is_unknown_and_hides_nothing() {
        for command in [
            "echo ~99999999999999999999$(rm -rf /)",
            "echo ${a[}${a[}${a[}${a[}${a[}${a[}${a[}${a[}$(rm -rf /)",
            "cat <<E\n${a[}${a[}${a[}${a[}${a[}${a[}${a[}${a[}$(rm -rf /)\nE",
        ] {
            let ops = classify(&ctx(), command);
            assert!(
                ops.iter().any(|op| op.tier == Tier::Unknown),
                "{command:?}: {ops:?}"
            );
        }
    }

    #[test]
    fn an_option_with_a_multibyte_letter_is_decided_not_a_panic() {
        // Found by fuzzing: option names were cut at byte 2.
        for command in [
            "grep -\u{4cf}\u{451}no x",
            "ls -éa",
            "head -ñ5 f",
            "curl -éx https://example.com",
        ] {
            assert!(!classify(&ctx(), command).is_empty(), "{command}");
        }
    }

    #[test]
    fn an_oversized_fd_number_is_unknown_not_a_panic() {
        for command in [
            "99999999999>x",
            "echo hi 99999999999<<<x",
            "cat 4444444444<<EOF\nx\nEOF\n",
            "9999999999\\\n9>x",
            "sh -c 'true 99999999999>&1'",
        ] {
            let ops = classify(&ctx(), command);
            assert!(
                ops.iter().any(|op| op.tier == Tier::Unknown),
                "{command:?}: {ops:?}"
            );
        }
        assert!(!classify(&ctx(), "echo 99999999999 >/dev/null").is_empty());
    }

    fn shell_quote(s: &str) -> String {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
