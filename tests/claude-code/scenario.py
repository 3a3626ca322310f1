#!/usr/bin/env python3
"""The scenario of the writ end-to-end test with the real Claude Code CLI.

Run by run.sh (which installs the CLI, builds writ and, where it can, puts
this process in a network namespace of its own); see README.md.

It sets up a git repository on `feature/x` with a bare remote, a `.env`,
a temporary HOME and WRIT_HOME, starts a writ task, installs writ's hooks
into the project, runs `claude -p` against model_server.py, and checks what
ran, what was refused and what the audit trail says. Prints one
`PASS`/`FAIL` line last; exits 0 only on PASS.

Usage: scenario.py --writ BIN --claude BIN [--keep]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True
import model_server  # noqa: E402  (the script and the final text live there)

SCRIPT = model_server.script("")
PUSH_MAIN, READ_ENV, WRITE_NOTES, PUSH_FEATURE = (call[0] for call in SCRIPT)
NOTES_TEXT = SCRIPT[2][2]["content"]

# What keeps the CLI from reaching anything but the scripted model. The
# proxy variables point at the scripted model too: anything that ignores
# NO_PROXY and tries another host is logged there as a stray request.
QUIET_ENV = {
    "DISABLE_TELEMETRY": "1",
    "DISABLE_AUTOUPDATER": "1",
    "DISABLE_UPDATES": "1",
    "DISABLE_ERROR_REPORTING": "1",
    "DISABLE_BUG_COMMAND": "1",
    "DISABLE_FEEDBACK_COMMAND": "1",
    "DISABLE_GROWTHBOOK": "1",
    "DISABLE_INSTALLATION_CHECKS": "1",
    "DISABLE_COST_WARNINGS": "1",
    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    "CLAUDE_CODE_DISABLE_FEATURE_FLAGS": "1",
    "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL": "1",
    "CLAUDE_CODE_DISABLE_AUTO_MEMORY": "1",
}


class Failures:
    def __init__(self):
        self.items = []
        self.passed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print("  ok    " + what)
        else:
            self.items.append(what)
            print("  FAIL  " + what + (("\n        " + detail) if detail else ""))


def run(cmd, cwd, env, stdin=None, check=True, timeout=60):
    p = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True,
                       text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (cmd, p.returncode, p.stdout, p.stderr))
    return p


def git(args, cwd, env):
    return run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t",
                "-c", "init.defaultBranch=main"] + args, cwd, env).stdout.strip()


def ref(remote, name, env):
    p = run(["git", "rev-parse", "--verify", "-q", name], remote, env, check=False)
    return p.stdout.strip()


def setting(root, writ):
    """The repository, remote, homes and task. Returns (repo, remote, env, task)."""
    home = os.path.join(root, "home")
    os.makedirs(home)
    base_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "USER": "alice",
        "LOGNAME": "alice",
        "LANG": "C.UTF-8",
        "TMPDIR": os.path.join(root, "tmp"),
        "WRIT_HOME": os.path.join(root, "writ-home"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    os.makedirs(base_env["TMPDIR"])
    remote = os.path.join(root, "remote.git")
    repo = os.path.join(root, "repo")
    git(["init", "-q", "--bare", "-b", "main", remote], root, base_env)
    git(["init", "-q", "-b", "main", repo], root, base_env)
    with open(os.path.join(repo, "README"), "w") as f:
        f.write("a project\n")
    with open(os.path.join(repo, ".gitignore"), "w") as f:
        f.write(".env\n.claude/\n")
    with open(os.path.join(repo, ".env"), "w") as f:
        f.write("SECRET_TOKEN=not-a-real-secret\n")
    git(["add", "."], repo, base_env)
    git(["commit", "-qm", "init"], repo, base_env)
    git(["remote", "add", "origin", remote], repo, base_env)
    git(["push", "-q", "origin", "main"], repo, base_env)
    git(["checkout", "-q", "-b", "feature/x"], repo, base_env)
    git(["push", "-q", "-u", "origin", "feature/x"], repo, base_env)
    # One local commit the remote has not seen: a push that ran moves a ref.
    with open(os.path.join(repo, "work.txt"), "w") as f:
        f.write("feature work\n")
    git(["add", "work.txt"], repo, base_env)
    git(["commit", "-qm", "feature work"], repo, base_env)
    out = run([writ, "task", "start", "--repo", ".", "--branch", "feature/*", "--json"],
              repo, base_env).stdout
    task = json.loads(out)["id"]
    run([writ, "install", "claude", "--project", repo], repo, base_env)
    return repo, remote, base_env, task


def start_server(root, repo):
    log = os.path.join(root, "requests.jsonl")
    port_file = os.path.join(root, "port")
    errf = open(os.path.join(root, "server.stderr"), "w")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "model_server.py"),
                             "--repo", repo, "--log", log, "--port-file", port_file],
                            stdout=errf, stderr=errf)
    for _ in range(100):
        if os.path.exists(port_file):
            break
        if proc.poll() is not None:
            raise RuntimeError("the scripted model did not start; see server.stderr")
        time.sleep(0.05)
    with open(port_file) as f:
        return proc, int(f.read()), log


def read_log(path):
    entries = []
    if os.path.exists(path):
        with open(path) as f:
            entries = [json.loads(line) for line in f if line.strip()]
    return entries


def tool_results(entries):
    """tool_use_id -> the tool_result block the CLI sent back (last seen)."""
    found = {}
    for e in entries:
        if e.get("kind") != "messages":
            continue
        for m in e["body"].get("messages") or []:
            if isinstance(m.get("content"), list):
                for b in m["content"]:
                    if isinstance(b, dict) and b.get("type") == "tool_result":
                        found[b.get("tool_use_id")] = b
    return found


def result_text(block):
    c = block.get("content")
    if isinstance(c, list):
        return "\n".join(x.get("text", "") for x in c if isinstance(x, dict))
    return c or ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--writ", required=True)
    ap.add_argument("--claude", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    writ = os.path.abspath(args.writ)
    claude = os.path.abspath(args.claude)

    root = os.path.realpath(tempfile.mkdtemp(prefix="writ-claude-e2e-"))
    f = Failures()
    server = None
    ok = False
    try:
        repo, remote, env, task = setting(root, writ)
        main_before = ref(remote, "refs/heads/main", env)
        feature_before = ref(remote, "refs/heads/feature/x", env)
        local_feature = git(["rev-parse", "HEAD"], repo, env)
        server, port, log = start_server(root, repo)
        print("work folder %s, scripted model on 127.0.0.1:%d, task %s" % (root, port, task))

        cenv = dict(env)
        cenv.update(QUIET_ENV)
        url = "http://127.0.0.1:%d" % port
        cenv.update({
            "WRIT_TASK": task,
            "ANTHROPIC_BASE_URL": url,
            "ANTHROPIC_API_KEY": "sk-ant-dummy-key-for-a-scripted-model",
            "HTTPS_PROXY": url, "HTTP_PROXY": url, "https_proxy": url, "http_proxy": url,
            "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1",
        })
        # The CLI's own permissions let these tools through, so that writ is
        # the only gate: whatever is refused, writ refused.
        cmd = [claude, "-p", "Follow the script.", "--output-format", "json",
               "--allowedTools", "Bash,Read,Write", "--max-turns", "12"]
        t0 = time.time()
        p = run(cmd, repo, cenv, stdin="", check=False, timeout=300)
        with open(os.path.join(root, "claude.stdout"), "w") as out:
            out.write(p.stdout)
        with open(os.path.join(root, "claude.stderr"), "w") as out:
            out.write(p.stderr)
        print("claude -p exited %d after %.1fs" % (p.returncode, time.time() - t0))
        server.terminate()
        server.wait(timeout=10)
        server = None
        entries = read_log(log)

        print("the CLI run")
        f.check(p.returncode == 0, "claude -p exits 0", p.stderr[-2000:])
        try:
            res = json.loads(p.stdout)
        except ValueError:
            res = {}
        f.check(res.get("result") == model_server.FINAL_TEXT,
                "the run ends with the scripted final text", p.stdout[-2000:])
        answered = [e.get("answered") for e in entries if e.get("kind") == "messages"]
        f.check([a for a in answered if a and a.startswith("main:")] ==
                ["main:" + i for i in (PUSH_MAIN, READ_ENV, WRITE_NOTES, PUSH_FEATURE)]
                + ["main:final"],
                "the scripted model was asked five times, in order", str(answered))
        strays = [e for e in entries if e.get("kind") == "stray"]
        f.check(not strays, "no request tried to leave 127.0.0.1 (none via the proxy)",
                json.dumps(strays)[:1000])
        others = [e for e in entries if e.get("kind") == "unhandled"]
        if others:
            print("  note  requests the scripted model did not serve: %s"
                  % [(e.get("method"), e.get("path")) for e in others])
        denials = sorted(d.get("tool_use_id") for d in res.get("permission_denials") or [])
        f.check(denials == sorted([PUSH_MAIN, READ_ENV]),
                "the CLI reports exactly the push to main and the .env read as denied",
                str(denials))

        print("what ran")
        f.check(ref(remote, "refs/heads/main", env) == main_before,
                "remote main is unchanged")
        feature_after = ref(remote, "refs/heads/feature/x", env)
        f.check(feature_after == local_feature and feature_after != feature_before,
                "remote feature/x advanced to the local commit",
                "before %s after %s local %s" % (feature_before, feature_after, local_feature))
        notes = os.path.join(repo, "notes.txt")
        got = open(notes).read() if os.path.exists(notes) else None
        f.check(got == NOTES_TEXT, "notes.txt was written", repr(got))

        print("what the model was told")
        results = tool_results(entries)
        audit = [json.loads(line) for line in
                 run([writ, "audit", "tail", "-n", "10000", "--json"], repo, env)
                 .stdout.splitlines() if line.strip()]
        decisions = {}
        for r in audit:
            if r.get("kind") == "decision" and r.get("task_id") == task:
                decisions.setdefault(r.get("call_id"), []).append(r)
        for call, what in ((PUSH_MAIN, "push to main"), (READ_ENV, ".env read")):
            b = results.get(call, {})
            text = result_text(b)
            appr = ((decisions.get(call) or [{}])[0].get("detail") or {}).get("approval_id")
            f.check(b.get("is_error") is True and "writ" in text and "approval" in text
                    and bool(appr) and appr in text,
                    "the %s came back as an error naming writ and approval id %s"
                    % (what, appr), text[:500])
        f.check(READ_ENV in results and "not-a-real-secret" not in
                result_text(results[READ_ENV]), "the .env content never reached the model")
        for call, what, expect in ((WRITE_NOTES, "Write of notes.txt", "notes.txt"),
                                   (PUSH_FEATURE, "push to feature/x",
                                    "feature/x -> feature/x")):
            b = results.get(call, {})
            text = result_text(b)
            f.check(b.get("is_error") is not True and expect in text
                    and "hook error" not in text and "appr_" not in text,
                    "the %s came back as the tool's own output" % what, json.dumps(b)[:500])
        pending = json.loads(run([writ, "approvals", "--json"], repo, env).stdout)
        pending_ids = sorted(a["id"] for a in pending if a.get("task_id") == task)
        named = sorted(((decisions.get(c) or [{}])[0].get("detail") or {}).get("approval_id")
                       or "" for c in (PUSH_MAIN, READ_ENV))
        f.check(pending_ids == named and "" not in named,
                "those two approval ids are pending in `writ approvals`",
                "%s vs %s" % (pending_ids, named))

        print("the audit trail")
        expect = {PUSH_MAIN: ("approval", "merge"), READ_ENV: ("approval", "secret"),
                  WRITE_NOTES: ("allow", "write"), PUSH_FEATURE: ("allow", "write")}
        for call, (verdict, tier) in expect.items():
            got = [(r.get("decision"), r.get("tier")) for r in decisions.get(call, [])]
            f.check(got == [(verdict, tier)],
                    "one decision record for %s: %s (%s tier)" % (call, verdict, tier), str(got))
        stray_decisions = [r.get("call_id") for c, rs in decisions.items()
                           if c not in expect for r in rs]
        f.check(not stray_decisions,
                "no other decision records in the task (e.g. without a tool_use id)",
                str(stray_decisions))
        outcomes = {}
        for r in audit:
            if r.get("kind") == "outcome" and r.get("task_id") == task:
                outcomes.setdefault(r.get("call_id"), []).append(r)
        for call in (WRITE_NOTES, PUSH_FEATURE):
            got = [(r.get("detail") or {}).get("status") for r in outcomes.get(call, [])]
            f.check(got == ["success"], "an outcome record joined by %s: success" % call,
                    str(got))
        for call in (PUSH_MAIN, READ_ENV):
            f.check(call not in outcomes, "no outcome record for the refused %s" % call)
        def first_seq(records, call):
            return min((r["seq"] for r in records.get(call, [])), default=-1)
        order = [first_seq(decisions, c) for c in (PUSH_MAIN, READ_ENV, WRITE_NOTES, PUSH_FEATURE)]
        f.check(order == sorted(order) and -1 not in order,
                "decisions are recorded in the order the calls were made", str(order))
        f.check(all(-1 < first_seq(decisions, c) < first_seq(outcomes, c)
                    for c in (WRITE_NOTES, PUSH_FEATURE)),
                "each outcome comes after its decision")
        text = json.dumps(audit)
        f.check("not-a-real-secret" not in text and "sk-ant-dummy" not in text,
                "neither the .env value nor the API key is in the audit trail")
        v = run([writ, "audit", "verify"], repo, env, check=False)
        f.check(v.returncode == 0, "`writ audit verify` passes", (v.stdout + v.stderr)[-500:])
        run([writ, "task", "end", task], repo, env, check=False)
        ok = not f.items
    except Exception as e:  # a setup step failed: report it as the failure
        f.items.append("setup: %s" % e)
        print("  FAIL  %s" % e)
    finally:
        if server is not None:
            server.terminate()
    if ok:
        print("PASS: writ with the real Claude Code CLI (%d checks)" % f.passed)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        return 0
    print("FAIL: writ with the real Claude Code CLI: %d of %d checks failed; artifacts in %s"
          % (len(f.items), len(f.items) + f.passed, root))
    return 1


if __name__ == "__main__":
    sys.exit(main())
