#include "throttledrequestmodel.h"

#include "displaytext.h"

#include <QDateTime>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

ThrottledRequestModel::ThrottledRequestModel(QObject *parent)
    : QAbstractTableModel(parent), m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

int ThrottledRequestModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_requests.size());
}

int ThrottledRequestModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ThrottledRequestModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_requests.size())
        return {};
    const ThrottledRequest &request = m_requests.at(index.row());

    switch (role) {
    case Qt::ToolTipRole:
        return index.column() == Time ? QVariant(timestampText(request.atMs)) : QVariant();
    case SortRole:
        switch (index.column()) {
        case Time:
            return request.atMs;
        case Cap:
            return request.cap;
        case RetryAfter:
            return request.retryAfterSeconds;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            return clockText(request.atMs, m_clock());
        case Request:
            return repositoryText(request.owner, request.repository);
        case Cap:
            return u"%1 unfinished tasks"_s.arg(request.cap);
        case RetryAfter:
            return u"%1 s"_s.arg(request.retryAfterSeconds);
        }
        return {};
    default:
        return {};
    }
}

QVariant ThrottledRequestModel::headerData(int section, Qt::Orientation orientation,
                                           int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return u"Time"_s;
    case Request:
        return u"Refused request"_s;
    case Cap:
        return u"Cap"_s;
    case RetryAfter:
        return u"Retry-After"_s;
    }
    return {};
}

void ThrottledRequestModel::reset(const QList<ThrottledRequest> &requests)
{
    beginResetModel();
    m_requests = requests.mid(std::max<qsizetype>(0, requests.size() - maxRows));
    endResetModel();
}

void ThrottledRequestModel::append(const ThrottledRequest &request)
{
    if (m_requests.size() >= maxRows) {
        beginRemoveRows({}, 0, 0);
        m_requests.removeFirst();
        endRemoveRows();
    }
    beginInsertRows({}, int(m_requests.size()), int(m_requests.size()));
    m_requests.append(request);
    endInsertRows();
}

} // namespace hookme::monitorapp
