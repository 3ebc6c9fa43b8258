package io.kassette.backup;

import io.kassette.node.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which tables a backup covers, from globs such as {@code app*,!app_tmp.*,billing.invoices}: a
 * pattern is {@code keyspace} or {@code keyspace.table} with {@code *} and {@code ?}; a leading
 * {@code !} excludes. No include pattern means every non-system table. System keyspaces are only
 * included by a pattern whose keyspace part starts with "system".
 */
public final class Selection {
  private static final Pattern VALID = Pattern.compile("!?[A-Za-z0-9_*?]+(\\.[A-Za-z0-9_*?]+)?");

  private record Glob(
      String text, boolean exclude, Pattern keyspace, Pattern table, boolean system) {
    boolean matches(TableRef t) {
      return keyspace.matcher(t.keyspace()).matches()
          && table.matcher(t.table()).matches()
          && (system || !t.isSystem());
    }
  }

  private final String source;
  private final List<Glob> globs;

  private Selection(String source, List<Glob> globs) {
    this.source = source;
    this.globs = globs;
  }

  public static Selection all() {
    return new Selection("", List.of());
  }

  /**
   * Parses a comma-separated glob list.
   *
   * @throws IllegalArgumentException naming the bad pattern
   */
  public static Selection parse(String text) {
    if (text == null || text.isBlank()) {
      return all();
    }
    List<Glob> globs = new ArrayList<>();
    for (String raw : text.split(",")) {
      String p = raw.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (!VALID.matcher(p).matches()) {
        throw new IllegalArgumentException(
            "keyspace pattern '"
                + p
                + "' is invalid: use keyspace or keyspace.table with letters, digits, _, * and ?,"
                + " and ! to exclude");
      }
      boolean exclude = p.startsWith("!");
      String body = exclude ? p.substring(1) : p;
      int dot = body.indexOf('.');
      String ks = dot < 0 ? body : body.substring(0, dot);
      String table = dot < 0 ? "*" : body.substring(dot + 1);
      globs.add(new Glob(p, exclude, regex(ks), regex(table), ks.startsWith("system")));
    }
    return new Selection(text, globs);
  }

  private static Pattern regex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> sb.append("[^.]*");
        case '?' -> sb.append("[^.]");
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(sb.toString());
  }

  /**
   * The tables of {@code available} that this selection covers.
   *
   * @throws IllegalArgumentException when an include pattern matches no table, or nothing is left
   */
  public List<TableRef> resolve(List<TableRef> available) {
    List<Glob> includes = globs.stream().filter(g -> !g.exclude()).toList();
    List<Glob> excludes = globs.stream().filter(Glob::exclude).toList();
    TreeSet<TableRef> selected = new TreeSet<>();
    if (includes.isEmpty()) {
      available.stream().filter(t -> !t.isSystem()).forEach(selected::add);
    }
    for (Glob g : includes) {
      List<TableRef> matched = available.stream().filter(g::matches).toList();
      if (matched.isEmpty()) {
        throw new IllegalArgumentException(
            "--keyspaces pattern '" + g.text() + "' matches no table on this node");
      }
      selected.addAll(matched);
    }
    selected.removeIf(
        t -> excludes.stream().anyMatch(g -> g.matches(t) || matchesIgnoringSystem(g, t)));
    if (selected.isEmpty()) {
      throw new IllegalArgumentException(
          source.isBlank()
              ? "this node has no user tables to back up"
              : "--keyspaces '" + source + "' leaves no table to back up");
    }
    return new ArrayList<>(selected);
  }

  private static boolean matchesIgnoringSystem(Glob g, TableRef t) {
    return g.keyspace().matcher(t.keyspace()).matches() && g.table().matcher(t.table()).matches();
  }

  @Override
  public String toString() {
    return source;
  }
}
