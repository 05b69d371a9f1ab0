package io.meshgate.proxy.demo.data;

import java.util.List;

/**
 * The eighteen towns of the demo, six per region. Climates are rounded long-term normals, good
 * enough for plausible seasons; phone numbers use each city's real dialling code (US ones the
 * 555-01xx range reserved for fiction).
 */
public final class Towns {
  private static final List<Town> ALL = List.of(
      new Town("10115", "Berlin", Region.EU, "DE-BER", 10.3, 9.5, 4.0, 74, "+49 30 #######"),
      new Town("20095", "Hamburg", Region.EU, "DE-HAM", 9.8, 8.3, 3.5, 79, "+49 40 #######"),
      new Town("80331", "Munich", Region.EU, "DE-MUC", 9.1, 9.6, 4.5, 73, "+49 89 #######"),
      new Town("75001", "Paris", Region.EU, "FR-PAR", 12.4, 7.8, 4.0, 72, "+33 1 ## ## ## ##"),
      new Town("28013", "Madrid", Region.EU, "ES-MAD", 15.0, 10.0, 6.5, 57, "+34 91 ### ## ##"),
      new Town("00184", "Rome", Region.EU, "IT-ROM", 15.7, 8.5, 5.5, 70, "+39 06 #### ####"),
      new Town("10001", "New York", Region.US, "US-NYC", 13.0, 12.2, 4.0, 63, "+1 212 555 01##"),
      new Town("60601", "Chicago", Region.US, "US-CHI", 10.4, 14.0, 4.5, 68, "+1 312 555 01##"),
      new Town("94105", "San Francisco", Region.US, "US-SFO", 14.6, 2.8, 4.0, 72, "+1 415 555 01##"),
      new Town("33131", "Miami", Region.US, "US-MIA", 25.3, 4.0, 3.5, 74, "+1 305 555 01##"),
      new Town("98101", "Seattle", Region.US, "US-SEA", 11.6, 7.5, 4.0, 73, "+1 206 555 01##"),
      new Town("85004", "Phoenix", Region.US, "US-PHX", 24.3, 10.5, 7.0, 33, "+1 602 555 01##"),
      new Town("100-0005", "Tokyo", Region.APAC, "JP-TYO", 16.3, 10.0, 3.5, 65, "+81 3 #### ####"),
      new Town("018956", "Singapore", Region.APAC, "SG-SIN", 27.6, 0.9, 3.5, 83, "+65 6### ####"),
      new Town("2000", "Sydney", Region.APAC, "AU-SYD", 18.5, -4.8, 3.5, 66, "+61 2 #### ####"),
      new Town("3000", "Melbourne", Region.APAC, "AU-MEL", 15.4, -5.2, 5.0, 66, "+61 3 #### ####"),
      new Town("110001", "New Delhi", Region.APAC, "IN-DEL", 25.0, 8.9, 6.0, 60, "+91 11 #### ####"),
      new Town("200001", "Shanghai", Region.APAC, "CN-SHA", 17.1, 11.0, 4.0, 75, "+86 21 #### ####"));

  private Towns() {}

  public static List<Town> all() {
    return ALL;
  }

  static List<Town> in(Region region) {
    return ALL.stream().filter(town -> town.region() == region).toList();
  }
}
