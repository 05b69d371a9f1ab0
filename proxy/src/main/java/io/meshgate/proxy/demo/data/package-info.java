/**
 * The demo data mesh's rows, generated in memory and deterministically: the same seed gives the
 * same rows on every run and every machine (only {@link java.util.Random}, whose sequence the
 * Java specification fixes, and no clock, locale or hash order).
 *
 * <p>One weather simulation per town, at ten-minute resolution, feeds all three weather tables
 * (raw station readings, hourly and daily aggregates), and the daily temperatures drive how many
 * transactions each store has, so that joining the sales and weather domains shows a real
 * correlation. No I/O here: {@code io.meshgate.proxy.demo.DemoDataMesh} loads the rows.
 */
package io.meshgate.proxy.demo.data;
