// The Throttled table: recent requests refused because RATE_LIMIT_MAX_SIMULTANEOUS_JOBS
// tasks were unfinished, newest last. At most maxRows rows; the oldest go first.
#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>

#include <functional>

namespace hookme::monitorapp {

class ThrottledRequestModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Request, Cap, RetryAfter, ColumnCount };
    enum Role { SortRole = Qt::UserRole };

    static constexpr int maxRows = 500;

    explicit ThrottledRequestModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void reset(const QList<hookme::monitor::ThrottledRequest> &requests);
    void append(const hookme::monitor::ThrottledRequest &request);
    QList<hookme::monitor::ThrottledRequest> requests() const { return m_requests; }

    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

private:
    QList<hookme::monitor::ThrottledRequest> m_requests;
    std::function<qint64()> m_clock;
};

} // namespace hookme::monitorapp
