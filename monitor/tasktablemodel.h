// Every task the monitor knows, one row each, for the Active and Finished tables (each a
// TaskFilterProxyModel over this model) and the detail pane.
//
// Guarantees: one row per task id; upsert() replaces a task in place, so views keep their
// selection; the Next run column counts down once a second by itself; finished tasks are kept
// up to maxFinishedRows (the oldest finished go first), unfinished ones all.
#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QTimer>

#include <functional>

namespace hookme::monitorapp {

class TaskTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Repository, State, NextRun, Attempt, Created, Finished, Id, Reason, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole,  // numbers and times as numbers, for sorting
        TaskIdRole,
        StateRole,  // the TaskState, as an int
    };

    static constexpr int maxFinishedRows = 2000;

    explicit TaskTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void reset(const QList<hookme::monitor::TaskInfo> &tasks);
    void upsert(const hookme::monitor::TaskInfo &task);
    void setWaitingUntil(const QString &taskId, qint64 waitingUntilMs);

    std::optional<hookme::monitor::TaskInfo> task(const QString &taskId) const;
    int rowOf(const QString &taskId) const { return m_rows.value(taskId, -1); }
    const hookme::monitor::TaskInfo &taskAt(int row) const { return m_tasks.at(row); }

    // The clock the countdowns use; tests set one, so that texts are exact.
    void setClock(std::function<qint64()> clock);
    qint64 now() const { return m_clock(); }

private:
    void tick();
    void trimFinished();

    QList<hookme::monitor::TaskInfo> m_tasks;
    QHash<QString, int> m_rows;  // task id -> row
    qsizetype m_finishedCount = 0;
    std::function<qint64()> m_clock;
    QTimer m_ticker;
};

} // namespace hookme::monitorapp
