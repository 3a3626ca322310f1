//! Shell words as bash will hand them to a program: quotes removed,
//! backslashes and `$'…'` decoded, `~` expanded. A word that still depends
//! on the run-time environment (a parameter, a substitution, a glob) is
//! [`Word::Dynamic`] and is never guessed at.

use brush_parser::ParserOptions;
use brush_parser::word::{TildeExpr, WordPiece, WordPieceWithSource};

/// One word after bash's static expansions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// Its value is known.
    Literal(String),
    /// Its value depends on the run time. `text` is a best-effort rendering
    /// for messages; `glob` is set when the only dynamic part is a pathname
    /// pattern, which is kept in `text` with quoted parts escaped.
    Dynamic {
        /// What it looks like.
        text: String,
        /// Only a glob makes it dynamic.
        glob: bool,
    },
}

impl Word {
    /// The value, when known.
    pub fn literal(&self) -> Option<&str> {
        match self {
            Word::Literal(s) => Some(s),
            Word::Dynamic { .. } => None,
        }
    }

    /// Text for messages.
    pub fn display(&self) -> &str {
        match self {
            Word::Literal(s) => s,
            Word::Dynamic { text, .. } => text,
        }
    }
}

/// A word with the command substitutions it holds, which run too and so
/// must be decided.
#[derive(Debug, Clone)]
pub struct Expanded {
    /// The word.
    pub word: Word,
    /// Source text of each `$(…)` or backquoted substitution inside it.
    pub substitutions: Vec<String>,
    /// A command runs inside a `${…}` or `$((…))` expansion, where writ
    /// cannot take it out to decide it.
    pub hidden_command: bool,
    /// Variables the word reads.
    pub variables: Vec<String>,
    /// The word could not be parsed, so what it runs or reads is unknown.
    pub unparsed: bool,
}

#[derive(Default)]
struct Builder {
    text: String,
    pattern: String,
    param: bool,
    glob: bool,
    substitutions: Vec<String>,
    hidden_command: bool,
    variables: Vec<String>,
}

impl Builder {
    fn literal(&mut self, s: &str) {
        self.text.push_str(s);
        for c in s.chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '\\' | '{' | '}') {
                self.pattern.push('\\');
            }
            self.pattern.push(c);
        }
    }

    fn dynamic(&mut self, shown: &str) {
        self.param = true;
        self.text.push_str(shown);
        self.pattern.push_str(shown);
    }
}

/// Expands one raw word from the parser. `home` is `$HOME` for `~`.
pub fn expand(raw: &str, home: &str) -> Expanded {
    let options = ParserOptions::default();
    let mut b = Builder::default();
    let pieces = if unsafe_to_parse(raw) {
        None
    } else {
        brush_parser::word::parse(raw, &options).ok()
    };
    let unparsed = pieces.is_none();
    match pieces {
        Some(pieces) => pieces_into(&pieces, false, home, &mut b),
        None => b.dynamic(raw),
    }
    let word = if b.param || b.glob {
        Word::Dynamic {
            text: if b.param { b.text } else { b.pattern },
            glob: b.glob && !b.param,
        }
    } else {
        Word::Literal(b.text)
    };
    Expanded {
        word,
        substitutions: b.substitutions,
        hidden_command: b.hidden_command,
        variables: b.variables,
        unparsed,
    }
}

/// Whether handing `raw` to brush-parser's word grammar would panic or
/// take exponential time; such text is treated as text that does not
/// parse.
pub fn unsafe_to_parse(raw: &str) -> bool {
    oversized_tilde_number(raw) || unclosed_subscript(raw) || paren_depth(raw) > MAX_WORD_PARENS
}

/// Deepest nesting of `(` handed to the word grammar. On unclosed ones it
/// tries every reading, three times longer for each level: 8 take
/// milliseconds, 16 half a minute.
const MAX_WORD_PARENS: usize = 8;

/// The deepest nesting of `(` in `raw`. Every `(` counts, but a `)` only
/// outside quotes and escapes, so quoted text can never hide an open one;
/// the figure may be too high, which only ever refuses more.
fn paren_depth(raw: &str) -> usize {
    #[derive(PartialEq)]
    enum Quote {
        None,
        Single,
        AnsiC,
        Double,
    }
    let (mut depth, mut max) = (0usize, 0usize);
    let mut quote = Quote::None;
    let mut previous = ' ';
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (&quote, c) {
            (_, '(') => {
                depth += 1;
                max = max.max(depth);
            }
            (Quote::None | Quote::Double | Quote::AnsiC, '\\') => {
                chars.next();
            }
            (Quote::None, '\'') if previous == '$' => quote = Quote::AnsiC,
            (Quote::None, '\'') => quote = Quote::Single,
            (Quote::None, '"') => quote = Quote::Double,
            (Quote::Single | Quote::AnsiC, '\'') | (Quote::Double, '"') => quote = Quote::None,
            (Quote::None, ')') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    max
}

/// Whether `raw` holds a parameter expansion whose array subscript is not
/// closed before its brace (`${a[}`). The grammar backtracks through every
/// reading of those, twenty times longer for each one: five take a second,
/// eight take hours. bash refuses them as bad substitutions.
fn unclosed_subscript(raw: &str) -> bool {
    raw.match_indices("${").any(|(at, _)| {
        let rest = &raw[at + 2..];
        let rest = rest.strip_prefix(['!', '#']).unwrap_or(rest);
        let name = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
                .len();
        let Some(subscript) = rest[name..].strip_prefix('[') else {
            return false;
        };
        // Braces of expansions inside the subscript (`${a[${i}]}`) nest.
        let mut depth = 0usize;
        for c in subscript.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return true,
                '}' => depth -= 1,
                ']' if depth == 0 => return false,
                _ => {}
            }
        }
        true
    })
}

/// Whether `raw` holds a directory-stack tilde (`~N`, `~+N`, `~-N`) whose
/// number does not fit a `usize`. brush-parser unwraps that number and
/// would panic, so such a word is treated as one that does not parse.
fn oversized_tilde_number(raw: &str) -> bool {
    let joined = raw.replace("\\\n", "");
    joined.match_indices('~').any(|(at, _)| {
        let rest = &joined[at + 1..];
        let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        digits > 0 && rest[..digits].parse::<usize>().is_err()
    })
}

fn pieces_into(pieces: &[WordPieceWithSource], quoted: bool, home: &str, b: &mut Builder) {
    for piece in pieces {
        piece_into(&piece.piece, quoted, home, b);
    }
}

fn piece_into(piece: &WordPiece, quoted: bool, home: &str, b: &mut Builder) {
    match piece {
        WordPiece::Text(s) if quoted => b.literal(s),
        WordPiece::Text(s) => unquoted_text(s, b),
        WordPiece::SingleQuotedText(s) => b.literal(s),
        WordPiece::AnsiCQuotedText(s) => match decode_ansi_c(s) {
            Some(decoded) => b.literal(&decoded),
            None => b.dynamic(&format!("$'{s}'")),
        },
        WordPiece::DoubleQuotedSequence(inner) | WordPiece::GettextDoubleQuotedSequence(inner) => {
            pieces_into(inner, true, home, b)
        }
        WordPiece::TildeExpansion(TildeExpr::Home) => b.literal(home),
        WordPiece::TildeExpansion(_) => b.dynamic("~?"),
        WordPiece::ParameterExpansion(expr) => {
            let shown = format!("{expr:?}");
            b.hidden_command |= holds_command(&shown);
            b.variables.extend(named_parameters(&shown));
            b.dynamic("$VAR");
        }
        WordPiece::CommandSubstitution(s) | WordPiece::BackquotedCommandSubstitution(s) => {
            b.substitutions.push(s.clone());
            b.dynamic("$(…)");
        }
        WordPiece::EscapeSequence(s) => b.literal(s.strip_prefix('\\').unwrap_or(s)),
        WordPiece::ArithmeticExpression(expr) => {
            b.hidden_command |= holds_command(&expr.value);
            b.dynamic("$((…))");
        }
    }
}

/// Whether text inside an expansion holds something bash would run: a
/// command or process substitution. `$((` alone is arithmetic.
pub fn holds_command(text: &str) -> bool {
    text.contains('`')
        || text.contains("<(")
        || text.contains(">(")
        || text.replace("$((", "").contains("$(")
}

/// Names of the variables an expansion reads, from the parser's rendering
/// of it.
pub fn named_parameters(shown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in ["Named(\"", "name: \""] {
        let mut rest = shown;
        while let Some(at) = rest.find(marker) {
            rest = &rest[at + marker.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Whether a variable's name says it holds a secret.
pub fn is_secret_variable(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "CREDENTIAL",
        "AUTH",
        "DATABASE_URL",
        "SESSION_KEY",
        "_PAT",
    ]
    .iter()
    .any(|part| upper.contains(part))
}

fn unquoted_text(s: &str, b: &mut Builder) {
    // Unquoted pattern characters make a glob; braces with a comma or a
    // range make a brace expansion. Both depend on the run time.
    if s.contains(['*', '?', '[']) || is_brace_expansion(s) || s.contains(['(', ')']) {
        b.glob = true;
        b.text.push_str(s);
        b.pattern.push_str(s);
    } else {
        b.literal(s);
    }
}

fn is_brace_expansion(s: &str) -> bool {
    match (s.find('{'), s.rfind('}')) {
        (Some(open), Some(close)) if open < close => {
            let inner = &s[open + 1..close];
            inner.contains(',') || inner.contains("..")
        }
        _ => false,
    }
}

/// Decodes the body of `$'…'`. Returns `None` for escapes whose value we do
/// not model (so the word stays dynamic rather than wrongly literal).
pub fn decode_ansi_c(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = chars.next()?;
        match escaped {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'e' | 'E' => out.push('\x1b'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' | '\'' | '"' | '?' => out.push(escaped),
            'x' => out.push(take_radix(&mut chars, 16, 2)?),
            'u' => out.push(take_radix(&mut chars, 16, 4)?),
            'U' => out.push(take_radix(&mut chars, 16, 8)?),
            '0'..='7' => {
                let mut value = escaped.to_digit(8)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

fn take_radix(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    radix: u32,
    max: usize,
) -> Option<char> {
    let mut value = 0u32;
    let mut taken = 0;
    while taken < max {
        match chars.peek().and_then(|c| c.to_digit(radix)) {
            Some(d) => {
                value = value.checked_mul(radix)?.checked_add(d)?;
                chars.next();
                taken += 1;
            }
            None => break,
        }
    }
    if taken == 0 {
        return None;
    }
    char::from_u32(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(raw: &str) -> Option<String> {
        expand(raw, "/home/u").word.literal().map(str::to_string)
    }

    #[test]
    fn quote_removal_joins_pieces() {
        assert_eq!(lit("r''m").as_deref(), Some("rm"));
        assert_eq!(lit(r#"g"i"t"#).as_deref(), Some("git"));
        assert_eq!(lit(r"r\m").as_deref(), Some("rm"));
        assert_eq!(lit("$'\\x72m'").as_deref(), Some("rm"));
        assert_eq!(lit("$'\\162m'").as_deref(), Some("rm"));
    }

    #[test]
    fn tilde_is_home() {
        assert_eq!(lit("~/.ssh").as_deref(), Some("/home/u/.ssh"));
        assert_eq!(lit("'~'/x").as_deref(), Some("~/x"));
    }

    #[test]
    fn expansions_are_dynamic() {
        assert!(lit("rm${IFS}-rf").is_none());
        assert!(lit("$(echo rm)").is_none());
        assert!(lit("src/*.rs").is_none());
        assert!(lit("{a,b}").is_none());
        assert_eq!(lit("'*'").as_deref(), Some("*"));
    }

    #[test]
    fn a_tilde_with_an_oversized_stack_number_is_dynamic_not_a_panic() {
        for raw in [
            "~99999999999999999999",
            "~+99999999999999999999/x",
            "~-99999999999999999999",
            "\"${x:-~99999999999999999999}\"",
            "a:~99999999999999999999",
        ] {
            assert!(lit(raw).is_none(), "{raw}");
        }
    }

    #[test]
    fn commands_hidden_in_expansions_are_noticed() {
        for raw in [
            "${x:-$(git push origin HEAD:main)}",
            "\"${x:+`cat ~/.ssh/id`}\"",
            "$(( a[$(cat .env)] ))",
            "${x[$(cat .env)]}",
            ": ${x:=$(rm -rf ~)}",
        ] {
            assert!(expand(raw, "/h").hidden_command, "{raw}");
        }
        assert!(!expand("${x:-default} $((1 + 2))", "/h").hidden_command);
    }

    #[test]
    fn secret_variables_are_named() {
        let e = expand("\"$AWS_SECRET_ACCESS_KEY ${GITHUB_TOKEN:-x}\"", "/h");
        assert!(
            e.variables.contains(&"AWS_SECRET_ACCESS_KEY".to_string()),
            "{:?}",
            e.variables
        );
        assert!(
            e.variables.contains(&"GITHUB_TOKEN".to_string()),
            "{:?}",
            e.variables
        );
        assert!(is_secret_variable("AWS_SECRET_ACCESS_KEY") && !is_secret_variable("HOME"));
    }

    #[test]
    fn unclosed_subscripts_and_parentheses_are_unparsed_not_slow() {
        // Found by fuzzing: eight unclosed subscripts, or sixteen unclosed
        // `$(`, took minutes to hours to parse.
        let start = std::time::Instant::now();
        let e = expand(&"${a[}".repeat(8), "/h");
        assert!(e.unparsed);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        let start = std::time::Instant::now();
        assert!(expand(&"$(x ".repeat(20), "/h").unparsed);
        assert!(expand(&format!("{}'{}'", "$(x ".repeat(12), ")".repeat(12)), "/h").unparsed);
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
        for raw in [
            "${a[0]}",
            "${a[$i]}",
            "${a[${b[1]}]}",
            "${a[${i}]}",
            "\"${a[@]}\"",
            "${#a[@]}",
        ] {
            assert!(!expand(raw, "/h").unparsed, "{raw}");
        }
    }

    #[test]
    fn substitutions_are_collected() {
        let e = expand("\"$(head -c 32 .env | base64).x\"", "/h");
        assert_eq!(
            e.substitutions,
            vec!["head -c 32 .env | base64".to_string()]
        );
    }
}
