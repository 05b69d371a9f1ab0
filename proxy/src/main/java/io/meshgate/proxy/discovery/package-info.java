/**
 * Discovery: the rows of the {@code meshgate} schema ({@code meshgate.data_products}, {@code
 * meshgate.columns}) for one user, computed from what the domains publish about their products
 * (through {@link io.meshgate.policy.ProductMetadataSource}), the backend's schema metadata, and
 * one real policy decision per product for that user. The rewriter puts the rows into the
 * statement; this package only decides what they are.
 */
package io.meshgate.proxy.discovery;
