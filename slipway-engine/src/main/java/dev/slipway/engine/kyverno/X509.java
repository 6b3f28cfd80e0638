package dev.slipway.engine.kyverno;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.kyverno.Arithmetic.FunctionError;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * {@code x509_decode(pem)}: a PEM certificate as the fields of Go's {@code x509.Certificate}
 * that policies read: {@code Version}, {@code SerialNumber}, {@code Subject} and {@code Issuer}
 * (CommonName, Organization, ...), {@code NotBefore}/{@code NotAfter}, {@code IsCA},
 * {@code BasicConstraintsValid}, {@code MaxPathLen}, {@code DNSNames}, {@code EmailAddresses},
 * {@code IPAddresses}, {@code URIs}, {@code KeyUsage}, {@code SignatureAlgorithm} and
 * {@code PublicKeyAlgorithm} (Go's enum numbers), {@code PublicKey} ({@code N}, {@code E} for RSA),
 * the raw DER fields ({@code Raw}, {@code RawTBSCertificate}, {@code Signature}...) and the names'
 * {@code Names} lists. Not provided: {@code Extensions}, key identifiers, name constraints, CRL and
 * OCSP fields; certificate requests are "not evaluated".
 */
final class X509 {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Map<String, Integer> SIGNATURE = Map.ofEntries(Map.entry("MD2withRSA", 1), Map.entry("MD5withRSA", 2),
      Map.entry("SHA1withRSA", 3), Map.entry("SHA256withRSA", 4), Map.entry("SHA384withRSA", 5), Map.entry("SHA512withRSA", 6),
      Map.entry("SHA1withDSA", 7), Map.entry("SHA256withDSA", 8), Map.entry("SHA1withECDSA", 9), Map.entry("SHA256withECDSA", 10),
      Map.entry("SHA384withECDSA", 11), Map.entry("SHA512withECDSA", 12), Map.entry("RSASSA-PSS", 13), Map.entry("Ed25519", 16));
  private static final Map<String, String> OIDS = Map.of("CN", "2.5.4.3", "C", "2.5.4.6", "L", "2.5.4.7", "ST", "2.5.4.8",
      "O", "2.5.4.10", "OU", "2.5.4.11", "STREET", "2.5.4.9", "POSTALCODE", "2.5.4.17", "SERIALNUMBER", "2.5.4.5");
  private static final Map<String, Integer> KEY = Map.of("RSA", 1, "DSA", 2, "EC", 3, "Ed25519", 4, "EdDSA", 4);

  private X509() {}

  static JsonNode decode(String pem) {
    if (pem.contains("BEGIN CERTIFICATE REQUEST")) {
      throw new NotEvaluatedException("x509_decode of a certificate request");
    }
    X509Certificate c;
    try {
      c = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
    } catch (CertificateException | ClassCastException e) {
      throw new FunctionError("x509_decode", "not a PEM certificate");
    }
    ObjectNode o = F.objectNode();
    try {
      java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
      o.put("Raw", b64.encodeToString(c.getEncoded()));
      o.put("RawTBSCertificate", b64.encodeToString(c.getTBSCertificate()));
      o.put("RawSubjectPublicKeyInfo", b64.encodeToString(c.getPublicKey().getEncoded()));
      o.put("RawSubject", b64.encodeToString(c.getSubjectX500Principal().getEncoded()));
      o.put("RawIssuer", b64.encodeToString(c.getIssuerX500Principal().getEncoded()));
      o.put("Signature", b64.encodeToString(c.getSignature()));
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new FunctionError("x509_decode", "cannot encode the certificate");
    }
    o.put("Version", c.getVersion());
    o.put("SerialNumber", c.getSerialNumber());
    o.set("Subject", name(c.getSubjectX500Principal()));
    o.set("Issuer", name(c.getIssuerX500Principal()));
    o.put("NotAfter", TimeFunctions.format(OffsetDateTime.ofInstant(c.getNotAfter().toInstant(), ZoneOffset.UTC)));
    o.put("NotBefore", TimeFunctions.format(OffsetDateTime.ofInstant(c.getNotBefore().toInstant(), ZoneOffset.UTC)));
    int pathLen = c.getBasicConstraints();
    o.put("IsCA", pathLen >= 0);
    o.put("BasicConstraintsValid", c.getExtensionValue("2.5.29.19") != null);
    // Go: -1 when no path length is set (and for non-CA certificates), MaxPathLenZero for an explicit 0.
    o.put("MaxPathLen", pathLen == Integer.MAX_VALUE || pathLen < 0 ? -1 : pathLen);
    o.put("MaxPathLenZero", pathLen == 0);
    int usage = 0;
    boolean[] bits = c.getKeyUsage();
    for (int i = 0; bits != null && i < bits.length; i++) {
      usage |= bits[i] ? 1 << i : 0;
    }
    o.put("KeyUsage", usage);
    o.put("SignatureAlgorithm", SIGNATURE.getOrDefault(c.getSigAlgName(), 0));
    o.put("PublicKeyAlgorithm", KEY.getOrDefault(c.getPublicKey().getAlgorithm(), 0));
    if (c.getPublicKey() instanceof RSAPublicKey rsa) {
      // Go's big.Int modulus comes out as a decimal string, the exponent as a number.
      o.putObject("PublicKey").put("N", rsa.getModulus().toString()).put("E", rsa.getPublicExponent());
    }
    ArrayNode dns = F.arrayNode();
    ArrayNode emails = F.arrayNode();
    ArrayNode ips = F.arrayNode();
    ArrayNode uris = F.arrayNode();
    try {
      Collection<List<?>> sans = c.getSubjectAlternativeNames();
      for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
        String v = String.valueOf(san.get(1));
        switch ((Integer) san.get(0)) {
          case 1 -> emails.add(v);
          case 2 -> dns.add(v);
          case 6 -> uris.add(v);
          case 7 -> ips.add(v);
          default -> { }
        }
      }
    } catch (CertificateParsingException e) {
      throw new FunctionError("x509_decode", "cannot read the subject alternative names");
    }
    o.set("DNSNames", dns.isEmpty() ? F.nullNode() : dns);
    o.set("EmailAddresses", emails.isEmpty() ? F.nullNode() : emails);
    o.set("IPAddresses", ips.isEmpty() ? F.nullNode() : ips);
    o.set("URIs", uris.isEmpty() ? F.nullNode() : uris);
    return o;
  }

  /** A distinguished name as Go's {@code pkix.Name}: lists per attribute, CommonName and SerialNumber as strings. */
  private static ObjectNode name(X500Principal principal) {
    ObjectNode n = F.objectNode();
    String[][] lists = {{"C", "Country"}, {"O", "Organization"}, {"OU", "OrganizationalUnit"}, {"L", "Locality"},
        {"ST", "Province"}, {"STREET", "StreetAddress"}, {"POSTALCODE", "PostalCode"}};
    for (String[] l : lists) {
      n.putNull(l[1]);
    }
    n.put("SerialNumber", "");
    n.put("CommonName", "");
    ArrayNode names = n.putArray("Names");
    n.putNull("ExtraNames");
    try {
      List<Rdn> rdns = new LdapName(principal.getName(X500Principal.RFC2253,
          Map.of("2.5.4.5", "SERIALNUMBER", "2.5.4.9", "STREET", "2.5.4.17", "POSTALCODE"))).getRdns();
      for (Rdn r : rdns) {
        String type = r.getType().toUpperCase(java.util.Locale.ROOT);
        String value = String.valueOf(r.getValue());
        String oid = OIDS.get(type);
        if (oid != null || type.matches("[0-9.]+")) {
          ArrayNode t = F.arrayNode();
          for (String part : (oid != null ? oid : type).split("\\.")) {
            t.add(Integer.parseInt(part));
          }
          names.addObject().<ObjectNode>set("Type", t).put("Value", value);
        }
        if (type.equals("CN")) {
          n.put("CommonName", value);
        } else if (type.equals("SERIALNUMBER")) {
          n.put("SerialNumber", value);
        }
        for (String[] l : lists) {
          if (l[0].equals(type)) {
            JsonNode list = n.get(l[1]);
            (list.isArray() ? (ArrayNode) list : n.putArray(l[1])).add(value);
          }
        }
      }
    } catch (InvalidNameException e) {
      throw new FunctionError("x509_decode", "cannot read the name " + principal);
    }
    return n;
  }
}
