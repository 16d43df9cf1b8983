// The chart of the last hour: accepted, delivered, failed and throttled requests per minute.
#pragma once

#include "monitorprotocol.h"

#include <QChartView>

class QChart;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace hookme::monitorapp {

class ActivityChart : public QChartView
{
    Q_OBJECT

public:
    explicit ActivityChart(QWidget *parent = nullptr);

    void setHistory(const hookme::monitor::ActivityHistory &history);

    // The points of one series ("accepted", "delivered", "failed", "throttled"), for tests.
    QList<QPointF> points(const QString &series) const;

private:
    static QLineSeries *addSeries(QChart *chart, const QString &name, const QColor &color,
                                  Qt::PenStyle style);

    QLineSeries *m_accepted;
    QLineSeries *m_delivered;
    QLineSeries *m_failed;
    QLineSeries *m_throttled;
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_countAxis;
};

} // namespace hookme::monitorapp
