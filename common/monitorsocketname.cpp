#include "monitorsocketname.h"

#include <QCryptographicHash>
#include <QDir>

using namespace Qt::StringLiterals;

namespace hookme::monitor {

QString socketPath(const QString &name)
{
    if (name.startsWith(u'/'))
        return name;
    return QDir::cleanPath(QDir::tempPath()) + u'/' + name;
}

QString defaultSocketName(const QString &dataDir)
{
    const QString directory = QDir(dataDir).absolutePath();
    const QString inDataDir = QDir(directory).filePath(u"monitor.sock"_s);
    if (inDataDir.toUtf8().size() <= maxSocketPathBytes)
        return inDataDir;

    const QByteArray hash = QCryptographicHash::hash(directory.toUtf8(),
                                                     QCryptographicHash::Sha256);
    return u"hookme-monitor-%1.sock"_s.arg(QString::fromLatin1(hash.toHex().left(16)));
}

QString socketNameProblem(const QString &name)
{
    if (name.isEmpty())
        return u"must not be empty"_s;
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control)
            return u"must not contain control characters"_s;
    }
    if (name.endsWith(u'/'))
        return u"must name a socket file, not a directory"_s;
    const qsizetype length = socketPath(name).toUtf8().size();
    if (length > maxSocketPathBytes) {
        return u"is too long for a local socket: its path has %1 bytes, at most %2 fit"_s
                .arg(length)
                .arg(maxSocketPathBytes);
    }
    return {};
}

} // namespace hookme::monitor
