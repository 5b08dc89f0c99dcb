"""Learns services and types from the server's reflection service (grpc.reflection.v1alpha, what
gRPC 1.51 serves), as grpcurl does without -proto files, and keeps every file it received (with its
imports) in one descriptor pool. Errors read like grpcurl's ("Symbol not found: x",
"rpc error: code = Internal desc = ...")."""

import subprocess

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

import go_text

REFLECTION_PROTO_ROOT = "/usr/share/grpc-proto"
REFLECTION_PROTO = "grpc/reflection/v1alpha/reflection.proto"
REFLECTION_METHOD = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
STATUS_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}
VALID_HEADER_NAME_CHARACTERS = set("0123456789abcdefghijklmnopqrstuvwxyz-_.")


class ClientError(Exception):
    """A failure of this client, not of the called method: grpcurl exits with 1."""


class NotFound(ClientError):
    pass


class StatusError(ClientError):
    """A gRPC status on a reflection call, printed as grpc-go prints one."""

    def __init__(self, code, message):
        super().__init__(f"rpc error: code = {go_code_name(code)} desc = {message}")
        self.code, self.message = code, message


def go_code_name(code):
    """Status codes by their Go names: CamelCase, and "Canceled" with one "l"."""
    if code == grpc.StatusCode.CANCELLED:
        return "Canceled"
    return "".join(word.capitalize() for word in code.name.split("_"))


def check_header_names(metadata):
    """grpc-go refuses such a header when it sends a call; Python's grpc would fail differently."""
    for name, _ in metadata:
        if not name or set(name) - VALID_HEADER_NAME_CHARACTERS:
            raise StatusError(grpc.StatusCode.INTERNAL,
                              f"header key {go_text.quote(name)} contains illegal characters not in [0-9a-z-_.]")


def load_reflection_messages():
    """Builds the reflection request and response classes from grpc-proto's reflection.proto."""
    try:
        compiled = subprocess.run(
            ["protoc", f"-I{REFLECTION_PROTO_ROOT}", "--descriptor_set_out=/dev/stdout", REFLECTION_PROTO],
            capture_output=True, check=False)
    except OSError as error:
        raise ClientError(f"cannot run protoc (Debian package protobuf-compiler): {error}") from error
    if compiled.returncode != 0:
        raise ClientError(f"protoc cannot compile {REFLECTION_PROTO_ROOT}/{REFLECTION_PROTO} (Debian package "
                          f"grpc-proto): {compiled.stderr.decode().strip()}")
    pool = descriptor_pool.DescriptorPool()
    for file_proto in descriptor_pb2.FileDescriptorSet.FromString(compiled.stdout).file:
        pool.Add(file_proto)
    factory = message_factory.MessageFactory(pool)
    return (factory.GetPrototype(pool.FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest")),
            factory.GetPrototype(pool.FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse")))


class ReflectionClient:
    def __init__(self, channel, metadata):
        self._request_class, response_class = load_reflection_messages()
        self._exchange = channel.stream_stream(REFLECTION_METHOD,
                                               request_serializer=self._request_class.SerializeToString,
                                               response_deserializer=response_class.FromString)
        self._metadata = metadata
        self._files = {}
        self._pooled = set()
        self.pool = descriptor_pool.DescriptorPool()

    def _ask(self, **request_fields):
        check_header_names(self._metadata)
        request = self._request_class(**request_fields)
        try:
            response = next(iter(self._exchange(iter([request]), metadata=self._metadata)))
        except grpc.RpcError as error:
            raise StatusError(error.code(), error.details()) from error
        except StopIteration as error:
            raise ClientError("the reflection service sent no answer") from error
        if response.HasField("error_response"):
            code = STATUS_BY_NUMBER.get(response.error_response.error_code, grpc.StatusCode.UNKNOWN)
            if code == grpc.StatusCode.NOT_FOUND and "file_containing_symbol" in request_fields:
                raise NotFound(f"Symbol not found: {request_fields['file_containing_symbol']}")
            if code == grpc.StatusCode.NOT_FOUND:
                raise NotFound(f"File not found: {request_fields.get('file_by_filename')}")
            raise StatusError(code, response.error_response.error_message)
        return response

    def list_services(self):
        """In the server's order (grpcurl sorts them for `list`, not for `describe`)."""
        response = self._ask(list_services="")
        return [service.name for service in response.list_services_response.service]

    def find_symbol(self, symbol):
        """The descriptor named `symbol` (service, method, message, enum, field or oneof), with the
        file defining it and everything it imports in the pool; NotFound otherwise."""
        self._keep(self._ask(file_containing_symbol=symbol))
        missing = self._missing_imports()
        while missing:
            self._keep(self._ask(file_by_filename=missing[0]))
            missing = self._missing_imports()
        for name in self._files:
            self._add_to_pool(name)
        for find in (self.pool.FindServiceByName, self.pool.FindMethodByName, self.pool.FindMessageTypeByName,
                     self.pool.FindEnumTypeByName, self.pool.FindFieldByName, self.pool.FindOneofByName):
            try:
                return find(symbol)
            except KeyError:
                continue
        raise NotFound(f"Symbol not found: {symbol}")

    def json_names(self):
        """{message full name: {field name: json_name}} for the fields whose served descriptor sets
        json_name (gRPC C++ serves none; grpcurl then prints the proto names)."""
        names = {}

        def collect(prefix, messages):
            for message in messages:
                full_name = f"{prefix}.{message.name}" if prefix else message.name
                names[full_name] = {field.name: field.json_name for field in message.field
                                    if field.HasField("json_name")}
                collect(full_name, message.nested_type)

        for file_proto in self._files.values():
            collect(file_proto.package, file_proto.message_type)
        return names

    def _keep(self, response):
        for serialized in response.file_descriptor_response.file_descriptor_proto:
            file_proto = descriptor_pb2.FileDescriptorProto.FromString(serialized)
            self._files.setdefault(file_proto.name, file_proto)

    def _missing_imports(self):
        return sorted({dependency for file_proto in self._files.values() for dependency in file_proto.dependency
                       if dependency not in self._files})

    def _add_to_pool(self, name):
        """The pool builds a file as it is added, so its imports go in first."""
        if name in self._pooled:
            return
        file_proto = self._files[name]
        for dependency in file_proto.dependency:
            self._add_to_pool(dependency)
        try:
            self.pool.Add(file_proto)
        except TypeError as error:
            raise ClientError(f"the server's reflection sent an invalid descriptor of {name}: {error}") from error
        self._pooled.add(name)
