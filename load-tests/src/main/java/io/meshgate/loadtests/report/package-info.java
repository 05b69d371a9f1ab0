/**
 * The benchmark report: markdown tables with the ratios of Meshgate to each other system
 * ({@link io.meshgate.loadtests.report.ComparisonTable}), PNG bar charts drawn with Java2D
 * ({@link io.meshgate.loadtests.report.BarChart}), the machine and versions, and
 * {@link io.meshgate.loadtests.report.ReportWriter}, which puts them together.
 */
package io.meshgate.loadtests.report;
