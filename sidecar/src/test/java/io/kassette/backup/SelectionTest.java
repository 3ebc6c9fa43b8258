package io.kassette.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kassette.node.TableRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {
  static final List<TableRef> TABLES =
      List.of(
          new TableRef("app", "users"),
          new TableRef("app_tmp", "scratch"),
          new TableRef("app_v2", "users"),
          new TableRef("billing", "invoices"),
          new TableRef("billing", "payments"),
          new TableRef("system", "local"),
          new TableRef("system_auth", "roles"));

  @Test
  void globsWithExclusions() {
    assertThat(Selection.parse("app*,!app_tmp.*,billing.invoices").resolve(TABLES))
        .containsExactly(
            new TableRef("app", "users"),
            new TableRef("app_v2", "users"),
            new TableRef("billing", "invoices"));
  }

  @Test
  void nothingNamedMeansEveryUserTable() {
    assertThat(Selection.all().resolve(TABLES)).hasSize(5).noneMatch(TableRef::isSystem);
    assertThat(Selection.parse("*").resolve(TABLES)).hasSize(5).noneMatch(TableRef::isSystem);
    assertThat(Selection.parse("!billing").resolve(TABLES)).hasSize(3);
  }

  @Test
  void systemKeyspacesOnlyWhenNamed() {
    assertThat(Selection.parse("system_auth").resolve(TABLES))
        .containsExactly(new TableRef("system_auth", "roles"));
  }

  @Test
  void aPatternMatchingNothingIsAnError() {
    assertThatThrownBy(() -> Selection.parse("app,nothing*").resolve(TABLES))
        .hasMessageContaining("pattern 'nothing*' matches no table");
    assertThatThrownBy(() -> Selection.parse("billing,!billing").resolve(TABLES))
        .hasMessageContaining("leaves no table");
    assertThatThrownBy(() -> Selection.parse("app;drop"))
        .hasMessageContaining("'app;drop' is invalid");
  }
}
