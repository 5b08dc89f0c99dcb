"""Reads `-d` requests the way grpcurl v1.8.7 does, error messages included: Go's JSON decoder
splits the text into values (go_json_scanner), then github.com/jhump/protoreflect's dynamic message
fills each from its JSON:

- a field by its proto name or its lowerCamelCase JSON name; an unknown one is an error;
- numbers also as strings ("42"), read by Go's strconv (so 1.0 or 1e2 is no integer);
  booleans also as "true"/"false"; enums by name or number;
- null leaves a field unset (an error on an `optional` scalar); an array on a singular field keeps
  its last element; a single value on a repeated field is a list of one;
- Timestamp as RFC 3339 text, read by Go's time.Parse.
"""

import base64
import json
import math
import re

from google.protobuf.descriptor import FieldDescriptor

import go_json_scanner
import go_text
import go_time

INT32_RANGE = (-2 ** 31, 2 ** 31 - 1)
INT64_RANGE = (-2 ** 63, 2 ** 63 - 1)
UINT32_MAX, UINT64_MAX = 2 ** 32 - 1, 2 ** 64 - 1
FLOAT32_MAX = 3.4028234663852886e38
GO_DECIMAL_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
GO_SPECIAL_FLOAT = re.compile(r"[+-]?(inf|infinity|nan)", re.IGNORECASE)


class RequestError(Exception):
    """What grpcurl reports as "error getting request data: ..."."""


class NoMoreRequests(Exception):
    """Only white space left (grpcurl's io.EOF)."""


class _Number(str):
    """A JSON number kept as written, like Go's json.Number."""


class _Object(list):
    """A JSON object as its (key, value) pairs, in order, duplicates kept."""


def _token_text(value):
    """How Go's %v prints the json.Token protoreflect expected something else than."""
    if isinstance(value, _Object):
        return "{"
    if isinstance(value, list):
        return "["
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _bad_input(expected, value):
    return RequestError(f"bad input: expecting {expected} ; instead got {_token_text(value)}")


class RequestReader:
    """The requests of one `-d` text, one message at a time."""

    def __init__(self, text):
        self._data = text.encode("utf-8", "surrogateescape")
        self._position = 0

    def read_into(self, message):
        """Fills `message` from the next JSON value; NoMoreRequests when there is none."""
        try:
            raw, self._position = go_json_scanner.next_value(self._data, self._position)
        except go_json_scanner.EndOfInput as end:
            raise NoMoreRequests() from end
        except go_json_scanner.JsonSyntaxError as error:
            raise RequestError(str(error)) from error
        value = json.loads(raw.decode("utf-8", "replace"), object_pairs_hook=_Object, parse_int=_Number,
                           parse_float=_Number)
        _fill_message(message, value)


def _fill_message(message, value):
    if value is None:
        return
    if not isinstance(value, _Object):
        raise RequestError(f"bad input: expecting start of JSON object: '{{' ; instead got {_token_text(value)}")
    descriptor = message.DESCRIPTOR
    for key, field_value in value:
        field = _find_field(descriptor, key)
        if field is None:
            raise RequestError(f"message type {descriptor.full_name} has no known field named {key}")
        _fill_field(message, field, key, field_value)


def _find_field(descriptor, key):
    for field in descriptor.fields:
        if key in (field.name, field.json_name):
            return field
    return None


def _is_map(field):
    return (field.label == FieldDescriptor.LABEL_REPEATED and field.type == FieldDescriptor.TYPE_MESSAGE
            and field.message_type.GetOptions().map_entry)


def _fill_field(message, field, key, value):
    """Merges one JSON member into `message`, as protoreflect's mergeField: a repeated field
    appends, a message field merges, a scalar is replaced."""
    if value is None or (isinstance(value, list) and not isinstance(value, _Object) and not value
                         and field.label != FieldDescriptor.LABEL_REPEATED):
        if field.containing_oneof is None:
            message.ClearField(field.name)
        elif field.type != FieldDescriptor.TYPE_MESSAGE:
            raise RequestError(f"message type {message.DESCRIPTOR.full_name} cannot set field {key} to null: "
                               "it is not a message type")
        else:
            getattr(message, field.name).SetInParent()
        return
    target = getattr(message, field.name)
    if _is_map(field):
        # {"k": v, ...}, or the entries as messages: [{"key": k, "value": v}, ...].
        if isinstance(value, _Object):
            entries = list(value)
        else:
            entries = []
            for entry in value if isinstance(value, list) else [value]:
                if not isinstance(entry, _Object):
                    raise RequestError(f"bad input: expecting start of JSON object: '{{' ; instead got "
                                       f"{_token_text(entry)}")
                members = dict(entry)
                entries.append((members.get("key"), members.get("value")))
        key_field, value_field = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
        for entry_key, entry_value in entries:
            parsed_key = _element(key_field, entry_key)
            if value_field.type == FieldDescriptor.TYPE_MESSAGE:
                _fill_message_value(target[parsed_key], entry_value)
            else:
                target[parsed_key] = _element(value_field, entry_value)
        return
    # An array on a singular field keeps its last element; a single value on a repeated field is
    # a list of one. Inside an array, null is the type's zero value (an empty message).
    elements = value if isinstance(value, list) and not isinstance(value, _Object) else [value]
    if field.label != FieldDescriptor.LABEL_REPEATED:
        elements = elements[-1:]
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        for element in elements:
            destination = target.add() if field.label == FieldDescriptor.LABEL_REPEATED else target
            destination.SetInParent()
            _fill_message_value(destination, element)
        return
    parsed = [_element(field, element) for element in elements]
    if field.label == FieldDescriptor.LABEL_REPEATED:
        target.extend(parsed)
    else:
        setattr(message, field.name, parsed[0])


def _fill_message_value(message, value):
    if value is None:
        return
    if message.DESCRIPTOR.full_name == "google.protobuf.Timestamp":
        if not isinstance(value, str) or isinstance(value, _Number):
            raise RequestError(f"json: cannot unmarshal {_json_kind(value)} into Go value of type string")
        try:
            message.seconds, message.nanos = go_time.parse_rfc3339(value)
        except go_time.TimeParseError as error:
            raise RequestError(f"bad Timestamp: {error}") from error
        return
    _fill_message(message, value)


def _json_kind(value):
    """encoding/json's name for the kind of a JSON value, as in "cannot unmarshal number"."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, _Number):
        return "number"
    if isinstance(value, _Object):
        return "object"
    return "array"


def _number_text(field_value, expected):
    """protoreflect's nextNumber: a JSON number or a string, as text."""
    if isinstance(field_value, str):
        return str(field_value)
    raise _bad_input(expected, field_value)


def _parse_int(text, function, bit_range):
    """strconv.ParseInt / ParseUint(text, 10, 64) with their error messages."""
    signed = function == "ParseInt"
    pattern = r"[+-]?\d+" if signed else r"\d+"
    if not re.fullmatch(pattern, text, re.ASCII):
        raise RequestError(f"strconv.{function}: parsing {go_text.quote(text)}: invalid syntax")
    value = int(text)
    if not bit_range[0] <= value <= bit_range[1]:
        raise RequestError(f"strconv.{function}: parsing {go_text.quote(text)}: value out of range")
    return value


def _parse_float(text):
    """strconv.ParseFloat(text, 64) for decimal and Inf/NaN text."""
    if GO_SPECIAL_FLOAT.fullmatch(text):
        return float(text.lower().replace("infinity", "inf"))
    if not GO_DECIMAL_FLOAT.fullmatch(text):
        raise RequestError(f"strconv.ParseFloat: parsing {go_text.quote(text)}: invalid syntax")
    value = float(text)
    if math.isinf(value):
        raise RequestError(f"strconv.ParseFloat: parsing {go_text.quote(text)}: value out of range")
    return value


# What protoreflect reads for a JSON null where a scalar is expected (its jsReader.expect's ifNil).
_NULL_AS = {FieldDescriptor.TYPE_BOOL: False, FieldDescriptor.TYPE_STRING: "", FieldDescriptor.TYPE_BYTES: ""}


def _element(field, value):
    kind = field.type
    if value is None:
        value = _NULL_AS.get(kind, _Number("0"))
    if kind == FieldDescriptor.TYPE_ENUM:
        text = _number_text(value, "number")
        try:
            number = _parse_int(text, "ParseInt", INT64_RANGE)
        except RequestError:
            known = field.enum_type.values_by_name.get(text)
            if known is None:
                raise RequestError(f"enum {go_text.quote(field.enum_type.full_name)} does not have value named "
                                   f"{go_text.quote(text)}") from None
            return known.number
        if not INT32_RANGE[0] <= number <= INT32_RANGE[1]:
            raise RequestError("numeric value is out of range")
        return number
    if kind in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32):
        number = _parse_int(_number_text(value, "number"), "ParseInt", INT64_RANGE)
        if not INT32_RANGE[0] <= number <= INT32_RANGE[1]:
            raise RequestError("numeric value is out of range")
        return number
    if kind in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64):
        return _parse_int(_number_text(value, "number"), "ParseInt", INT64_RANGE)
    if kind in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        number = _parse_int(_number_text(value, "number"), "ParseUint", (0, UINT64_MAX))
        if number > UINT32_MAX:
            raise RequestError("numeric value is out of range")
        return number
    if kind in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return _parse_int(_number_text(value, "number"), "ParseUint", (0, UINT64_MAX))
    if kind == FieldDescriptor.TYPE_DOUBLE:
        return _parse_float(_number_text(value, "number"))
    if kind == FieldDescriptor.TYPE_FLOAT:
        number = _parse_float(_number_text(value, "number"))
        return math.copysign(math.inf, number) if abs(number) > FLOAT32_MAX else number  # Go's float32(f)
    if kind == FieldDescriptor.TYPE_BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and not isinstance(value, _Number) and value in ("true", "false"):
            return value == "true"
        raise _bad_input("boolean", value)
    if not isinstance(value, str) or isinstance(value, _Number):
        raise _bad_input("string", value)
    if kind == FieldDescriptor.TYPE_BYTES:
        try:
            return base64.b64decode(value, validate=True)
        except ValueError as error:
            raise RequestError(f"illegal base64 data: {error}") from error
    return value
