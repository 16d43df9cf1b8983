// The name of the service's monitor socket (MONITOR_SOCKET), shared by the service and the
// monitor so that both arrive at the same default for a data directory.
//
// A name that starts with '/' is the socket file's path; any other name is a file in the
// temporary directory (QDir::tempPath()), which is where QLocalServer and QLocalSocket put it.
#pragma once

#include <QString>

namespace hookme::monitor {

// A Unix socket's path must fit sockaddr_un (108 bytes on Linux); QLocalServer needs room
// for a temporary name next to it, so hookme keeps paths shorter still.
inline constexpr qsizetype maxSocketPathBytes = 100;

// The socket file that `name` stands for.
QString socketPath(const QString &name);

// The default for a data directory: "monitor.sock" inside it, as an absolute path. When that
// path is too long for a socket: "hookme-monitor-<hash of the directory's path>.sock" in the
// temporary directory, which is still one name per data directory.
QString defaultSocketName(const QString &dataDir);

// Why `name` cannot name a monitor socket, as the end of a sentence that starts with the
// setting's name ("must not be empty"); an empty string when it can.
QString socketNameProblem(const QString &name);

} // namespace hookme::monitor
