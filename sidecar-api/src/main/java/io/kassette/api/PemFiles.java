package io.kassette.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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

  /** A server context presenting {@code certificate} (chain, leaf first) with its key. */
  public static SSLContext server(Path certificate, Path key) throws IOException {
    try {
      List<? extends Certificate> chain = certificates(certificate);
      if (chain.isEmpty()) {
        throw new IOException(certificate + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = new char[0];
      store.setKeyEntry("agent", privateKey(key), password, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot use " + certificate + " with " + key + ": " + e.getMessage(), e);
    }
  }

  /** A client context trusting only the CA certificates in {@code caBundle}. */
  public static SSLContext trusting(Path caBundle) throws IOException {
    return trusting(Files.readAllBytes(caBundle), caBundle.toString());
  }

  /** A client context trusting only the CA certificates in a PEM bundle (a Secret's value). */
  public static SSLContext trusting(byte[] pem, String what) throws IOException {
    try {
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
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust " + what + ": " + e.getMessage(), e);
    }
  }

  static List<? extends Certificate> certificates(Path pem)
      throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(pem)) {
      return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  /** PKCS#8 ({@code PRIVATE KEY}, RSA or EC) or PKCS#1 ({@code RSA PRIVATE KEY}). */
  static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    Matcher m = BLOCK.matcher(Files.readString(pem, StandardCharsets.US_ASCII));
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
