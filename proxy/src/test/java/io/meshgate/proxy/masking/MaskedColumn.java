package io.meshgate.proxy.masking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A column of the demo data mesh that the global classification rules mask for every demo user
 * (none of them owns the customers or sales domain), with how the corpus names it.
 *
 * @param table the schema-qualified table
 * @param alias the alias the corpus gives the table
 * @param key a unique column of the table, for a stable ORDER BY
 * @param text whether the column is text (a date is cast to text before string functions)
 */
record MaskedColumn(String table, String alias, String column, String key, boolean text) {
  static final List<MaskedColumn> ALL = List.of(
      new MaskedColumn("customers.customers", "c", "email", "customer_id", true),
      new MaskedColumn("customers.customers", "c", "phone", "customer_id", true),
      new MaskedColumn("customers.customers", "c", "birth_date", "customer_id", false),
      new MaskedColumn("sales.store_transactions", "t", "customer_email", "transaction_id", true));

  MaskedColumn {
    requireNonNull(table, "table is null");
    requireNonNull(alias, "alias is null");
    requireNonNull(column, "column is null");
    requireNonNull(key, "key is null");
  }

  /** {@code c.email} */
  String reference() {
    return alias + "." + column;
  }

  /** The column as text, for string functions. */
  String asText() {
    return text ? reference() : reference() + "::text";
  }

  /** {@code customers.customers c} */
  String from() {
    return table + " " + alias;
  }

  String keyReference() {
    return alias + "." + key;
  }
}
