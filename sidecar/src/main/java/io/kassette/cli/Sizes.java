package io.kassette.cli;

import java.util.Locale;

/** Human-readable byte counts and rates. */
final class Sizes {
  private Sizes() {}

  static String bytes(double b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return u == 0
        ? String.format(Locale.ROOT, "%.0f B", b)
        : String.format(Locale.ROOT, "%.1f %s", b, units[u]);
  }
}
