"""The whole of Lobby on one machine, on moto, running the same handlers as Lambda.

    stack = LocalStack(port=8000)      # port=0: any free port
    info = stack.start()               # also written to {state_dir}/stack.json
    ...
    stack.stop()

``start()`` runs moto's server on loopback, creates every resource of the CDK stack from the
same definitions (``local.resources``), sets the environment the CDK stack gives the
functions, serves the API, Cognito, the Expedia stand-in and the console on one HTTP server
(``local.web``), starts what AWS runs for us (``local.workers``: the SQS event source
mappings and EventBridge Scheduler), seeds the demo hotel (``local.seed``) and waits until
the queues are drained. moto keeps its state in memory: every start begins from nothing.

Real time: the WebSocket API (``local.realtime``) listens on a port of its own (the stack's port
+ 1, any free port with port 0), its ``@connections`` under ``/local/connections`` of the HTTP
server (``local.connections_endpoint``); the main table's stream feeds the fan-out function
(``local.changes``) from the moment the demo is seeded (as an event source mapping created then,
at LATEST: no console can be connected before).

TTL: moto never deletes expired items; ``local.expiry`` does what DynamoDB's TTL does every few seconds
(a Scan of the table, local only) and hands its REMOVE records to the expiry function (``expire_now()``
runs it at once).

The functions API Gateway invokes run in execution environments of their own (processes,
``local.execution``), up to ``GATEWAY_CONCURRENCY`` each, so concurrent requests are served at
the same moment, as in AWS; they reach moto's server over HTTP like every other client. The
functions an SQS poller or the scheduler invokes (one thread each) run in this process.

The functions read their settings from ``os.environ``; ``start()`` sets them and ``stop()``
puts the environment back as it was, so one process (a test session) can start and stop
stacks in turn, but not run two at once.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import local  # noqa: F401  (puts functions/ on sys.path)
from infra import names
from local.workers import PeriodicWorker, QueueWorker, ScheduleWorker

if TYPE_CHECKING:
    from local.realtime import RealtimeServer

log = logging.getLogger("local")

ROOT = Path(__file__).resolve().parent.parent
CONSOLE_DIR = ROOT / "console"
DEFAULT_REGION = "us-east-1"  # moto answers unsigned Cognito calls (InitiateAuth) from us-east-1
STACK_FILE = "stack.json"
READY_BUDGET_SECONDS = 15.0
# Execution environments (processes) each function API Gateway invokes may have at once: enough
# for the console's polling, a few agents and the race tests; Lambda's default is far above.
GATEWAY_CONCURRENCY = 4

_running = threading.Lock()  # one stack per process: the functions read one os.environ


def _ttl_period() -> float:
    from local.expiry import SWEEP_PERIOD_SECONDS

    return SWEEP_PERIOD_SECONDS


class LocalStackError(Exception):
    """The local stack could not start."""


class LocalStack:
    def __init__(self, port: int = 8000, host: str = "127.0.0.1", state_dir: str | os.PathLike = ".local",
                 seed: bool = True, *, region: str = DEFAULT_REGION, console_dir: str | os.PathLike = CONSOLE_DIR,
                 log_level: str | None = None, reconcile_period: float = names.EXPEDIA_RECONCILE_LOCAL_PERIOD_SECONDS,
                 ttl_period: float | None = None):
        self.port = port
        self.host = host
        self.state_dir = Path(state_dir)
        self.seed = seed
        self.region = region
        self.console_dir = Path(console_dir)
        self.log_level = log_level
        self.reconcile_period = reconcile_period  # AWS: hourly (names.EXPEDIA_RECONCILE_RATE)
        # How often DynamoDB's TTL is emulated (local.expiry; AWS deletes within days of the expiry).
        self.ttl_period = ttl_period if ttl_period is not None else _ttl_period()
        self.info: dict | None = None
        self.started_in: float | None = None
        self.leftover_threads: list[str] = []
        self._moto = None
        self._server = None
        self._server_thread: threading.Thread | None = None
        self._workers: list = []
        self._functions: list = []  # the gateway's functions, each with its execution environments
        self._saved_environ: dict[str, str | None] | None = None
        self._owns_lock = False
        self._standin = None
        self._sqs = None
        self._source_queues: list[str] = []
        self._reconciler: PeriodicWorker | None = None
        self._realtime: RealtimeServer | None = None
        self._ttl = None
        self._expiry = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> dict:
        if not _running.acquire(blocking=False):
            raise LocalStackError("a local stack already runs in this process (they share os.environ)")
        self._owns_lock = True
        started = time.perf_counter()
        try:
            info = self._start()
        except BaseException:
            self.stop()
            raise
        self.started_in = round(time.perf_counter() - started, 2)
        info["started_in_seconds"] = self.started_in
        self.info = info
        self._write_state(info)
        log.info("Lobby is ready in %.1f s", self.started_in)
        return info

    def stop(self) -> list[str]:
        """Stops everything this stack started and restores the environment; idempotent.
        Returns the names of the stack's threads still alive (none when it stopped cleanly)."""
        for worker in self._workers:
            worker.stop()
        for worker in self._workers:
            worker.join(timeout=10)
        if self._realtime is not None:  # first: no socket reaches a function that is stopping
            self._realtime.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._server_thread is not None:
            self._server_thread.join(timeout=10)
        for function in self._functions:
            function.close()  # every environment at once, then wait for each
        for function in self._functions:
            function.stop()
        self._functions = []
        if self._moto is not None:
            self._moto.stop()
        realtime_thread = self._realtime.thread if self._realtime is not None else None
        threads = [w.thread for w in self._workers] + [t for t in (self._server_thread, realtime_thread)
                                                         if t is not None]
        self.leftover_threads = [t.name for t in threads if t.is_alive()]
        self._workers, self._server, self._server_thread, self._moto = [], None, None, None
        self._realtime = None
        self._reconciler = None
        self._ttl = self._expiry = None
        self._restore_environment()
        self._remove_state()
        if self._owns_lock:
            self._owns_lock = False
            _running.release()
        return self.leftover_threads

    def __enter__(self) -> dict:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- start, step by step ------------------------------------------------------------------

    def _start(self) -> dict:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's and our servers' request logs
        base_url = self._listen()  # first: a taken port fails before anything else starts
        realtime_url = self._listen_realtime()
        endpoint = self._start_moto(self._console_origins(base_url))
        from local.web import LocalWeb

        web: LocalWeb = self._server.app
        expedia = {"client_id": "lobby-local", "client_secret": secrets.token_urlsafe(24),
                   "callback_secret": secrets.token_urlsafe(32)}
        self._set_environment({"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": self.region,
                               "AWS_DEFAULT_REGION": self.region, "AWS_ACCESS_KEY_ID": "testing",
                               "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
                               "AWS_PROFILE": None})
        import boto3

        from local.resources import create_resources

        session = boto3.Session(region_name=self.region)
        resources = create_resources(session, self.region, expedia, console_origins=self._console_origins(base_url))
        info = self._info(base_url, endpoint, resources, realtime_url)
        self._set_environment(self._function_environment(info, resources))
        self._reset_functions()

        from local.expedia.standin import ExpediaStandIn
        from local.gateway import Function, RestApiGateway
        from local.web import CognitoProxy

        def function(name: str, handler: str) -> Function:
            return Function(name, handler, self.region, resources.account_id)

        standin = ExpediaStandIn(callback_url=info["expedia_callback_url"],
                                 callback_secret=expedia["callback_secret"], client_id=expedia["client_id"],
                                 client_secret=expedia["client_secret"])

        def gateway_function(name: str, handler: str) -> Function:
            # API Gateway invokes these at the same moment for concurrent requests: one
            # process per concurrent invocation, started now so their imports overlap the seeding.
            made = Function(name, handler, self.region, resources.account_id, concurrency=GATEWAY_CONCURRENCY)
            self._functions.append(made)
            made.warm()
            return made

        web.expedia = standin.wsgi_app
        web.gateway = RestApiGateway(api=gateway_function(names.API_FUNCTION, names.API_HANDLER),
                                     authorizer=gateway_function(names.AUTHORIZER_FUNCTION, names.AUTHORIZER_HANDLER),
                                     expedia_callback=gateway_function(names.EXPEDIA_CALLBACK_FUNCTION,
                                                                       names.EXPEDIA_CALLBACK_HANDLER),
                                     region=self.region, account_id=resources.account_id)
        web.cognito = CognitoProxy(endpoint, resources.console_client_id)
        web.reconcile = self.reconcile
        web.config = {"api_url": info["api_url"], "region": self.region, "cognito_endpoint": info["cognito_endpoint"],
                      "cognito_client_id": resources.console_client_id,
                      "cognito_user_pool_id": resources.user_pool_id, "realtime_url": realtime_url}
        self._standin = standin
        self._start_workers(session, resources, function)
        socket_function = Function(names.REALTIME_SOCKET_FUNCTION, names.REALTIME_SOCKET_HANDLER, self.region,
                                   resources.account_id, concurrency=GATEWAY_CONCURRENCY)
        self._functions.append(socket_function)
        self._attach_realtime(web, resources, authorizer=web.gateway.authorizer, socket_function=socket_function)
        if self.seed:
            from local.seed import Seeder
            from wiring.container import inbox, store

            info["demo"] = Seeder(info, store=store(), cognito=session.client("cognito-idp"), inbox=inbox(),
                                  drain=self.wait_until_drained).run()
        else:
            info["demo"] = None
        self.wait_until_drained()
        self._start_realtime(session, resources, function)
        self._start_expiry(session, resources, function)
        socket_function.warm()  # now: its import would only slow the seeding down
        return info

    def _start_moto(self, console_origins: tuple[str, ...]) -> str:
        import requests

        from local.moto_server import LocalMotoServer

        # loopback, whatever --host says
        self._moto = LocalMotoServer(ip_address="127.0.0.1", port=0, console_origins=console_origins)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        # moto's backends live in this process: a stack started earlier in it left its state.
        requests.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
        return endpoint

    def _listen(self) -> str:
        from werkzeug.serving import WSGIRequestHandler, make_server

        from local.web import LocalWeb

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:  # the gateway logs API calls itself
                pass

        if self.port:  # werkzeug answers a taken port with a message and sys.exit(1): ask first
            import socket

            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((self.host, self.port))
                except OSError as error:
                    raise LocalStackError(f"cannot listen on {self.host}:{self.port} ({error.strerror}): "
                                          "is Lobby already running? Try another port.") from None
        try:
            self._server = make_server(self.host, self.port, LocalWeb(self.console_dir), threaded=True,
                                       request_handler=QuietHandler)
        except (OSError, SystemExit) as error:
            raise LocalStackError(f"cannot listen on {self.host}:{self.port}: {error}") from None
        self._server.daemon_threads = True
        self._server_thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                               name="lobby-http", daemon=True)
        self._server_thread.start()
        url_host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        return f"http://{url_host}:{self._server.server_port}"

    def _listen_realtime(self) -> str:
        from local.realtime import RealtimeServer

        # The port after the stack's when it has one (8001 for make run's 8000), else any. The console and the
        # clients read realtime_url from config.json and stack.json, never the number: when that port is taken
        # (an ephemeral port of any connection on the machine may be), any free one serves as well.
        preferred = self.port + 1 if self.port else 0
        failure: OSError | None = None
        for port in dict.fromkeys((preferred, 0)):  # (8001, 0), or (0,) for a stack on any port
            self._realtime = RealtimeServer(host=self.host, port=port, region=self.region)
            try:
                return self._realtime.listen()
            except OSError as error:
                self._realtime, failure = None, error
                log.info("cannot listen on %s:%d for the WebSocket API (%s)", self.host, port, error.strerror or error)
        raise LocalStackError(f"cannot listen on {self.host} for the WebSocket API ({failure})")

    def _attach_realtime(self, web, resources, *, authorizer, socket_function) -> None:
        """The WebSocket API's functions and its @connections (served from now on, sockets from ``_start_realtime``)."""
        from local.connections_endpoint import ConnectionsEndpoint

        endpoint = ConnectionsEndpoint()
        web.connections = endpoint
        assert self._realtime is not None
        self._realtime.attach(authorizer=authorizer, socket_function=socket_function, registry=endpoint.registry,
                              account_id=resources.account_id)

    def _start_realtime(self, session, resources, function) -> None:
        """The sockets, and the stream read from its end on (what was written so far is forgotten)."""
        from local.changes import ChangeFeed, MotoStream, sqs_destination

        assert self._moto is not None and self._realtime is not None
        stream = MotoStream(resources.table_name, resources.account_id, self.region, self._moto.dynamodb_lock)
        stream.skip()
        fanout = function(names.REALTIME_FANOUT_FUNCTION, names.REALTIME_FANOUT_HANDLER)
        dead_letters = sqs_destination(session.client("sqs"), resources.queue_urls[names.REALTIME_FANOUT_DLQ])
        self._workers.append(ChangeFeed(stream, fanout, dead_letters=dead_letters, function_arn=fanout.arn).start())
        self._realtime.start()

    def _start_expiry(self, session, resources, function) -> None:
        """DynamoDB's TTL, which moto does not run (``local.expiry``: a Scan every few seconds, local only), and the
        expiry function on its removals."""
        from local.changes import sqs_destination
        from local.expiry import TtlSweep, expiry_feed

        expiry = function(names.EXPIRY_FUNCTION, names.EXPIRY_HANDLER)
        self._ttl = TtlSweep(session.client("dynamodb"), resources.table_name, self.region, resources.account_id)
        dead_letters = sqs_destination(session.client("sqs"), resources.queue_urls[names.EXPIRY_DLQ])
        self._expiry = expiry_feed(self._ttl, expiry, dead_letters=dead_letters, period=self.ttl_period,
                                   function_arn=expiry.arn)
        self._workers.append(self._expiry.start())

    def expire_now(self) -> int:
        """Runs DynamoDB's TTL now (what expired is deleted and its removals handed to the expiry function);
        returns how many records the expiry function was given."""
        if self._expiry is None:
            raise LocalStackError("the local stack is not running")
        return self._expiry.poll_once()

    def _info(self, base_url: str, endpoint: str, resources, realtime_url: str) -> dict:
        return {
            "api_url": base_url,
            "console_url": f"{base_url}/",
            "aws_endpoint_url": endpoint,
            "region": self.region,
            "table_name": resources.table_name,
            "cognito_user_pool_id": resources.user_pool_id,
            "cognito_client_id": resources.console_client_id,
            "cognito_endpoint": f"{base_url}/cognito/",
            "expedia_events_queue_url": resources.queue_urls[names.EXPEDIA_EVENTS_QUEUE],
            "expedia_events_dlq_url": resources.queue_urls[names.EXPEDIA_EVENTS_DLQ],
            "outbound_queue_url": resources.queue_urls[names.OUTBOUND_QUEUE],
            "outbound_dlq_url": resources.queue_urls[names.OUTBOUND_DLQ],
            "expedia_sim_url": f"{base_url}/expedia/sim",
            "expedia_graphql_url": f"{base_url}/expedia/graphql",
            "expedia_token_url": f"{base_url}/expedia/oauth/token",
            "expedia_callback_url": f"{base_url}{names.EXPEDIA_CALLBACK_PATH}",
            "expedia_secret_arn": resources.expedia_secret_arn,
            "expedia_files_url": f"{base_url}/expedia/files",
            "attachments_bucket": resources.attachments_bucket,
            "reconcile_url": f"{base_url}/local/reconcile",
            "reconcile_period_seconds": self.reconcile_period,
            "schedule_group": resources.schedule_group,
            "connections_table": resources.connections_table,
            "realtime_url": realtime_url,
            "realtime_connections_url": f"{base_url}/local/connections",
            "pid": os.getpid(),
        }

    def _function_environment(self, info: dict, resources) -> dict[str, str]:
        """What the CDK stack gives the functions (each reads only its own settings)."""
        from auth.tokens import issuer, jwks_url

        environment = {
            "POWERTOOLS_SERVICE_NAME": names.POWERTOOLS_SERVICE_NAME,
            "POWERTOOLS_METRICS_NAMESPACE": names.POWERTOOLS_METRICS_NAMESPACE,
            "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
            "POWERTOOLS_METRICS_DISABLED": "true",  # no CloudWatch to read the EMF lines
            "TABLE_NAME": resources.table_name,
            "SCHEDULE_GROUP": resources.schedule_group,
            "WAKE_UP_FUNCTION_ARN": resources.function_arn(names.WAKE_UP_FUNCTION),
            "SCHEDULER_ROLE_ARN": resources.scheduler_role_arn,
            "SCHEDULER_DLQ_ARN": resources.queue_arns[names.SCHEDULER_DLQ],
            "OUTBOUND_QUEUE_URL": info["outbound_queue_url"],
            "OUTBOUND_DLQ_URL": info["outbound_dlq_url"],
            "JWKS_URL": jwks_url(self.region, resources.user_pool_id, info["aws_endpoint_url"]),
            "TOKEN_ISSUER": issuer(self.region, resources.user_pool_id),
            "TOKEN_AUDIENCE": resources.console_client_id,
            "USER_POOL_ID": resources.user_pool_id,  # the agent directory: the hotel groups' members
            "CONSOLE_USAGE_KEY": "LobbyConsoleUsageLocalIdentifier",
            "EXPEDIA_GRAPHQL_URL": info["expedia_graphql_url"],
            "EXPEDIA_TOKEN_URL": info["expedia_token_url"],
            "EXPEDIA_SECRET_ARN": resources.expedia_secret_arn,
            "EXPEDIA_EVENTS_QUEUE_URL": info["expedia_events_queue_url"],
            "EXPEDIA_FILES_URL": info["expedia_files_url"],
            "ATTACHMENTS_BUCKET": resources.attachments_bucket,
            "CONNECTIONS_TABLE": resources.connections_table,
            "REALTIME_CONNECTIONS_URL": info["realtime_connections_url"],
        }
        if self.log_level:
            environment["POWERTOOLS_LOG_LEVEL"] = self.log_level
        return environment

    def _start_workers(self, session, resources, function) -> None:
        from local.lambda_runtime import SqsPoller

        sqs = session.client("sqs")
        for source in names.EVENT_SOURCES:
            handler = function(source.function, source.handler)
            poller = SqsPoller(session.client("sqs"), resources.queue_urls[source.queue],
                               lambda event, _context, handler=handler: handler(event),  # its own context
                               batch_size=source.batch_size, function_name=source.function)
            self._workers.append(QueueWorker(poller, name=f"lobby-poller-{source.queue}").start())
        wake_up = function(names.WAKE_UP_FUNCTION, names.WAKE_UP_HANDLER)
        self._workers.append(ScheduleWorker(session.client("scheduler"), sqs, resources.schedule_group,
                                            {wake_up.arn: wake_up}, name="lobby-scheduler").start())
        self._source_queues = [resources.queue_urls[source.queue] for source in names.EVENT_SOURCES]
        self._sqs = sqs
        reconcile = function(names.EXPEDIA_RECONCILE_FUNCTION, names.EXPEDIA_RECONCILE_HANDLER)
        self._reconciler = PeriodicWorker(reconcile, self.reconcile_period, name="lobby-expedia-reconcile").start()
        self._workers.append(self._reconciler)

    def reconcile(self) -> dict:
        """Runs the Expedia reconciler now (``POST /local/reconcile``), then waits until the ingest took
        what it queued; returns the run's summary."""
        if self._reconciler is None:
            raise LocalStackError("the local stack is not running")
        summary = self._reconciler.run_now()
        self.wait_until_drained(timeout=120)
        return summary

    @staticmethod
    def _console_origins(base_url: str) -> tuple[str, ...]:
        """Where a browser may load the console from: the attachment bucket's CORS origins."""
        origins = [base_url]
        port = base_url.rsplit(":", 1)[-1]
        origins += [f"http://{host}:{port}" for host in ("127.0.0.1", "localhost") if f"//{host}:" not in base_url]
        return tuple(origins)

    # -- helpers --------------------------------------------------------------------------

    def wait_until_drained(self, timeout: float = 30.0) -> None:
        """Until every queue that feeds a function is empty (nothing visible, in flight or delayed)."""
        counts = ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                  "ApproximateNumberOfMessagesDelayed")
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 2:  # twice in a row: a handler may be about to queue more
            if time.monotonic() > deadline:
                raise LocalStackError(f"the queues did not drain within {timeout:.0f} s")
            empty = all(all(int(v) == 0 for v in self._sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=list(counts))["Attributes"].values()) for url in self._source_queues)
            quiet = quiet + 1 if empty else 0
            time.sleep(0.05)

    @property
    def standin(self):
        """The Expedia stand-in (its simulator is also over HTTP at ``expedia_sim_url``)."""
        return self._standin

    def _set_environment(self, values: dict[str, str | None]) -> None:
        if self._saved_environ is None:
            self._saved_environ = {}
        for name, value in values.items():
            self._saved_environ.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _restore_environment(self) -> None:
        if self._saved_environ is None:
            return
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environ = None
        self._reset_functions()

    @staticmethod
    def _reset_functions() -> None:
        """Forget the settings and clients the functions built (they read os.environ once)."""
        from wiring import container

        container.reset()

    def _remove_state(self) -> None:
        """Removes stack.json if this stack wrote it (another stack may have taken the folder since)."""
        path = self.state_dir / STACK_FILE
        try:
            written = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        ours = self.info is not None and written.get("api_url") == self.info["api_url"]
        if ours and written.get("pid") == os.getpid():
            path.unlink(missing_ok=True)

    def _write_state(self, info: dict) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        path = self.state_dir / STACK_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        temporary.replace(path)
