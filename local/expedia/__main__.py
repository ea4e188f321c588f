"""Command line of the Expedia stand-in.

    python -m local.expedia serve [--port 8765] [--callback-url URL] [--callback-secret S]
                                  [--client-id ID] [--client-secret S]
    python -m local.expedia send --sim-url URL --thread thr-1 --property 12345678 --text "..."
                                 [--first-name F --last-name L --check-in YYYY-MM-DD
                                  --check-out YYYY-MM-DD --adults N --children N --pets N
                                  --reservation-id ID --supplier-id ID --from-role TRAVELER|SUPPLIER
                                  --message-id ID --attach FILE [--attach FILE ...]]
    python -m local.expedia outage --sim-url URL --callbacks off|on
    python -m local.expedia clock --sim-url URL --advance-hours 26
    python -m local.expedia files --sim-url URL

``send`` prints the stand-in's answer (``{"messageId", "notificationId"}``, and ``attachmentIds``
for files sent with ``--attach``) as JSON; the others print theirs (see docs/expedia.md).
"""

from __future__ import annotations

import argparse
import base64
import json
import mimetypes
import signal
import sys
import threading

import requests


def _serve(args: argparse.Namespace) -> int:
    from local.expedia.standin import ExpediaStandIn

    standin = ExpediaStandIn(
        callback_url=args.callback_url,
        callback_secret=args.callback_secret,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_ttl=args.token_ttl,
        id_prefix=args.id_prefix,
    ).start(args.host, args.port, log_requests=True)
    print(json.dumps({
        "url": standin.url,
        "graphql_url": standin.graphql_url,
        "token_url": standin.token_url,
        "sim_url": standin.sim_url,
        "files_url": standin.files_url,
        "callback_url": args.callback_url,
    }), flush=True)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    standin.stop()
    return 0


def _send(args: argparse.Namespace) -> int:
    spec: dict = {"propertyId": args.property, "body": args.text, "fromRole": args.from_role}
    if args.message_id:
        spec["messageId"] = args.message_id
    if args.first_name or args.last_name:
        spec["traveler"] = {"firstName": args.first_name, "lastName": args.last_name}
    if bool(args.check_in) != bool(args.check_out):
        print("--check-in and --check-out go together", file=sys.stderr)
        return 2
    if args.check_in:
        spec["reservation"] = {
            "id": args.reservation_id or f"res-{args.thread}",
            "checkInDate": args.check_in,
            "checkOutDate": args.check_out,
            "adultCount": args.adults,
            "childCount": args.children,
            "petCount": args.pets,
        }
        if args.supplier_id:
            spec["reservation"]["alternativeIds"] = {"supplierId": args.supplier_id}
    if args.attach:
        try:
            spec["attachments"] = [_attachment(path) for path in args.attach]
        except OSError as exc:
            print(f"cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
            return 2
    return _call("POST", args.sim_url, f"/threads/{args.thread}/messages", spec)


def _attachment(path: str) -> dict:
    with open(path, "rb") as file:
        data = file.read()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return {"name": path.rsplit("/", 1)[-1], "contentType": content_type, "base64": base64.b64encode(data).decode()}


def _call(method: str, sim_url: str, path: str, body: dict | None = None) -> int:
    url = f"{sim_url.rstrip('/')}{path}"
    try:
        response = requests.request(method, url, json=body, timeout=120)
    except requests.RequestException as exc:
        print(f"cannot reach the Expedia stand-in at {url}: {exc}", file=sys.stderr)
        return 1
    if not response.ok:
        print(f"the stand-in answered HTTP {response.status_code}: {response.text}", file=sys.stderr)
        return 1
    print(json.dumps(response.json()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.expedia", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the stand-in until interrupted")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--callback-url", default=None, help="Lobby's POST /v1/channels/expedia/notifications")
    serve.add_argument("--callback-secret", default="lobby-local-callback-secret")
    serve.add_argument("--client-id", default="lobby-local")
    serve.add_argument("--client-secret", default="lobby-local-secret")
    serve.add_argument("--token-ttl", type=int, default=3600)
    serve.add_argument("--id-prefix", default=None, help="fixed id prefix (default: random per run)")
    serve.set_defaults(run=_serve)

    send = commands.add_parser("send", help="a traveler (or the hotel via the extranet) writes in a thread")
    send.add_argument("--sim-url", required=True, help="the stand-in's URL followed by /sim")
    send.add_argument("--thread", required=True)
    send.add_argument("--property", required=True)
    send.add_argument("--text", required=True)
    send.add_argument("--from-role", choices=("TRAVELER", "SUPPLIER"), default="TRAVELER")
    send.add_argument("--message-id", default=None)
    send.add_argument("--first-name", default=None)
    send.add_argument("--last-name", default=None)
    send.add_argument("--check-in", default=None, help="YYYY-MM-DD")
    send.add_argument("--check-out", default=None, help="YYYY-MM-DD")
    send.add_argument("--adults", type=int, default=2)
    send.add_argument("--children", type=int, default=0)
    send.add_argument("--pets", type=int, default=0)
    send.add_argument("--reservation-id", default=None)
    send.add_argument("--supplier-id", default=None)
    send.add_argument("--attach", action="append", default=[], metavar="FILE",
                      help="a file the traveler attaches (type guessed from its name); repeatable")
    send.set_defaults(run=_send)

    outage = commands.add_parser("outage", help="stop (off) or resume (on) callbacks to Lobby")
    outage.add_argument("--sim-url", required=True)
    outage.add_argument("--callbacks", choices=("off", "on"), required=True)
    outage.set_defaults(run=lambda a: _call("POST", a.sim_url, "/outage", {"callbacks": a.callbacks == "on"}))

    clock = commands.add_parser("clock", help="move the stand-in's clock forward")
    clock.add_argument("--sim-url", required=True)
    clock.add_argument("--advance-hours", type=float, required=True)
    clock.set_defaults(run=lambda a: _call("POST", a.sim_url, "/clock", {"advance_hours": a.advance_hours}))

    files = commands.add_parser("files", help="list the files of the stand-in's attachment service")
    files.add_argument("--sim-url", required=True)
    files.set_defaults(run=lambda a: _call("GET", a.sim_url, "/files"))

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
