package io.meshgate.proxy.demo.data;

/** Values as instruments and reports give them: a fixed number of decimals, never "-0.0". */
final class Rounding {
  private Rounding() {}

  static double toDecimals(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    // Adding 0.0 turns -0.0 into 0.0, which would otherwise print as "-0".
    return Math.round(value * scale) / scale + 0.0;
  }
}
