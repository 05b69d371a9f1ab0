/** Prometheus metrics of the proxy and the HTTP endpoint that serves them. */
package io.meshgate.proxy.metrics;
