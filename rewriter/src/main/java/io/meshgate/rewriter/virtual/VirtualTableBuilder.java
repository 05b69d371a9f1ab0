package io.meshgate.rewriter.virtual;

import static io.meshgate.rewriter.tree.SqlNodes.as;
import static io.meshgate.rewriter.tree.SqlNodes.bool;
import static io.meshgate.rewriter.tree.SqlNodes.cast;
import static io.meshgate.rewriter.tree.SqlNodes.identifier;
import static io.meshgate.rewriter.tree.SqlNodes.list;
import static io.meshgate.rewriter.tree.SqlNodes.nullLiteral;
import static io.meshgate.rewriter.tree.SqlNodes.number;
import static io.meshgate.rewriter.tree.SqlNodes.position;
import static io.meshgate.rewriter.tree.SqlNodes.string;

import io.meshgate.rewriter.DataProductRow;
import io.meshgate.rewriter.DiscoveryRows;
import io.meshgate.rewriter.ProductColumnRow;
import io.meshgate.rewriter.VirtualRelation;
import io.meshgate.rewriter.analysis.VirtualReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Builds the derived table that stands in for a virtual relation:
 *
 * <pre>
 * (SELECT "domain", … FROM (VALUES (CAST('sales' AS text), …), …) AS "meshgate_rows"("domain", …))
 * (SELECT CAST(NULL AS text) AS "domain", … WHERE FALSE)          -- no rows
 * </pre>
 *
 * The outer SELECT names the columns itself, so the client's own alias and column alias list
 * apply to it exactly as they would to a table.
 */
public final class VirtualTableBuilder {
  /** A column of a virtual relation and its PostgreSQL type. */
  public record Column(String name, String type) {}

  private static final String TEXT = "text";
  private static final String TEXT_ARRAY = "text[]";
  private static final String BOOLEAN = "boolean";
  private static final String INTEGER = "integer";
  private static final String ROWS_ALIAS = "meshgate_rows";

  private static final List<Column> DATA_PRODUCTS = List.of(
      new Column("domain", TEXT),
      new Column("product", TEXT),
      new Column("qualified_name", TEXT),
      new Column("description", TEXT),
      new Column("owners", TEXT_ARRAY),
      new Column("domain_description", TEXT),
      new Column("row_filtered", BOOLEAN));

  private static final List<Column> COLUMNS = List.of(
      new Column("domain", TEXT),
      new Column("product", TEXT),
      new Column("column_name", TEXT),
      new Column("ordinal_position", INTEGER),
      new Column("data_type", TEXT),
      new Column("description", TEXT),
      new Column("classification", TEXT),
      new Column("masked", BOOLEAN),
      new Column("mask", TEXT));

  private VirtualTableBuilder() {}

  /** The columns of a virtual relation, in order. */
  public static List<Column> columns(VirtualRelation relation) {
    return switch (relation) {
      case DATA_PRODUCTS -> DATA_PRODUCTS;
      case COLUMNS -> COLUMNS;
    };
  }

  /**
   * Replaces every reference by a derived table holding {@code rows}, and shortens the column
   * names written {@code meshgate.table.column} that named an unaliased reference to {@code
   * table.column}, the name the derived table goes by.
   */
  public static void replace(
      List<VirtualReference> references, List<SqlIdentifier> longColumnNames, DiscoveryRows rows) {
    for (VirtualReference reference : references) {
      SqlSelect derived = derivedTable(reference.relation(), rows);
      reference.replaceWith(reference.aliased() ? derived : as(derived, reference.exposedName()));
    }
    for (SqlIdentifier name : longColumnNames) {
      List<String> parts = name.names;
      boolean namesUnaliasedReference = parts.size() == 3 && parts.get(0).equals(VirtualRelation.SCHEMA)
          && references.stream().anyMatch(reference -> !reference.aliased()
              && reference.relation().table().equals(parts.get(1)));
      if (namesUnaliasedReference) {
        SqlParserPos position = name.getParserPosition();
        name.setNames(List.of(parts.get(1), parts.get(2)), List.of(position, position));
      }
    }
  }

  /** A new derived table holding the relation's rows; a fresh tree on every call. */
  public static SqlSelect derivedTable(VirtualRelation relation, DiscoveryRows rows) {
    List<Column> columns = columns(relation);
    List<List<SqlNode>> values = switch (relation) {
      case DATA_PRODUCTS -> rows.dataProducts().stream().map(VirtualTableBuilder::values).toList();
      case COLUMNS -> rows.columns().stream().map(VirtualTableBuilder::values).toList();
    };
    if (values.isEmpty()) {
      List<SqlNode> typedNulls = new ArrayList<>();
      for (Column column : columns) {
        typedNulls.add(as(cast(nullLiteral(), column.type()), column.name()));
      }
      return select(list(typedNulls), null, bool(false));
    }
    List<SqlNode> rowCalls = new ArrayList<>();
    for (List<SqlNode> row : values) {
      rowCalls.add(SqlStdOperatorTable.ROW.createCall(position(), row));
    }
    SqlNode valuesCall = SqlStdOperatorTable.VALUES.createCall(position(), rowCalls);
    List<SqlNode> aliasOperands = new ArrayList<>();
    aliasOperands.add(valuesCall);
    aliasOperands.add(identifier(ROWS_ALIAS));
    List<SqlNode> names = new ArrayList<>();
    for (Column column : columns) {
      aliasOperands.add(identifier(column.name()));
      names.add(identifier(column.name()));
    }
    SqlNode from = SqlStdOperatorTable.AS.createCall(position(), aliasOperands);
    return select(list(names), from, null);
  }

  private static SqlSelect select(
      SqlNodeList items, SqlNode from, SqlNode where) {
    return new SqlSelect(position(), null, items, from, where, null, null, null, null, null, null,
        null, null);
  }

  private static List<SqlNode> values(DataProductRow row) {
    return List.of(
        text(row.domain()),
        text(row.product()),
        text(row.qualifiedName()),
        text(row.description()),
        cast(string(TextArrays.literal(row.owners())), TEXT_ARRAY),
        text(row.domainDescription()),
        cast(bool(row.rowFiltered()), BOOLEAN));
  }

  private static List<SqlNode> values(ProductColumnRow row) {
    return List.of(
        text(row.domain()),
        text(row.product()),
        text(row.column()),
        cast(number(row.ordinalPosition()), INTEGER),
        text(row.dataType()),
        text(row.description()),
        text(row.classification()),
        cast(bool(row.masked()), BOOLEAN),
        text(row.mask()));
  }

  private static SqlNode text(String value) {
    return cast(string(value), TEXT);
  }

  private static SqlNode text(Optional<String> value) {
    return value.isPresent() ? text(value.get()) : cast(nullLiteral(), TEXT);
  }
}
