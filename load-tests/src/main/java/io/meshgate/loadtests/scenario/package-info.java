/**
 * The four scenarios (select-only, governed workload, connection storm, idle connections) and
 * what they measure ({@link io.meshgate.loadtests.scenario.Measurement},
 * {@link io.meshgate.loadtests.scenario.IdleMeasurement}). A run that fails becomes a measurement
 * with a reason, so one broken cell does not lose the rest of a long benchmark.
 */
package io.meshgate.loadtests.scenario;
