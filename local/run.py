"""``python -m local.run``: the whole of Lobby on this machine (``make run``).

    python -m local.run [--port 8000] [--host 127.0.0.1] [--no-seed] [--state-dir .local]
                        [--log-level WARNING]

Starts the local stack (``local.stack``), prints the console's URL, every demo login (email,
password, role) and the WebSocket API's URL, and runs until Ctrl-C or SIGTERM, then stops
everything. Each start begins from nothing (moto keeps its state in memory) and seeds the demo
hotel again unless ``--no-seed``.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
import warnings


def _banner(info: dict, state_dir: str) -> str:
    lines = [f"Lobby is running (ready in {info['started_in_seconds']:.1f} s).", "",
             f"  Console    {info['console_url']}"]
    demo = info.get("demo")
    if demo:
        agents = demo.get("agents") or [{"email": demo["agent_username"], "password": demo["agent_password"],
                                         "name": "", "role": "agent"}]
        width = max(len(agent["email"]) for agent in agents)
        lines += [f"  {'Sign in' if n == 0 else '':<9}  {agent['email']:<{width}}  /  {agent['password']}   "
                  f"({agent['role']}{', ' + agent['name'] if agent['name'] else ''})" for n, agent in enumerate(agents)]
        lines += [f"  Hotel      {demo['hotel_id']} (Expedia property {demo['expedia_property_id']})",
                  f"  Partner    x-api-key: {demo['partner_api_key']}"]
    lines += [f"  API        {info['api_url']}/v1  (OpenAPI: {info['api_url']}/v1/openapi.json)",
              f"  Real time  {info['realtime_url']}  (WebSocket, ?token=<ID token>)",
              f"  Expedia    {info['expedia_sim_url']}  (the stand-in's simulator)",
              f"  Reconcile  curl -X POST {info['reconcile_url']}  (Expedia's undelivered notifications; "
              f"also every {info['reconcile_period_seconds']:g} s)",
              f"  AWS        {info['aws_endpoint_url']}  (moto, region {info['region']})",
              f"  State      {state_dir}/stack.json", ""]
    if demo:
        lines += ["A guest writes through Expedia:",
                  '  make expedia-message TEXT="Bonjour, à quelle heure est le petit-déjeuner ?"', ""]
    lines.append("Ctrl-C stops it.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (0: any free port; default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--no-seed", action="store_true", help="start empty: no demo hotel")
    parser.add_argument("--state-dir", default=".local", help="where stack.json is written (default .local)")
    parser.add_argument("--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"),
                        help="the functions' log level (default WARNING)")
    parser.add_argument("--quiet", action="store_true", help="do not log each API request")
    args = parser.parse_args(argv)

    # The functions' metrics are off locally (no CloudWatch): Powertools says so after every invocation.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)-7s %(name)s  %(message)s",
                        datefmt="%H:%M:%S")
    logging.getLogger("local").setLevel(logging.WARNING if args.quiet else logging.INFO)

    stop = threading.Event()
    first_signal_at: list[float] = []

    def on_signal(_number, _frame):
        # A second Ctrl-C gives up on a clean stop; one sent with the first (a wrapper such as
        # `timeout` forwarding the same signal) does not.
        if first_signal_at and time.monotonic() - first_signal_at[0] > 2:
            print("\nforced exit", file=sys.stderr, flush=True)
            raise SystemExit(130)
        if not first_signal_at:
            first_signal_at.append(time.monotonic())
        stop.set()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, on_signal)

    from local.stack import LocalStack, LocalStackError

    stack = LocalStack(port=args.port, host=args.host, state_dir=args.state_dir, seed=not args.no_seed,
                       log_level=args.log_level)
    print(f"Starting Lobby on http://{args.host}:{args.port or '(a free port)'} ...", flush=True)
    try:
        info = stack.start()
    except LocalStackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(_banner(info, args.state_dir), flush=True)
    while not stop.wait(0.5):
        pass
    print("\nStopping Lobby ...", flush=True)
    stopping = time.monotonic()
    leftover = stack.stop()
    if leftover:
        print(f"stopped, but threads are still running: {', '.join(leftover)}", file=sys.stderr)
        return 1
    print(f"Stopped in {time.monotonic() - stopping:.1f} s.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
