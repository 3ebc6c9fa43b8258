package io.kassette.operator.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A cron schedule in a time zone, read as wall-clock time the way cron does: a local time that a
 * daylight-saving change skips runs right after the change (02:30 on a night that jumps from 02:00
 * to 03:00 runs at 03:30), and a local time that the change repeats runs once, at its first
 * occurrence. cron-utils parses and steps through the expression; the wall-clock mapping is here
 * because cron-utils, stepping in zoned time, drops the skipped run and can place the repeated one
 * at either occurrence.
 */
public final class CronSchedule {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> NICKNAMES =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");
  // Enough for a run every minute over a week; beyond that the schedule was not looked at for long
  // and only the latest runs matter.
  private static final int MAX_STEPS = 10_080;

  private final String expression;
  private final ExecutionTime execution;
  private final ZoneId zone;

  private CronSchedule(String expression, ExecutionTime execution, ZoneId zone) {
    this.expression = expression;
    this.execution = execution;
    this.zone = zone;
  }

  /**
   * @throws IllegalArgumentException naming the field and what is wrong with it
   */
  public static CronSchedule parse(String expression, String timeZone) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("spec.schedule is required, e.g. \"0 2 * * *\"");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(timeZone == null || timeZone.isBlank() ? "UTC" : timeZone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "spec.timeZone '" + timeZone + "' is not an IANA time zone, e.g. Europe/Berlin or UTC");
    }
    String cron = NICKNAMES.getOrDefault(expression.strip().toLowerCase(Locale.ROOT), expression);
    try {
      return new CronSchedule(expression, ExecutionTime.forCron(PARSER.parse(cron.strip())), zone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "spec.schedule '"
              + expression
              + "' is not a 5-field cron expression (minute hour day-of-month month"
              + " day-of-week, e.g. \"0 2 * * *\"): "
              + e.getMessage());
    }
  }

  public ZoneId zone() {
    return zone;
  }

  /** The first run strictly after {@code after}, if the expression ever fires again. */
  public Optional<Instant> next(Instant after) {
    ZonedDateTime cursor = LocalDateTime.ofInstant(after, zone).atZone(ZoneOffset.UTC);
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<ZonedDateTime> n = execution.nextExecution(cursor);
      if (n.isEmpty()) {
        return Optional.empty();
      }
      cursor = n.get();
      // Local wall-clock time to an instant: in a gap, later by the gap's length; in an overlap,
      // the earlier offset.
      Instant run = ZonedDateTime.ofLocal(cursor.toLocalDateTime(), zone, null).toInstant();
      if (run.isAfter(after)) {
        return Optional.of(run);
      }
    }
    return Optional.empty();
  }

  /** The runs after {@code after} and at or before {@code until}: the latest, and how many. */
  public Runs runs(Instant after, Instant until) {
    Instant cursor = after;
    Instant last = null;
    long count = 0;
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<Instant> n = next(cursor);
      if (n.isEmpty() || n.get().isAfter(until)) {
        return new Runs(Optional.ofNullable(last), count, false);
      }
      cursor = n.get();
      last = cursor;
      count++;
    }
    // Too many to step through (a run every minute, not looked at for over a week): the latest
    // lies within the last week of any schedule that fires that often.
    Instant from = until.minus(java.time.Duration.ofDays(7));
    Instant stepped = cursor;
    Runs recent = runs(from.isAfter(stepped) ? from : stepped, until);
    return new Runs(recent.last().or(() -> Optional.of(stepped)), count + recent.count(), true);
  }

  /**
   * Runs that fell due.
   *
   * @param last the latest of them
   * @param count how many fell due (a lower bound when {@code more})
   * @param more true when there were more than could be counted
   */
  public record Runs(Optional<Instant> last, long count, boolean more) {}

  @Override
  public String toString() {
    return expression + " (" + zone + ")";
  }
}
