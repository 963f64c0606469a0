import Glibc

/// Dropping root once the capture device is open, as `tcpdump -Z` does.
public enum Privileges {
    /// Switches the process to `user`'s user id, group id and supplementary groups.
    /// Throws when the user does not exist or the switch fails; does nothing when the
    /// process already runs as that user.
    public static func drop(to user: String) throws(CaptureError) {
        guard let entry = getpwnam(user) else {
            throw CaptureError(
                code: .invalidArgument, subject: user, message: "no such user",
                remedy: "name an existing user, e.g. -Z nobody",
                description: "-Z \(user): no such user")
        }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        if getuid() == uid && geteuid() == uid { return }
        guard initgroups(user, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            let reason = String(cString: strerror(errno))
            throw CaptureError(
                code: .permissionDenied, subject: user, message: reason,
                remedy: "run as root to switch users with -Z",
                description: "-Z \(user): cannot switch to that user (\(reason))")
        }
        // A process that could get root back has not dropped it.
        guard setuid(0) != 0 || uid == 0 else {
            throw CaptureError(
                code: .permissionDenied, subject: user, message: "root could be regained",
                remedy: "report this: the switch to the user did not stick",
                description: "-Z \(user): privileges were not dropped")
        }
    }
}
