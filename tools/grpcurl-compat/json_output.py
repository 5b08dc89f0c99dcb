"""A message as grpcurl v1.8.7 prints it (github.com/jhump/protoreflect's dynamic message JSON
through jsonpb with a two-space indent), checked against the real grpcurl by
tests/readme/grpcurl_compat_test.py:

- names: the field's json_name when the descriptor carries one, else the proto name. gRPC C++
  serves descriptors without json_name, so Vitrina's answers show `title_id`, not `titleId`;
- fields in field-number order, only the present ones (proto3 defaults left out, an `optional`
  field set to zero kept); map entries ordered by key;
- 64-bit integers as strings, 32-bit ones as numbers; enums by name (the number when unknown);
  floats in Go's shortest 'g' form (1e-06, 0.05); bytes in base64;
- an empty message as "{", an indented empty line, "}";
- Timestamp, Duration, Empty and the wrappers in their JSON forms, as jsonpb writes them.
"""

import base64
import math

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor

import go_text

INDENT = "  "
WRAPPER_TYPES = {f"google.protobuf.{name}Value" for name in
                 ("Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes")}
OTHER_WELL_KNOWN_TYPES = {f"google.protobuf.{name}" for name in ("Struct", "Value", "ListValue", "Any", "FieldMask")}
QUOTED_INTEGER_TYPES = {FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64,
                        FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64}
INTEGER_TYPES = QUOTED_INTEGER_TYPES | {FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32,
                                        FieldDescriptor.TYPE_SFIXED32, FieldDescriptor.TYPE_UINT32,
                                        FieldDescriptor.TYPE_FIXED32}


def format_message(message, json_names):
    """`json_names` maps a message's full name to {field name: json_name} for the fields whose
    served descriptor set one (gRPC C++ sets none)."""
    return _Printer(json_names).message(message, 0)


class _Printer:
    def __init__(self, json_names):
        self._json_names = json_names

    def message(self, message, level):
        full_name = message.DESCRIPTOR.full_name
        if full_name in ("google.protobuf.Timestamp", "google.protobuf.Duration"):
            return go_text.json_string(message.ToJsonString())
        if full_name in WRAPPER_TYPES:
            return self.value(message.DESCRIPTOR.fields_by_name["value"], message.value, level)
        if full_name == "google.protobuf.Empty":
            return "{}"  # jsonpb's, not the dynamic message's empty form
        if full_name in OTHER_WELL_KNOWN_TYPES:
            # Struct, Value, ListValue, Any, FieldMask: jsonpb's JSON forms, on one line here (none
            # of Vitrina's messages carries one, so their indentation is not checked).
            return json_format.MessageToJson(message, indent=None)
        names = self._json_names.get(full_name, {})
        members = [f"{go_text.json_string(names.get(field.name, field.name))}: {self.field(field, value, level + 1)}"
                   for field, value in message.ListFields()]
        return self.block("{", members, "}", level)

    @staticmethod
    def block(opening, members, closing, level):
        inner = "\n" + INDENT * (level + 1)
        return opening + inner + ("," + inner).join(members) + "\n" + INDENT * level + closing

    def field(self, field, value, level):
        if _is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            members = [f"{go_text.json_string(_map_key_text(key))}: {self.value(value_field, value[key], level + 1)}"
                       for key in sorted(value)]
            return self.block("{", members, "}", level)
        if field.label == FieldDescriptor.LABEL_REPEATED:
            return self.block("[", [self.value(field, element, level + 1) for element in value], "]", level)
        return self.value(field, value, level)

    def value(self, field, value, level):
        kind = field.type
        if kind in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP):
            return self.message(value, level)
        if kind == FieldDescriptor.TYPE_ENUM:
            known = field.enum_type.values_by_number.get(value)
            return go_text.json_string(known.name) if known is not None else str(value)
        if kind in QUOTED_INTEGER_TYPES:
            return f'"{value}"'
        if kind in INTEGER_TYPES:
            return str(value)
        if kind in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
            if math.isnan(value):
                return '"NaN"'
            if math.isinf(value):
                return '"Infinity"' if value > 0 else '"-Infinity"'
            return go_text.format_float(value, 32 if kind == FieldDescriptor.TYPE_FLOAT else 64)
        if kind == FieldDescriptor.TYPE_BOOL:
            return "true" if value else "false"
        if kind == FieldDescriptor.TYPE_BYTES:
            return go_text.json_string(base64.b64encode(value).decode("ascii"))
        return go_text.json_string(value)


def _is_map(field):
    return (field.label == FieldDescriptor.LABEL_REPEATED and field.type == FieldDescriptor.TYPE_MESSAGE
            and field.message_type.GetOptions().map_entry)


def _map_key_text(key):
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
