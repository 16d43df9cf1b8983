#include "datadirlock.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace hookme {

DataDirLock::~DataDirLock()
{
    if (m_fd >= 0)
        ::close(m_fd);  // releases the lock
}

bool DataDirLock::tryLock(const QString &dataDir)
{
    const QString path = QDir(dataDir).absoluteFilePath(u"hookme.lock"_s);
    m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        m_error = u"cannot create %1: %2"_s.arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        m_error = errno == EWOULDBLOCK
                ? u"another hookme process is using %1"_s.arg(QDir(dataDir).absolutePath())
                : u"cannot lock %1: %2"_s.arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        ::close(m_fd);
        m_fd = -1;
        return false;
    }
    return true;
}

} // namespace hookme
