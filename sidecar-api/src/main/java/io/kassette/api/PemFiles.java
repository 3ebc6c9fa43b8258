package io.kassette.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS from the PEM files a Kubernetes Secret holds ({@code tls.crt}, {@code tls.key}, {@code
 * ca.crt}, as cert-manager writes them), without a keystore step.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
  // rsaEncryption OID with NULL parameters: what a PKCS#1 key is wrapped in to become PKCS#8.
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  private PemFiles() {}

  /**
   * A server context presenting {@code certificate} (chain, leaf first) with its key, re-read when
   * the files change (looked at every ten seconds at most), so a certificate renewed by
   * cert-manager in a mounted Secret is served without a restart.
   */
  public static Server server(Path certificate, Path key) throws IOException {
    return server(certificate, key, Duration.ofSeconds(10));
  }

  /**
   * A server's TLS context, and when the certificate it serves now expires (for a metric: renewal
   * depends on something outside the agent, a helm upgrade or cert-manager, which may not happen).
   */
  public record Server(
      SSLContext context, java.util.function.Supplier<java.time.Instant> notAfter) {}

  /** As {@link #server(Path, Path)}, looking at the files at most every {@code recheck}. */
  public static Server server(Path certificate, Path key, Duration recheck) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      ReloadingKeys keys = new ReloadingKeys(certificate, key, recheck);
      context.init(new KeyManager[] {keys}, null, null);
      return new Server(context, keys::notAfter);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot use " + certificate + " with " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * The key manager of one pair as read (each file read once, so the two cannot come from different
   * renewals); fails naming the files, also when the key does not belong to the certificate, which
   * the JDK would only find at the first handshake.
   */
  private record Keys(X509ExtendedKeyManager manager, java.time.Instant notAfter) {}

  private static Keys keys(byte[] certificatePem, byte[] keyPem, Path certificate, Path key)
      throws IOException {
    try {
      List<? extends Certificate> chain =
          List.copyOf(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(new java.io.ByteArrayInputStream(certificatePem)));
      if (chain.isEmpty()) {
        throw new IOException(certificate + " holds no PEM certificate");
      }
      PrivateKey privateKey = privateKey(new String(keyPem, StandardCharsets.US_ASCII), key);
      proveKeyMatches(privateKey, chain.get(0), certificate, key);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("agent", privateKey, password, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      for (KeyManager km : kmf.getKeyManagers()) {
        if (km instanceof X509ExtendedKeyManager x) {
          return new Keys(x, ((X509Certificate) chain.get(0)).getNotAfter().toInstant());
        }
      }
      throw new GeneralSecurityException("no X.509 key manager");
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot use " + certificate + " with " + key + ": " + e.getMessage(), e);
    }
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  private static void proveKeyMatches(
      PrivateKey privateKey, Certificate leaf, Path certificate, Path key)
      throws IOException, GeneralSecurityException {
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> privateKey.getAlgorithm();
        };
    byte[] challenge = new byte[32];
    new java.security.SecureRandom().nextBytes(challenge);
    java.security.Signature signer = java.security.Signature.getInstance(algorithm);
    signer.initSign(privateKey);
    signer.update(challenge);
    byte[] signature = signer.sign();
    java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
    boolean matches;
    try {
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(challenge);
      matches = verifier.verify(signature);
    } catch (GeneralSecurityException otherAlgorithm) {
      matches = false;
    }
    if (!matches) {
      throw new IOException(
          "the key in "
              + key
              + " does not belong to the first certificate in "
              + certificate
              + ": write both from the same Secret (tls.crt and tls.key)");
    }
  }

  /**
   * Serves the files' current pair. Each pair has its own alias, so a handshake that chose one gets
   * that pair's chain and key even if the files change in between; a pair that does not load (a
   * Secret half-updated) leaves the previous one in use until the next look.
   */
  private static final class ReloadingKeys extends X509ExtendedKeyManager {
    private static final System.Logger LOG = System.getLogger(PemFiles.class.getName());
    private final Path certificate;
    private final Path key;
    private final long recheckNanos;
    private volatile Pair current;
    private volatile Pair previous;
    private volatile long checkedNanos;

    private record Pair(long generation, byte[] cert, byte[] key, Keys keys) {
      X509ExtendedKeyManager manager() {
        return keys.manager();
      }

      java.time.Instant notAfter() {
        return keys.notAfter();
      }
    }

    java.time.Instant notAfter() {
      return fresh().notAfter();
    }

    ReloadingKeys(Path certificate, Path key, Duration recheck) throws IOException {
      this.certificate = certificate;
      this.key = key;
      this.recheckNanos = recheck.toNanos();
      this.current = load(0);
      this.checkedNanos = System.nanoTime();
    }

    private Pair load(long generation) throws IOException {
      byte[] c = Files.readAllBytes(certificate);
      byte[] k = Files.readAllBytes(key);
      return new Pair(generation, c, k, keys(c, k, certificate, key));
    }

    private Pair fresh() {
      long now = System.nanoTime();
      if (now - checkedNanos >= recheckNanos) {
        synchronized (this) {
          if (now - checkedNanos >= recheckNanos) {
            checkedNanos = now;
            try {
              Pair pair = current;
              byte[] c = Files.readAllBytes(certificate);
              byte[] k = Files.readAllBytes(key);
              if (!Arrays.equals(c, pair.cert()) || !Arrays.equals(k, pair.key())) {
                Pair next = new Pair(pair.generation() + 1, c, k, keys(c, k, certificate, key));
                previous = pair;
                current = next;
                LOG.log(System.Logger.Level.INFO, "serving the renewed certificate " + certificate);
              }
            } catch (IOException | RuntimeException e) {
              LOG.log(
                  System.Logger.Level.WARNING, "keeping the certificate in use: " + e.getMessage());
            }
          }
        }
      }
      return current;
    }

    /** {@code <generation>:<alias of that pair's manager>}. */
    private static String alias(Pair pair, String alias) {
      return alias == null ? null : pair.generation() + ":" + alias;
    }

    private Pair of(String alias) {
      int colon = alias == null ? -1 : alias.indexOf(':');
      if (colon < 0) {
        return null;
      }
      long generation = Long.parseLong(alias.substring(0, colon));
      Pair c = current;
      Pair p = previous;
      return c.generation() == generation
          ? c
          : p != null && p.generation() == generation ? p : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      Pair pair = fresh();
      return alias(pair, pair.manager().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      Pair pair = fresh();
      return alias(pair, pair.manager().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      Pair pair = fresh();
      String[] aliases = pair.manager().getServerAliases(keyType, issuers);
      return aliases == null
          ? null
          : Arrays.stream(aliases).map(a -> alias(pair, a)).toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      Pair pair = of(alias);
      return pair == null
          ? null
          : pair.manager().getCertificateChain(alias.substring(alias.indexOf(':') + 1));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      Pair pair = of(alias);
      return pair == null
          ? null
          : pair.manager().getPrivateKey(alias.substring(alias.indexOf(':') + 1));
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /** A client context trusting only the CA certificates in {@code caBundle}. */
  public static SSLContext trusting(Path caBundle) throws IOException {
    return trusting(Files.readAllBytes(caBundle), caBundle.toString());
  }

  /** A client context trusting only the CA certificates in a PEM bundle (a Secret's value). */
  public static SSLContext trusting(byte[] pem, String what) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {chainTrust(pem, what)}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust " + what + ": " + e.getMessage(), e);
    }
  }

  /**
   * A client context trusting only the CA certificates in a PEM bundle, and only a server whose
   * certificate names {@code serverName} (a DNS subject alternative name; {@code *.example} matches
   * one label), whatever address it was reached at. Sidecars are reached by pod IP, which changes
   * on every restart and so cannot be in a certificate issued once per namespace: the name says the
   * peer is a sidecar, the CA that it was issued for this purpose.
   */
  public static SSLContext trusting(byte[] pem, String what, String serverName) throws IOException {
    return trusting(pem, what, serverName, "the expected server name");
  }

  /**
   * As {@link #trusting(byte[], String, String)}; a refusal names {@code what} (where the CA came
   * from, and the setting that chooses it) or {@code nameSource} (the setting that chose the name),
   * so that whoever reads it knows what to change.
   */
  public static SSLContext trusting(byte[] pem, String what, String serverName, String nameSource)
      throws IOException {
    try {
      X509ExtendedTrustManager chain = chainTrust(pem, what);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {new NamedServerTrust(chain, serverName, what, nameSource)},
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust " + what + ": " + e.getMessage(), e);
    }
  }

  private static X509ExtendedTrustManager chainTrust(byte[] pem, String what)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (Certificate c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new java.io.ByteArrayInputStream(pem))) {
      store.setCertificateEntry("ca-" + i++, c);
    }
    if (i == 0) {
      throw new IOException(what + " holds no PEM certificate");
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /**
   * Checks the chain against the CA without the JDK's host name check (an IP the certificate cannot
   * name), then the server name. Being an {@link X509ExtendedTrustManager}, it replaces the
   * endpoint identification the HTTP client asks for instead of being wrapped by it.
   */
  private static final class NamedServerTrust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager chain;
    private final String serverName;
    private final String what;
    private final String nameSource;

    NamedServerTrust(
        X509ExtendedTrustManager chain, String serverName, String what, String nameSource) {
      this.chain = chain;
      this.serverName = serverName.toLowerCase(java.util.Locale.ROOT);
      this.what = what;
      this.nameSource = nameSource;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType)
        throws CertificateException {
      try {
        chain.checkServerTrusted(certs, authType);
      } catch (CertificateException e) {
        throw new CertificateException(refusal(certs, e), e);
      }
      if (!names(certs[0]).stream().anyMatch(this::matches)) {
        List<String> found = names(certs[0]);
        throw new CertificateException(
            "the sidecar's certificate names "
                + (found.size() > 5 ? found.subList(0, 5) + " and more" : found)
                + ", not "
                + serverName
                + " ("
                + nameSource
                + "): issue it with that DNS name");
      }
    }

    /** Why the chain was refused, in terms of what to do: renew, or trust the right CA. */
    private String refusal(X509Certificate[] certs, CertificateException e) {
      java.util.Date now = new java.util.Date();
      for (X509Certificate c : certs) {
        if (now.after(c.getNotAfter()) || now.before(c.getNotBefore())) {
          return "the sidecar's certificate "
              + c.getSubjectX500Principal().getName()
              + " is valid from "
              + c.getNotBefore().toInstant()
              + " to "
              + c.getNotAfter().toInstant()
              + ", not now: renew it (the chart re-issues it on helm upgrade)";
        }
      }
      javax.security.auth.x500.X500Principal issuer =
          certs[certs.length - 1].getIssuerX500Principal();
      for (X509Certificate ca : chain.getAcceptedIssuers()) {
        if (now.after(ca.getNotAfter()) && ca.getSubjectX500Principal().equals(issuer)) {
          return "the CA in " + what + " expired on " + ca.getNotAfter().toInstant() + ": renew it";
        }
      }
      String issuerName = issuer.getName();
      return "the sidecar's certificate (issued by "
          + (issuerName.length() > 200 ? issuerName.substring(0, 200) + "..." : issuerName)
          + ") does not chain to the CA in "
          + what
          + ": trust the CA that issued the sidecars' certificates ("
          + e.getMessage()
          + ")";
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(certs, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(certs, authType);
    }

    private boolean matches(String name) {
      String n = name.toLowerCase(java.util.Locale.ROOT);
      if (n.startsWith("*.")) {
        int dot = serverName.indexOf('.');
        return dot > 0 && serverName.substring(dot).equals(n.substring(1));
      }
      return n.equals(serverName);
    }

    private static List<String> names(X509Certificate cert) throws CertificateException {
      List<String> names = new java.util.ArrayList<>();
      Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> san : alternatives) {
          if (Integer.valueOf(2).equals(san.get(0))) {
            String name = String.valueOf(san.get(1));
            // The peer chose these: keep what reaches a status or an Event short.
            names.add(name.length() > 100 ? name.substring(0, 100) + "..." : name);
          }
        }
      }
      return names;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType)
        throws CertificateException {
      throw new CertificateException("a client context trusts no client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a client context trusts no client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a client context trusts no client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return chain.getAcceptedIssuers();
    }
  }

  /** PKCS#8 ({@code PRIVATE KEY}, RSA or EC) or PKCS#1 ({@code RSA PRIVATE KEY}). */
  static PrivateKey privateKey(String text, Path pem) throws IOException, GeneralSecurityException {
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (type) {
        case "PRIVATE KEY" -> {
          PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
          for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
              return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
              // the PKCS#8 header names the algorithm; trying beats parsing it here
            }
          }
          throw new IOException(pem + ": a PKCS#8 key of an unsupported algorithm");
        }
        case "RSA PRIVATE KEY" -> {
          return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8(der)));
        }
        case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" ->
            throw new IOException(
                pem
                    + " holds an "
                    + type
                    + ": convert it with 'openssl pkcs8 -topk8 -nocrypt' (cert-manager:"
                    + " privateKey.encoding: PKCS8)");
        default -> {
          // another block, such as a certificate bundled in the same file
        }
      }
    }
    throw new IOException(pem + " holds no PEM private key");
  }

  /** Wraps a PKCS#1 RSA key: SEQUENCE { 0, rsaEncryption, OCTET STRING { key } }. */
  private static byte[] pkcs8(byte[] pkcs1) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(new byte[] {0x02, 0x01, 0x00});
    body.write(RSA_ALGORITHM);
    body.write(0x04);
    body.write(length(pkcs1.length));
    body.write(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.write(length(body.size()));
    body.writeTo(out);
    return out.toByteArray();
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
    b.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      b.write((n >>> (8 * i)) & 0xff);
    }
    return b.toByteArray();
  }
}
