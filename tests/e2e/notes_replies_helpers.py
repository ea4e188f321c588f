"""Helpers of the console's mention completion, saved-reply picker and settings tests
(test_console_notes_replies.py).

``harness(page, script)`` opens a blank page on a made-up origin whose files are the console's own
(``console/``, served by Playwright's routing: no server, no stack) and runs ``script``, an ES module
beside them that builds what it tests and sets ``window.ready``. The local stack's tests use
``console_helpers`` (ConsolePage, console_as, AgentApi) as the other console tests do.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from stack_support import ROOT

CONSOLE = ROOT / "console"
ORIGIN = "http://console.test"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="stylesheet" href="style.css"></head>
<body><main id="root"></main>
<script type="module">
{script}
window.ready = true;
</script></body></html>"""


def _serve(route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?", 1)[0].lstrip("/")
    file = (CONSOLE / path).resolve()
    if not file.is_relative_to(CONSOLE.resolve()) or not file.is_file():
        route.fulfill(status=404, body="not found")
        return
    kind = "text/javascript" if file.suffix == ".js" else (mimetypes.guess_type(file.name)[0] or "text/plain")
    route.fulfill(status=200, body=Path(file).read_bytes(), headers={"Content-Type": f"{kind}; charset=utf-8"})


def harness(page, script: str, modules: dict[str, str] | None = None) -> None:
    """Opens ``{ORIGIN}/harness.html`` running ``script`` (a module: ``import … from './notes.js'``);
    ``modules``: more ES modules beside the console's files, by name (e.g. ``{"fake_api.js": FAKE_API}``)."""
    html = PAGE.replace("{script}", script)
    extra = {f"{ORIGIN}/{name}": text for name, text in (modules or {}).items()}

    def route(route) -> None:
        url = route.request.url.split("?", 1)[0]
        if url == f"{ORIGIN}/harness.html":
            route.fulfill(status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8"})
        elif url in extra:
            route.fulfill(status=200, body=extra[url], headers={"Content-Type": "text/javascript; charset=utf-8"})
        else:
            _serve(route)

    page.route(f"{ORIGIN}/**", route)
    page.goto(f"{ORIGIN}/harness.html")
    page.wait_for_function("window.ready === true")


# A fake of console/api.js's client for the settings screen: records every call in window.calls and
# answers from window.answers[method + " " + path] (a function of the body, or a value), else 404.
FAKE_API = """
export class FakeError extends Error {
  constructor(status, body) { super((body && body.message) || `HTTP ${status}`); this.status = status; this.body = body; }
}
window.calls = [];
window.answers = {};
const call = (method) => async (path, body) => {
  window.calls.push({ method, path, body: body === undefined ? null : JSON.parse(JSON.stringify(body)) });
  const answer = window.answers[`${method} ${path}`] ?? window.answers[`${method} *`];
  const value = typeof answer === 'function' ? answer(body, path) : answer;
  if (value === undefined) throw new FakeError(404, { message: 'not found' });
  if (value && value.__status) throw new FakeError(value.__status, { message: value.message });
  return JSON.parse(JSON.stringify(value));
};
export const api = { get: call('GET'), post: call('POST'), put: call('PUT'), patch: call('PATCH'), del: call('DELETE') };
"""
