import AutopsyX509
import Testing

@Suite struct InspectionProductTests {
    @Test(arguments: [
        ("CN=FortiGate CA,OU=Certificate Authority,O=Fortinet,C=US", "Fortinet FortiGate"),
        ("CN=Fortinet_CA_SSL", "Fortinet FortiGate"),
        ("CN=Zscaler Intermediate Root CA (zscalerthree.net),OU=Zscaler Inc.,O=Zscaler Inc.,C=US", "Zscaler"),
        ("CN=Cisco Umbrella Secondary SubCA ash-SG,O=Cisco", "Cisco Umbrella"),
        ("CN=mitmproxy,O=mitmproxy", "mitmproxy"),
        ("CN=PortSwigger CA,OU=PortSwigger CA,O=PortSwigger,L=PortSwigger,ST=PortSwigger,C=PortSwigger", "Burp Suite"),
        ("CN=DO_NOT_TRUST_FiddlerRoot,O=DO_NOT_TRUST,OU=Created by http://www.fiddler2.com", "Fiddler"),
    ])
    func knownProducts(issuer: String, product: String) {
        #expect(CertificateSummary.knownInspectionProduct(issuer: issuer) == product)
    }

    @Test(arguments: [
        "CN=R3,O=Let's Encrypt,C=US",
        "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1,O=DigiCert Inc,C=US",
        "OU=Fortinet fans,CN=Example CA",  // only O and CN count
        "",
    ])
    func ordinaryIssuers(issuer: String) {
        #expect(CertificateSummary.knownInspectionProduct(issuer: issuer) == nil)
    }
}
