#include "foldedrequestmodel.h"

#include "displaytext.h"

#include <QDateTime>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

FoldedRequestModel::FoldedRequestModel(QObject *parent)
    : QAbstractTableModel(parent), m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

int FoldedRequestModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_requests.size());
}

int FoldedRequestModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FoldedRequestModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_requests.size())
        return {};
    const FoldedRequest &request = m_requests.at(index.row());

    switch (role) {
    case TaskIdRole:
        return request.task.id;
    case Qt::ToolTipRole:
        return index.column() == Time ? QVariant(timestampText(request.atMs)) : QVariant();
    case SortRole:
        if (index.column() == Time)
            return request.atMs;
        if (index.column() == Folded)
            return m_counts.value(request.task.id);
        return data(index, Qt::DisplayRole);
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return clockText(request.atMs, m_clock());
        case Request:
            return repositoryText(request.owner, request.repository);
        case FoldedInto:
            return repositoryText(request.task.owner, request.task.repository);
        case StateThen:
            return toString(request.task.state);
        case Folded:
            return m_counts.value(request.task.id);
        case TaskId:
            return request.task.id;
        }
        return {};
    default:
        return {};
    }
}

QVariant FoldedRequestModel::headerData(int section, Qt::Orientation orientation,
                                        int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return u"Time"_s;
    case Request:
        return u"Request"_s;
    case FoldedInto:
        return u"Folded into"_s;
    case StateThen:
        return u"Task state then"_s;
    case Folded:
        return u"Folded into the task"_s;
    case TaskId:
        return u"Task id"_s;
    }
    return {};
}

void FoldedRequestModel::reset(const QList<FoldedRequest> &requests)
{
    beginResetModel();
    m_requests = requests.mid(std::max<qsizetype>(0, requests.size() - maxRows));
    m_counts.clear();
    for (const FoldedRequest &request : std::as_const(m_requests))
        ++m_counts[request.task.id];
    endResetModel();
}

void FoldedRequestModel::append(const FoldedRequest &request)
{
    if (m_requests.size() >= maxRows) {
        beginRemoveRows({}, 0, 0);
        const QString oldest = m_requests.takeFirst().task.id;
        if (--m_counts[oldest] == 0)
            m_counts.remove(oldest);
        endRemoveRows();
    }
    beginInsertRows({}, int(m_requests.size()), int(m_requests.size()));
    m_requests.append(request);
    ++m_counts[request.task.id];
    endInsertRows();
    countsChanged();
}

QList<FoldedRequest> FoldedRequestModel::requestsFor(const QString &taskId) const
{
    QList<FoldedRequest> requests;
    for (const FoldedRequest &request : m_requests) {
        if (request.task.id == taskId)
            requests.append(request);
    }
    return requests;
}

void FoldedRequestModel::countsChanged()
{
    if (!m_requests.isEmpty())
        emit dataChanged(index(0, Folded), index(int(m_requests.size()) - 1, Folded));
}

} // namespace hookme::monitorapp
