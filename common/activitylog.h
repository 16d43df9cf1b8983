// Requests per minute over the last hour, as the monitor's chart shows them: accepted,
// delivered, failed and throttled. The service keeps one to put in snapshots; the monitor
// keeps one that starts from the snapshot and counts the events that follow.
//
// Guarantees: memory is bounded (one entry per minute that saw something, within the window
// of the newest minute counted); history() always has exactly `minutes` entries per series.
#pragma once

#include "monitorprotocol.h"

#include <QMap>

#include <array>

namespace hookme::monitor {

class ActivityLog
{
public:
    enum class Series { Accepted, Delivered, Failed, Throttled };

    static constexpr int minutes = 60;
    static constexpr qint64 minuteMs = 60'000;

    void add(Series series, qint64 atMs, int count = 1);
    // The `minutes` minutes that end with the one holding `nowMs`.
    ActivityHistory history(qint64 nowMs) const;
    // Replaces everything with `history`.
    void reset(const ActivityHistory &history);
    void clear() { m_counts.clear(); }

    static qint64 minuteOf(qint64 ms);

private:
    QMap<qint64, std::array<int, 4>> m_counts;  // minute start -> count per series
};

} // namespace hookme::monitor
