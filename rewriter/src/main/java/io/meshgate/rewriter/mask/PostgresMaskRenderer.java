package io.meshgate.rewriter.mask;

import static io.meshgate.rewriter.tree.SqlNodes.builtin;
import static io.meshgate.rewriter.tree.SqlNodes.cast;
import static io.meshgate.rewriter.tree.SqlNodes.concat;
import static io.meshgate.rewriter.tree.SqlNodes.identifier;
import static io.meshgate.rewriter.tree.SqlNodes.nullLiteral;
import static io.meshgate.rewriter.tree.SqlNodes.number;
import static io.meshgate.rewriter.tree.SqlNodes.string;

import io.meshgate.policy.ColumnMask;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.mask.PostgresTypes.Category;
import java.util.Locale;
import org.apache.calcite.sql.SqlNode;

/**
 * The mask functions in PostgreSQL. Built-in functions are called through pg_catalog; every
 * result is cast back to the column's type, so a masked column keeps its name and type.
 * Except for {@code constant}, a NULL input gives NULL.
 */
public final class PostgresMaskRenderer implements MaskRenderer {
  public static final PostgresMaskRenderer INSTANCE = new PostgresMaskRenderer();

  /**
   * Letters that are neither upper nor lower case (for example CJK ideographs), which the
   * case classes would miss; they are masked as lower-case letters.
   */
  static final String CASELESS_LETTER = "(?![[:lower:][:upper:]])[[:alpha:]]";

  /**
   * The type raw values are cast to, qualified like the mask functions: unqualified, {@code text}
   * is whatever type the client's search path finds first, and a table named {@code text} in a
   * schema before pg_catalog makes it a row type, whose input function fails on the raw value
   * and quotes it in the error (MaskTypeNamesIT).
   */
  private static final String TEXT = "pg_catalog.text";

  private PostgresMaskRenderer() {}

  @Override
  public SqlNode render(ColumnMask mask, MaskTarget target) throws SqlRefusal {
    String type = target.column().type();
    Category category = PostgresTypes.categorize(type);
    SqlNode column = identifier(target.column().name());
    return switch (mask) {
      case ColumnMask.Null nullMask -> cast(nullLiteral(), type);
      case ColumnMask.Redact redact -> switch (category) {
        case TEXT -> textResult(redactText(column), type);
        case NUMERIC -> cast(digitsToZero(cast(column, TEXT)), type);
        case DATE, TIMESTAMP, OTHER -> throw mismatch(mask, target);
      };
      case ColumnMask.Constant constant -> cast(string(constant.value()), type);
      case ColumnMask.Hash hash -> {
        requireText(mask, target, category);
        SqlNode salted = concat(string(hash.salt()), cast(column, TEXT));
        SqlNode digest = builtin("sha256", builtin("convert_to", salted, string("UTF8")));
        yield textResult(builtin("encode", digest, string("hex")), type);
      }
      case ColumnMask.ShowLast showLast -> {
        requireText(mask, target, category);
        SqlNode text = cast(column, TEXT);
        yield textResult(
            builtin("lpad", builtin("right", text, number(showLast.n())),
                builtin("char_length", text), string("x")),
            type);
      }
      case ColumnMask.ShowFirst showFirst -> {
        requireText(mask, target, category);
        SqlNode text = cast(column, TEXT);
        yield textResult(
            builtin("rpad", builtin("left", text, number(showFirst.n())),
                builtin("char_length", text), string("x")),
            type);
      }
      case ColumnMask.Email email -> {
        requireText(mask, target, category);
        // a value without '@' becomes xxxx; otherwise everything up to the last '@' does
        SqlNode withoutAt = builtin("regexp_replace", cast(column, TEXT), string("^[^@]*$"),
            string("xxxx"));
        yield textResult(
            builtin("regexp_replace", withoutAt, string("^.*@"), string("xxxx@")), type);
      }
      case ColumnMask.TruncateDate truncate -> {
        if (category != Category.DATE && category != Category.TIMESTAMP) {
          throw mismatch(mask, target);
        }
        SqlNode unit = string(truncate.unit().name().toLowerCase(Locale.ROOT));
        // An instant is truncated at UTC's boundaries, not the session's: a client may set any
        // time zone, down to the second (SET TIME ZONE 0.0003), and would see the masked day
        // flip at the offset that tells the hidden time of day (SessionTimeZoneIT).
        yield cast(PostgresTypes.hasTimeZone(type)
            ? builtin("date_trunc", unit, column, string("UTC"))
            : builtin("date_trunc", unit, column), type);
      }
      case ColumnMask.Round round -> {
        if (category != Category.NUMERIC) {
          throw mismatch(mask, target);
        }
        yield cast(builtin("round", cast(column, "numeric"), number(round.digits())), type);
      }
      case ColumnMask.Expression expression ->
          cast(
              target.parser().parse(expression.expression(),
                  "mask for column " + target.column().name() + " of " + display(target)),
              type);
    };
  }

  private static SqlNode redactText(SqlNode column) {
    SqlNode value = cast(column, TEXT);
    value = replaceAll(value, CASELESS_LETTER, "x");
    value = replaceAll(value, "[[:upper:]]", "X");
    value = replaceAll(value, "[[:lower:]]", "x");
    return digitsToZero(value);
  }

  private static SqlNode digitsToZero(SqlNode value) {
    return replaceAll(value, "[[:digit:]]", "0");
  }

  private static SqlNode replaceAll(SqlNode value, String pattern, String replacement) {
    return builtin("regexp_replace", value, string(pattern), string(replacement), string("g"));
  }

  /** A text-valued result, cast back unless the column is plain text. */
  private static SqlNode textResult(SqlNode text, String type) {
    return PostgresTypes.isPlainText(type) ? text : cast(text, type);
  }

  private static void requireText(ColumnMask mask, MaskTarget target, Category category)
      throws SqlRefusal {
    if (category != Category.TEXT) {
      throw mismatch(mask, target);
    }
  }

  private static SqlRefusal mismatch(ColumnMask mask, MaskTarget target) {
    return new SqlRefusal(
        Reason.POLICY_ERROR,
        "policy error: mask '" + mask.function() + "' cannot apply to column "
            + target.column().name() + " (" + target.column().type() + ") of "
            + display(target));
  }

  private static String display(MaskTarget target) {
    return target.relation().schema() + "." + target.relation().table();
  }
}
