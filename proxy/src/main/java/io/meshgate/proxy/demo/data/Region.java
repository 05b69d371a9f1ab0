package io.meshgate.proxy.demo.data;

/** The mesh's regions; row filters in the demo policies select by them. */
public enum Region {
  EU,
  US,
  APAC
}
