#include "displaytext.h"

#include <QDateTime>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace hookme::monitorapp {

QString clockText(qint64 ms, qint64 nowMs)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms);
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs);
    if (time.date() == now.date())
        return time.toString(u"HH:mm:ss"_s);
    return QLocale::c().toString(time, u"MMM d HH:mm:ss"_s);
}

QString countdownText(qint64 targetMs, qint64 nowMs)
{
    const qint64 left = targetMs - nowMs;
    if (left <= 0)
        return u"due now"_s;
    // Rounded up: "in 1 s" until it is due, never "in 0 s".
    const qint64 seconds = (left + 999) / 1000;
    if (seconds < 60)
        return u"in %1 s"_s.arg(seconds);
    return u"in "_s + durationText(seconds * 1000);
}

QString durationText(qint64 ms)
{
    if (ms < 1'000)
        return u"%1 ms"_s.arg(ms);
    if (ms < 10'000)
        return u"%1 s"_s.arg(QLocale::c().toString(double(ms) / 1000.0, 'f', 1));
    const qint64 seconds = ms / 1000;
    if (seconds < 60)
        return u"%1 s"_s.arg(seconds);
    if (seconds < 3600)
        return u"%1 min %2 s"_s.arg(seconds / 60).arg(seconds % 60, 2, 10, QChar(u'0'));
    const qint64 hours = seconds / 3600;
    if (hours < 48)
        return u"%1 h %2 min"_s.arg(hours).arg((seconds % 3600) / 60, 2, 10, QChar(u'0'));
    return u"%1 days"_s.arg(hours / 24);
}

QString repositoryText(const QString &owner, const QString &repository)
{
    return owner + u'/' + repository;
}

QString attemptText(const hookme::monitor::TaskInfo &task)
{
    if (isFinished(task.state))
        return task.attemptsMade == 1 ? u"1 attempt"_s : u"%1 attempts"_s.arg(task.attemptsMade);
    // An operator's retry gives a task one attempt past its usual limit.
    const int next = task.attemptsMade + 1;
    return u"attempt %1 of %2"_s.arg(next).arg(std::max(next, task.maxAttempts));
}

} // namespace hookme::monitorapp
