//! Enough of sed's script grammar to find what a script reads, writes and
//! runs: `r`/`R` read a file, `w`/`W` and the `w` flag of `s` write one,
//! `e` and the `e` flag of `s` run a command.

/// One effect of a sed script beyond its input and output streams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Reads this file.
    Read(String),
    /// Writes this file.
    Write(String),
    /// Runs a command.
    Exec,
}

/// Lists the effects of a sed script, or says why it cannot be read.
pub fn effects(script: &str) -> Result<Vec<Effect>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        i = skip_address(&chars, i)?;
        let Some(&c) = chars.get(i) else { break };
        i += 1;
        match c {
            ' ' | '\t' | '\n' | ';' | '{' | '}' | '!' => {}
            '#' | ':' | 'b' | 't' | 'T' => i = to_end(&chars, i, c != '#' && c != ':'),
            'a' | 'i' | 'c' => i = text_arg(&chars, i),
            'r' | 'R' => {
                let (name, next) = filename(&chars, i);
                out.push(Effect::Read(name));
                i = next;
            }
            'w' | 'W' => {
                let (name, next) = filename(&chars, i);
                out.push(Effect::Write(name));
                i = next;
            }
            'e' => {
                out.push(Effect::Exec);
                i = to_end(&chars, i, false);
            }
            's' => i = substitute(&chars, i, &mut out)?,
            'y' => {
                let delim = *chars.get(i).ok_or("`y` without a delimiter")?;
                i = delimited(&chars, i + 1, delim)?;
                i = delimited(&chars, i, delim)?;
            }
            'q' | 'Q' | 'l' | 'L' => {
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_digit() || *c == ' ')
                {
                    i += 1;
                }
            }
            'd' | 'D' | 'g' | 'G' | 'h' | 'H' | 'n' | 'N' | 'p' | 'P' | 'x' | 'z' | '=' | 'F' => {}
            'v' => i = to_end(&chars, i, true),
            other => return Err(format!("command `{other}` is not modelled")),
        }
    }
    Ok(out)
}

fn skip_address(chars: &[char], mut i: usize) -> Result<usize, String> {
    for _ in 0..2 {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        match chars.get(i) {
            Some(c) if c.is_ascii_digit() || *c == '$' || *c == '~' || *c == '+' => {
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '$' | '~' | '+'))
                {
                    i += 1;
                }
            }
            Some('/') => i = delimited(chars, i + 1, '/')?,
            Some('\\') => {
                let delim = *chars.get(i + 1).ok_or("address without a delimiter")?;
                i = delimited(chars, i + 2, delim)?;
            }
            _ => return Ok(i),
        }
        while chars.get(i).is_some_and(|c| *c == 'I' || *c == 'M') {
            i += 1;
        }
        if chars.get(i) == Some(&',') {
            i += 1;
        } else {
            return Ok(i);
        }
    }
    Ok(i)
}

/// Index after the closing `delim`, honouring backslash escapes.
fn delimited(chars: &[char], mut i: usize, delim: char) -> Result<usize, String> {
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            i += 2;
            continue;
        }
        i += 1;
        if c == delim {
            return Ok(i);
        }
    }
    Err("unterminated expression".into())
}

fn to_end(chars: &[char], mut i: usize, stop_at_semicolon: bool) -> usize {
    while let Some(&c) = chars.get(i) {
        if c == '\n' || (stop_at_semicolon && (c == ';' || c == '}')) {
            break;
        }
        i += 1;
    }
    i
}

fn text_arg(chars: &[char], mut i: usize) -> usize {
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            i += 2;
            continue;
        }
        if c == '\n' {
            break;
        }
        i += 1;
    }
    i
}

/// A file name runs to the end of the line, after leading blanks.
fn filename(chars: &[char], mut i: usize) -> (String, usize) {
    while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
        i += 1;
    }
    let end = to_end(chars, i, false);
    (chars[i..end].iter().collect(), end)
}

fn substitute(chars: &[char], i: usize, out: &mut Vec<Effect>) -> Result<usize, String> {
    let delim = *chars.get(i).ok_or("`s` without a delimiter")?;
    if delim == '\n' || delim == '\\' {
        return Err("`s` with an odd delimiter".into());
    }
    let mut i = delimited(chars, i + 1, delim)?;
    i = delimited(chars, i, delim)?;
    while let Some(&c) = chars.get(i) {
        match c {
            'w' => {
                let (name, next) = filename(chars, i + 1);
                out.push(Effect::Write(name));
                return Ok(next);
            }
            'e' => out.push(Effect::Exec),
            'g' | 'p' | 'i' | 'I' | 'm' | 'M' => {}
            c if c.is_ascii_digit() => {}
            _ => break,
        }
        i += 1;
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_writes_reads_and_execs() {
        assert_eq!(
            effects("1w .git/hooks/pre-commit").unwrap(),
            vec![Effect::Write(".git/hooks/pre-commit".into())]
        );
        assert_eq!(
            effects("s/a/b/w out.txt").unwrap(),
            vec![Effect::Write("out.txt".into())]
        );
        assert_eq!(
            effects("/x/r secret").unwrap(),
            vec![Effect::Read("secret".into())]
        );
        assert_eq!(effects("s/x/id/e").unwrap(), vec![Effect::Exec]);
        assert_eq!(effects("1e id").unwrap(), vec![Effect::Exec]);
    }

    #[test]
    fn plain_scripts_have_no_effects() {
        assert!(effects("s/foo/bar/g").unwrap().is_empty());
        assert!(effects("-n").is_err() || effects("1,5p").unwrap().is_empty());
        assert!(effects("/^#/d; s|a/b|c|2").unwrap().is_empty());
        assert!(effects("$!N;P;D").unwrap().is_empty());
    }

    #[test]
    fn the_w_inside_a_regex_is_not_a_command() {
        assert!(effects("s/w/W/").unwrap().is_empty());
        assert!(effects("/w x/p").unwrap().is_empty());
    }
}
