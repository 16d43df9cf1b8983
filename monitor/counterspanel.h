// The counters across the top of the monitor window: active, deduplicated, throttled,
// delivered and failed, and GitHub's quota once the service has reported it.
#pragma once

#include "monitorprotocol.h"

#include <QWidget>

class QLabel;

namespace hookme::monitorapp {

class CountersPanel : public QWidget
{
    Q_OBJECT

public:
    explicit CountersPanel(QWidget *parent = nullptr);

    void setCounters(const hookme::monitor::Counters &counters);
    // Hidden while there is none.
    void setRateLimit(const std::optional<hookme::monitor::RateLimit> &rateLimit, qint64 nowMs);

    // What each number shows, for tests: "active", "deduplicated", ..., and "quota".
    QString text(const QString &name) const;

private:
    QLabel *addTile(const QString &name, const QString &caption, const QString &tip,
                    const QString &color);

    QLabel *m_active;
    QLabel *m_deduplicated;
    QLabel *m_throttled;
    QLabel *m_delivered;
    QLabel *m_failed;
    QLabel *m_quota;
};

} // namespace hookme::monitorapp
