#include "tasktablemodel.h"

#include "displaytext.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

namespace {

QColor stateColor(TaskState state)
{
    switch (state) {
    case TaskState::Scheduled:
        return QColor(0x44, 0x55, 0x66);
    case TaskState::Running:
        return QColor(0x1f, 0x5f, 0xbf);
    case TaskState::Retrying:
        return QColor(0xb0, 0x60, 0x00);
    case TaskState::Delivered:
        return QColor(0x1e, 0x7b, 0x34);
    case TaskState::Failed:
        return QColor(0xc0, 0x1c, 0x28);
    case TaskState::Cancelled:
        return QColor(0x6a, 0x6a, 0x6a);
    }
    return {};
}

QString reasonText(const TaskInfo &task)
{
    switch (task.state) {
    case TaskState::Delivered:
        return u"delivered"_s;
    case TaskState::Cancelled:
        return task.lastError.isEmpty() ? u"cancelled"_s
                                        : u"cancelled; last error: %1"_s.arg(task.lastError);
    default:
        return task.lastError;
    }
}

} // namespace

TaskTableModel::TaskTableModel(QObject *parent)
    : QAbstractTableModel(parent), m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
    m_ticker.setInterval(1'000);
    connect(&m_ticker, &QTimer::timeout, this, &TaskTableModel::tick);
    m_ticker.start();
}

int TaskTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tasks.size());
}

int TaskTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_tasks.size())
        return {};
    const TaskInfo &task = m_tasks.at(index.row());
    const qint64 nowMs = now();

    switch (role) {
    case TaskIdRole:
        return task.id;
    case StateRole:
        return int(task.state);
    case Qt::ForegroundRole:
        if (index.column() == State)
            return QBrush(stateColor(task.state));
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Reason:
            return task.lastError.isEmpty() ? QVariant() : QVariant(task.lastError);
        case NextRun:
            return task.nextRunAtMs ? QVariant(timestampText(*task.nextRunAtMs)) : QVariant();
        case Created:
            return timestampText(task.createdAtMs);
        case Finished:
            return task.finishedAtMs ? QVariant(timestampText(*task.finishedAtMs)) : QVariant();
        default:
            return {};
        }
    case SortRole:
        switch (index.column()) {
        case State:
            return int(task.state);
        case NextRun:
            if (task.state == TaskState::Running)
                return qint64(0);
            return task.nextRunAtMs.value_or(std::numeric_limits<qint64>::max());
        case Attempt:
            return task.attemptsMade;
        case Created:
            return task.createdAtMs;
        case Finished:
            return task.finishedAtMs.value_or(0);
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case Repository:
            return repositoryText(task.owner, task.repository);
        case State:
            if (task.waitingUntilMs && *task.waitingUntilMs > nowMs)
                return u"%1, rate limited"_s.arg(toString(task.state));
            return toString(task.state);
        case NextRun:
            if (task.state == TaskState::Running)
                return u"running now"_s;
            if (isFinished(task.state) || !task.nextRunAtMs)
                return QString();
            if (task.waitingUntilMs && *task.waitingUntilMs > *task.nextRunAtMs)
                return countdownText(*task.waitingUntilMs, nowMs) + u" (GitHub rate limit)"_s;
            return countdownText(*task.nextRunAtMs, nowMs);
        case Attempt:
            return attemptText(task);
        case Created:
            return clockText(task.createdAtMs, nowMs);
        case Finished:
            return task.finishedAtMs ? clockText(*task.finishedAtMs, nowMs) : QString();
        case Reason:
            return reasonText(task);
        case Id:
            return task.id;
        }
        return {};
    default:
        return {};
    }
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Repository:
        return u"Repository"_s;
    case State:
        return u"State"_s;
    case NextRun:
        return u"Next run"_s;
    case Attempt:
        return u"Attempt"_s;
    case Created:
        return u"Accepted"_s;
    case Finished:
        return u"Finished"_s;
    case Reason:
        return u"Reason / last error"_s;
    case Id:
        return u"Task id"_s;
    }
    return {};
}

void TaskTableModel::reset(const QList<TaskInfo> &tasks)
{
    beginResetModel();
    m_tasks.clear();
    m_rows.clear();
    m_finishedCount = 0;
    for (const TaskInfo &task : tasks) {
        if (m_rows.contains(task.id))
            continue;
        m_rows.insert(task.id, int(m_tasks.size()));
        m_tasks.append(task);
        if (isFinished(task.state))
            ++m_finishedCount;
    }
    endResetModel();
    trimFinished();
}

void TaskTableModel::upsert(const TaskInfo &task)
{
    const int row = rowOf(task.id);
    if (row < 0) {
        beginInsertRows({}, int(m_tasks.size()), int(m_tasks.size()));
        m_rows.insert(task.id, int(m_tasks.size()));
        m_tasks.append(task);
        if (isFinished(task.state))
            ++m_finishedCount;
        endInsertRows();
        trimFinished();
        return;
    }

    TaskInfo &existing = m_tasks[row];
    m_finishedCount += int(isFinished(task.state)) - int(isFinished(existing.state));
    // A rate-limit wait announced on its own stays until the task moves on.
    const std::optional<qint64> waiting = existing.state == task.state && !task.waitingUntilMs
            ? existing.waitingUntilMs
            : task.waitingUntilMs;
    existing = task;
    existing.waitingUntilMs = waiting;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
    trimFinished();
}

void TaskTableModel::setWaitingUntil(const QString &taskId, qint64 waitingUntilMs)
{
    const int row = rowOf(taskId);
    if (row < 0)
        return;
    m_tasks[row].waitingUntilMs = waitingUntilMs;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

std::optional<TaskInfo> TaskTableModel::task(const QString &taskId) const
{
    const int row = rowOf(taskId);
    return row < 0 ? std::nullopt : std::optional<TaskInfo>(m_tasks.at(row));
}

void TaskTableModel::setClock(std::function<qint64()> clock)
{
    m_clock = std::move(clock);
    tick();
}

void TaskTableModel::tick()
{
    if (m_tasks.isEmpty())
        return;
    emit dataChanged(index(0, State), index(int(m_tasks.size()) - 1, NextRun),
                     { Qt::DisplayRole, SortRole });
}

void TaskTableModel::trimFinished()
{
    // Trim in steps, not one row at a time, so a busy service does not trim on every event.
    if (m_finishedCount <= maxFinishedRows + maxFinishedRows / 10)
        return;

    QList<int> finishedRows;
    for (int row = 0; row < m_tasks.size(); ++row) {
        if (isFinished(m_tasks.at(row).state))
            finishedRows.append(row);
    }
    std::sort(finishedRows.begin(), finishedRows.end(), [this](int a, int b) {
        return m_tasks.at(a).finishedAtMs.value_or(0) < m_tasks.at(b).finishedAtMs.value_or(0);
    });
    QList<int> doomed = finishedRows.first(finishedRows.size() - maxFinishedRows);
    std::sort(doomed.begin(), doomed.end(), std::greater<int>());

    for (const int row : doomed) {
        beginRemoveRows({}, row, row);
        m_tasks.removeAt(row);
        endRemoveRows();
    }
    m_finishedCount = maxFinishedRows;
    m_rows.clear();
    for (int row = 0; row < m_tasks.size(); ++row)
        m_rows.insert(m_tasks.at(row).id, row);
}

} // namespace hookme::monitorapp
