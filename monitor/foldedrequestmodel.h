// The Deduplicated table: recent requests that were folded into an unfinished task for the
// same repository, newest last, with how many of the rows were folded into each task.
//
// Guarantees: at most maxRows rows (the oldest go first); the Folded column of every row of a
// task always equals that task's number of rows here.
#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>
#include <QHash>

#include <functional>

namespace hookme::monitorapp {

class FoldedRequestModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Request, FoldedInto, StateThen, Folded, TaskId, ColumnCount };
    enum Role { SortRole = Qt::UserRole, TaskIdRole };

    static constexpr int maxRows = 500;

    explicit FoldedRequestModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void reset(const QList<hookme::monitor::FoldedRequest> &requests);
    void append(const hookme::monitor::FoldedRequest &request);

    const hookme::monitor::FoldedRequest &requestAt(int row) const { return m_requests.at(row); }
    // The rows of one task, oldest first.
    QList<hookme::monitor::FoldedRequest> requestsFor(const QString &taskId) const;
    int foldedCount(const QString &taskId) const { return m_counts.value(taskId); }

    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }

private:
    void countsChanged();

    QList<hookme::monitor::FoldedRequest> m_requests;
    QHash<QString, int> m_counts;  // task id -> rows
    std::function<qint64()> m_clock;
};

} // namespace hookme::monitorapp
