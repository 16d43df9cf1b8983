// Keeps a second hookme process off a data directory: two processes on one SQLite file would
// run the same tasks twice.
//
// The lock is an flock() on DATA_DIR/hookme.lock. The kernel releases it when the process
// ends, however it ends, so a crash never leaves a stale lock behind (a PID written into a
// file would: in a container, the restarted process often has the dead one's PID).
#pragma once

#include <QString>

namespace hookme {

class DataDirLock
{
public:
    DataDirLock() = default;
    ~DataDirLock();
    DataDirLock(const DataDirLock &) = delete;
    DataDirLock &operator=(const DataDirLock &) = delete;

    // False, with errorString() set, when the directory is in use or the file can't be made.
    bool tryLock(const QString &dataDir);
    QString errorString() const { return m_error; }

private:
    int m_fd = -1;
    QString m_error;
};

} // namespace hookme
