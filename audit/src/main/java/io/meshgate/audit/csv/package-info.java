/**
 * CSV output for audit exports and usage reports: RFC 4180 quoting in one place, so that every
 * CSV the audit module writes reads back the same way. Public only for the root package.
 */
package io.meshgate.audit.csv;
