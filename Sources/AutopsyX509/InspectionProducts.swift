import Synchronization

/// Issuer names of TLS inspection products (proxies that re-sign every server certificate with
/// their own CA), for the `tls_interception` diagnosis. Only names confirmed in public sources,
/// each cited beside it; matched case-insensitively against the issuer's O and CN values.
extension CertificateSummary {
    private static let inspectionProducts: [(substring: String, product: String)] = [
        // Fortinet FortiGate deep inspection signs with its built-in "Fortinet_CA_SSL" CA:
        // https://docs.fortinet.com/document/fortigate/7.0.1/administration-guide/505842/certificate-inspection
        // and https://community.fortinet.com/fortigate-3/technical-tip-how-to-enable-deep-inspection-and-import-a-certificate-in-the-browser-98489
        ("Fortinet", "Fortinet FortiGate"),
        ("FortiGate", "Fortinet FortiGate"),
        // Zscaler sets the issuer DN to its intermediate CA's name (or the customer's own CA):
        // https://help.zscaler.com/unified/choosing-ca-certificate-ssl-inspection
        ("Zscaler", "Zscaler"),
        // Cisco Umbrella's proxy replaces the chain with "Cisco Umbrella Secondary SubCA" under
        // "Cisco Umbrella Root CA": https://support.umbrella.com/hc/en-us/articles/14723683519380
        ("Cisco Umbrella", "Cisco Umbrella"),
        // mitmproxy's generated CA is CN=mitmproxy, O=mitmproxy:
        // https://docs.mitmproxy.org/stable/concepts-certificates/ (the CA) and the CA certificate
        // published at https://github.com/PeterPawn/YourFritz/blob/main/mitmproxy-ca.pem (its subject)
        ("mitmproxy", "mitmproxy"),
        // Burp Suite's CA: C=PortSwigger, ST=PortSwigger, L=PortSwigger, O=PortSwigger,
        // OU=PortSwigger CA, CN=PortSwigger CA (openssl output quoted in public repositories'
        // Android interception guides, e.g. those installing it as 9a5ba575.0)
        ("PortSwigger", "Burp Suite"),
        // Fiddler Classic's root is named DO_NOT_TRUST_FiddlerRoot: seen in public repositories,
        // both in Fiddler's own (decompiled) CONFIG code, which stores DO_NOT_TRUST_FiddlerRoot.cer,
        // and in iOS setup guides that install and trust the "DO_NOT_TRUST_FiddlerRoot" profile
        ("DO_NOT_TRUST_FiddlerRoot", "Fiddler"),
    ]

    /// The TLS inspection product an issuer name (RFC 4514 text, as in `issuer`) belongs to, when
    /// its organisation or common name contains one of the known products' names.
    public static func knownInspectionProduct(issuer: String) -> String? {
        // Flow after flow shows the same few issuers: each is looked up once.
        if let known = inspectionVerdicts.withLock({ $0[issuer] }) { return known }
        let verdict = inspectionProduct(issuer: issuer)
        inspectionVerdicts.withLock { verdicts in
            if verdicts.count >= 4_096 { verdicts.removeAll(keepingCapacity: true) }
            verdicts[issuer] = .some(verdict)
        }
        return verdict
    }

    /// Verdicts of `knownInspectionProduct` by issuer (nil inside: no product).
    private static let inspectionVerdicts = Mutex<[String: String?]>([:])

    private static func inspectionProduct(issuer: String) -> String? {
        let values = NameText.attributes(of: issuer).filter { $0.type == "O" || $0.type == "CN" }.map {
            $0.value.lowercased()
        }
        for entry in inspectionProducts {
            let needle = entry.substring.lowercased()
            if values.contains(where: { $0.contains(needle) }) { return entry.product }
        }
        return nil
    }
}
