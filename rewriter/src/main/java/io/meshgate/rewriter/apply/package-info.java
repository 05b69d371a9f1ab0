/**
 * Applying a decision to an analysed statement: validating filters and policy expressions,
 * building the derived tables that replace governed table references, and refusing
 * statements that name denied columns.
 *
 * <p>{@code SessionIndependence} refuses policy expressions whose value follows the client's
 * session settings; it walks the expression and asks the types beside it: {@code ValueType} and
 * {@code TypeNames} (the type vocabulary), {@code SettingFunctions} (which functions read which
 * settings), {@code Conversions}, {@code Arithmetic} and {@code TimeFunctions} (what PostgreSQL
 * converts and computes), {@code LiteralSpellings} and {@code FormatTemplates} (which literals and
 * templates every session reads alike) and {@code SessionRefusals} (the policy errors).
 */
package io.meshgate.rewriter.apply;
