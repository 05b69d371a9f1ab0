package io.meshgate.rewriter.apply;

import io.meshgate.rewriter.mask.PostgresTypes;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCollectionTypeNameSpec;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlTypeNameSpec;
import org.apache.calcite.sql.SqlUserDefinedTypeNameSpec;

/**
 * Reads the {@link ValueType} of a type as PostgreSQL names it (a column's {@code format_type()}
 * name) and as a cast in a policy expression writes it (Calcite's type specifications).
 */
final class TypeNames {
  private TypeNames() {}

  /** How a PostgreSQL type name, as format_type() or a cast writes it, depends on settings. */
  static ValueType ofName(String typeName) {
    String type = typeName.strip();
    int bracket = type.indexOf('[');
    if (bracket > 0 && type.endsWith("]")) {
      ValueType element = ofName(type.substring(0, bracket));
      return element == ValueType.TEXT || element == ValueType.PLAIN
          ? ValueType.PLAIN : ValueType.UNKNOWN;
    }
    String base = PostgresTypes.baseName(type);
    if (base.startsWith("interval")) {
      return ValueType.INTERVAL;
    }
    return switch (base) {
      case "text", "character varying", "varchar", "character", "char", "bpchar", "name",
          "citext" -> ValueType.TEXT;
      case "smallint", "integer", "bigint", "int2", "int4", "int8", "int", "numeric", "decimal",
          "boolean", "bool", "uuid", "json", "jsonb", "inet", "cidr", "macaddr", "macaddr8",
          "bit", "bit varying", "varbit", "oid", "xml", "tsvector", "tsquery" -> ValueType.PLAIN;
      case "real", "double precision", "float4", "float8", "float" -> ValueType.FLOAT;
      case "bytea" -> ValueType.BYTEA;
      case "money" -> ValueType.MONEY;
      case "date" -> ValueType.DATE;
      case "time", "time without time zone" -> ValueType.TIME;
      case "timetz", "time with time zone" -> ValueType.TIME_WITH_TIME_ZONE;
      case "timestamp", "timestamp without time zone" -> ValueType.TIMESTAMP;
      case "timestamptz", "timestamp with time zone" -> ValueType.TIMESTAMP_WITH_TIME_ZONE;
      default -> ValueType.UNKNOWN;
    };
  }

  /** The type a cast's target ({@code x::date}, {@code CAST(x AS INTERVAL DAY)}) names. */
  static ValueType ofCastTarget(SqlNode target) {
    if (target instanceof SqlIntervalQualifier) {
      return ValueType.INTERVAL;
    }
    if (target instanceof SqlDataTypeSpec spec) {
      return ofSpec(spec.getTypeNameSpec());
    }
    return ValueType.UNKNOWN;
  }

  private static ValueType ofSpec(SqlTypeNameSpec spec) {
    if (spec instanceof SqlBasicTypeNameSpec basic) {
      return switch (basic.getTypeName().getSimple().toUpperCase(Locale.ROOT)) {
        case "DATE" -> ValueType.DATE;
        case "TIME" -> ValueType.TIME;
        case "TIME_TZ", "TIME_WITH_LOCAL_TIME_ZONE" -> ValueType.TIME_WITH_TIME_ZONE;
        case "TIMESTAMP" -> ValueType.TIMESTAMP;
        case "TIMESTAMP_TZ", "TIMESTAMP_WITH_LOCAL_TIME_ZONE" ->
            ValueType.TIMESTAMP_WITH_TIME_ZONE;
        case "FLOAT", "REAL", "DOUBLE" -> ValueType.FLOAT;
        case "CHAR", "VARCHAR" -> ValueType.TEXT;
        case "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL", "UUID" ->
            ValueType.PLAIN;
        case "BINARY", "VARBINARY" -> ValueType.BYTEA;
        default -> ValueType.UNKNOWN;
      };
    }
    if (spec instanceof SqlCollectionTypeNameSpec collection) {
      ValueType element = ofSpec(collection.getElementTypeName());
      return element == ValueType.TEXT || element == ValueType.PLAIN
          ? ValueType.PLAIN : ValueType.UNKNOWN;
    }
    if (spec instanceof SqlUserDefinedTypeNameSpec named) {
      List<String> names = named.getTypeName().names;
      if (names.size() > 2 || (names.size() == 2 && !names.get(0).equals("pg_catalog"))) {
        return ValueType.UNKNOWN;
      }
      return ofName(names.get(names.size() - 1));
    }
    return ValueType.UNKNOWN;
  }

  /**
   * Whether a cast's target is visibly numeric (not double precision), which decides which
   * variant of a mathematical function PostgreSQL resolves.
   */
  static boolean isNumericCastTarget(SqlDataTypeSpec spec) {
    if (spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic) {
      return basic.getTypeName().getSimple().equalsIgnoreCase("DECIMAL");
    }
    if (spec.getTypeNameSpec() instanceof SqlUserDefinedTypeNameSpec named) {
      List<String> names = named.getTypeName().names;
      return (names.size() == 1 || (names.size() == 2 && names.get(0).equals("pg_catalog")))
          && isNumericName(names.get(names.size() - 1));
    }
    return false;
  }

  /** Whether a PostgreSQL type name names numeric (decimal), with or without its precision. */
  static boolean isNumericName(String typeName) {
    String base = PostgresTypes.baseName(typeName.strip());
    return base.equals("numeric") || base.equals("decimal");
  }
}
