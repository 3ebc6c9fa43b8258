package io.kassette.operator.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart's RBAC against the API requests the operator made: every request must be allowed by a
 * rule of the chart (Role rules only in their own namespace), and every verb on every resource a
 * rule grants must have been used by some request.
 */
public final class ChartRbac {
  private static final Pattern CORE =
      Pattern.compile("^/api/v1/(?:namespaces/([^/]+)/)?([^/]+)(?:/([^/]+))?(?:/([^/]+))?$");
  private static final Pattern GROUP =
      Pattern.compile(
          "^/apis/([^/]+)/[^/]+/(?:namespaces/([^/]+)/)?([^/]+)(?:/([^/]+))?(?:/([^/]+))?$");

  /** One API request as RBAC sees it. */
  public record Request(
      String verb, String group, String resource, String namespace, String name, String line) {}

  /** A rule of the chart, with the namespace of its Role (null for a ClusterRole). */
  record Grant(PolicyRule rule, String namespace, String from) {}

  private ChartRbac() {}

  /**
   * {@code METHOD /path?query} as recorded by the test API server; empty for what needs no RBAC
   * (discovery, reviews of one's own access).
   */
  public static Optional<Request> parse(String recorded) {
    int space = recorded.indexOf(' ');
    String method = recorded.substring(0, space);
    String target = recorded.substring(space + 1);
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
    String group;
    String ns;
    String resource;
    String name;
    String sub;
    Matcher core = CORE.matcher(path);
    Matcher grouped = GROUP.matcher(path);
    if (path.startsWith("/api/v1/") && core.matches()) {
      group = "";
      ns = core.group(1);
      resource = core.group(2);
      name = core.group(3);
      sub = core.group(4);
    } else if (grouped.matches()) {
      group = grouped.group(1);
      ns = grouped.group(2);
      resource = grouped.group(3);
      name = grouped.group(4);
      sub = grouped.group(5);
    } else {
      return Optional.empty(); // /version, /api, /apis: discovery, open to every user
    }
    if (resource.equals("selfsubjectrulesreviews") || resource.equals("selfsubjectaccessreviews")) {
      return Optional.empty(); // allowed to every authenticated user (system:basic-user)
    }
    String verb =
        switch (method) {
          case "GET" ->
              name != null
                  ? "get"
                  : Set.of(query.split("&")).contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name != null ? "delete" : "deletecollection";
          default -> method.toLowerCase();
        };
    if (name == null && (verb.equals("list") || verb.equals("watch"))) {
      // The API server authorizes a list or watch restricted to one name against resourceNames.
      for (String param : query.split("&")) {
        String decoded = URLDecoder.decode(param, StandardCharsets.UTF_8);
        if (decoded.startsWith("fieldSelector=metadata.name=")) {
          name = decoded.substring("fieldSelector=metadata.name=".length());
        }
      }
    }
    return Optional.of(
        new Request(
            verb,
            group,
            sub == null ? resource : resource + "/" + sub,
            ns,
            name == null ? null : URLDecoder.decode(name, StandardCharsets.UTF_8),
            recorded));
  }

  static List<Grant> grants(List<HasMetadata> chart) {
    List<Grant> grants = new ArrayList<>();
    for (HasMetadata r : chart) {
      if (r instanceof ClusterRole cr) {
        cr.getRules().forEach(rule -> grants.add(new Grant(rule, null, "ClusterRole")));
      } else if (r instanceof Role role) {
        String ns = role.getMetadata().getNamespace();
        role.getRules().forEach(rule -> grants.add(new Grant(rule, ns, "Role " + ns)));
      }
    }
    return grants;
  }

  static boolean allows(Grant g, Request r) {
    PolicyRule rule = g.rule();
    if (g.namespace() != null && !g.namespace().equals(r.namespace())) {
      return false;
    }
    boolean names =
        rule.getResourceNames() == null
            || rule.getResourceNames().isEmpty()
            || (r.name() != null && rule.getResourceNames().contains(r.name()));
    return any(rule.getApiGroups(), r.group())
        && any(rule.getResources(), r.resource())
        && any(rule.getVerbs(), r.verb())
        && names;
  }

  private static boolean any(Collection<String> granted, String wanted) {
    return granted != null && (granted.contains("*") || granted.contains(wanted));
  }

  /** Requests no rule allows, one line each. */
  public static Set<String> denied(List<HasMetadata> chart, Collection<String> recorded) {
    List<Grant> grants = grants(chart);
    Set<String> denied = new TreeSet<>();
    for (String line : recorded) {
      parse(line)
          .filter(r -> grants.stream().noneMatch(g -> allows(g, r)))
          .ifPresent(
              r -> denied.add(r.verb() + " " + r.group() + "/" + r.resource() + " (" + line + ")"));
    }
    return denied;
  }

  /** What a rule grants that no request used: {@code verb group/resource [names] in Role}. */
  public static Set<String> unused(List<HasMetadata> chart, Collection<String> recorded) {
    List<Request> requests =
        recorded.stream().map(ChartRbac::parse).flatMap(Optional::stream).toList();
    Set<String> unused = new TreeSet<>();
    for (Grant g : grants(chart)) {
      PolicyRule rule = g.rule();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            Grant one =
                new Grant(
                    new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder(rule)
                        .withApiGroups(group)
                        .withResources(resource)
                        .withVerbs(verb)
                        .build(),
                    g.namespace(),
                    g.from());
            if (requests.stream().noneMatch(r -> allows(one, r))) {
              unused.add(
                  verb
                      + " "
                      + group
                      + "/"
                      + resource
                      + (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                          ? ""
                          : " " + rule.getResourceNames())
                      + " in "
                      + g.from());
            }
          }
        }
      }
    }
    return unused;
  }

  /** For messages: the recorded requests by verb and resource. */
  public static Map<String, Long> summary(Collection<String> recorded) {
    return recorded.stream()
        .map(ChartRbac::parse)
        .flatMap(Optional::stream)
        .collect(
            java.util.stream.Collectors.groupingBy(
                r -> r.verb() + " " + r.group() + "/" + r.resource(),
                java.util.TreeMap::new,
                java.util.stream.Collectors.counting()));
  }
}
