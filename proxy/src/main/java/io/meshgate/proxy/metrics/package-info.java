/**
 * The operator endpoint of the proxy: Prometheus metrics (recorded by sessions, or read from the
 * decision cache, the audit sink and policy reload at scrape time) and the liveness and readiness
 * checks served next to them on the metrics port.
 */
package io.meshgate.proxy.metrics;
