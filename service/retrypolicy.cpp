#include "retrypolicy.h"

#include <QDateTime>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace hookme {

namespace {

constexpr double jitterSpread = 0.2;

} // namespace

RetryPolicy::RetryPolicy(const Settings &settings)
    : m_backoff(settings.retryBackoff),
      m_intervalMs(settings.rescheduleIntervalMs),
      m_maxIntervalMs(settings.retryMaxIntervalMs)
{
}

qint64 RetryPolicy::delayMs(int failures, double jitter,
                            std::optional<qint64> retryAfterMs) const
{
    qint64 delay = m_intervalMs;
    if (m_backoff == RetryBackoff::Exponential) {
        // Doubled in floating point and capped before it can overflow: 2^60 ms is forever.
        const int exponent = std::clamp(failures - 1, 0, 60);
        const double grown = double(m_intervalMs) * std::ldexp(1.0, exponent);
        const double jittered = grown * (1.0 - jitterSpread + 2 * jitterSpread
                                                 * std::clamp(jitter, 0.0, 1.0));
        delay = qint64(std::min(jittered, double(m_maxIntervalMs)));
    }

    if (retryAfterMs)
        delay = std::max(delay, std::min(*retryAfterMs, m_maxIntervalMs));
    return delay;
}

std::optional<qint64> RetryPolicy::parseRetryAfter(const QByteArray &value, qint64 nowMs)
{
    const QString text = QString::fromLatin1(value.trimmed());

    static const QRegularExpression seconds(u"^\\d{1,12}$"_s);
    if (seconds.match(text).hasMatch())
        return text.toLongLong() * 1000;

    static const QRegularExpression imfFixdate(
            u"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) "
            "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\\d{4}) "
            "(\\d{2}):(\\d{2}):(\\d{2}) GMT$"_s);
    const QRegularExpressionMatch match = imfFixdate.match(text);
    if (!match.hasMatch())
        return std::nullopt;

    static const QStringList months { u"Jan"_s, u"Feb"_s, u"Mar"_s, u"Apr"_s, u"May"_s,
                                      u"Jun"_s, u"Jul"_s, u"Aug"_s, u"Sep"_s, u"Oct"_s,
                                      u"Nov"_s, u"Dec"_s };
    const QDate date(match.captured(3).toInt(), int(months.indexOf(match.captured(2))) + 1,
                     match.captured(1).toInt());
    const QTime time(match.captured(4).toInt(), match.captured(5).toInt(),
                     match.captured(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    const qint64 atMs = QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch();
    return std::max(atMs - nowMs, qint64(0));
}

} // namespace hookme
