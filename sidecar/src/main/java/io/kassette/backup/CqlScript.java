package io.kassette.backup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CQL script cut into statements and tokens the way Cassandra's lexer sees it: comments dropped,
 * string literals and quoted names kept whole, so a ';' or a keyword inside a string neither ends a
 * statement nor starts one. Statements are rendered back from the original text, so what runs is
 * byte for byte what was checked, minus comments and plus the edits a restore asks for.
 */
public final class CqlScript {
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\\w-])");

  private CqlScript() {}

  /** What a token is. */
  public enum Kind {
    /** An unquoted word: a keyword or a case-insensitive name. */
    WORD,
    /** A double-quoted, case-sensitive name (its text is the name, unescaped). */
    QUOTED_NAME,
    /** A string literal, single-quoted or between {@code $$}. */
    STRING,
    /** A number, UUID, blob or other constant. */
    CONSTANT,
    /** One character of punctuation. */
    SYMBOL
  }

  /**
   * One token.
   *
   * @param text the word, the unescaped name, or the token's source text
   * @param start offset of its first character in the script
   * @param end offset after its last character
   */
  public record Token(Kind kind, String text, int start, int end) {
    public boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    public boolean isSymbol(char c) {
      return kind == Kind.SYMBOL && text.length() == 1 && text.charAt(0) == c;
    }

    /** The name this token stands for: unquoted names fold to lower case, as in Cassandra. */
    public String name() {
      return switch (kind) {
        case WORD -> text.toLowerCase(Locale.ROOT);
        case QUOTED_NAME -> text;
        default -> null;
      };
    }
  }

  /** One statement: its tokens, and the script they come from. */
  public record Statement(String script, List<Token> tokens) {
    public Statement {
      tokens = List.copyOf(tokens);
    }

    public Token token(int i) {
      return i < tokens.size() ? tokens.get(i) : null;
    }

    /** The statement as written, comments replaced by a space. */
    public String text() {
      return render(Map.of(), Set.of());
    }

    /**
     * The statement with the tokens at some indexes replaced and others deleted: a replaced name
     * keeps the exact position it had, so no other part of the text can change meaning.
     */
    public String render(Map<Integer, String> replaced, Set<Integer> deleted) {
      StringBuilder sb = new StringBuilder();
      Token previous = null;
      for (int i = 0; i < tokens.size(); i++) {
        Token t = tokens.get(i);
        if (previous != null) {
          String gap = script.substring(previous.end(), t.start());
          sb.append(gap.isBlank() ? gap : " ");
        }
        previous = t;
        if (deleted.contains(i)) {
          continue;
        }
        String replacement = replaced.get(i);
        if (replacement != null) {
          sb.append(replacement);
        } else {
          sb.append(script, t.start(), t.end());
        }
      }
      return sb.toString().strip();
    }
  }

  /** Thrown for text the lexer cannot cut: an unterminated string, name or comment. */
  public static final class SyntaxException extends IllegalArgumentException {
    SyntaxException(String message) {
      super(message);
    }
  }

  /** The statements of {@code script}, empty ones (only comments or blanks) left out. */
  public static List<Statement> parse(String script) {
    List<Statement> statements = new ArrayList<>();
    List<Token> current = new ArrayList<>();
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if ((c == '-' || c == '/') && i + 1 < n && script.charAt(i + 1) == c) {
        int eol = script.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        int close = script.indexOf("*/", i + 2);
        if (close < 0) {
          throw new SyntaxException("a /* comment is not closed");
        }
        i = close + 2;
      } else if (c == ';') {
        if (!current.isEmpty()) {
          statements.add(new Statement(script, current));
          current = new ArrayList<>();
        }
        i++;
      } else if (c == '\'' || c == '"') {
        int end = quoted(script, i, c);
        String body = script.substring(i + 1, end - 1).replace("" + c + c, "" + c);
        current.add(
            c == '"'
                ? new Token(Kind.QUOTED_NAME, body, i, end)
                : new Token(Kind.STRING, script.substring(i, end), i, end));
        i = end;
      } else if (c == '$' && script.startsWith("$$", i)) {
        int close = script.indexOf("$$", i + 2);
        if (close < 0) {
          throw new SyntaxException("a $$ string is not closed");
        }
        current.add(new Token(Kind.STRING, script.substring(i, close + 2), i, close + 2));
        i = close + 2;
      } else {
        Matcher uuid = UUID.matcher(script).region(i, n);
        int end;
        Kind kind;
        if (uuid.lookingAt()) {
          end = uuid.end();
          kind = Kind.CONSTANT;
        } else if (isAsciiLetter(c) || c == '_') {
          end = i + 1;
          while (end < n && isWordChar(script.charAt(end))) {
            end++;
          }
          kind = Kind.WORD;
        } else if (isDigit(c) || (c == '-' && i + 1 < n && isDigit(script.charAt(i + 1)))) {
          end = i + 1;
          while (end < n && isConstantChar(script, end)) {
            end++;
          }
          kind = Kind.CONSTANT;
        } else {
          end = i + Character.charCount(script.codePointAt(i));
          kind = Kind.SYMBOL;
        }
        current.add(new Token(kind, script.substring(i, end), i, end));
        i = end;
      }
    }
    if (!current.isEmpty()) {
      statements.add(new Statement(script, current));
    }
    return statements;
  }

  /** The end (exclusive) of the quoted token opening at {@code start}; doubled quotes escape. */
  private static int quoted(String script, int start, char quote) {
    int i = start + 1;
    while (true) {
      int close = script.indexOf(quote, i);
      if (close < 0) {
        throw new SyntaxException((quote == '"' ? "a quoted name" : "a string") + " is not closed");
      }
      if (close + 1 < script.length() && script.charAt(close + 1) == quote) {
        i = close + 2;
      } else {
        return close + 1;
      }
    }
  }

  /** A name as CQL must write it: always quoted, so case and reserved words survive. */
  public static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordChar(char c) {
    return isAsciiLetter(c) || isDigit(c) || c == '_';
  }

  private static boolean isConstantChar(String s, int i) {
    char c = s.charAt(i);
    if (isWordChar(c) || c == '.') {
      return true;
    }
    // An exponent's sign, only with a digit after it: 1.5e-3. In "1e--" the dashes open a
    // comment, as Cassandra's lexer reads them.
    char before = s.charAt(i - 1);
    return (c == '-' || c == '+')
        && (before == 'e' || before == 'E')
        && i + 1 < s.length()
        && isDigit(s.charAt(i + 1));
  }
}
