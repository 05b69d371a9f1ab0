/**
 * Reading the flight recordings the benchmark takes of Meshgate ({@code --profile}): where the
 * processor time and the allocations went, as plain text beside each recording.
 */
package io.meshgate.loadtests.profile;
