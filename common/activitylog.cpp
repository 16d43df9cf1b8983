#include "activitylog.h"

namespace hookme::monitor {

qint64 ActivityLog::minuteOf(qint64 ms)
{
    // Rounds down for times before 1970 too.
    return (ms >= 0 ? ms / minuteMs : (ms - minuteMs + 1) / minuteMs) * minuteMs;
}

void ActivityLog::add(Series series, qint64 atMs, int count)
{
    const qint64 minute = minuteOf(atMs);
    m_counts[minute][size_t(series)] += count;

    // Forget what fell out of the window of the newest minute.
    const qint64 oldest = m_counts.lastKey() - (minutes - 1) * minuteMs;
    while (!m_counts.isEmpty() && m_counts.firstKey() < oldest)
        m_counts.erase(m_counts.begin());
}

ActivityHistory ActivityLog::history(qint64 nowMs) const
{
    ActivityHistory history;
    history.firstMinuteMs = minuteOf(nowMs) - (minutes - 1) * minuteMs;
    for (int i = 0; i < minutes; ++i) {
        const std::array<int, 4> counts =
                m_counts.value(history.firstMinuteMs + i * minuteMs, std::array<int, 4> {});
        history.accepted.append(counts[size_t(Series::Accepted)]);
        history.delivered.append(counts[size_t(Series::Delivered)]);
        history.failed.append(counts[size_t(Series::Failed)]);
        history.throttled.append(counts[size_t(Series::Throttled)]);
    }
    return history;
}

void ActivityLog::reset(const ActivityHistory &history)
{
    m_counts.clear();
    const QList<int> *series[] = { &history.accepted, &history.delivered, &history.failed,
                                   &history.throttled };
    for (size_t s = 0; s < std::size(series); ++s) {
        for (qsizetype i = 0; i < series[s]->size(); ++i) {
            if (series[s]->at(i) > 0)
                add(Series(s), history.firstMinuteMs + i * minuteMs, series[s]->at(i));
        }
    }
}

} // namespace hookme::monitor
