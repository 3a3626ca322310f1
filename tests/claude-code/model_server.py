#!/usr/bin/env python3
"""A scripted stand-in for the Anthropic Messages API, for the writ end-to-end
test with the real Claude Code CLI.

It listens on 127.0.0.1 only and answers just enough of the API for
`claude -p`: `POST /v1/messages` (streamed as server-sent events when the
request asks for `stream: true`, else one JSON body) and
`POST /v1/messages/count_tokens`. Every request is appended to a JSON-lines
log so the test can read what the CLI sent back (the tool results).

The main conversation is recognised by its tool list (it offers `Bash`).
Its replies follow a fixed script: each reply asks for the first scripted
tool call whose id the conversation does not contain yet; once all have
been asked for, it answers with a final text. Any other `/v1/messages`
request (title or summary generation, and the like) gets a short text.

Anything else is logged and refused, including a proxy `CONNECT`: with
HTTP(S)_PROXY pointed here, any attempt to reach another host shows up in
the log as a stray request, which the test treats as a failure.

Usage: model_server.py --repo DIR --log FILE --port-file FILE
"""

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "claude-scripted-1"
FINAL_TEXT = "Done: two calls were refused by writ, two went ahead."


def script(repo):
    """The tool calls the scripted model makes, in order."""
    return [
        ("toolu_01WritE2ePushMain0000000", "Bash",
         {"command": "git push origin HEAD:main",
          "description": "Push the branch to main"}),
        ("toolu_02WritE2eReadEnv00000000", "Read",
         {"file_path": repo + "/.env"}),
        ("toolu_03WritE2eWriteNotes00000", "Write",
         {"file_path": repo + "/notes.txt",
          "content": "written by the scripted model\n"}),
        ("toolu_04WritE2ePushFeature0000", "Bash",
         {"command": "git push origin feature/x",
          "description": "Push the feature branch"}),
    ]


class State:
    def __init__(self, repo, log_path):
        self.script = script(repo)
        self.log_path = log_path
        self.lock = threading.Lock()
        self.counter = 0

    def log(self, entry):
        with self.lock:
            self.counter += 1
            entry["n"] = self.counter
            entry["time"] = time.time()
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")


def conversation_ids(messages):
    """Every tool_use id that appears in the conversation so far."""
    ids = set()
    for m in messages or []:
        content = m.get("content")
        if not isinstance(content, list):
            continue
        for block in content:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use":
                ids.add(block.get("id"))
            elif block.get("type") == "tool_result":
                ids.add(block.get("tool_use_id"))
    return ids


def is_main_conversation(body):
    tools = body.get("tools") or []
    return any(isinstance(t, dict) and t.get("name") == "Bash" for t in tools)


def plan_reply(state, body):
    """Returns (role, content blocks, stop_reason) for a messages request."""
    if is_main_conversation(body):
        seen = conversation_ids(body.get("messages"))
        for tool_id, name, tool_input in state.script:
            if tool_id not in seen:
                block = {"type": "tool_use", "id": tool_id, "name": name,
                         "input": tool_input}
                return "main:" + tool_id, [block], "tool_use"
        return "main:final", [{"type": "text", "text": FINAL_TEXT}], "end_turn"
    # A side request: a title, a summary, a topic check. A short text that
    # also parses as JSON serves the ones that want JSON.
    return "side", [{"type": "text", "text": '{"title": "writ e2e"}'}], "end_turn"


def message_json(msg_id, blocks, stop_reason):
    return {
        "id": msg_id, "type": "message", "role": "assistant", "model": MODEL,
        "content": blocks, "stop_reason": stop_reason, "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 10,
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
    }


def sse_events(msg_id, blocks, stop_reason):
    """The event stream of one message, in the Messages API's streaming shape."""
    start = message_json(msg_id, [], None)
    start["usage"]["output_tokens"] = 1
    yield "message_start", {"type": "message_start", "message": start}
    for i, block in enumerate(blocks):
        if block["type"] == "text":
            yield "content_block_start", {"type": "content_block_start", "index": i,
                                          "content_block": {"type": "text", "text": ""}}
            yield "content_block_delta", {"type": "content_block_delta", "index": i,
                                          "delta": {"type": "text_delta",
                                                    "text": block["text"]}}
        else:
            yield "content_block_start", {"type": "content_block_start", "index": i,
                                          "content_block": {"type": "tool_use",
                                                            "id": block["id"],
                                                            "name": block["name"],
                                                            "input": {}}}
            text = json.dumps(block["input"])
            half = len(text) // 2
            for part in (text[:half], text[half:]):
                yield "content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "input_json_delta",
                                                        "partial_json": part}}
        yield "content_block_stop", {"type": "content_block_stop", "index": i}
    yield "message_delta", {"type": "message_delta",
                            "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                            "usage": {"output_tokens": 10}}
    yield "message_stop", {"type": "message_stop"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "writ-scripted-model/1"

    def log_message(self, fmt, *args):  # keep stderr quiet; the log file has it all
        pass

    def read_body(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return {"_unparsed": raw.decode("utf-8", "replace")[:2000]}

    def send_json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", "req_scripted")
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, kind):
        state = self.server.state
        state.log({"kind": kind, "method": self.command, "path": self.path,
                   "host": self.headers.get("host")})
        self.send_json(404, {"type": "error",
                             "error": {"type": "not_found_error",
                                       "message": "not served by the scripted model"}})

    def do_GET(self):
        self.refuse("unhandled")

    def do_HEAD(self):
        self.refuse("unhandled")

    def do_CONNECT(self):
        # Only a proxy client sends CONNECT: something tried to leave 127.0.0.1.
        self.server.state.log({"kind": "stray", "method": "CONNECT", "path": self.path})
        self.send_response(403)
        self.send_header("content-length", "0")
        self.end_headers()
        self.close_connection = True

    def do_POST(self):
        state = self.server.state
        path = self.path.split("?", 1)[0]
        if not self.path.startswith("/"):
            # An absolute URL: a plain-HTTP proxy request for another host.
            state.log({"kind": "stray", "method": "POST", "path": self.path})
            self.send_json(403, {"type": "error", "error": {"type": "permission_error",
                                                           "message": "no"}})
            return
        body = self.read_body()
        if path == "/v1/messages/count_tokens":
            state.log({"kind": "count_tokens", "path": self.path, "body": body})
            self.send_json(200, {"input_tokens": 100})
            return
        if path != "/v1/messages" or not isinstance(body, dict):
            state.log({"kind": "unhandled", "method": "POST", "path": self.path,
                       "body": body})
            self.send_json(404, {"type": "error",
                                 "error": {"type": "not_found_error",
                                           "message": "not served by the scripted model"}})
            return
        answered, blocks, stop_reason = plan_reply(state, body)
        msg_id = "msg_scripted_%d" % (state.counter + 1)
        state.log({"kind": "messages", "path": self.path, "answered": answered,
                   "stream": bool(body.get("stream")), "body": body})
        if not body.get("stream"):
            self.send_json(200, message_json(msg_id, blocks, stop_reason))
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("request-id", "req_scripted")
        self.send_header("connection", "close")
        self.end_headers()
        for event, data in sse_events(msg_id, blocks, stop_reason):
            self.wfile.write(("event: %s\ndata: %s\n\n" % (event, json.dumps(data))).encode())
            self.wfile.flush()
        self.close_connection = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--repo", required=True, help="the project folder the script names")
    ap.add_argument("--log", required=True, help="JSON-lines request log")
    ap.add_argument("--port-file", required=True, help="where to write the chosen port")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = State(args.repo.rstrip("/"), args.log)
    with open(args.port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
