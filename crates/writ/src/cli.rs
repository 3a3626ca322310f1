//! Argument parsing and the commands that are not agent-facing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};
use writ_core::{
    ApprovalState, AuditRecord, Scope, Task, TaskState, Verdict, format_millis, new_id, now_millis,
    parse_duration,
};
use writ_gateway::{Engine, GrantLife, Invocation};

/// writ: decides what AI coding agents may do with your authority.
#[derive(Debug, Parser)]
#[command(name = "writ", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the daemon: holds policy and store open and answers hooks over a local socket.
    Serve,
    /// Answer an agent's hook (reads the event on stdin).
    Hook {
        /// The agent dialect: `claude`, `codex`, `cursor` or `gemini`.
        agent: String,
    },
    /// Dry run: decide one PreToolUse-shaped JSON from stdin, record nothing.
    Check,
    /// Start, end and list tasks.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Start a task, run an agent inside it, end the task when it exits.
    Run {
        #[command(flatten)]
        task: TaskArgs,
        /// The agent's command line.
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// List pending approvals.
    Approvals {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending approval: the identical call may then pass.
    Approve {
        /// The approval id.
        id: String,
        /// One identical retry (the default).
        #[arg(long, conflicts_with_all = ["for_", "task"])]
        once: bool,
        /// Identical retries for this long.
        #[arg(long = "for", value_name = "DUR")]
        for_: Option<String>,
        /// Identical retries until the task ends.
        #[arg(long)]
        task: bool,
    },
    /// Deny a pending approval.
    Deny {
        /// The approval id.
        id: String,
        /// Why, for the audit trail.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Read and verify the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Validate and test the policy pack.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Configure an agent to ask writ before each tool call.
    Install {
        /// The agent: `claude`, `codex`, `cursor` or `gemini`.
        agent: String,
        /// The project folder whose agent config to change: `.claude/settings.json`,
        /// `.codex/hooks.json`, `.cursor/hooks.json` or `.gemini/settings.json`.
        #[arg(long, conflicts_with = "user")]
        project: Option<PathBuf>,
        /// Change the agent's config in your home folder (`~/.claude`, `$CODEX_HOME`
        /// or `~/.codex`, `~/.cursor`, `~/.gemini`).
        #[arg(long)]
        user: bool,
        /// Remove writ's hook entries instead.
        #[arg(long)]
        uninstall: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TaskCommand {
    /// Start a task; prints its id.
    Start {
        #[command(flatten)]
        task: TaskArgs,
        /// Print `{"id": …}`.
        #[arg(long)]
        json: bool,
    },
    /// End a task; its grants end with it.
    End {
        /// The task id.
        id: String,
    },
    /// List tasks.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replace an active task's scope; every grant of the task ends.
    Scope {
        /// The task id.
        id: String,
        /// The new scope (the same options as `task start`).
        #[command(flatten)]
        task: Box<TaskArgs>,
    },
}

#[derive(Debug, Args, Clone)]
struct TaskArgs {
    /// The delegating user (default: the local user).
    #[arg(long)]
    user: Option<String>,
    /// The agent acting for the user.
    #[arg(long, default_value = "claude-code")]
    agent: String,
    /// A repository: a local path or `owner/name`. Repeatable.
    #[arg(long = "repo")]
    repos: Vec<String>,
    /// A branch glob such as `feature/*`. Repeatable.
    #[arg(long = "branch")]
    branches: Vec<String>,
    /// A path glob. Repeatable.
    #[arg(long = "path")]
    paths: Vec<String>,
    /// A network host. Repeatable.
    #[arg(long = "host")]
    hosts: Vec<String>,
    /// Lifetime, such as `2h` (default from writ.toml).
    #[arg(long)]
    ttl: Option<String>,
    /// Stall after this long without a call.
    #[arg(long)]
    idle: Option<String>,
    /// What the work is for.
    #[arg(long, default_value = "")]
    purpose: String,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Print the newest records.
    Tail {
        /// How many.
        #[arg(short = 'n', default_value_t = 20)]
        n: usize,
        /// Print JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Check the hash chain; exits non-zero naming the first bad record.
    Verify,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Validate the pack in writ's home.
    Check,
    /// Run the cases in a TOML file against the pack.
    Test {
        /// The cases file.
        file: PathBuf,
        /// Task scope for the cases, overriding the file's `[setting]`.
        #[command(flatten)]
        task: Box<TaskArgs>,
    },
}

/// Prints a line to stdout. A reader that went away (`writ … | head`)
/// ends the command quietly instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::emit(format_args!($($arg)*))
    };
}

/// Writes one line to stdout; exits quietly on a closed pipe.
pub fn emit(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("writ: cannot write output: {e}");
        std::process::exit(1);
    }
}

/// The local user's name.
pub fn local_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "user".into())
}

/// writ's home: `$WRIT_HOME`, else the platform's data directory.
pub fn writ_home() -> PathBuf {
    std::env::var_os("WRIT_HOME")
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("writ")))
        .unwrap_or_else(|| PathBuf::from(".writ"))
}

/// `$HOME`.
pub fn user_home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| PathBuf::from("/"))
}

/// Opens the engine over writ's home.
pub fn open_engine() -> Result<Engine> {
    let home = writ_home();
    Engine::open(&home, &local_user(), &user_home()).map_err(|e| anyhow!("{e}"))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Hook { agent } = &cli.command {
        return crate::hook::run(agent);
    }
    init_tracing();
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("writ: {}", one_line(&format!("{e:#}")));
            ExitCode::from(1)
        }
    }
}

fn init_tracing() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("WRIT_LOG").unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn dispatch(command: Command) -> Result<ExitCode> {
    match command {
        Command::Serve => serve(),
        Command::Hook { .. } => unreachable_hook(),
        Command::Check => check(),
        Command::Task(t) => task(t),
        Command::Run { task, command } => run(task, command),
        Command::Approvals { json } => approvals(json),
        Command::Approve {
            id,
            once: _,
            for_,
            task,
        } => {
            let life = match (for_, task) {
                (Some(d), _) => GrantLife::For(
                    i64::try_from(parse_duration(&d)?.as_millis()).unwrap_or(i64::MAX),
                ),
                (None, true) => GrantLife::Task,
                _ => GrantLife::Once,
            };
            answer(&id, true, life, None)
        }
        Command::Deny { id, reason } => answer(&id, false, GrantLife::Once, reason.as_deref()),
        Command::Audit(AuditCommand::Tail { n, json }) => audit_tail(n, json),
        Command::Audit(AuditCommand::Verify) => audit_verify(),
        Command::Policy(PolicyCommand::Check) => policy_check(),
        Command::Policy(PolicyCommand::Test { file, task }) => policy_test(&file, &task),
        Command::Install {
            agent,
            project,
            user,
            uninstall,
        } => crate::install::run(&agent, project, user, uninstall),
    }
}

fn unreachable_hook() -> Result<ExitCode> {
    bail!("`writ hook` is handled before dispatch")
}

fn serve() -> Result<ExitCode> {
    let engine = Arc::new(open_engine()?);
    let socket = engine.home.socket_path();
    let sweeper = Arc::clone(&engine);
    std::thread::spawn(move || {
        loop {
            if let Err(e) = sweeper.sweep(now_millis()) {
                tracing::warn!(error = %e, "task sweep failed");
            }
            std::thread::sleep(std::time::Duration::from_secs(5));
        }
    });
    out!(
        "writ serve: home `{}`, socket `{}`; stop with Ctrl-C",
        engine.home.root.display(),
        socket.display()
    );
    writ_gateway::socket::serve(engine, &socket).context("serving the socket")?;
    Ok(ExitCode::SUCCESS)
}

/// Reads a hook-shaped JSON object from stdin, capped.
pub fn read_stdin_json(cap: usize) -> Result<Value> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(cap as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > cap {
        bail!("input larger than {cap} bytes");
    }
    let text = String::from_utf8(bytes).map_err(|_| anyhow!("input is not valid UTF-8"))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| anyhow!("input is not valid JSON: {e}"))?;
    if !value.is_object() {
        bail!("input is not a JSON object");
    }
    Ok(value)
}

fn check() -> Result<ExitCode> {
    let input = read_stdin_json(crate::hook::MAX_INPUT)?;
    let engine = open_engine()?;
    let inv = Invocation {
        enforcement_point: "cli:check".into(),
        agent: std::env::var("WRIT_AGENT").unwrap_or_else(|_| "claude-code".into()),
        task_id: std::env::var("WRIT_TASK").ok().filter(|t| !t.is_empty()),
        tool_name: input["tool_name"]
            .as_str()
            .ok_or_else(|| anyhow!("input has no `tool_name`"))?
            .to_string(),
        tool_input: input.get("tool_input").cloned().unwrap_or(json!({})),
        cwd: input["cwd"]
            .as_str()
            .map(PathBuf::from)
            .unwrap_or(std::env::current_dir()?),
        call_id: None,
        session_id: None,
    };
    let ev = engine.evaluate(&inv, now_millis());
    let d = &ev.decision;
    let out = json!({
        "decision": d.decision,
        "tier": d.tier,
        "operations": d.operations.iter().map(|o| json!({"action": o.action, "resource": o.resource.name, "tier": o.tier})).collect::<Vec<_>>(),
        "reasons": d.reasons,
        "policies": d.policies,
    });
    out!("{}", serde_json::to_string_pretty(&out)?);
    Ok(ExitCode::SUCCESS)
}

fn new_task(engine: &Engine, args: &TaskArgs) -> Result<Task> {
    let user = args.user.clone().unwrap_or_else(local_user);
    if !engine.config.users.contains_key(&user) {
        bail!("user `{user}` is not in writ.toml; add [users.{user}] first");
    }
    match engine.user_of(&args.agent) {
        Some(u) if u == user => {}
        Some(u) => bail!("agent `{}` acts for `{u}`, not `{user}`", args.agent),
        None => bail!(
            "agent `{}` is not in writ.toml; add [agents.{}]",
            args.agent,
            args.agent
        ),
    }
    let cwd = std::env::current_dir()?;
    let repos = args
        .repos
        .iter()
        .map(|r| {
            let p = cwd.join(r);
            if p.is_dir() {
                p.canonicalize()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| r.clone())
            } else {
                r.clone()
            }
        })
        .collect();
    let paths = args
        .paths
        .iter()
        .map(|p| {
            if Path::new(p).is_absolute() {
                p.clone()
            } else {
                cwd.join(p).to_string_lossy().into_owned()
            }
        })
        .collect();
    writ_classify::Globs::new(&args.branches).map_err(|e| anyhow!("--branch: {e}"))?;
    writ_classify::Globs::new(&args.hosts).map_err(|e| anyhow!("--host: {e}"))?;
    let ttl = parse_duration(
        args.ttl
            .as_deref()
            .unwrap_or(&engine.config.defaults.task_ttl),
    )?;
    let idle = args.idle.as_deref().map(parse_duration).transpose()?;
    let now = now_millis();
    Ok(Task {
        id: new_id("task"),
        user,
        agent: args.agent.clone(),
        purpose: args.purpose.clone(),
        scope: Scope {
            repos,
            branches: args.branches.clone(),
            paths,
            hosts: args.hosts.clone(),
        },
        state: TaskState::Active,
        created_at: now,
        expires_at: now + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2),
        idle_ms: idle.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        last_seen_at: now,
        ended_at: None,
    })
}

fn task_record(task: &Task, what: &str) -> AuditRecord {
    AuditRecord {
        seq: 0,
        time: now_millis(),
        kind: "task".into(),
        user: Some(task.user.clone()),
        agent: Some(task.agent.clone()),
        task_id: Some(task.id.clone()),
        enforcement_point: "cli".into(),
        call_id: None,
        decision: None,
        tier: None,
        detail: json!({ "event": what, "scope": task.scope, "purpose": task.purpose, "expires_at": task.expires_at }),
        prev_hash: String::new(),
        hash: String::new(),
    }
}

fn start_task(engine: &Engine, args: &TaskArgs) -> Result<Task> {
    refuse_inside_agent("start a task")?;
    let task = new_task(engine, args)?;
    engine.store.insert_task(&task)?;
    engine.store.append(task_record(&task, "started"))?;
    Ok(task)
}

fn end_task(engine: &Engine, id: &str) -> Result<bool> {
    let ended = engine.store.end_task(id, TaskState::Ended, now_millis())?;
    if let Some(task) = engine.store.task(id)? {
        engine.store.append(task_record(&task, "ended"))?;
    }
    Ok(ended)
}

fn task(command: TaskCommand) -> Result<ExitCode> {
    let engine = open_engine()?;
    match command {
        TaskCommand::Start { task, json } => {
            let task = start_task(&engine, &task)?;
            if json {
                out!("{}", json!({ "id": task.id }));
            } else {
                out!("{}", task.id);
            }
        }
        TaskCommand::Scope { id, task } => {
            refuse_inside_agent("change a task's scope")?;
            let current = engine
                .store
                .task(&id)?
                .ok_or_else(|| anyhow!("no task `{id}`; see `writ task list`"))?;
            if current.effective_state(now_millis()) != TaskState::Active {
                bail!("task `{id}` is not active");
            }
            let args = TaskArgs {
                user: Some(current.user.clone()),
                agent: current.agent.clone(),
                ..*task
            };
            let scope = new_task(&engine, &args)?.scope;
            engine.store.set_task_scope(&id, &scope, now_millis())?;
            if let Some(updated) = engine.store.task(&id)? {
                engine
                    .store
                    .append(task_record(&updated, "scope changed; grants ended"))?;
            }
            out!("task `{id}`: scope replaced; its grants have ended");
        }
        TaskCommand::End { id } => {
            refuse_inside_agent("end a task")?;
            if engine.store.task(&id)?.is_none() {
                bail!("no task `{id}`; see `writ task list`");
            }
            if !end_task(&engine, &id)? {
                out!("task `{id}` was not active");
            }
        }
        TaskCommand::List { json } => {
            let now = now_millis();
            engine.sweep(now).map_err(|e| anyhow!("{e}"))?;
            let tasks = engine.store.tasks()?;
            if json {
                let list: Vec<Value> = tasks
                    .iter()
                    .map(|t| {
                        let mut v = serde_json::to_value(t).unwrap_or_default();
                        v["state"] = json!(t.effective_state(now));
                        v
                    })
                    .collect();
                out!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for t in tasks {
                    out!(
                        "{}  {:8}  {} for {}  expires {}  {}",
                        t.id,
                        t.effective_state(now).as_str(),
                        t.agent,
                        t.user,
                        format_millis(t.expires_at),
                        t.purpose
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run(args: TaskArgs, command: Vec<String>) -> Result<ExitCode> {
    let engine = open_engine()?;
    let task = start_task(&engine, &args)?;
    eprintln!("writ: task {} started for {}", task.id, task.agent);
    let status = std::process::Command::new(&command[0])
        .args(&command[1..])
        .env("WRIT_TASK", &task.id)
        .status();
    end_task(&engine, &task.id)?;
    eprintln!("writ: task {} ended", task.id);
    let status = status.with_context(|| format!("cannot run `{}`", command[0]))?;
    Ok(ExitCode::from(
        u8::try_from(status.code().unwrap_or(1)).unwrap_or(1),
    ))
}

/// Refuses when called from inside an agent's environment: an agent never
/// starts its own authority or approves its own calls.
fn refuse_inside_agent(what: &str) -> Result<()> {
    for var in [
        "WRIT_TASK",
        "CLAUDECODE",
        "CLAUDE_CODE_SESSION_ID",
        "CODEX_SANDBOX",
        "CURSOR_AGENT",
        "GEMINI_CLI",
    ] {
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            bail!(
                "refusing to {what} from inside an agent's environment (`{var}` is set); an agent can never do this"
            );
        }
    }
    Ok(())
}

fn approvals(json_out: bool) -> Result<ExitCode> {
    let engine = open_engine()?;
    let now = now_millis();
    let pending: Vec<_> = engine
        .store
        .approvals(Some(ApprovalState::Pending))?
        .into_iter()
        .filter(|a| a.expires_at > now)
        .collect();
    if json_out {
        out!("{}", serde_json::to_string_pretty(&pending)?);
        return Ok(ExitCode::SUCCESS);
    }
    if pending.is_empty() {
        out!("no pending approvals");
    }
    for a in pending {
        let what = match a.summary["tool"].as_str() {
            Some("Bash") => a.summary["input"]["command"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            Some(tool) => format!("{tool} {}", a.summary["input"]),
            None => String::new(),
        };
        out!(
            "{}  {:11}  task {}  {}  expires {}",
            a.id,
            a.tier.as_str(),
            a.task_id,
            what,
            format_millis(a.expires_at)
        );
        for r in a.summary["reasons"].as_array().into_iter().flatten() {
            out!("    {}", r.as_str().unwrap_or(""));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn answer(id: &str, approve: bool, life: GrantLife, reason: Option<&str>) -> Result<ExitCode> {
    refuse_inside_agent(if approve { "approve" } else { "deny" })?;
    let engine = open_engine()?;
    let answered = engine
        .answer(id, &local_user(), approve, life, reason)
        .map_err(|e| anyhow!("{e}"))?;
    match answered.grant_id {
        Some(g) => out!("approved {id}: grant {g}"),
        None => out!("denied {id}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_tail(n: usize, json_out: bool) -> Result<ExitCode> {
    let engine = open_engine()?;
    for r in engine.store.audit_tail(n)? {
        if json_out {
            out!("{}", serde_json::to_string(&r)?);
        } else {
            let what = r.detail["invocation"]["input"]["command"]
                .as_str()
                .map(str::to_string)
                .or_else(|| r.detail["invocation"]["tool"].as_str().map(str::to_string))
                .or_else(|| r.detail["event"].as_str().map(str::to_string))
                .or_else(|| r.detail["status"].as_str().map(str::to_string))
                .unwrap_or_default();
            out!(
                "{:>6}  {}  {:8}  {:8}  {:11}  {}  {}",
                r.seq,
                format_millis(r.time),
                r.kind,
                r.decision.map(Verdict::as_str).unwrap_or("-"),
                r.tier.map(|t| t.as_str()).unwrap_or("-"),
                r.task_id.as_deref().unwrap_or("-"),
                what
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn audit_verify() -> Result<ExitCode> {
    let engine = open_engine()?;
    let report = engine.store.verify()?;
    match report.first_bad {
        None => {
            out!("audit trail intact: {} records", report.records);
            Ok(ExitCode::SUCCESS)
        }
        Some(bad) => {
            eprintln!(
                "writ: audit trail broken at record {}: {}",
                bad.seq, bad.why
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn policy_check() -> Result<ExitCode> {
    let engine = open_engine()?;
    out!(
        "policy pack `{}`: {} policies, valid",
        engine.home.policies_dir().display(),
        engine.pack.len()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    #[serde(default)]
    setting: Option<CaseTask>,
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Debug, serde::Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
struct CaseTask {
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default)]
    repos: Vec<String>,
    #[serde(default)]
    branches: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    no_task: bool,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    command: Option<String>,
    #[serde(default)]
    tool_name: Option<String>,
    #[serde(default)]
    tool_input: Option<Value>,
    expect: String,
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    why: Option<String>,
}

fn policy_test(file: &Path, args: &TaskArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read `{}`", file.display()))?;
    let cases: CaseFile = toml::from_str(&text)
        .map_err(|e| anyhow!("`{}`: {}", file.display(), one_line(&e.to_string())))?;
    let engine = open_engine()?;
    let mut setting = cases.setting.unwrap_or_default();
    let cwd_now = std::env::current_dir()?;
    let absolute = |p: &String| {
        if Path::new(p).is_absolute() {
            p.clone()
        } else {
            cwd_now
                .join(p)
                .canonicalize()
                .map(|c| c.to_string_lossy().into_owned())
                .unwrap_or_else(|_| p.clone())
        }
    };
    if !args.repos.is_empty() {
        setting.repos = args
            .repos
            .iter()
            .map(|r| {
                if cwd_now.join(r).is_dir() {
                    absolute(r)
                } else {
                    r.clone()
                }
            })
            .collect();
    }
    if !args.branches.is_empty() {
        setting.branches = args.branches.clone();
    }
    if !args.paths.is_empty() {
        setting.paths = args.paths.iter().map(absolute).collect();
    }
    if !args.hosts.is_empty() {
        setting.hosts = args.hosts.clone();
    }
    let cwd = setting
        .cwd
        .clone()
        .map(PathBuf::from)
        .unwrap_or(std::env::current_dir()?);
    let now = now_millis();
    let user = local_user();
    let task = (!setting.no_task).then(|| Task {
        id: "task_policy_test".into(),
        user: args.user.clone().unwrap_or_else(|| user.clone()),
        agent: "claude-code".into(),
        purpose: "writ policy test".into(),
        scope: Scope {
            repos: setting.repos.clone(),
            branches: setting.branches.clone(),
            paths: setting.paths.clone(),
            hosts: setting.hosts.clone(),
        },
        state: TaskState::Active,
        created_at: now,
        expires_at: now + 3_600_000,
        idle_ms: None,
        last_seen_at: now,
        ended_at: None,
    });
    let (mut passed, mut failed) = (0, 0);
    for case in &cases.cases {
        let (tool, input) = match (&case.command, &case.tool_name) {
            (Some(c), _) => ("Bash".to_string(), json!({ "command": c })),
            (None, Some(t)) => (t.clone(), case.tool_input.clone().unwrap_or(json!({}))),
            (None, None) => bail!("a case needs `command` or `tool_name`"),
        };
        let inv = Invocation {
            enforcement_point: "cli:policy-test".into(),
            agent: "claude-code".into(),
            task_id: task.as_ref().map(|t| t.id.clone()),
            tool_name: tool,
            tool_input: input.clone(),
            cwd: cwd.clone(),
            call_id: None,
            session_id: None,
        };
        let ev = engine.evaluate_in(&inv, task.clone(), now);
        let got = ev.decision.decision;
        let ok_decision = match case.expect.as_str() {
            "allow" => got == Verdict::Allow,
            "deny" => got == Verdict::Deny,
            "approval" => got == Verdict::Approval,
            "not-allow" => got != Verdict::Allow,
            other => bail!("unknown expect `{other}`; use allow, deny, approval or not-allow"),
        };
        let ok_tier = case
            .tier
            .as_deref()
            .is_none_or(|t| t == ev.decision.tier.as_str());
        let shown = input
            .get("command")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| input.to_string());
        if ok_decision && ok_tier {
            passed += 1;
        } else {
            failed += 1;
            out!(
                "FAIL  {shown}\n      expected {} {}; got {} {} ({})",
                case.expect,
                case.tier.as_deref().unwrap_or(""),
                got,
                ev.decision.tier,
                ev.decision.reasons.join("; ")
            );
            if let Some(why) = &case.why {
                out!("      why: {why}");
            }
        }
    }
    out!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
