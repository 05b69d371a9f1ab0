package io.meshgate.proxy.config;

/** A configuration problem; the message names the key and how to fix it. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
