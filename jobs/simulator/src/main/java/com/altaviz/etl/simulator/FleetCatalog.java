package com.altaviz.etl.simulator;

import java.util.List;

/** Fixed reference data the simulated fleet is drawn from: models, regions, technicians. */
final class FleetCatalog {
  private FleetCatalog() {}

  /** A compressor package model and its rated horsepower (above every simulated load). */
  record Model(String name, double ratedHorsepower) {}

  /** A producing region where stations are placed around a centre point. */
  record Region(String name, String state, double latitude, double longitude) {}

  static final List<Model> MODELS =
      List.of(
          new Model("Caterpillar G3606", 1875),
          new Model("Caterpillar G3608", 2500),
          new Model("Waukesha 7044GSI", 1900),
          new Model("Ariel JGK/4", 2000));

  static final List<Region> REGIONS =
      List.of(
          new Region("Permian Basin", "TX", 31.85, -102.37),
          new Region("Eagle Ford", "TX", 28.70, -98.60),
          new Region("Haynesville", "LA", 32.40, -93.80),
          new Region("Marcellus", "PA", 41.30, -76.90),
          new Region("Bakken", "ND", 47.90, -103.20),
          new Region("Anadarko", "OK", 35.50, -98.70));

  static final List<String> TECHNICIANS =
      List.of("R. Alvarez", "J. Chen", "M. Okafor", "S. Patel", "K. Nguyen", "D. Brooks");

  /** Compressors per station (the last station may have fewer). */
  static final int COMPRESSORS_PER_STATION = 3;

  static int stations(int compressors) {
    return (compressors + COMPRESSORS_PER_STATION - 1) / COMPRESSORS_PER_STATION;
  }
}
