"""Writes docs/console.png, the README's picture of the inbox with a conversation open.

    .venv/bin/python tests/e2e/console_screenshot.py [--out docs/console.png]

Starts a fresh local stack with the demo hotel (nothing but the seed in it), signs in as the
demo agent in Debian's Chromium, opens Marco Rossi's Expedia conversation (a guest, the bot
and an agent) and takes a 1400 x 860 screenshot.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT, ROOT / "functions", Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from console_helpers import CHROMIUM_ARGS, DESKTOP, AgentApi, ConsolePage, eventually  # noqa: E402

THREAD = "thr-demo-11"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console.png")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from local.stack import LocalStack

    with tempfile.TemporaryDirectory() as state, LocalStack(port=0, state_dir=state, log_level="WARNING") as info:
        agent = AgentApi(info)
        conversation = eventually(lambda: agent.find(THREAD), 30, 0.5, message=f"the demo's {THREAD}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                                 args=CHROMIUM_ARGS)
            page = ConsolePage(browser.new_page(viewport=DESKTOP, locale="en-GB"), info)
            page.sign_in()
            page.open_conversation(conversation)
            page.locator("#messages .message").last.wait_for()
            page.page.mouse.move(0, 0)
            page.wait_for_timeout(300)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
