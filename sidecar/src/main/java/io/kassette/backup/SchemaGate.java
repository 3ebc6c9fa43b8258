package io.kassette.backup;

import io.kassette.backup.CqlScript.Statement;
import io.kassette.backup.CqlScript.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which schema statements read from a bucket may ever run. A restore executes schema CQL with the
 * sidecar's CQL credentials, so a manifest's CQL is parsed and only these pass:
 *
 * <ul>
 *   <li>a keyspace's definition: one {@code CREATE KEYSPACE} of that keyspace;
 *   <li>a table's schema: one {@code CREATE TABLE} (or {@code CREATE MATERIALIZED VIEW} over a
 *       table of the same keyspace) of that table, {@code CREATE TYPE} in its keyspace, {@code
 *       CREATE [CUSTOM] INDEX ... ON} that table, and the {@code ALTER TABLE ... ADD|DROP} of that
 *       table with which Cassandra's snapshot schema records dropped and re-added columns.
 * </ul>
 *
 * Anything else (a {@code DROP}, a {@code GRANT}, an {@code ALTER ROLE}, a statement about another
 * object, two statements where one is expected) is refused with the object and the statement named.
 */
public final class SchemaGate {
  private static final Pattern KEYSPACE = Pattern.compile("[A-Za-z0-9_]{1,48}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,222}");

  /** Statements one table's schema may hold: more is not a schema Cassandra writes. */
  private static final int MAX_STATEMENTS = 1000;

  private SchemaGate() {}

  /** What a statement does. */
  public enum Kind {
    CREATE_KEYSPACE,
    CREATE_TYPE,
    CREATE_TABLE,
    CREATE_VIEW,
    CREATE_INDEX,
    ALTER_TABLE
  }

  /**
   * A statement that passed.
   *
   * @param keyspace the keyspace it creates, or of the object it creates or alters
   * @param name the type, table or view it creates or alters (of an index: the table it is on)
   * @param keyspaceToken index of the token holding {@code keyspace} (its object's qualifier)
   * @param nameToken index of the token holding {@code name}, -1 for a keyspace
   * @param indexNameToken index of an index's own name, -1 when there is none
   */
  public record Checked(
      Kind kind,
      String keyspace,
      String name,
      Statement statement,
      int keyspaceToken,
      int nameToken,
      int indexNameToken) {}

  /** The one {@code CREATE KEYSPACE} statement of {@code keyspace} that {@code cql} must be. */
  public static Checked keyspace(String keyspace, String cql) {
    List<Statement> statements = parse(cql);
    if (statements.size() != 1) {
      throw new IllegalArgumentException(
          "holds "
              + statements.size()
              + " statements where one CREATE KEYSPACE "
              + keyspace
              + " is expected");
    }
    Statement s = statements.get(0);
    Checked c = check(s);
    if (c == null || c.kind() != Kind.CREATE_KEYSPACE || !c.keyspace().equals(keyspace)) {
      throw refused(s, 1, "a CREATE KEYSPACE of " + keyspace);
    }
    return c;
  }

  /** The statements of a table's schema, each proven to concern only that table. */
  public static List<Checked> table(String keyspace, String table, String cql) {
    List<Statement> statements = parse(cql);
    if (statements.size() > MAX_STATEMENTS) {
      throw new IllegalArgumentException(
          "holds " + statements.size() + " statements, more than a table's schema has");
    }
    String allowed =
        "a CREATE of "
            + keyspace
            + "."
            + table
            + ", a type of "
            + keyspace
            + " or an index on "
            + keyspace
            + "."
            + table;
    List<Checked> result = new ArrayList<>();
    int creates = 0;
    for (int i = 0; i < statements.size(); i++) {
      Statement s = statements.get(i);
      Checked c = check(s);
      boolean ok =
          c != null
              && c.keyspace().equals(keyspace)
              && switch (c.kind()) {
                case CREATE_TYPE -> true;
                case CREATE_TABLE, CREATE_VIEW, CREATE_INDEX, ALTER_TABLE -> c.name().equals(table);
                case CREATE_KEYSPACE -> false;
              };
      if (!ok) {
        throw refused(s, i + 1, allowed);
      }
      if (c.kind() == Kind.CREATE_TABLE || c.kind() == Kind.CREATE_VIEW) {
        creates++;
      }
      result.add(c);
    }
    if (creates != 1) {
      throw new IllegalArgumentException(
          "holds "
              + creates
              + " CREATE TABLE statements of "
              + keyspace
              + "."
              + table
              + " where exactly one is expected");
    }
    return result;
  }

  private static List<Statement> parse(String cql) {
    if (cql == null || cql.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    return CqlScript.parse(cql);
  }

  private static IllegalArgumentException refused(Statement s, int number, String allowed) {
    return new IllegalArgumentException(
        "statement "
            + number
            + " '"
            + ManifestGate.printable(s.text(), 160)
            + "' is not "
            + allowed
            + ": a restore runs nothing else");
  }

  /**
   * What {@code s} does, or null when it is none of the statements a restore may run. The whole
   * statement is read, not only its head: a tail that is not the statement's own grammar (another
   * statement glued on without a ';') is refused here rather than failing in Cassandra after the
   * statements before it ran.
   */
  public static Checked check(Statement s) {
    Cursor c = new Cursor(s);
    Checked checked = head(c, s);
    return checked != null && c.end() ? checked : null;
  }

  private static Checked head(Cursor c, Statement s) {
    if (c.word("CREATE")) {
      if (c.word("KEYSPACE")) {
        c.ifNotExists();
        int at = c.i;
        String ks = c.name(KEYSPACE);
        return ks != null && c.word("WITH") && c.options()
            ? new Checked(Kind.CREATE_KEYSPACE, ks, null, s, at, -1, -1)
            : null;
      }
      if (c.word("TYPE")) {
        c.ifNotExists();
        int at = c.i;
        String[] type = c.qualified();
        return type != null && c.group()
            ? new Checked(Kind.CREATE_TYPE, type[0], type[1], s, at, at + 2, -1)
            : null;
      }
      if (c.word("TABLE") || c.word("COLUMNFAMILY")) {
        c.ifNotExists();
        int at = c.i;
        String[] table = c.qualified();
        return table != null && c.group() && (!c.word("WITH") || c.options())
            ? new Checked(Kind.CREATE_TABLE, table[0], table[1], s, at, at + 2, -1)
            : null;
      }
      if (c.word("MATERIALIZED")) {
        return c.word("VIEW") ? view(c, s) : null;
      }
      c.word("CUSTOM");
      if (c.word("INDEX")) {
        c.ifNotExists();
        int indexName = -1;
        if (!c.peekWord("ON")) {
          indexName = c.i;
          if (c.name(NAME) == null) {
            return null;
          }
        }
        if (!c.word("ON")) {
          return null;
        }
        int at = c.i;
        String[] table = c.qualified();
        if (table == null || !c.group()) {
          return null;
        }
        if (c.word("USING") && !c.string()) {
          return null;
        }
        return !c.word("WITH") || c.options()
            ? new Checked(Kind.CREATE_INDEX, table[0], table[1], s, at, at + 2, indexName)
            : null;
      }
      return null;
    }
    if (c.word("ALTER") && c.word("TABLE")) {
      int at = c.i;
      String[] table = c.qualified();
      if (table == null) {
        return null;
      }
      boolean ok;
      if (c.word("ADD")) {
        c.ifNotExists();
        ok = c.group() || c.columns();
      } else if (c.word("DROP")) {
        c.ifExists();
        ok =
            (c.group() || c.names()) && (!c.word("USING") || (c.word("TIMESTAMP") && c.constant()));
      } else {
        ok = false;
      }
      return ok ? new Checked(Kind.ALTER_TABLE, table[0], table[1], s, at, at + 2, -1) : null;
    }
    return null;
  }

  /** {@code ks.view AS SELECT ... FROM ks.base WHERE ... PRIMARY KEY (...) [WITH ...]}. */
  private static Checked view(Cursor c, Statement s) {
    c.ifNotExists();
    int at = c.i;
    String[] view = c.qualified();
    if (view == null || !c.word("AS") || !c.word("SELECT")) {
      return null;
    }
    while (!c.end() && !c.peekWord("FROM")) {
      if (!(c.name(NAME) != null || c.symbol('*') || c.symbol(','))) {
        return null;
      }
    }
    if (!c.word("FROM")) {
      return null;
    }
    String[] base = c.qualified();
    if (base == null || !base[0].equals(view[0]) || !c.word("WHERE")) {
      return null;
    }
    while (!c.end() && !c.peekWord("PRIMARY")) {
      if (!(c.condition() && (c.peekWord("PRIMARY") || c.word("AND")))) {
        return null;
      }
    }
    return c.word("PRIMARY") && c.word("KEY") && c.group() && (!c.word("WITH") || c.options())
        ? new Checked(Kind.CREATE_VIEW, view[0], view[1], s, at, at + 2, -1)
        : null;
  }

  /** Reads a statement token by token. */
  /** Deeper than any schema Cassandra would write (frozen<map<text, frozen<list<...>>>>). */
  private static final int MAX_TYPE_DEPTH = 32;

  private static final class Cursor {
    private final Statement s;
    private int i;

    Cursor(Statement s) {
      this.s = s;
    }

    boolean end() {
      return i >= s.tokens().size();
    }

    boolean word(String w) {
      Token t = s.token(i);
      if (t != null && t.isWord(w)) {
        i++;
        return true;
      }
      return false;
    }

    boolean peekWord(String w) {
      Token t = s.token(i);
      return t != null && t.isWord(w);
    }

    boolean symbol(char symbol) {
      Token t = s.token(i);
      if (t != null && t.isSymbol(symbol)) {
        i++;
        return true;
      }
      return false;
    }

    boolean string() {
      return kind(CqlScript.Kind.STRING);
    }

    boolean constant() {
      return kind(CqlScript.Kind.CONSTANT);
    }

    private boolean kind(CqlScript.Kind kind) {
      Token t = s.token(i);
      if (t != null && t.kind() == kind) {
        i++;
        return true;
      }
      return false;
    }

    void ifNotExists() {
      int start = i;
      if (!(word("IF") && word("NOT") && word("EXISTS"))) {
        i = start;
      }
    }

    void ifExists() {
      int start = i;
      if (!(word("IF") && word("EXISTS"))) {
        i = start;
      }
    }

    String name(Pattern valid) {
      Token t = s.token(i);
      String name = t == null ? null : t.name();
      if (name == null || !valid.matcher(name).matches()) {
        return null;
      }
      i++;
      return name;
    }

    /** {@code keyspace.name}: both parts required, a restore never relies on a current keyspace. */
    String[] qualified() {
      String ks = name(KEYSPACE);
      if (ks == null || !symbol('.')) {
        return null;
      }
      String name = name(NAME);
      return name == null ? null : new String[] {ks, name};
    }

    /**
     * A bracketed group, {@code (...)}, {@code {...}} or {@code [...]}, nested brackets matched.
     * What is inside is Cassandra's to parse: no ';' can be there, so no second statement either.
     */
    boolean group() {
      Token open = s.token(i);
      if (open == null || !(open.isSymbol('(') || open.isSymbol('{') || open.isSymbol('['))) {
        return false;
      }
      java.util.ArrayDeque<Character> expected = new java.util.ArrayDeque<>();
      do {
        Token t = s.token(i++);
        if (t == null) {
          return false;
        }
        if (t.kind() == CqlScript.Kind.SYMBOL && t.text().length() == 1) {
          char ch = t.text().charAt(0);
          switch (ch) {
            case '(' -> expected.push(')');
            case '{' -> expected.push('}');
            case '[' -> expected.push(']');
            case ')', '}', ']' -> {
              if (expected.isEmpty() || expected.pop() != ch) {
                return false;
              }
            }
            default -> {}
          }
        }
      } while (!expected.isEmpty());
      return true;
    }

    /** {@code option [AND option]...}, each {@code name = value} or a table's special options. */
    boolean options() {
      do {
        if (word("CLUSTERING")) {
          if (!(word("ORDER") && word("BY") && group())) {
            return false;
          }
        } else if (word("COMPACT")) {
          if (!word("STORAGE")) {
            return false;
          }
        } else if (!(name(NAME) != null && symbol('=') && value())) {
          return false;
        }
      } while (word("AND"));
      return true;
    }

    boolean value() {
      return string() || constant() || group() || name(NAME) != null;
    }

    /** {@code name type [STATIC] [, ...]}. */
    boolean columns() {
      do {
        if (name(NAME) == null || !type()) {
          return false;
        }
        word("STATIC");
      } while (symbol(','));
      return true;
    }

    /** {@code text}, {@code ks.udt}, {@code frozen<map<text, list<int>>>}, {@code vector<f, 3>}. */
    boolean type() {
      return type(0);
    }

    /** Nesting is bounded: a type nested thousands deep would otherwise overflow the stack. */
    private boolean type(int depth) {
      if (depth > MAX_TYPE_DEPTH || name(NAME) == null) {
        return false;
      }
      if (symbol('.') && name(NAME) == null) {
        return false;
      }
      if (symbol('<')) {
        do {
          if (!(type(depth + 1) || constant())) {
            return false;
          }
        } while (symbol(','));
        return symbol('>');
      }
      return true;
    }

    /** {@code name [, name]...}. */
    boolean names() {
      do {
        if (name(NAME) == null) {
          return false;
        }
      } while (symbol(','));
      return true;
    }

    /** A view's restriction: {@code name IS NOT NULL} or {@code name op value}. */
    boolean condition() {
      if (name(NAME) == null) {
        return false;
      }
      if (word("IS")) {
        return word("NOT") && word("NULL");
      }
      boolean op = symbol('=');
      if (!op && (symbol('<') || symbol('>') || symbol('!'))) {
        symbol('=');
        op = true;
      }
      return (op || word("IN") || word("CONTAINS")) && value();
    }
  }
}
