#include "activitychart.h"

#include "activitylog.h"

#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QLegend>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

ActivityChart::ActivityChart(QWidget *parent) : QChartView(parent)
{
    auto *chart = new QChart;
    chart->setTitle(u"Requests per minute, last hour"_s);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);

    // Series first, axes after: a QDateTimeAxis added before its series draws no labels in
    // Qt Charts 6.4.
    m_accepted = addSeries(chart, u"accepted"_s, QColor(0x1f, 0x5f, 0xbf), Qt::SolidLine);
    m_delivered = addSeries(chart, u"delivered"_s, QColor(0x1e, 0x7b, 0x34), Qt::SolidLine);
    m_failed = addSeries(chart, u"failed"_s, QColor(0xc0, 0x1c, 0x28), Qt::SolidLine);
    // Dashed, so that it does not hide a series with the same counts under it.
    m_throttled = addSeries(chart, u"throttled"_s, QColor(0xb0, 0x60, 0x00), Qt::DashLine);

    m_timeAxis = new QDateTimeAxis;
    m_timeAxis->setFormat(u"HH:mm"_s);
    m_timeAxis->setTickCount(7);
    chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_countAxis = new QValueAxis;
    m_countAxis->setLabelFormat(u"%d"_s);
    chart->addAxis(m_countAxis, Qt::AlignLeft);
    for (QLineSeries *series : { m_accepted, m_delivered, m_failed, m_throttled }) {
        series->attachAxis(m_timeAxis);
        series->attachAxis(m_countAxis);
    }

    setChart(chart);  // the view owns the chart from here
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);
    setHistory(ActivityLog().history(QDateTime::currentMSecsSinceEpoch()));
}

QLineSeries *ActivityChart::addSeries(QChart *chart, const QString &name, const QColor &color,
                                      Qt::PenStyle style)
{
    auto *series = new QLineSeries;
    series->setName(name);
    series->setPen(QPen(color, 2, style));
    chart->addSeries(series);
    return series;
}

void ActivityChart::setHistory(const ActivityHistory &history)
{
    const QList<int> *counts[] = { &history.accepted, &history.delivered, &history.failed,
                                   &history.throttled };
    QLineSeries *series[] = { m_accepted, m_delivered, m_failed, m_throttled };
    int highest = 0;
    for (size_t s = 0; s < std::size(series); ++s) {
        QList<QPointF> points;
        for (qsizetype i = 0; i < counts[s]->size(); ++i) {
            const qint64 minute = history.firstMinuteMs + i * ActivityLog::minuteMs;
            points.append(QPointF(qreal(minute), counts[s]->at(i)));
            highest = std::max(highest, counts[s]->at(i));
        }
        series[s]->replace(points);
    }

    // A whole hour, so that the 7 ticks fall 10 minutes apart; the current minute is last.
    m_timeAxis->setRange(QDateTime::fromMSecsSinceEpoch(history.firstMinuteMs),
                         QDateTime::fromMSecsSinceEpoch(history.firstMinuteMs
                                                        + ActivityLog::minutes
                                                                * ActivityLog::minuteMs));
    // Whole numbers on the axis: a top that the tick count divides.
    const int top = std::max(4, ((highest + 4) / 4) * 4);
    m_countAxis->setRange(0, top);
    m_countAxis->setTickCount(5);
}

QList<QPointF> ActivityChart::points(const QString &series) const
{
    for (QLineSeries *line : { m_accepted, m_delivered, m_failed, m_throttled }) {
        if (line->name() == series)
            return line->points();
    }
    return {};
}

} // namespace hookme::monitorapp
