/**
 * Masking never leaks: a generated corpus of queries over the masked columns of the demo data
 * mesh runs through Meshgate, and no output cell may equal or contain a raw value read directly
 * from the backend ({@link io.meshgate.proxy.masking.MaskingLeakIT}).
 */
package io.meshgate.proxy.masking;
