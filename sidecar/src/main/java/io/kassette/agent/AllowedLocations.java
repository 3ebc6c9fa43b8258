package io.kassette.agent;

import io.kassette.storage.StorageLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * The storage locations this agent may touch: a request for any other is refused with 403. A token
 * holder could otherwise make the sidecar read or write any bucket its credentials reach, or — with
 * {@code file://} — any directory its user can. Empty (the default) allows nothing: whoever deploys
 * the sidecar names its bucket. {@code file://} locations are allowed only when listed themselves.
 *
 * <p>An entry allows itself and everything below it, by whole path segments: {@code s3://b/prod}
 * allows {@code s3://b/prod} and {@code s3://b/prod/eu}, not {@code s3://b/production}.
 */
public record AllowedLocations(List<StorageLocation> prefixes) {
  /** The flag and variable that set the list, for messages. */
  static final String HOW =
      "--allowed-locations (KASSETTE_ALLOWED_LOCATIONS; comma-separated location prefixes)";

  public AllowedLocations {
    prefixes = List.copyOf(prefixes);
  }

  public static AllowedLocations none() {
    return new AllowedLocations(List.of());
  }

  public static AllowedLocations of(String... locations) {
    return parse(String.join(",", locations));
  }

  /**
   * Comma-separated location prefixes; blank for none. Throws naming the entry that is not a
   * location.
   */
  public static AllowedLocations parse(String text) {
    List<StorageLocation> prefixes = new ArrayList<>();
    if (text != null) {
      for (String entry : text.split(",")) {
        if (entry.isBlank()) {
          continue;
        }
        try {
          prefixes.add(StorageLocation.parse(entry.trim()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--allowed-locations: " + e.getMessage(), e);
        }
      }
    }
    return new AllowedLocations(prefixes);
  }

  /** Whether {@code location} lies at or under one of the prefixes. */
  public boolean allows(StorageLocation location) {
    return prefixes.stream()
        .anyMatch(
            p ->
                p.scheme() == location.scheme()
                    && p.bucket().equals(location.bucket())
                    && (p.prefix().isEmpty()
                        || location.prefix().equals(p.prefix())
                        || location.prefix().startsWith(p.prefix() + "/")));
  }

  /** The parsed location of a request's {@code location} field, once allowed; else 400 or 403. */
  StorageLocation check(String location) throws ApiException {
    if (location == null || location.isBlank()) {
      throw ApiException.badField("location", "location is required, e.g. s3://bucket/prefix");
    }
    StorageLocation parsed =
        EngineRequests.field("location", () -> StorageLocation.parse(location));
    if (!allows(parsed)) {
      throw ApiException.forbidden(
          "location",
          "location "
              + parsed.uri()
              + " is not allowed on this sidecar"
              + (prefixes.isEmpty()
                  ? " (it allows none yet)"
                  : "; it allows " + prefixes.stream().map(StorageLocation::uri).toList())
              + ": add the location or a prefix of it to the sidecar's "
              + HOW
              + (parsed.scheme() == StorageLocation.Scheme.FILE
                  ? "; only a file:// entry allows a file:// location"
                  : ""));
    }
    return parsed;
  }
}
