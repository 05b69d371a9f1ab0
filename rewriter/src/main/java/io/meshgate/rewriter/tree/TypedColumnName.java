package io.meshgate.rewriter.tree;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.unparse.PostgresDialect;
import java.util.List;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A column of a column definition list, {@code f(...) AS r(a int, b text)}, which Calcite 1.42's
 * parser does not read (it reads only names there). It is the column's name to everything that
 * reads the alias list (so the names become the FROM item's columns, as in PostgreSQL) and
 * carries the column's type, written back after the name as a cast's type is.
 */
public final class TypedColumnName extends SqlIdentifier {
  private final SqlDataTypeSpec type;

  public TypedColumnName(String name, SqlParserPos position, SqlDataTypeSpec type) {
    super(List.of(requireNonNull(name, "name is null")), null, position, null);
    this.type = requireNonNull(type, "type is null");
  }

  public SqlDataTypeSpec type() {
    return type;
  }

  @Override
  public SqlIdentifier clone(SqlParserPos position) {
    return new TypedColumnName(getSimple(), position, type);
  }

  @Override
  public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
    super.unparse(writer, leftPrec, rightPrec);
    PostgresDialect.unparseType(writer, type);
  }
}
