"""A minimal LSP client: the server as a real process, JSON-RPC over its stdio with
Content-Length framing, as editors speak it. Used by the tests and by bench/."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any


class LspClient:
    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "reliability_lint", "server"],
            cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self._id = 0
        self.server_requests: list[dict[str, Any]] = []
        self.reply_to_requests: Any = lambda message: {"applied": True}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        self._id += 1
        self._send({"id": self._id, "method": method, "params": params})
        reply = self.wait(lambda m: m.get("id") == self._id and "method" not in m, timeout)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply.get("result")

    def wait(self, matches: Any, timeout: float = 60) -> dict[str, Any]:
        """The next message that `matches`; server requests are answered on the way."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"no matching message within {timeout} s") from None
            if "method" in message and "id" in message:  # a request from the server
                self.server_requests.append(message)
                self._send({"id": message["id"], "result": self.reply_to_requests(message)})
            elif "method" in message:
                self.notifications.append(message)
            if matches(message):
                return message

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 60) -> list[dict[str, Any]]:
        message = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and (version is None or m["params"].get("version") == version),
            timeout,
        )
        return message["params"]["diagnostics"]

    def initialize(self, root: Path, resolve: bool = False, watch: bool = False, folders: list[Path] | None = None) -> dict[str, Any]:
        """With `resolve`, the client fills in a code action's edit only when it is chosen;
        with `watch`, it reports file changes the server registers for. `folders`: the
        workspace folders (else `root` alone, as rootUri)."""
        capabilities: dict[str, Any] = {"workspace": {"applyEdit": True}}
        if resolve:
            capabilities["textDocument"] = {"codeAction": {"resolveSupport": {"properties": ["edit"]}, "dataSupport": True}}
        if watch:
            capabilities["workspace"]["didChangeWatchedFiles"] = {"dynamicRegistration": True}
        capabilities["notebookDocument"] = {"synchronization": {"dynamicRegistration": False}}
        params: dict[str, Any] = {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities}
        if folders is not None:
            params["workspaceFolders"] = [{"uri": folder.as_uri(), "name": folder.name} for folder in folders]
        result = self.request("initialize", params)
        self.notify("initialized", {})
        return result

    def close(self) -> int:
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
