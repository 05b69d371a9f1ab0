package io.meshgate.rewriter.analysis;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * The functions a statement may call through Meshgate; every other function is refused, so a
 * function that runs SQL given as text, reads server files, changes settings or acts on other
 * sessions can only be reached by someone adding it here on purpose. The built-in list is the
 * resource {@code allowed-functions.txt} (PostgreSQL built-ins by group, each group commented);
 * operators add more through configuration.
 *
 * <p>A bare name allows the pg_catalog function: called unqualified or as {@code
 * pg_catalog.name}. {@code schema.name} allows exactly that qualified call, so a user function
 * is never allowed merely because its name matches a built-in. Names are compared as
 * PostgreSQL stores them (unquoted names are already folded to lower case by the parser; a
 * quoted {@code "LOWER"} is another function than {@code lower}).
 *
 * <p>{@code set_config} is on no list: a call of it is allowed for the settings of the {@link
 * SettingAllowlist} this list carries (see {@link SetConfigCalls}), which is also the list the
 * analyzer checks SET statements against, so one value configures both.
 */
public final class FunctionAllowlist {
  private static final String RESOURCE = "allowed-functions.txt";
  private static final Pattern ENTRY = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");
  private static final FunctionAllowlist BUILT_IN = new FunctionAllowlist(readBuiltIn(), SettingAllowlist.builtIn());

  private final Set<String> entries;
  private final SettingAllowlist settings;

  private FunctionAllowlist(Set<String> entries, SettingAllowlist settings) {
    this.entries = Set.copyOf(entries);
    this.settings = requireNonNull(settings, "settings is null");
  }

  /** PostgreSQL's built-in functions that Meshgate allows. */
  public static FunctionAllowlist builtIn() {
    return BUILT_IN;
  }

  /**
   * The built-in list plus {@code extra} entries ({@code name} for a pg_catalog function,
   * {@code schema.name} for another schema's).
   *
   * @throws IllegalArgumentException for an entry that is not {@code name} or {@code schema.name}
   */
  public static FunctionAllowlist builtInAnd(Set<String> extra) {
    return builtInAnd(extra, SettingAllowlist.builtIn());
  }

  /**
   * Like {@link #builtInAnd(Set)}, with the settings SET and {@code set_config} may change.
   *
   * @throws IllegalArgumentException for an entry that is not {@code name} or {@code schema.name}
   */
  public static FunctionAllowlist builtInAnd(Set<String> extra, SettingAllowlist settings) {
    requireNonNull(extra, "extra is null");
    Set<String> all = new HashSet<>(BUILT_IN.entries);
    for (String entry : extra) {
      all.add(validEntry(entry));
    }
    return new FunctionAllowlist(all, settings);
  }

  /** The settings statements may change, with SET or {@code set_config}. */
  public SettingAllowlist settings() {
    return settings;
  }

  /** Checks the syntax of one entry and returns it unchanged. */
  public static String validEntry(String entry) {
    requireNonNull(entry, "entry is null");
    if (!ENTRY.matcher(entry).matches()) {
      throw new IllegalArgumentException(
          "\"" + entry + "\" is not a function name: write name or schema.name");
    }
    return entry;
  }

  /** Whether a call of the function with this (possibly qualified) name is allowed. */
  public boolean allows(List<String> qualifiedName) {
    return switch (qualifiedName.size()) {
      case 1 -> entries.contains(qualifiedName.get(0));
      case 2 -> qualifiedName.get(0).equals("pg_catalog")
          ? entries.contains(qualifiedName.get(1))
          : entries.contains(qualifiedName.get(0) + "." + qualifiedName.get(1));
      default -> false;
    };
  }

  /** Refuses the statement (42501) if any call anywhere in it is to a function not allowed. */
  public void check(SqlNode node) throws SqlRefusal {
    String refused = node.accept(new Finder());
    if (refused != null) {
      throw refusal(refused);
    }
  }

  /** The 42501 refusal naming a function and how to get it allowed. */
  public static SqlRefusal refusal(String function) {
    return new SqlRefusal(
        Reason.PERMISSION_DENIED,
        "function " + function + " is not allowed through Meshgate; if it only computes from"
            + " its arguments, ask the platform team to add it to functions.allowed_extra");
  }

  /**
   * The name a call invokes as PostgreSQL will resolve it, or empty when the call is not a
   * function call (operators, SELECT, AS, …). Functions Calcite's grammar knows by keyword
   * (CAST, SUBSTRING, TRIM, …) have no identifier and are named by Calcite in upper case.
   */
  public static List<String> functionName(SqlCall call) {
    if (call.getOperator() instanceof SqlFunction function) {
      SqlIdentifier identifier = function.getSqlIdentifier();
      if (identifier != null && !identifier.names.isEmpty()) {
        return List.copyOf(identifier.names);
      }
      return List.of(function.getName().toLowerCase(Locale.ROOT));
    }
    return List.of();
  }

  /** Returns the first function not allowed, as written with its schema, or null. */
  private final class Finder extends SqlBasicVisitor<String> {
    @Override
    public String visit(SqlCall call) {
      List<String> name = functionName(call);
      if (!name.isEmpty() && !allows(name) && !SetConfigCalls.isAllowed(call, name, settings)) {
        return String.join(".", name);
      }
      for (SqlNode operand : call.getOperandList()) {
        if (operand != null) {
          String found = operand.accept(this);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    }

    @Override
    public String visit(SqlNodeList nodeList) {
      for (SqlNode node : nodeList) {
        if (node != null) {
          String found = node.accept(this);
          if (found != null) {
            return found;
          }
        }
      }
      return null;
    }
  }

  private static Set<String> readBuiltIn() {
    Set<String> names = new HashSet<>();
    try (InputStream in = FunctionAllowlist.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the rewriter");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        int comment = line.indexOf('#');
        String entry = (comment < 0 ? line : line.substring(0, comment)).strip();
        if (!entry.isEmpty()) {
          names.add(validEntry(entry));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }
}
