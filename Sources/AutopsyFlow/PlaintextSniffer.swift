/// Describes the first bytes of a stream that is not TLS, the way a person would:
/// "HTTP/1.1 400 Bad Request", "SSH-2.0-OpenSSH_9.2", "220 mail.example.com ESMTP".
enum PlaintextSniffer {
    /// The first line when it is printable text (at most 60 characters), else a hex prefix.
    static func describe(_ bytes: [UInt8]) -> String {
        var line: [UInt8] = []
        for byte in bytes {
            if byte == 0x0d || byte == 0x0a { break }
            guard (0x20...0x7e).contains(byte) || byte == 0x09 else {
                return hexPrefix(bytes)
            }
            line.append(byte)
            if line.count >= 60 { break }
        }
        guard line.count >= 3 else { return hexPrefix(bytes) }
        return "\"" + String(decoding: line, as: UTF8.self) + "\""
    }

    /// A name for the protocol the text looks like, when it is a well-known one.
    static func protocolName(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes.prefix(16), as: UTF8.self)
        if text.hasPrefix("HTTP/") { return "HTTP" }
        for method in ["GET ", "POST ", "HEAD ", "PUT ", "CONNECT ", "OPTIONS ", "DELETE "] where text.hasPrefix(method)
        {
            return "HTTP"
        }
        if text.hasPrefix("SSH-") { return "SSH" }
        if text.hasPrefix("220 ") || text.hasPrefix("220-") { return "SMTP/FTP greeting" }
        if text.hasPrefix("* OK") { return "IMAP" }
        if text.hasPrefix("+OK") { return "POP3" }
        return nil
    }

    static func hexPrefix(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = "bytes "
        for byte in bytes.prefix(16) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}
