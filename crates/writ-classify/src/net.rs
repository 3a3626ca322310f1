//! `curl` and `wget`: the host reached, whether the request sends data,
//! and the files read into it or written from it.

use writ_core::{Operation, Resource, Tier};

use crate::shell::{Shell, State, Word};
use crate::tools::{Access, file};

/// The host of a URL, if it has one that can be named.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn request(sh: &mut Shell<'_>, url: &Word, sends: bool) {
    let tier = if sends { Tier::Write } else { Tier::Read };
    let action = if sends { "http.send" } else { "http.get" };
    let resource = match url.literal().and_then(host_of) {
        Some(host) => Resource::host(host),
        None if sends => {
            return sh.unknown(url.display(), "sends data to a host writ cannot name");
        }
        None => Resource::host("?"),
    };
    sh.push(Operation::new(action, resource, tier));
}

/// A data argument: `@file` and `<file` read a file.
fn data_file(sh: &mut Shell<'_>, state: &State, value: &Word) {
    let Some(text) = value.literal() else { return };
    let name = text
        .split_once("=@")
        .map(|(_, f)| f)
        .or_else(|| text.split_once("=<").map(|(_, f)| f));
    let name = name
        .or_else(|| text.strip_prefix('@'))
        .or_else(|| text.strip_prefix('<'));
    if let Some(f) = name.map(|f| f.split(';').next().unwrap_or(f))
        && f != "-"
    {
        file(sh, state, &Word::Literal(f.to_string()), Access::Read);
    }
}

const CURL_VALUED: &[&str] = &[
    "-d",
    "--data",
    "--data-ascii",
    "--data-binary",
    "--data-raw",
    "--data-urlencode",
    "-F",
    "--form",
    "--form-string",
    "--json",
    "-T",
    "--upload-file",
    "-X",
    "--request",
    "-o",
    "--output",
    "-K",
    "--config",
    "-u",
    "--user",
    "-H",
    "--header",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "--netrc-file",
    "-x",
    "--proxy",
    "--resolve",
    "--connect-to",
    "-e",
    "--referer",
    "-A",
    "--user-agent",
    "-w",
    "--write-out",
    "--trace",
    "--trace-ascii",
    "--stderr",
    "-D",
    "--dump-header",
    "--unix-socket",
    "--abstract-unix-socket",
    "-m",
    "--max-time",
    "--connect-timeout",
    "--retry",
    "--output-dir",
    "-r",
    "--range",
    "-E",
    "--cert",
    "--key",
    "--cacert",
    "--capath",
    "--url",
    "-U",
    "--proxy-user",
    "--oauth2-bearer",
    "-Y",
    "-y",
    "-z",
    "--time-cond",
    "--limit-rate",
    "--max-filesize",
    "--interface",
    "-C",
    "--continue-at",
    "--variable",
    "--expand-data",
    "--expand-url",
];

/// `curl`.
pub fn curl(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    let mut sends = false;
    let mut urls = Vec::new();
    let mut i = 0;
    while let Some(word) = args.get(i) {
        i += 1;
        let Some(text) = word.literal() else {
            urls.push(word.clone());
            continue;
        };
        let (opt, inline) = match text.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(Word::Literal(v.to_string()))),
            _ => (text, None),
        };
        // `get` rather than indexing: a multibyte letter (`-é`) keeps the
        // option whole instead of cutting a character.
        let short_inline = (!opt.starts_with("--") && opt.starts_with('-'))
            .then(|| opt.get(..2).zip(opt.get(2..)))
            .flatten()
            .filter(|(_, v)| !v.is_empty())
            .map(|(o, v)| (o, Word::Literal(v.to_string())));
        let (opt, inline) = match short_inline {
            Some((o, v)) if CURL_VALUED.contains(&o) => (o, Some(v)),
            _ => (opt, inline),
        };
        if !opt.starts_with('-') {
            urls.push(word.clone());
            continue;
        }
        if opt == "-n" || opt == "--netrc" || opt == "--netrc-optional" {
            let netrc = Word::Literal(sh.ctx.home.join(".netrc").to_string_lossy().into_owned());
            file(sh, state, &netrc, Access::Read);
            continue;
        }
        if !CURL_VALUED.contains(&opt) {
            if opt == "-O" || opt == "--remote-name" || opt == "--remote-name-all" || opt == "-J" {
                let dest = Word::Dynamic {
                    text: "<remote name>".into(),
                    glob: false,
                };
                file(sh, state, &dest, Access::Write);
            }
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i - 1)
                    .cloned()
                    .unwrap_or(Word::Literal(String::new()))
            }
        };
        match opt {
            "-d" | "--data" | "--data-ascii" | "--data-binary" | "--data-urlencode" | "-F"
            | "--form" | "--json" => {
                sends = true;
                data_file(sh, state, &value);
            }
            "--data-raw" | "--form-string" => sends = true,
            "-T" | "--upload-file" => {
                sends = true;
                file(sh, state, &value, Access::Read);
            }
            "-X" | "--request" => {
                sends |= value.literal().is_none_or(|m| {
                    !matches!(m.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS")
                });
            }
            "-o" | "--output" | "-c" | "--cookie-jar" | "--trace" | "--trace-ascii"
            | "--stderr" | "-D" | "--dump-header" => file(sh, state, &value, Access::Write),
            "--netrc-file" | "-b" | "--cookie" | "--key" | "-E" | "--cert"
                if value.literal().is_some_and(|v| !v.contains('=')) =>
            {
                file(sh, state, &value, Access::Read);
            }
            "-H" | "--header" | "-w" | "--write-out" => data_file(sh, state, &value),
            "-K" | "--config" => sh.unknown("curl -K", "reads options from a file"),
            "--unix-socket" | "--abstract-unix-socket" => sh.unknown(
                "curl --unix-socket",
                "talks to a local socket such as a daemon's",
            ),
            "--url" => urls.push(value),
            "--output-dir" => file(sh, state, &value, Access::Write),
            _ => {}
        }
    }
    if urls.is_empty() {
        return sh.unknown("curl", "no URL writ can see");
    }
    for url in &urls {
        request(sh, url, sends);
    }
}

/// `wget`.
pub fn wget(sh: &mut Shell<'_>, args: &[Word], state: &State) {
    let mut sends = false;
    let mut output = false;
    let mut urls = Vec::new();
    let mut i = 0;
    while let Some(word) = args.get(i) {
        i += 1;
        let Some(text) = word.literal() else {
            urls.push(word.clone());
            continue;
        };
        if !text.starts_with('-') {
            urls.push(word.clone());
            continue;
        }
        let (opt, inline) = match text.split_once('=') {
            Some((o, v)) => (o, Some(Word::Literal(v.to_string()))),
            None => (text, None),
        };
        let valued = [
            "-O",
            "--output-document",
            "-o",
            "--output-file",
            "-a",
            "--append-output",
            "-i",
            "--input-file",
            "-P",
            "--directory-prefix",
            "--post-data",
            "--post-file",
            "--body-data",
            "--body-file",
            "--method",
            "-e",
            "--execute",
            "--header",
            "-U",
            "--user-agent",
            "--user",
            "--password",
            "-t",
            "--tries",
            "-T",
            "--timeout",
            "--config",
            "--load-cookies",
            "--save-cookies",
        ];
        if !valued.contains(&opt) {
            continue;
        }
        let value = inline.or_else(|| {
            i += 1;
            args.get(i - 1).cloned()
        });
        let Some(value) = value else { continue };
        match opt {
            "-O" | "--output-document" | "-o" | "--output-file" | "-a" | "--append-output"
            | "--save-cookies" => {
                output |= opt == "-O" || opt == "--output-document";
                file(sh, state, &value, Access::Write);
            }
            "-P" | "--directory-prefix" => {
                output = true;
                file(sh, state, &value, Access::Write);
            }
            "-i" | "--input-file" | "--load-cookies" => file(sh, state, &value, Access::Read),
            "--post-data" | "--body-data" => sends = true,
            "--post-file" | "--body-file" => {
                sends = true;
                file(sh, state, &value, Access::Read);
            }
            "--method" => {
                sends |= value
                    .literal()
                    .is_none_or(|m| !m.eq_ignore_ascii_case("GET"))
            }
            "-e" | "--execute" | "--config" => sh.unknown("wget", "runs wgetrc commands"),
            _ => {}
        }
    }
    if !output {
        let dest = Word::Dynamic {
            text: "<remote name>".into(),
            glob: false,
        };
        match &state.cwd {
            Some(_) => file(sh, state, &Word::Literal(".".into()), Access::Write),
            None => file(sh, state, &dest, Access::Write),
        }
    }
    if urls.is_empty() {
        return sh.unknown("wget", "no URL writ can see");
    }
    for url in &urls {
        request(sh, url, sends);
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_are_named_without_user_or_port() {
        assert_eq!(
            host_of("https://u:p@Example.com:8443/x").as_deref(),
            Some("example.com")
        );
        assert_eq!(host_of("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(host_of("example.com/path").as_deref(), Some("example.com"));
    }
}
