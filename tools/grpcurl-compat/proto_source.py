"""`describe` text as grpcurl v1.8.7 prints it (jhump/protoreflect's protoprint: compact, elements
sorted, fully-qualified type names with a leading dot, no comments since reflection sends none):
methods by name, fields and enum values by number, nested messages then nested enums by name,
proto3 `optional` fields as `optional`, their synthetic oneofs left out."""

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import (Descriptor, EnumDescriptor, FieldDescriptor, MethodDescriptor,
                                        OneofDescriptor, ServiceDescriptor)


def describe(descriptor):
    """(what grpcurl calls the symbol: "a message"..., its source lines)."""
    if isinstance(descriptor, ServiceDescriptor):
        return "a service", _service_lines(_to_proto(descriptor, descriptor_pb2.ServiceDescriptorProto))
    if isinstance(descriptor, MethodDescriptor):
        service = _to_proto(descriptor.containing_service, descriptor_pb2.ServiceDescriptorProto)
        return "a method", [_method_line(next(m for m in service.method if m.name == descriptor.name))]
    if isinstance(descriptor, Descriptor):
        owner = descriptor.containing_type
        if descriptor.GetOptions().map_entry and owner is not None:
            field = next(f for f in owner.fields if f.message_type is descriptor)
            return "the entry type for a map field", [_field_source(field)]
        return "a message", _message_lines(_to_proto(descriptor, descriptor_pb2.DescriptorProto),
                                           descriptor.file.syntax)
    if isinstance(descriptor, EnumDescriptor):
        return "an enum", _enum_lines(_to_proto(descriptor, descriptor_pb2.EnumDescriptorProto), "")
    if isinstance(descriptor, FieldDescriptor):
        return "a field", [_field_source(descriptor)]
    if isinstance(descriptor, OneofDescriptor):
        message = _to_proto(descriptor.containing_type, descriptor_pb2.DescriptorProto)
        index = next(i for i, oneof in enumerate(message.oneof_decl) if oneof.name == descriptor.name)
        return "a one-of", _oneof_lines(message, index, descriptor.containing_type.file.syntax, "", True)
    raise TypeError(f"descriptor has unrecognized type {type(descriptor).__name__}")


def _to_proto(descriptor, proto_class):
    proto = proto_class()
    descriptor.CopyToProto(proto)
    return proto


def _scalar_type_name(field):
    if field.type in (field.TYPE_MESSAGE, field.TYPE_ENUM, field.TYPE_GROUP):
        return field.type_name
    return descriptor_pb2.FieldDescriptorProto.Type.Name(field.type)[len("TYPE_"):].lower()


def _field_line(field, message, syntax, in_oneof=False):
    """One field: `repeated int64 ids = 1;`, `map<string, int64> m = 3;`, `optional int32 k = 2;`."""
    entry = next((nested for nested in message.nested_type
                  if nested.options.map_entry and field.type_name.endswith(f".{nested.name}")), None)
    if entry is not None and field.label == field.LABEL_REPEATED:
        key, value = entry.field
        return f"map<{_scalar_type_name(key)}, {_scalar_type_name(value)}> {field.name} = {field.number};"
    if field.label == field.LABEL_REPEATED:
        label = "repeated "
    elif field.label == field.LABEL_REQUIRED:
        label = "required "
    elif field.proto3_optional or (syntax != "proto3" and not in_oneof):
        label = "optional "
    else:
        label = ""
    return f"{label}{_scalar_type_name(field)} {field.name} = {field.number};"


def _field_source(descriptor):
    message = _to_proto(descriptor.containing_type, descriptor_pb2.DescriptorProto)
    declared = next(f for f in message.field if f.name == descriptor.name)
    return _field_line(declared, message, descriptor.containing_type.file.syntax)


def _oneof_lines(message, index, syntax, indent, synthetic_too=False):
    members = [f for f in message.field if f.HasField("oneof_index") and f.oneof_index == index]
    if not synthetic_too and all(member.proto3_optional for member in members):
        return []
    return ([f"{indent}oneof {message.oneof_decl[index].name} {{"]
            + [f"{indent}  {_field_line(member, message, syntax, in_oneof=True)}" for member in members]
            + [f"{indent}}}"])


def _enum_lines(enum, indent):
    values = sorted(enum.value, key=lambda value: value.number)
    return ([f"{indent}enum {enum.name} {{"]
            + [f"{indent}  {value.name} = {value.number};" for value in values]
            + [f"{indent}}}"])


def _message_lines(message, syntax, indent=""):
    lines = [f"{indent}message {message.name} {{"]
    inner = indent + "  "
    printed_oneofs = set()
    for field in sorted(message.field, key=lambda f: f.number):
        if not field.HasField("oneof_index") or field.proto3_optional:
            lines.append(inner + _field_line(field, message, syntax))
        elif field.oneof_index not in printed_oneofs:
            printed_oneofs.add(field.oneof_index)
            lines += _oneof_lines(message, field.oneof_index, syntax, inner)
    for nested in sorted(message.nested_type, key=lambda m: m.name):
        if not nested.options.map_entry:
            lines += _message_lines(nested, syntax, inner)
    for nested_enum in sorted(message.enum_type, key=lambda e: e.name):
        lines += _enum_lines(nested_enum, inner)
    lines.append(f"{indent}}}")
    return lines


def _method_line(method):
    request = ("stream " if method.client_streaming else "") + method.input_type
    response = ("stream " if method.server_streaming else "") + method.output_type
    return f"rpc {method.name} ( {request} ) returns ( {response} );"


def _service_lines(service):
    return ([f"service {service.name} {{"]
            + [f"  {_method_line(method)}" for method in sorted(service.method, key=lambda m: m.name)]
            + ["}"])
