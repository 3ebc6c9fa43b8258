package io.kassette.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaGateTest {

  @Test
  void cassandrasOwnSnapshotSchemaPasses() {
    List<SchemaGate.Checked> checked = SchemaGate.table("app", "users", BackupFixture.USERS_SCHEMA);
    assertThat(checked)
        .extracting(SchemaGate.Checked::kind)
        .containsExactly(
            SchemaGate.Kind.CREATE_TYPE,
            SchemaGate.Kind.CREATE_TABLE,
            SchemaGate.Kind.ALTER_TABLE,
            SchemaGate.Kind.CREATE_INDEX);
    assertThat(checked.get(1).statement().text())
        .startsWith("CREATE TABLE IF NOT EXISTS app.users (")
        .contains("'users; not a statement -- nor a comment'");
  }

  @Test
  void aSemicolonOrACommentInsideAStringDoesNotEndTheStatement() {
    String cql =
        "CREATE TABLE app.t (id int PRIMARY KEY) WITH comment = 'x''; DROP KEYSPACE app; --'";
    List<SchemaGate.Checked> checked = SchemaGate.table("app", "t", cql);
    assertThat(checked).hasSize(1);
    assertThat(checked.get(0).statement().text()).isEqualTo(cql);
  }

  @Test
  void aTypeNestedDeeperThanAnySchemaIsRefusedNotAStackOverflow() {
    String deep = "frozen<".repeat(20_000) + "int" + ">".repeat(20_000);
    assertThatThrownBy(
            () ->
                SchemaGate.table(
                    "app",
                    "t",
                    "CREATE TABLE app.t (id int PRIMARY KEY);\nALTER TABLE app.t ADD c " + deep))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            SchemaGate.table(
                "app",
                "t",
                "CREATE TABLE app.t (id int PRIMARY KEY, c frozen<map<text, frozen<list<int>>>>)"))
        .hasSize(1);
  }

  @Test
  void dashesAfterAnExponentOpenACommentAsCassandraReadsThem() {
    // Cassandra reads "1e" then a comment to the end of the line: so does the gate, which then
    // finds the statement unfinished (or finished differently) rather than seeing a number.
    assertThatThrownBy(
            () ->
                SchemaGate.table(
                    "app",
                    "t",
                    "CREATE TABLE app.t (id int PRIMARY KEY) WITH gc_grace_seconds = 1e--\n"
                        + "; DROP KEYSPACE victim"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void quotedNamesAreCaseSensitiveAndUnquotedOnesFold() {
    assertThat(
            SchemaGate.table("App", "Users", "CREATE TABLE \"App\".\"Users\" (id int PRIMARY KEY)"))
        .hasSize(1);
    assertThatThrownBy(
            () -> SchemaGate.table("App", "Users", "CREATE TABLE App.Users (id int PRIMARY KEY)"))
        .hasMessageContaining("is not a CREATE of App.Users");
  }

  @Test
  void aMaterializedViewOverATableOfItsKeyspacePasses() {
    String cql =
        "CREATE MATERIALIZED VIEW IF NOT EXISTS app.by_name AS SELECT * FROM app.users"
            + " WHERE name IS NOT NULL AND id IS NOT NULL PRIMARY KEY (name, id)"
            + " WITH ID = 5b368590-ee48-11f1-a698-91cdd8b2ddad AND comment = ''";
    assertThat(SchemaGate.table("app", "by_name", cql))
        .extracting(SchemaGate.Checked::kind)
        .containsExactly(SchemaGate.Kind.CREATE_VIEW);
    assertThatThrownBy(
            () ->
                SchemaGate.table(
                    "app", "by_name", cql.replace("FROM app.users", "FROM system_auth.roles")))
        .hasMessageContaining("is not a CREATE of app.by_name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DROP KEYSPACE victim",
        "ALTER ROLE cassandra WITH PASSWORD = 'owned'",
        "GRANT ALL PERMISSIONS ON ALL KEYSPACES TO intruder",
        "CREATE ROLE intruder WITH SUPERUSER = true AND LOGIN = true",
        "CREATE TABLE other.t (id int PRIMARY KEY)",
        "CREATE TABLE app.other (id int PRIMARY KEY)",
        "CREATE TYPE other.address (street text)",
        "CREATE INDEX i ON app.other (name)",
        "ALTER TABLE app.users WITH gc_grace_seconds = 0",
        "ALTER TABLE app.users RENAME id TO ident",
        "ALTER TABLE app.other DROP legacy",
        "TRUNCATE app.users",
        "INSERT INTO app.users (id) VALUES (1)",
        "BEGIN BATCH INSERT INTO app.users (id) VALUES (1); APPLY BATCH",
        "CREATE FUNCTION app.f (x int) RETURNS NULL ON NULL INPUT RETURNS int"
            + " LANGUAGE java AS 'return x;'",
        "CREATE TRIGGER t ON app.users USING 'org.example.Trigger'",
        "CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy'}",
        "USE app",
        "CREATE TABLE users (id int PRIMARY KEY)",
        "\u0421REATE TABLE app.users (id int PRIMARY KEY)",
        "CREATE TABLE app.\u0443sers (id int PRIMARY KEY)",
        "CREATE TABLE app.users/**/(id int PRIMARY KEY); DROP TABLE app.users",
        "CREATE TABLE app.users (id int PRIMARY KEY) -- \n; DROP KEYSPACE victim",
      })
  void anythingButTheTablesOwnSchemaIsRefusedNamingTheStatement(String statement) {
    String cql = "CREATE TABLE app.users (id int PRIMARY KEY);\n" + statement + ";";
    if (statement.startsWith("CREATE TABLE app.users") || statement.contains("\u0421REATE")) {
      cql = statement;
    }
    String finalCql = cql;
    assertThatThrownBy(() -> SchemaGate.table("app", "users", finalCql))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a restore runs nothing else")
        .hasMessageContaining("statement ");
  }

  @Test
  void theRefusalNamesTheStatementAndTheObjectWithoutControlCharacters() {
    assertThatThrownBy(
            () ->
                SchemaGate.table(
                    "app",
                    "users",
                    "CREATE TABLE app.users (id int PRIMARY KEY);\nDROP KEYSPACE victim\u0007;"))
        .hasMessageContaining("statement 2 'DROP KEYSPACE victim\\u0007'")
        .hasMessageContaining("is not a CREATE of app.users");
  }

  @Test
  void aKeyspaceDefinitionIsOneCreateKeyspaceOfThatKeyspace() {
    assertThat(SchemaGate.keyspace("app", BackupFixture.KEYSPACES.get("app")).kind())
        .isEqualTo(SchemaGate.Kind.CREATE_KEYSPACE);
    assertThatThrownBy(() -> SchemaGate.keyspace("app", BackupFixture.KEYSPACES.get("shop")))
        .hasMessageContaining("is not a CREATE KEYSPACE of app");
    assertThatThrownBy(
            () ->
                SchemaGate.keyspace(
                    "app", BackupFixture.KEYSPACES.get("app") + " DROP KEYSPACE victim;"))
        .hasMessageContaining("holds 2 statements");
  }

  @Test
  void twoTablesOrNoneWhereOneIsExpectedAreRefused() {
    assertThatThrownBy(() -> SchemaGate.table("app", "users", "CREATE TYPE app.a (x int)"))
        .hasMessageContaining("holds 0 CREATE TABLE statements");
    assertThatThrownBy(
            () ->
                SchemaGate.table(
                    "app",
                    "users",
                    "CREATE TABLE app.users (id int PRIMARY KEY);"
                        + " CREATE TABLE IF NOT EXISTS app.users (id int PRIMARY KEY)"))
        .hasMessageContaining("holds 2 CREATE TABLE statements");
  }

  @Test
  void unterminatedStringsNamesAndCommentsAreRefused() {
    for (String cql :
        List.of(
            "CREATE TABLE app.users (id int PRIMARY KEY) WITH comment = 'open",
            "CREATE TABLE \"app.users (id int PRIMARY KEY)",
            "CREATE TABLE app.users (id int PRIMARY KEY) /* open",
            "CREATE TABLE app.users (id int PRIMARY KEY) WITH comment = $$ open")) {
      assertThatThrownBy(() -> SchemaGate.table("app", "users", cql))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not closed");
    }
  }
}
