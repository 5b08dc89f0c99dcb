"""A gRPC proxy that lets two clients see byte-identical answers to the same call.

Comparing two grpcurl implementations against a live server fails on the server, not on the
clients: the second TrainModel makes another job, the second GetUserRecommendations comes from
the cache, a second DeleteModel finds nothing to delete. So the proxy forwards the first client's
unary calls to the server and records each answer (message bytes or status), then answers the
second client's calls from that record without reaching the server. Whatever still differs
between the two outputs is the clients' doing.

A replayed call is matched by method, request bytes and metadata: a call the first client did
not make (another method, or the same JSON serialized differently) is a miss, answered with
FAILED_PRECONDITION and listed in `misses`. Reflection (the only streaming method grpcurl needs
here) is always forwarded: it is read-only.
"""

import collections
import concurrent.futures
import threading

import grpc

# Metadata a client library sets itself; everything else (e.g. authorization) is the caller's.
TRANSPORT_METADATA = {"user-agent", "te", "content-type", "grpc-accept-encoding", "grpc-encoding", "grpc-timeout"}


class ReplayingProxy(grpc.GenericRpcHandler):
    def __init__(self, upstream_address):
        self._channel = grpc.insecure_channel(upstream_address)
        self._server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4),
                                   handlers=[self])
        port = self._server.add_insecure_port("127.0.0.1:0")
        if port == 0:
            raise RuntimeError("the replaying proxy cannot listen on 127.0.0.1")
        self.address = f"127.0.0.1:{port}"
        self._lock = threading.Lock()
        self._recorded = collections.defaultdict(collections.deque)
        self._replaying = False
        self.misses = []

    def start(self):
        self._server.start()

    def stop(self):
        self._server.stop(grace=None)
        self._channel.close()

    def record(self):
        """From now on, unary calls reach the server and their answers are kept."""
        with self._lock:
            self._replaying = False
            self._recorded.clear()
            self.misses = []

    def replay(self):
        """From now on, unary calls are answered from what was recorded, each answer once."""
        with self._lock:
            self._replaying = True

    def unreplayed(self):
        """The recorded calls nobody replayed since replay() began: (method, request bytes, metadata)."""
        with self._lock:
            return [key for key, answers in self._recorded.items() for _ in answers]

    def service(self, handler_call_details):
        method = handler_call_details.method
        if method.endswith("/ServerReflectionInfo"):
            return grpc.stream_stream_rpc_method_handler(
                lambda requests, context: self._forward_stream(method, requests, context))
        return grpc.unary_unary_rpc_method_handler(
            lambda request, context: self._unary(method, request, context))

    def _forward_stream(self, method, requests, context):
        call = self._channel.stream_stream(method)(requests, metadata=caller_metadata(context))
        try:
            yield from call
        except grpc.RpcError as error:
            context.set_code(error.code())
            context.set_details(error.details())

    def _unary(self, method, request, context):
        metadata = caller_metadata(context)
        key = (method, request, tuple(sorted(metadata)))
        with self._lock:
            replaying = self._replaying
            if replaying:
                answers = self._recorded.get(key)
                answer = answers.popleft() if answers else None
                if answer is None:
                    self.misses.append(key)
        if replaying and answer is None:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          "replaying proxy: the first client made no such call (method, request bytes, metadata)")
        if not replaying:
            answer = self._forward_unary(method, request, metadata)
            with self._lock:
                self._recorded[key].append(answer)
        response, code, details = answer
        if code is not None:
            context.abort(code, details)
        return response

    def _forward_unary(self, method, request, metadata):
        """(response bytes, None, None) or (None, status code, details)."""
        try:
            return self._channel.unary_unary(method)(request, metadata=metadata), None, None
        except grpc.RpcError as error:
            return None, error.code(), error.details()


def caller_metadata(context):
    return [(name, value) for name, value in context.invocation_metadata()
            if name not in TRANSPORT_METADATA and not name.startswith(":")]
