"""``python -m admin``: create hotels, console agents and partner keys.

    python -m admin [--table lobby] [--region R] [--endpoint-url URL] COMMAND ...

    create-hotel --hotel-id h1 --name "Hôtel Lumière" [--timezone Europe/Paris] [--expedia-property-id 123]
    connect-expedia --hotel-id h1 --property-id 123 [--backfill-days 30 | --no-backfill]
    set-bot --hotel-id h1 [--file bot.json] [--off]
    create-agent --user-pool-id POOL --email ana@example.com --name Ana [--password ...] --hotel-ids h1,h2
                 [--role admin|agent]
    set-agent-hotels --user-pool-id POOL --email ana@example.com --hotel-ids h1,h3
    set-role --user-pool-id POOL --email ana@example.com --role admin|agent
    set-reply-target --hotel-id h1 (--minutes 240 | --none)
    set-retention --hotel-id h1 --days 365
    create-partner-key --partner-id acme --name "Acme" --hotel-ids h1,h2 [--usage-plan-id ID]
    list-partner-keys [--partner-id acme]
    revoke-partner-key --key-id pk_...
    rotate-partner-key --key-id pk_... [--usage-plan-id ID]
    export-guest --hotel-id h1 --contact-id ct_... [--out guest.json]
    erase-guest --hotel-id h1 --contact-id ct_...

Hotel ids: 1 to 63 lower-case letters, digits, ``-`` or ``_``, starting with a letter or digit
(``inbox.ids.HOTEL_ID_PATTERN``); agents and partner keys only for hotels that exist.
An agent's hotels are both its ``custom:hotel_ids`` and its membership of the groups ``hotel.<h>``
(the hotel's team, ``GET .../agents``): ``create-agent`` and ``set-agent-hotels`` write both, creating
a hotel's group with its first agent. A changed role or hotel list reaches the agent's ID token when it
next signs in (tokens last an hour) and the team lists within a minute.
Exit status: 0 done; 2 refused as asked (a bad option, id or file, a hotel that does not exist:
one line on stderr, nothing changed); 1 refused by AWS (a user that exists, a bad password, ...).

``connect-expedia`` then imports the property's threads and messages of the last 30 days through
the ingest's idempotent path (running it again changes nothing). It calls Expedia and keeps guest
files as the functions do, with the functions' settings from the environment (``EXPEDIA_SECRET_ARN``,
``EXPEDIA_GRAPHQL_URL``, ``EXPEDIA_TOKEN_URL``, ``EXPEDIA_FILES_URL``, ``ATTACHMENTS_BUCKET``: the
stack's values); the table, region and endpoint are the ones given here. If Expedia cannot be reached
the property stays connected, the command exits 1, and running it again imports what is missing.

``--endpoint-url`` (default: ``$AWS_ENDPOINT_URL``) points every client at moto's server;
without it the commands talk to AWS with the usual credentials. ``--region`` defaults to
``$AWS_REGION`` or ``$AWS_DEFAULT_REGION``. The global options may also follow the command.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from contextlib import contextmanager

from admin import (
    DEFAULT_ROLE,
    DEFAULT_TIMEZONE,
    ROLES,
    AdminError,
    connect_expedia,
    create_agent,
    create_hotel,
    create_partner_key,
    load_knowledge,
    parse_hotel_ids,
    require_hotels,
    set_agent_hotels,
    set_reply_target,
    set_retention,
    set_role,
)

__all__ = ["build_parser", "create_agent", "create_hotel", "create_partner_key", "main"]


def _add_global_options(parser: argparse.ArgumentParser, defaults: dict | None) -> None:
    """``--table``, ``--region``, ``--endpoint-url``: with defaults on the main parser; on a
    command's parser without (SUPPRESS), so they may follow the command without undoing
    what was given before it."""
    def default(name: str) -> dict:
        return {"default": defaults[name]} if defaults is not None else {"default": argparse.SUPPRESS}

    parser.add_argument("--table", help="the DynamoDB table (default: lobby)", **default("table"))
    parser.add_argument("--region", help="AWS region (default: $AWS_REGION or $AWS_DEFAULT_REGION)",
                        **default("region"))
    parser.add_argument("--endpoint-url", help="e.g. moto's server (default: $AWS_ENDPOINT_URL)",
                        **default("endpoint_url"))


def build_parser() -> argparse.ArgumentParser:
    defaults = {
        "table": "lobby",
        "region": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        "endpoint_url": os.environ.get("AWS_ENDPOINT_URL") or None,
    }
    parser = argparse.ArgumentParser(prog="python -m admin", description="Lobby's admin commands.")
    _add_global_options(parser, defaults)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    hotel = commands.add_parser("create-hotel", help="store a new hotel")
    _add_global_options(hotel, None)
    hotel.add_argument("--hotel-id", required=True)
    hotel.add_argument("--name", required=True)
    hotel.add_argument("--timezone", default=DEFAULT_TIMEZONE, help=f"IANA time zone (default: {DEFAULT_TIMEZONE})")
    hotel.add_argument("--expedia-property-id")

    expedia = commands.add_parser("connect-expedia", help="connect a hotel to its Expedia property")
    _add_global_options(expedia, None)
    expedia.add_argument("--hotel-id", required=True)
    expedia.add_argument("--property-id", required=True)
    expedia.add_argument("--backfill-days", type=int, default=30,
                         help="import the threads of this many past days (1 to 30; default 30)")
    expedia.add_argument("--no-backfill", action="store_true", help="connect only: import nothing")

    bot = commands.add_parser("set-bot", help="load the hotel's bot knowledge base and switch it on or off")
    _add_global_options(bot, None)
    bot.add_argument("--hotel-id", required=True)
    bot.add_argument("--file", help="a JSON file shaped like GET /v1/hotels/{h}/bot (default: the sample base)")
    bot.add_argument("--off", action="store_true", help="switch the bot off")

    agent = commands.add_parser("create-agent", help="create a console agent in the Cognito user pool")
    _add_global_options(agent, None)
    agent.add_argument("--user-pool-id", required=True)
    agent.add_argument("--email", required=True)
    agent.add_argument("--name", required=True)
    agent.add_argument("--password", help="the agent's permanent password (asked for when left out)")
    agent.add_argument("--hotel-ids", required=True, help="comma-separated, e.g. h1,h2")
    agent.add_argument("--role", choices=ROLES, default=DEFAULT_ROLE,
                       help=f"admin: also the hotel's bot settings; agent: the inbox (default: {DEFAULT_ROLE})")

    hotels = commands.add_parser("set-agent-hotels", help="replace an agent's hotels (attribute and groups)")
    _add_global_options(hotels, None)
    hotels.add_argument("--user-pool-id", required=True)
    hotels.add_argument("--email", required=True)
    hotels.add_argument("--hotel-ids", required=True, help="comma-separated, e.g. h1,h2: all of the agent's hotels")

    role = commands.add_parser("set-role", help="change an agent's role (custom:role)")
    _add_global_options(role, None)
    role.add_argument("--user-pool-id", required=True)
    role.add_argument("--email", required=True)
    role.add_argument("--role", choices=ROLES, required=True)

    target = commands.add_parser("set-reply-target", help="the hotel's reply target, in minutes")
    _add_global_options(target, None)
    target.add_argument("--hotel-id", required=True)
    minutes = target.add_mutually_exclusive_group(required=True)
    minutes.add_argument("--minutes", type=int, help="5 to 10080 (a week)")
    minutes.add_argument("--none", action="store_true", help="no reply target (only the channels' own clocks)")

    retention = commands.add_parser("set-retention", help="how many days the hotel keeps its guests' data")
    _add_global_options(retention, None)
    retention.add_argument("--hotel-id", required=True)
    retention.add_argument("--days", type=int, required=True, help="30 to 3650 (the default is 730)")

    partner = commands.add_parser("create-partner-key", help="issue a partner API key (shown once)")
    _add_global_options(partner, None)
    partner.add_argument("--partner-id", required=True)
    partner.add_argument("--name", required=True)
    partner.add_argument("--hotel-ids", required=True, help="comma-separated, e.g. h1,h2")
    partner.add_argument("--usage-plan-id", help="also register the key in this API Gateway usage plan")

    listed = commands.add_parser("list-partner-keys", help="the partner keys: id, partner, hotels, last used, revoked")
    _add_global_options(listed, None)
    listed.add_argument("--partner-id", help="only this partner's keys")

    revoke = commands.add_parser("revoke-partner-key", help="revoke a partner key (refused from the next request)")
    _add_global_options(revoke, None)
    revoke.add_argument("--key-id", required=True, help="the key's id (pk_..., see list-partner-keys), never the key")

    rotate = commands.add_parser("rotate-partner-key",
                                 help="issue a new key for the same partner and hotels (shown once), revoke the old")
    _add_global_options(rotate, None)
    rotate.add_argument("--key-id", required=True, help="the key's id (pk_..., see list-partner-keys), never the key")
    rotate.add_argument("--usage-plan-id", help="register the new key in this usage plan (default: the old key's)")

    export = commands.add_parser("export-guest", help="everything Lobby holds about one guest, as JSON (audited)")
    _add_global_options(export, None)
    export.add_argument("--hotel-id", required=True)
    export.add_argument("--contact-id", required=True, help="the guest's contact id (a conversation's contact_id)")
    export.add_argument("--out", help="write the JSON to this file (default: standard output)")

    erase = commands.add_parser("erase-guest", help="erase one guest: contact, conversations, files (audited)")
    _add_global_options(erase, None)
    erase.add_argument("--hotel-id", required=True)
    erase.add_argument("--contact-id", required=True, help="the guest's contact id (a conversation's contact_id)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.region:
        parser.error("no region: pass --region or set AWS_REGION")
    from inbox.errors import DomainError

    try:
        return _run(args)
    except (AdminError, DomainError) as error:  # refused as asked (a knowledge base too large, ...)
        print(f"error: {_one_line(error)}", file=sys.stderr)
        return 2
    except Exception as error:  # a refusal from AWS (exists already, bad password, ...) or Expedia
        from botocore.exceptions import BotoCoreError, ClientError
        from pynamodb.exceptions import PynamoDBException

        from expedia.errors import ExpediaError

        if isinstance(error, ExpediaError):
            print(f"error: the Expedia import stopped ({_one_line(error)}); the property is connected, and "
                  "running connect-expedia again imports what is missing", file=sys.stderr)
            return 1
        if isinstance(error, (ClientError, BotoCoreError, PynamoDBException)):
            print(f"error: {_one_line(error)}", file=sys.stderr)
            return 1
        raise


class _Deferred:
    """Builds the backfill (the Expedia client, its secret) only once the property is connected."""

    def __init__(self, factory):
        self._factory = factory

    def run(self, *args, **kwargs):
        return self._factory().run(*args, **kwargs)


@contextmanager
def _functions_environment(args):
    """The functions' composition root on the table, region and endpoint given here: it reads them from
    the environment (the one reader), so they are set for the call and put back after."""
    from wiring import container

    values = {"TABLE_NAME": args.table, "AWS_REGION": args.region, "AWS_ENDPOINT_URL": args.endpoint_url}
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value:
                os.environ[name] = value
            else:
                os.environ.pop(name, None)
        container.reset()
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        container.reset()


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _store(args):
    from store.dynamo import DynamoStore

    return DynamoStore(args.table, args.region, args.endpoint_url)


def _client(service: str, args):
    import boto3

    return boto3.client(service, region_name=args.region, endpoint_url=args.endpoint_url)


def _run(args) -> int:
    if args.command == "create-hotel":
        hotel = create_hotel(_store(args), args.hotel_id, args.name, args.timezone, args.expedia_property_id)
        print(f"Created hotel {hotel.id} ({hotel.name}, {hotel.timezone}).")
    elif args.command == "connect-expedia":
        with _functions_environment(args):
            from wiring.container import expedia_backfill, store

            backfill = None if args.no_backfill else _Deferred(expedia_backfill)
            done = connect_expedia(store(), args.hotel_id, args.property_id, backfill=backfill,
                                   days=args.backfill_days)
        print(f"Hotel {args.hotel_id} now receives Expedia property {args.property_id.strip()}'s messages.")
        if done is not None:
            print(f"Imported the last {args.backfill_days} days: {done.threads} threads, {done.messages} new "
                  f"messages, {done.repeats} already in Lobby.")
    elif args.command == "set-bot":
        store = _store(args)
        count = load_knowledge(store, args.hotel_id, args.file, enabled=not args.off)
        on = store.get_hotel(args.hotel_id.strip()).bot_enabled  # the file may switch it off too
        print(f"Hotel {args.hotel_id.strip()}: bot {'on' if on else 'off'}, {count} knowledge-base entries.")
    elif args.command == "create-agent":
        hotels, store = parse_hotel_ids(args.hotel_ids), _store(args)
        require_hotels(store, hotels)  # before asking for a password
        password = args.password or getpass.getpass(f"Password for {args.email}: ")
        sub = create_agent(_client("cognito-idp", args), args.user_pool_id, args.email, args.name, password, hotels,
                           store=store, role=args.role)
        print(f"Created {args.role} {args.email} (sub {sub}) for hotels {', '.join(hotels)}.")
    elif args.command == "set-agent-hotels":
        hotels = parse_hotel_ids(args.hotel_ids)
        joined, left = set_agent_hotels(_client("cognito-idp", args), args.user_pool_id, args.email, hotels,
                                        store=_store(args))
        print(f"{args.email} now works for hotels {', '.join(hotels)} (joined: {', '.join(joined) or 'none'}; "
              f"left: {', '.join(left) or 'none'}); new tokens carry them after the next sign-in.")
    elif args.command == "set-role":
        set_role(_client("cognito-idp", args), args.user_pool_id, args.email, args.role, store=_store(args))
        print(f"{args.email} is now {args.role}; new tokens carry it after the next sign-in.")
    elif args.command == "set-reply-target":
        minutes = None if args.none else args.minutes
        set_reply_target(_store(args), args.hotel_id, minutes)
        shown = "none" if minutes is None else f"{minutes} minutes"
        print(f"Hotel {args.hotel_id.strip()}: reply target {shown}.")
    elif args.command == "set-retention":
        hotel = set_retention(_store(args), args.hotel_id, args.days)
        print(f"Hotel {hotel.id}: guests' data kept {hotel.retention_days} days (what is written from now on).")
    elif args.command == "create-partner-key":
        from admin.partner_keys import issue_partner_key

        hotels = parse_hotel_ids(args.hotel_ids)
        apigateway = _client("apigateway", args) if args.usage_plan_id else None
        issued = issue_partner_key(_store(args), args.partner_id, args.name, hotels,
                                   apigateway=apigateway, usage_plan_id=args.usage_plan_id)
        print(f"Partner key {issued.key_id} for {args.partner_id} ({args.name}), hotels {', '.join(hotels)}.")
        print("Keep it now: it is shown only this once and Lobby stores only its hash.")
        print(issued.key)
    elif args.command == "list-partner-keys":
        from admin.partner_keys import describe, list_partner_keys

        records = list_partner_keys(_store(args), args.partner_id)
        for record in records:
            print(describe(record))
        if not records:
            print("No partner keys." if not args.partner_id else f"No keys of partner {args.partner_id}.")
    elif args.command == "revoke-partner-key":
        from admin.partner_keys import revoke_partner_key

        record = revoke_partner_key(_store(args), args.key_id, apigateway=_client("apigateway", args))
        print(f"Revoked partner key {record.key_id} of {record.partner_id} ({record.name}): refused from the next "
              "request.")
    elif args.command == "rotate-partner-key":
        from admin.partner_keys import rotate_partner_key

        issued = rotate_partner_key(_store(args), args.key_id, apigateway=_client("apigateway", args),
                                    usage_plan_id=args.usage_plan_id)
        record = issued.record
        print(f"Partner key {issued.key_id} replaces {args.key_id.strip()} for {record.partner_id} ({record.name}), "
              f"hotels {', '.join(sorted(record.hotel_ids))}; the old key is refused from the next request.")
        print("Keep it now: it is shown only this once and Lobby stores only its hash.")
        print(issued.key)
    elif args.command in ("export-guest", "erase-guest"):
        _guest_data(args)
    return 0


def _guest_data(args) -> None:
    """``export-guest`` / ``erase-guest`` through the functions' composition root (files: ``ATTACHMENTS_BUCKET``)."""
    from admin.guest_data import as_json, erase_guest, export_guest

    with _functions_environment(args):
        from wiring.container import inbox

        if args.command == "erase-guest":
            print(as_json(erase_guest(inbox(), args.hotel_id, args.contact_id)))
            return
        exported = as_json(export_guest(inbox(), args.hotel_id, args.contact_id))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(exported + "\n")
        print(f"Exported contact {args.contact_id.strip()} of hotel {args.hotel_id.strip()} to {args.out}.")
    else:
        print(exported)


if __name__ == "__main__":
    sys.exit(main())
