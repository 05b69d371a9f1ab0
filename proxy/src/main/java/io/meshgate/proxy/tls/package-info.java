/**
 * TLS between clients and Meshgate: the settings (mode and PEM files), the Netty server
 * context (TLS 1.2 and 1.3 only, ALPN "postgresql" for PostgreSQL 17 direct TLS) and throwaway
 * certificates for the demo. How a connection switches to TLS (SSLRequest or a direct
 * ClientHello) belongs to the session, not here.
 */
package io.meshgate.proxy.tls;
