"""moto's threaded server as the local stack runs it.

Two things differ from ``ThreadedMotoServer`` as shipped, both about DynamoDB:

- **One DynamoDB request at a time.** moto backs a table up (``copy.deepcopy``) before each
  ``TransactWriteItems``; a write from another thread during that copy fails it with
  ``RuntimeError: dictionary changed size during iteration``. The local stack serves the API,
  the pollers and the scheduler in parallel, so DynamoDB requests are serialised here (other
  services, SQS long polls included, stay concurrent). DynamoDB itself has no such limit.
- **A backup of what a transaction touches.** Before each ``TransactWriteItems`` moto
  deep-copies the whole table, once per item of the transaction, to roll back if it fails;
  the cost grows with the table (a fifth of the local stack's CPU with the demo's few
  hundred items). The backup made here is the table with its item maps copied and deep copies of
  only the items the transaction names (moto updates items in place; puts and deletes
  replace map entries): a rollback restores exactly the same state, for the cost of the
  touched items. ``tests/integration/conftest.py`` makes moto copy the table once per
  transaction, for the same reason.

Two about what the real time feature reads (issue 13):

- **A cancelled transaction leaves no stream records.** moto records each write of a
  transaction in the table's stream as it applies it; when a later one fails, it rolls the
  items back but not the records (the backup shares the stream shard: copying every record
  per transaction would grow with the run). ``TransactionBackups`` cuts each shard back to
  where it was, so the change feed (``local.changes``) never pushes a change that did not happen.
- **Cognito honours the app client's ID token lifetime.** moto issues every ID token for an
  hour; Cognito for the client's ``IdTokenValidity`` in ``TokenValidityUnits.IdToken`` (hours
  when unset). Tests shorten it with ``UpdateUserPoolClient`` to see the console renew its token.

One about S3: a browser's presigned POST is checked against its policy (``local.s3_policy``), as S3
does and moto does not, so a file over the granted size or of another type is refused locally too.

And one about every request: moto's dispatcher lists its own package folder on disk to
recognise a service name (``moto.backends.list_of_moto_modules``) for every request it
serves; the list cannot change while the process runs, so it is read once.
"""

from __future__ import annotations

import copy
import threading

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

DYNAMODB_TARGET_PREFIX = "DynamoDB_"


class _OneDynamoDBRequestAtATime:
    def __init__(self, app, lock: threading.Lock):
        self.app = app
        self.lock = lock

    def __call__(self, environ, start_response):
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGET_PREFIX):
            return self.app(environ, start_response)
        with self.lock:
            # Consumed inside the lock: moto answers with a complete body.
            return list(self.app(environ, start_response))


class _TouchedItemsBackup:
    """Stands in for the ``copy`` module in moto's DynamoDB models during one transaction:
    ``deepcopy(table)`` answers a backup of the items the transaction names; any other
    value is copied as ``copy.deepcopy`` would."""

    def __init__(self, transact_items: list[dict]):
        self.touched: dict[str, list[dict]] = {}
        for entry in transact_items:
            for operation in entry.values():
                if isinstance(operation, dict) and "TableName" in operation:
                    self.touched.setdefault(operation["TableName"], []).append(
                        operation.get("Key") or operation.get("Item") or {})

    def deepcopy(self, value, memo=None):
        from moto.dynamodb.models.table import Table

        if type(value) is not Table or not isinstance(getattr(value, "items", None), dict):
            return copy.deepcopy(value, memo)
        return self._backup(value)

    def _backup(self, table):
        from collections import defaultdict

        from moto.dynamodb.models.dynamo_type import DynamoType

        backup = copy.copy(table)
        if table.range_key_attr is None:
            backup.items = defaultdict(dict, table.items)
        else:
            backup.items = defaultdict(dict, {h: dict(by_range) for h, by_range in table.items.items()})
        for key in self.touched.get(table.name, ()):
            hash_value = key.get(table.hash_key_attr)
            if hash_value is None:
                continue
            hash_key = DynamoType(hash_value)
            if table.range_key_attr is None:
                if hash_key in table.items:
                    backup.items[hash_key] = copy.deepcopy(table.items[hash_key])
                continue
            range_value = key.get(table.range_key_attr)
            if range_value is None:
                continue
            range_key = DynamoType(range_value)
            if range_key in table.items.get(hash_key, {}):
                backup.items[hash_key][range_key] = copy.deepcopy(table.items[hash_key][range_key])
        return backup

    def __getattr__(self, name):
        return getattr(copy, name)


class TransactionBackups:
    """Patches ``DynamoDBBackend.transact_write_items`` while the server runs: the touched items'
    backup, and a failed transaction's stream records taken back."""

    def __init__(self):
        self.original = None

    def install(self) -> None:
        import moto.dynamodb.models as models

        backend = models.DynamoDBBackend
        original = backend.transact_write_items
        self.original = original

        def transact_write_items(self, transact_items):
            backup = _TouchedItemsBackup(transact_items)
            streams = {name: (table, len(table.stream_shard.items)) for name in backup.touched
                       if (table := self.tables.get(name)) is not None and table.stream_shard is not None}
            models.copy = backup
            try:
                return original(self, transact_items)
            except BaseException:
                _cut_streams_back(self, streams)
                raise
            finally:
                models.copy = copy

        backend.transact_write_items = transact_write_items

    def uninstall(self) -> None:
        if self.original is not None:
            import moto.dynamodb.models as models

            models.DynamoDBBackend.transact_write_items = self.original
            self.original = None


def _cut_streams_back(backend, streams: dict) -> None:
    """After a rolled-back transaction: each touched table's stream as it was before it, and the
    table moto put back (a shallow copy sharing the shard) made the shard's owner again."""
    for name, (table, length) in streams.items():
        shard = table.stream_shard
        del shard.items[length:]
        restored = backend.tables.get(name)
        if restored is not None and restored.stream_shard is shard:
            shard.table = restored


def id_token_seconds(client) -> int | None:
    """The ID token lifetime the app client sets (``IdTokenValidity`` in ``TokenValidityUnits.IdToken``,
    hours by default, as Cognito reads them); None when it sets none."""
    config = getattr(client, "extended_config", None) or {}
    validity = config.get("IdTokenValidity")
    if validity is None:
        return None
    unit = (config.get("TokenValidityUnits") or {}).get("IdToken") or "hours"
    return int(validity) * _UNIT_SECONDS.get(unit, 3600)


_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


class IdTokenValidity:
    """Patches ``CognitoIdpUserPool.create_jwt`` while the server runs: an ID token lives as long as
    its app client says (moto: always an hour)."""

    def __init__(self):
        self.original = None

    def install(self) -> None:
        from moto.cognitoidp.models import CognitoIdpUserPool

        original = CognitoIdpUserPool.create_jwt
        self.original = original

        def create_jwt(self, client_id, username, token_use, expires_in=60 * 60, extra_data=None):
            if token_use == "id":
                expires_in = id_token_seconds(self.clients.get(client_id)) or expires_in
            return original(self, client_id, username, token_use, expires_in, extra_data)

        CognitoIdpUserPool.create_jwt = create_jwt

    def uninstall(self) -> None:
        if self.original is not None:
            from moto.cognitoidp.models import CognitoIdpUserPool

            CognitoIdpUserPool.create_jwt = self.original
            self.original = None


class _ModuleList:
    """Patches ``moto.backends.list_of_moto_modules`` with a list read once, while the server runs."""

    def __init__(self):
        self.original = None

    def install(self) -> None:
        import moto.backends as backends

        self.original = backends.list_of_moto_modules
        modules = tuple(self.original())
        backends.list_of_moto_modules = lambda: iter(modules)

    def uninstall(self) -> None:
        if self.original is not None:
            import moto.backends as backends

            backends.list_of_moto_modules = self.original
            self.original = None


class LocalMotoServer(ThreadedMotoServer):
    """``ThreadedMotoServer`` with DynamoDB requests serialised, cheaper transactions that leave no stream
    records when cancelled, Cognito's ID token lifetime, and S3's POST policy enforced (``local.s3_policy``:
    moto stores whatever a presigned POST sends)."""

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 0, *, console_origins: tuple[str, ...] = ()):
        super().__init__(ip_address=ip_address, port=port, verbose=False)
        self._patches = (TransactionBackups(), IdTokenValidity(), _ModuleList())
        self._console_origins = console_origins
        # Held by each DynamoDB request, and by whoever reads moto's tables in this process (local.changes).
        self.dynamodb_lock = threading.Lock()

    def _server_entry(self) -> None:  # ThreadedMotoServer's, with the app wrapped
        from local.s3_policy import PostPolicyCheck

        app = PostPolicyCheck(_OneDynamoDBRequestAtATime(DomainDispatcherApplication(create_backend_app),
                                                         self.dynamodb_lock), self._console_origins)
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever(poll_interval=0.1)

    def start(self) -> None:
        for patch in self._patches:
            patch.install()
        super().start()

    def stop(self) -> None:
        """Stops serving and frees the port (``ThreadedMotoServer.stop`` leaves the socket open)."""
        if self._thread is not None:
            super().stop()
        if self._server is not None:
            self._server.server_close()
            self._server = None
        for patch in self._patches:
            patch.uninstall()
