package io.kassette.backup;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them for retention: 30s, 15m, 12h, 7d, or ISO-8601 (P7D). */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)([smhd])");

  private Durations() {}

  /** Throws naming {@code field} when {@code text} is not a duration. */
  public static Duration parse(String field, String text) {
    Matcher m = SIMPLE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is not a duration: use e.g. 30m, 12h, 7d or P7D");
    }
  }
}
