import Glibc

/// Checks made before handing a path to libpcap, so that a missing, unreadable, empty
/// or compressed file gets a precise message instead of libpcap's generic one.
enum FileChecks {
    /// Throws when `path` is not an existing, readable, non-empty regular file.
    /// `-` (standard input, as for tcpdump) passes unchecked.
    static func checkReadable(_ path: String) throws(CaptureError) {
        if path == "-" { return }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw CaptureError.fileNotFound(path) }
            if code == EACCES { throw CaptureError.fileNotReadable(path, message: systemMessage(code)) }
            throw CaptureError(
                code: .openFailed, subject: path, message: systemMessage(code),
                remedy: "check the path", description: "\(path): cannot open (\(systemMessage(code)))")
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            // A FIFO is fine: `tcpdump -w fifo` and process substitution give one.
            if kind == S_IFIFO { return }
            throw CaptureError.notAFile(path, isDirectory: kind == S_IFDIR)
        }
        guard access(path, R_OK) == 0 else {
            throw CaptureError.fileNotReadable(path, message: systemMessage(errno))
        }
        guard info.st_size > 0 else { throw CaptureError.emptyFile(path) }
    }

    /// Whether the file starts with a gzip, xz, zstd or bzip2 magic number (libpcap 1.10
    /// reads none of them).
    static func looksCompressed(_ path: String) -> Bool {
        guard let file = fopen(path, "rb") else { return false }
        defer { fclose(file) }
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { buffer in
            fread(buffer.baseAddress, 1, buffer.count, file)
        }
        guard count >= 3 else { return false }
        switch (magic.0, magic.1, magic.2, magic.3) {
        case (0x1f, 0x8b, _, _): return true  // gzip
        case (0xfd, 0x37, 0x7a, 0x58): return true  // xz
        case (0x28, 0xb5, 0x2f, 0xfd): return true  // zstd
        case (0x42, 0x5a, 0x68, _): return true  // bzip2
        default: return false
        }
    }

    /// strerror's text for an errno value.
    static func systemMessage(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
