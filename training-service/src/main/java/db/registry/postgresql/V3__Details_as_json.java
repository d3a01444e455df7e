package db.registry.postgresql;

import db.registry.ProtobufDetailsToJson;

/** Schema version 3 of the registry: details stored as protobuf become JSON. */
public final class V3__Details_as_json extends ProtobufDetailsToJson {}
